/* SPDX-License-Identifier: MIT */
/*
 * registry/csv.h - an RFC 4180 CSV reader that works in place on a mutable buffer.
 *
 * Internal to libportlens (also used by tools/gen-registry and the fuzz target).
 */
#ifndef PL_REGISTRY_CSV_H
#define PL_REGISTRY_CSV_H

#include <stddef.h>

#include "portlens/error.h"

#define PL_CSV_MAX_FIELDS 64

/*
 * Called once per record. fields[i] are NUL-terminated, unquoted values pointing into
 * the caller's buffer; line is the 1-based line on which the record starts. Return
 * PL_OK to continue; anything else stops parsing and is returned by pli_csv_parse_inplace.
 */
typedef enum pl_rc (*pl_csv_record_fn)(void *ctx, char **fields, size_t n_fields, unsigned line,
                                       struct pl_err *err);

/*
 * Parses data[0..len) as RFC 4180 CSV: fields separated by ',', records ended by CRLF
 * (a bare LF is accepted too), fields optionally enclosed in '"' with '""' standing for
 * one quote; quoted fields may hold commas, CR and LF. The buffer is rewritten in place
 * (unquoting and NUL-terminating fields), so data[len] must exist and be writable.
 * A final record without a line ending is accepted; empty lines are skipped.
 *
 * Returns PL_OK, PL_ERR_PARSE (err says what and where: a quote inside an unquoted
 * field, text after a closing quote, an unterminated quoted field, a NUL byte, more than
 * PL_CSV_MAX_FIELDS fields), or whatever the callback returned.
 */
enum pl_rc pli_csv_parse_inplace(char *data, size_t len, const char *source, pl_csv_record_fn fn,
                                 void *ctx, struct pl_err *err);

#endif
