/* SPDX-License-Identifier: MIT */
/*
 * core/buf.h - a growable byte buffer (always NUL-terminated) used by renderers,
 * parsers and tests to build strings without fixed-size arrays or sprintf.
 *
 * Failures are sticky: once an append fails (out of memory), the buffer is marked failed
 * and every later append fails too, so a renderer that appends a thousand pieces can
 * check once at the end (pli_buf_failed) and never hand out a silently truncated result.
 */
#ifndef PL_CORE_BUF_H
#define PL_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "portlens/error.h"

struct pl_buf {
	char *data; /* NUL-terminated when len > 0 or after any append; owned */
	size_t len;
	size_t cap;
	int failed;   /* an append failed; every later append fails (sticky) */
	size_t limit; /* 0, or the most bytes the buffer may hold (pli_buf_set_limit) */
};

/* Initialises an empty buffer; no allocation. */
void pli_buf_init(struct pl_buf *b);
/* Frees the storage and re-initialises. Safe on an initialised, empty buffer. */
void pli_buf_cleanup(struct pl_buf *b);
/* Empties the buffer, keeping its storage; clears the failed mark. */
void pli_buf_reset(struct pl_buf *b);
/* Appends n bytes. Returns PL_OK or PL_ERR_NOMEM (buffer unchanged, marked failed; also
 * when it was marked failed before). */
enum pl_rc pli_buf_append(struct pl_buf *b, const void *data, size_t n);
/* Appends a NUL-terminated string. */
enum pl_rc pli_buf_puts(struct pl_buf *b, const char *s);
/* Appends one byte. */
enum pl_rc pli_buf_putc(struct pl_buf *b, char c);
/* Appends printf-style formatted text. */
enum pl_rc pli_buf_printf(struct pl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum pl_rc pli_buf_vprintf(struct pl_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Bounds b to max bytes (0: unbounded); an append past it fails as out of memory would.
 * Kept by pli_buf_reset. Tests use it to inject an allocation failure into one buffer. */
void pli_buf_set_limit(struct pl_buf *b, size_t max);
/* Writes the contents to fp. A failed buffer is never written: PL_ERR_NOMEM and nothing
 * reaches fp. PL_ERR_IO when fp took fewer bytes. Every writer of a pl_buf uses this. */
enum pl_rc pli_buf_write(const struct pl_buf *b, FILE *fp);
/* Marks b failed (a helper that built part of b elsewhere and failed passes it on). */
void pli_buf_set_failed(struct pl_buf *b);
/* Nonzero when an append failed since init/cleanup/reset: the contents are incomplete. */
int pli_buf_failed(const struct pl_buf *b);
/* Returns the contents as a C string ("" for an empty buffer); borrowed. */
const char *pli_buf_str(const struct pl_buf *b);
/* A new heap copy of n bytes of data with a NUL after them (data may hold NUL bytes:
 * raw answers, banners); free() it. NULL when out of memory. */
void *pli_memdup_nul(const void *data, size_t n);
/* Hands the storage to the caller (free() it); buffer becomes empty. NULL if empty, or
 * if an append failed (the incomplete contents are freed). */
char *pli_buf_steal(struct pl_buf *b);

#endif
