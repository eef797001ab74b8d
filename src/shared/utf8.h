/* SPDX-License-Identifier: MIT */
/*
 * shared/utf8.h - UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 */
#ifndef PL_SHARED_UTF8_H
#define PL_SHARED_UTF8_H

#include <stddef.h>

/* Returns the offset of the first invalid byte in s[0..n), or n if all of it is valid. */
size_t pl_utf8_invalid_at(const char *s, size_t n);

#endif
