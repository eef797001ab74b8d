// SPDX-License-Identifier: MIT
/*
 * error.c - pl_strerror() and the struct pl_err setters (see portlens/error.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "portlens/error.h"

const char *
pl_strerror(enum pl_rc rc)
{
	static const char *const names[] = {
	    [PL_OK] = "success",
	    [PL_ERR_NOMEM] = "out of memory",
	    [PL_ERR_ARG] = "invalid argument",
	    [PL_ERR_PARSE] = "malformed input",
	    [PL_ERR_IO] = "input/output error",
	    [PL_ERR_NOTFOUND] = "not found",
	    [PL_ERR_PERM] = "permission denied",
	    [PL_ERR_UNSUPPORTED] = "not supported here",
	    [PL_ERR_TIMEOUT] = "timed out",
	    [PL_ERR_LIMIT] = "limit exceeded",
	    [PL_ERR_INTERRUPTED] = "interrupted",
	    [PL_ERR_SYS] = "system error",
	};
	if ((unsigned)rc < sizeof(names) / sizeof(names[0]) && names[rc])
		return names[rc];
	return "unknown error";
}

static void err_vformat(struct pl_err *err, enum pl_rc rc, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
err_vformat(struct pl_err *err, enum pl_rc rc, const char *fmt, va_list ap)
{
	int saved_errno = errno;

	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (err->msg[0] == '\0')
		snprintf(err->msg, sizeof(err->msg), "%s", pl_strerror(rc));
	err->sys_errno =
	    (rc == PL_ERR_IO || rc == PL_ERR_SYS || rc == PL_ERR_PERM) ? saved_errno : 0;
	errno = saved_errno;
}

enum pl_rc
pl_err_set(struct pl_err *err, enum pl_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return rc;
	err->source = NULL;
	err->line = 0;
	err->column = 0;
	va_start(ap, fmt);
	err_vformat(err, rc, fmt, ap);
	va_end(ap);
	return rc;
}

enum pl_rc
pl_err_set_at(struct pl_err *err, enum pl_rc rc, const char *source, unsigned line, unsigned column,
              const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return rc;
	err->source = source;
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	err_vformat(err, rc, fmt, ap);
	va_end(ap);
	return rc;
}

void
pl_err_clear(struct pl_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}
