// SPDX-License-Identifier: MIT
/*
 * form.c - reads one field of an application/x-www-form-urlencoded body (the vote form).
 *
 * Written by hand because the body is tiny and the rules are few (WHATWG URL standard,
 * "application/x-www-form-urlencoded parsing"): fields split on '&', name and value on
 * the first '=', '+' means space, %XX is a byte. Unlike the lenient standard, a '%' not
 * followed by two hex digits makes the body malformed: the only client is our own form,
 * so anything else is refused. Pure; fuzzed by fuzz/fuzz_http_form.c.
 */
#include <string.h>

#include "web/web_impl.h"
#include "core/strnum.h"

/* Decodes s[0..n) into out (size bytes, NUL-terminated). Returns length or -1. */
static long
decode(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = pli_hex_digit(s[i + 1]);
			lo = pli_hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = (char)c;
	}
	if (size == 0)
		return -1;
	out[o] = '\0';
	return (long)o;
}

int
web_form_get(const char *body, size_t len, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), i = 0;

	while (i <= len && body) {
		const char *amp = memchr(body + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - body) : len;
		const char *eq = memchr(body + i, '=', end - i);
		size_t name_end = eq ? (size_t)(eq - body) : end;
		char name[64];
		long nl = decode(body + i, name_end - i, name, sizeof(name));

		if (nl < 0 && name_end - i < sizeof(name))
			return -1;
		if (nl == (long)klen && memcmp(name, key, klen) == 0) {
			size_t vs = eq ? name_end + 1 : end;

			long vl = decode(body + vs, end - vs, out, size);

			/* A decoded NUL would truncate the value silently: refuse it. */
			if (vl < 0 || (size_t)vl != strlen(out))
				return -1;
			return 1;
		}
		if (!amp)
			break;
		i = end + 1;
	}
	return 0;
}
