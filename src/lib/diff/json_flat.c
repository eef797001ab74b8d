// SPDX-License-Identifier: MIT
/*
 * diff/json_flat.c - a fast path for the common line of portlens JSON lines: one flat
 * object whose values are plain ASCII strings, integers, true, false or null.
 *
 * jansson builds a hash table and a heap value per field; for 1,000,000 result lines
 * that was most of `portlens import`'s parse time. This reader only says yes when it is
 * certain to read the line exactly as jansson would, and hands anything else back (an
 * escape or a byte outside printable ASCII in a string, a fraction or exponent, an
 * integer of 19 digits or more, a nested value, a repeated key, more than
 * PLI_JFLAT_MAX fields, any syntax error): the caller then asks jansson, whose verdict
 * and error message stand. fuzz/fuzz_jflat.c checks that every line accepted here reads
 * the same through jansson.
 *
 * It works in place: closing quotes become NULs, so keys and strings are C strings
 * pointing into the caller's (copied) line.
 */
#include <string.h>

#include "diff/diff_impl.h"

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* A string at p (after its opening quote): printable ASCII up to the closing quote,
 * which becomes a NUL. Returns the position after it, NULL to hand back. */
static char *
plain_string(char *p, const char *end)
{
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"') {
			*p = '\0';
			return p + 1;
		}
		if (c < 0x20 || c > 0x7e || c == '\\')
			return NULL;
	}
	return NULL;
}

/* -?(0|[1-9][0-9]*) with at most 18 digits, not followed by a fraction or exponent. */
static const char *
integer(const char *p, const char *end, int64_t *out)
{
	int neg = 0, digits = 0;
	int64_t v = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return NULL;
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
		return NULL; /* a leading zero: not JSON */
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (++digits > 18)
			return NULL;
		v = v * 10 + (*p - '0');
	}
	if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
		return NULL;
	*out = neg ? -v : v;
	return p;
}

static const char *
literal(const char *p, const char *end, const char *word, enum pli_jflat_kind kind,
        struct pli_jflat_field *f)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
		return NULL;
	f->kind = kind;
	return p + n;
}

/* The value at p into f; the position after it, NULL to hand back. */
static char *
value(char *p, const char *end, struct pli_jflat_field *f)
{
	const char *q;

	if (p >= end)
		return NULL;
	if (*p == '"') {
		f->kind = PLI_JFLAT_STR;
		f->str = p + 1;
		return plain_string(p + 1, end);
	}
	if (*p == 't')
		q = literal(p, end, "true", PLI_JFLAT_TRUE, f);
	else if (*p == 'f')
		q = literal(p, end, "false", PLI_JFLAT_FALSE, f);
	else if (*p == 'n')
		q = literal(p, end, "null", PLI_JFLAT_NULL, f);
	else {
		f->kind = PLI_JFLAT_INT;
		q = integer(p, end, &f->num);
	}
	/* a literal or number runs into the next token only through a separator */
	if (q && q < end && (!*q || !strchr(" \t\r\n,}", *q)))
		return NULL;
	return q ? p + (q - p) : NULL;
}

int
pli_jflat_parse(char *s, size_t n, struct pli_jflat *out)
{
	const char *end = s + n;
	char *p = (char *)skip_ws(s, end);

	out->n = 0;
	if (p >= end || *p != '{')
		return 0;
	p = (char *)skip_ws(p + 1, end);
	if (p < end && *p == '}')
		return skip_ws(p + 1, end) == end;
	for (;;) {
		struct pli_jflat_field *f;

		if (out->n == PLI_JFLAT_MAX || p >= end || *p != '"')
			return 0;
		f = &out->f[out->n];
		f->key = p + 1;
		p = plain_string(p + 1, end);
		if (!p)
			return 0;
		f->klen = (size_t)(p - 1 - f->key);
		for (size_t i = 0; i < out->n; i++)
			if (out->f[i].klen == f->klen &&
			    memcmp(out->f[i].key, f->key, f->klen) == 0)
				return 0; /* jansson refuses a repeated key: its message stands */
		p = (char *)skip_ws(p, end);
		if (p >= end || *p != ':')
			return 0;
		p = value((char *)skip_ws(p + 1, end), end, f);
		if (!p)
			return 0;
		out->n++;
		p = (char *)skip_ws(p, end);
		if (p < end && *p == ',') {
			p = (char *)skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return skip_ws(p + 1, end) == end;
		return 0;
	}
}

const struct pli_jflat_field *
pli_jflat_get(const struct pli_jflat *o, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < o->n; i++)
		if (o->f[i].klen == n && memcmp(o->f[i].key, key, n) == 0)
			return &o->f[i];
	return NULL;
}
