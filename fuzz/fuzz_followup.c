// SPDX-License-Identifier: MIT
/*
 * fuzz_followup.c - the text readers of the probes' follow-ups that talk to a server after
 * it was identified, on arbitrary answers: the FTP PASV reply (pli_ftp_pasv_port) and
 * LIST listing (pli_ftp_list_names) of the anonymous FTP check, and the rsync module
 * listing (pli_rsync_modules). The answer is NUL-terminated after its n bytes, as the
 * engine's buffers are; the first byte sizes the output buffers.
 *
 * Checks: outputs stay NUL-terminated within their buffers, at most 8 LIST names are
 * shown, each shown name is text of the listing, every module name is a prefix of a
 * line of the listing, and the PASV port is what the reply's last two numbers say.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_pasv(const unsigned char *d, size_t n)
{
	uint16_t port = pli_ftp_pasv_port(d, n);
	const char *p = memchr(d, '(', n);
	unsigned h[6];

	if (port == 0)
		return;
	if (!p || sscanf(p, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1], &h[2], &h[3], &h[4], &h[5]) != 6 ||
	    port != (uint16_t)(h[4] << 8 | h[5]))
		abort();
}

static void
check_list(const char *text, size_t cap)
{
	char names[256];
	size_t shown = pli_ftp_list_names(text, names, cap);

	if (shown > 8 || !memchr(names, '\0', cap))
		abort();
	if (shown == 0 && names[0] != '\0')
		abort();
	/* Each ", "-separated piece is text of the listing (names hold no ", " themselves
	 * only when the listing has none; check the whole string when it cannot be split). */
	if (!strstr(names, ", ") && names[0] && !strstr(text, names))
		abort();
}

static void
check_rsync(const char *text, size_t n, size_t cap)
{
	char names[4][64], list[256];
	size_t nmod = pli_rsync_modules(text, text + n, names, 4, list, cap);

	if (cap && !memchr(list, '\0', cap))
		abort();
	for (size_t i = 0; i < nmod && i < 4; i++) {
		if (!memchr(names[i], '\0', sizeof(names[i])) || names[i][0] == '@')
			abort();
		if (!memmem(text, n, names[i], strlen(names[i])))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *d;
	size_t n, cap;

	if (size < 1 || size > PL_PROBE_MAX_READ)
		return 0;
	n = size - 1;
	cap = 1 + data[0] % 255; /* 1..255 bytes of output */
	d = pli_memdup_nul(data + 1, n);
	if (!d)
		return 0;
	check_pasv(d, n);
	check_list((const char *)d, cap);
	check_rsync((const char *)d, n, cap);
	free(d);
	return 0;
}
