/* SPDX-License-Identifier: MIT */
/*
 * portlens/error.h - the one error idiom of libportlens.
 *
 * Every function that can fail returns enum pl_rc (PL_OK on success). Parsers and
 * loaders additionally fill an optional struct pl_err with a human-readable message
 * and, where it applies, the source name, line and column of the offending byte, so
 * front ends can print "FILE:LINE:COL: message" without knowing the parser.
 */
#ifndef PORTLENS_ERROR_H
#define PORTLENS_ERROR_H

#include <stddef.h>

enum pl_rc {
	PL_OK = 0,
	PL_ERR_NOMEM,       /* allocation failed */
	PL_ERR_ARG,         /* caller passed an invalid argument */
	PL_ERR_PARSE,       /* input bytes were malformed; see struct pl_err */
	PL_ERR_IO,          /* read/write/open failed; errno is in struct pl_err */
	PL_ERR_NOTFOUND,    /* the thing looked up does not exist */
	PL_ERR_PERM,        /* operation not permitted for this user */
	PL_ERR_UNSUPPORTED, /* kernel or build lacks the feature */
	PL_ERR_TIMEOUT,     /* deadline passed */
	PL_ERR_LIMIT,       /* a configured bound (size, count) was exceeded */
	PL_ERR_INTERRUPTED, /* stopped on request (signal, callback) */
	PL_ERR_SYS,         /* other system call failure; errno in struct pl_err */
};

/* Detail for a failure. All fields are valid after any failing call that took it. */
struct pl_err {
	char msg[256];      /* NUL-terminated, never empty after a failure */
	const char *source; /* file name or "<input>"; borrowed, may be NULL */
	unsigned line;      /* 1-based, 0 when not applicable */
	unsigned column;    /* 1-based, 0 when not applicable */
	int sys_errno;      /* errno at the failure, 0 when not a system error */
};

/* Returns a static, constant description of rc ("out of memory", ...). Never NULL. */
const char *pl_strerror(enum pl_rc rc);

/*
 * Records a failure in err (which may be NULL, then nothing happens) and returns rc,
 * so callers can write `return pl_err_set(err, PL_ERR_PARSE, "bad %s", what);`.
 */
enum pl_rc pl_err_set(struct pl_err *err, enum pl_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like pl_err_set, also recording a position (line, column) within source. */
enum pl_rc pl_err_set_at(struct pl_err *err, enum pl_rc rc, const char *source, unsigned line,
                         unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Clears err (may be NULL). */
void pl_err_clear(struct pl_err *err);

#endif
