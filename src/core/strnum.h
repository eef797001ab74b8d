/* SPDX-License-Identifier: MIT */
/*
 * core/strnum.h - strict number parsing (an OpenBSD strtonum-like helper).
 *
 * Unlike atoi/strtol used naively, these reject empty strings, signs, leading or
 * trailing junk, whitespace and overflow, and say which of those happened.
 */
#ifndef PL_CORE_STRNUM_H
#define PL_CORE_STRNUM_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"

/*
 * Parses the n bytes at s as a decimal unsigned integer in [min, max]. Only digits are
 * accepted. Returns PL_OK and stores the value in *out, or PL_ERR_PARSE with a message
 * in err ("empty number", "not a number: 'x'", "7000000 is out of range 0-65535").
 */
enum pl_rc pli_parse_u64n(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *out,
                          struct pl_err *err);

/* Same as pli_parse_u64n for a NUL-terminated string. */
enum pl_rc pli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
                         struct pl_err *err);

/*
 * Writes the decimal digits of v backwards so that they end just before end (at most
 * PLI_U64_DIGITS of them; no NUL) and returns where they start: printf's machinery
 * costs more than the number where many are written (JSON lines, socket tables).
 */
#define PLI_U64_DIGITS 20
char *pli_u64_digits(uint64_t v, char *end);

/* The value of hex digit c (0-9, a-f, A-F), or -1. */
int pli_hex_digit(char c);

#endif
