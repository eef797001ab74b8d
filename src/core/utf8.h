/* SPDX-License-Identifier: MIT */
/*
 * core/utf8.h - UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 */
#ifndef PL_CORE_UTF8_H
#define PL_CORE_UTF8_H

#include <stddef.h>

/* Returns the offset of the first invalid byte in s[0..n), or n if all of it is valid. */
size_t pli_utf8_invalid_at(const char *s, size_t n);

#endif
