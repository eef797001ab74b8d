// SPDX-License-Identifier: MIT
/*
 * buf.c - growable byte buffer (see buf.h). Growth doubles capacity so appends are
 * amortised O(1); the buffer keeps a NUL after the last byte so it can be used as a
 * C string at any time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void
pli_buf_init(struct pl_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
	b->limit = 0;
}

void
pli_buf_cleanup(struct pl_buf *b)
{
	free(b->data);
	pli_buf_init(b);
}

void
pli_buf_reset(struct pl_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

static enum pl_rc
buf_reserve(struct pl_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return PL_ERR_NOMEM;
	if (extra > (size_t)-1 / 2 - b->len) {
		b->failed = 1;
		return PL_ERR_NOMEM;
	}
	need = b->len + extra + 1;
	if (b->limit && need > b->limit + 1) {
		b->failed = 1;
		return PL_ERR_NOMEM;
	}
	if (need <= b->cap)
		return PL_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return PL_ERR_NOMEM;
	}
	b->data = p;
	b->cap = cap;
	return PL_OK;
}

void
pli_buf_set_limit(struct pl_buf *b, size_t max)
{
	b->limit = max;
}

enum pl_rc
pli_buf_write(const struct pl_buf *b, FILE *fp)
{
	if (b->failed)
		return PL_ERR_NOMEM;
	if (b->len && fwrite(b->data, 1, b->len, fp) != b->len)
		return PL_ERR_IO;
	return PL_OK;
}

enum pl_rc
pli_buf_append(struct pl_buf *b, const void *data, size_t n)
{
	enum pl_rc rc = buf_reserve(b, n);

	if (rc != PL_OK)
		return rc;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return PL_OK;
}

enum pl_rc
pli_buf_puts(struct pl_buf *b, const char *s)
{
	return pli_buf_append(b, s, strlen(s));
}

enum pl_rc
pli_buf_putc(struct pl_buf *b, char c)
{
	return pli_buf_append(b, &c, 1);
}

enum pl_rc
pli_buf_vprintf(struct pl_buf *b, const char *fmt, va_list ap)
{
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_list ap2;
	int n;
	enum pl_rc rc;

	if (b->failed)
		return PL_ERR_NOMEM;
	/* Most text fits in the space already there: one vsnprintf instead of two. */
	va_copy(ap2, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < room && (!b->limit || b->len + (size_t)n <= b->limit)) {
		b->len += (size_t)n;
		return PL_OK;
	}
	if (room) /* undo what a cut or refused attempt wrote */
		b->data[b->len] = '\0';
	if (n < 0) {
		b->failed = 1;
		return PL_ERR_ARG;
	}
	rc = buf_reserve(b, (size_t)n);
	if (rc != PL_OK)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return PL_OK;
}

enum pl_rc
pli_buf_printf(struct pl_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum pl_rc rc;

	va_start(ap, fmt);
	rc = pli_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
pli_buf_set_failed(struct pl_buf *b)
{
	b->failed = 1;
}

int
pli_buf_failed(const struct pl_buf *b)
{
	return b->failed;
}

const char *
pli_buf_str(const struct pl_buf *b)
{
	return b->data ? b->data : "";
}

char *
pli_buf_steal(struct pl_buf *b)
{
	char *p = b->failed ? NULL : b->data;

	if (b->failed)
		free(b->data);
	pli_buf_init(b);
	return p;
}

void *
pli_memdup_nul(const void *data, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		if (n)
			memcpy(p, data, n);
		p[n] = '\0';
	}
	return p;
}
