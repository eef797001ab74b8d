// SPDX-License-Identifier: MIT
/*
 * watch/log.c - the event log of `portlens watch`: JSON lines appended with O_APPEND
 * and made durable with fdatasync before the event is printed or sent anywhere. That is
 * what "committed" means: an event shown to the user, in the journal or at the webhook is in
 * this file first, so a kill -9 between two writes loses nothing that was announced,
 * and the webhook deliverer (webhook.c) reads its queue from here after a restart.
 *
 * On open, a last line without its newline (the process died inside write()) is cut
 * off, and the seq of the last complete line is returned so numbering continues.
 * Rotation (watch --log-max-mb, or SIGHUP after an outside rename) reopens the path;
 * numbering goes on from the last seq, and the webhook finishes the old file first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strnum.h"
#include "watch/watch_impl.h"

struct pl_watch_log {
	int fd;
};

/* The "seq" of a log line, or 0. */
static uint64_t
line_seq(const char *s, size_t n)
{
	const char *k = memmem(s, n, "\"seq\":", 6);
	uint64_t v = 0;

	if (!k)
		return 0;
	k += 6;
	while (k < s + n && *k >= '0' && *k <= '9' && v < UINT64_MAX / 10)
		v = v * 10 + (uint64_t)(*k++ - '0');
	return v;
}

/* Reads the tail of the file to find the last complete line; cuts a partial one. */
static enum pl_rc
recover(int fd, uint64_t *last_seq, struct pl_err *err)
{
	struct stat st;
	char buf[65536];
	off_t size, from;
	ssize_t got;
	size_t n, end, start;

	*last_seq = 0;
	if (fstat(fd, &st) != 0)
		return pl_err_set(err, PL_ERR_IO, "event log: %s", strerror(errno));
	size = st.st_size;
	if (size == 0)
		return PL_OK;
	from = size > (off_t)sizeof(buf) ? size - (off_t)sizeof(buf) : 0;
	got = pread(fd, buf, (size_t)(size - from), from);
	if (got < 0)
		return pl_err_set(err, PL_ERR_IO, "event log: %s", strerror(errno));
	n = (size_t)got;
	end = n;
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	if (end < n && ftruncate(fd, from + (off_t)end) != 0)
		return pl_err_set(err, PL_ERR_IO, "event log: cutting a partial line: %s",
		                  strerror(errno));
	if (end == 0)
		return PL_OK;
	start = end - 1;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	*last_seq = line_seq(buf + start, end - start);
	return PL_OK;
}

enum pl_rc
pl_watch_log_open(const char *path, struct pl_watch_log **out, uint64_t *last_seq,
                  struct pl_err *err)
{
	struct pl_watch_log *log;
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	enum pl_rc rc;

	*out = NULL;
	if (fd < 0)
		return pl_err_set(err, PL_ERR_IO, "event log %s: %s", path, strerror(errno));
	rc = recover(fd, last_seq, err);
	log = rc == PL_OK ? malloc(sizeof(*log)) : NULL;
	if (!log) {
		close(fd);
		return rc != PL_OK ? rc : pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	log->fd = fd;
	*out = log;
	return PL_OK;
}

enum pl_rc
pl_watch_log_append(struct pl_watch_log *log, const char *line, size_t len, struct pl_err *err)
{
	char *rec = malloc(len + 1);
	size_t off = 0;
	enum pl_rc rc = PL_OK;

	if (!rec)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	memcpy(rec, line, len);
	rec[len] = '\n';
	/* One write() for the whole line: O_APPEND keeps it in one piece at the end. */
	while (off < len + 1) {
		ssize_t w = write(log->fd, rec + off, len + 1 - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = pl_err_set(err, PL_ERR_IO, "event log: %s", strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	if (rc == PL_OK && fdatasync(log->fd) != 0)
		rc = pl_err_set(err, PL_ERR_IO, "event log: fdatasync: %s", strerror(errno));
	free(rec);
	return rc;
}

enum pl_rc
pl_watch_log_reopen(struct pl_watch_log *log, const char *path, struct pl_err *err)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return pl_err_set(err, PL_ERR_IO, "event log %s: %s", path, strerror(errno));
	close(log->fd);
	log->fd = fd;
	return PL_OK;
}

uint64_t
pl_watch_log_size(const struct pl_watch_log *log)
{
	struct stat st;

	return fstat(log->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

void
pl_watch_log_close(struct pl_watch_log *log)
{
	if (!log)
		return;
	close(log->fd);
	free(log);
}
