// SPDX-License-Identifier: MIT
/*
 * strnum.c - strict decimal parsing (see strnum.h). Digits only; overflow is detected
 * before it happens by comparing against (UINT64_MAX - digit) / 10.
 */
#include <string.h>

#include "core/strnum.h"

enum pl_rc
pli_parse_u64n(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *out,
               struct pl_err *err)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return pl_err_set(err, PL_ERR_PARSE, "empty number");
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return pl_err_set(err, PL_ERR_PARSE, "not a number: '%.*s'",
			                  (int)(n > 40 ? 40 : n), s);
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return pl_err_set(err, PL_ERR_PARSE, "'%.*s' is too large",
			                  (int)(n > 40 ? 40 : n), s);
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return pl_err_set(err, PL_ERR_PARSE, "%.*s is out of range %llu-%llu",
		                  (int)(n > 40 ? 40 : n), s, (unsigned long long)min,
		                  (unsigned long long)max);
	*out = v;
	return PL_OK;
}

enum pl_rc
pli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct pl_err *err)
{
	return pli_parse_u64n(s, strlen(s), min, max, out, err);
}

int
pli_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
pli_u64_digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}
