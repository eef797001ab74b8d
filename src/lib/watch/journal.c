// SPDX-License-Identifier: MIT
/*
 * watch/journal.c - one journal entry in systemd's native protocol, written to the
 * journal's datagram socket (/run/systemd/journal/socket) without libsystemd: each
 * field is "KEY=value\n", or, when the value holds a newline, "KEY\n" followed by the
 * value's length as 64-bit little endian, the value and "\n". This is how watch gives
 * every event a stable MESSAGE_ID (journalctl MESSAGE_ID=...) and structured fields.
 * Entries larger than a datagram are not split (events are a few hundred bytes).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/buf.h"
#include "watch/watch_impl.h"

enum pl_rc
pl_journal_send(const char *path, const char *const *keys, const char *const *values, size_t n,
                struct pl_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct pl_buf b;
	enum pl_rc rc = PL_OK;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return pl_err_set(err, PL_ERR_ARG, "journal socket path too long");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	pli_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(values[i]);

		if (!memchr(values[i], '\n', len)) {
			pli_buf_printf(&b, "%s=%s\n", keys[i], values[i]);
			continue;
		}
		pli_buf_printf(&b, "%s\n", keys[i]);
		for (int k = 0; k < 8; k++)
			pli_buf_putc(&b, (char)(((uint64_t)len >> (8 * k)) & 0xff));
		pli_buf_append(&b, values[i], len);
		pli_buf_putc(&b, '\n');
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, b.data, b.len, MSG_NOSIGNAL, (const struct sockaddr *)&sa,
	                     sizeof(sa)) != (ssize_t)b.len)
		rc = pl_err_set(err, PL_ERR_IO, "journal %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	pli_buf_cleanup(&b);
	return rc;
}
