// SPDX-License-Identifier: MIT
/*
 * fuzz_probe_answer.c - the parts of service detection that read a server's bytes
 * outside the classifiers (fuzz_banner has those): every probe's complete() (it decides
 * when to stop reading, on every answer of every probe in the table), the line check,
 * the Telnet option negotiator and the S7 SZL record reader of the S7 follow-up.
 *
 * Checks: complete() gives the same answer twice and never reads past the answer's
 * terminating NUL (the engine's buffers hold n + 1 bytes); the negotiator answers with
 * whole IAC triplets that agree only to SGA (DO) and ECHO/SGA (WILL), read back from a
 * socketpair; the SZL reader leaves product and version NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/probe_impl.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { IAC = 255, WILL = 251, WONT = 252, DO = 253, DONT = 254, OPT_ECHO = 1, OPT_SGA = 3 };

/* What pli_telnet_negotiate wrote for d: only whole refusals or the two agreements. */
static void
check_negotiation(int fd, const unsigned char *d, size_t n)
{
	unsigned char reply[512];
	ssize_t got = recv(fd, reply, sizeof(reply), MSG_DONTWAIT);
	int asked = 0;

	for (size_t i = 0; i + 2 < n; i++)
		if (d[i] == IAC && d[i + 1] >= WILL && d[i + 1] <= DONT)
			asked = 1;
	if (got < 0)
		got = 0;
	if ((got > 0) != asked || got % 3 != 0 || got > 256)
		abort();
	for (ssize_t i = 0; i < got; i += 3) {
		unsigned char verb = reply[i + 1], opt = reply[i + 2];

		if (reply[i] != IAC || verb < WILL || verb > DONT)
			abort();
		if (verb == WILL && opt != OPT_SGA)
			abort();
		if (verb == DO && opt != OPT_ECHO && opt != OPT_SGA)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int sv[2] = {-1, -1};
	struct probe_conn c = {.fd = -1};
	struct pl_service svc;
	unsigned char *d;

	if (size > PL_PROBE_MAX_READ)
		return 0;
	if (sv[0] < 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	d = pli_memdup_nul(data, size); /* as the engine's answers: n bytes and a NUL */
	if (!d)
		return 0;
	for (size_t i = 0; i < pl_probe_table_count; i++) {
		const struct probe_def *p = pl_probe_table[i];

		if (p->complete && p->complete(d, size) != p->complete(d, size))
			abort();
	}
	if (pli_probe_line_complete(d, size) != (size && d[size - 1] == '\n'))
		abort();
	c.fd = sv[0];
	pli_telnet_negotiate(&c, d, size);
	check_negotiation(sv[1], d, size);
	pli_service_init(&svc);
	pli_s7_szl_records(d, size, &svc);
	if (!memchr(svc.product, '\0', sizeof(svc.product)) ||
	    !memchr(svc.version, '\0', sizeof(svc.version)))
		abort();
	free(d);
	return 0;
}
