/* SPDX-License-Identifier: MIT */
/*
 * core/lines.h - reading a stream line by line with a bound on the line length, for
 * inputs a user names (-iL, --excludefile, resume files) that may be anything:
 * /dev/zero, `yes`, a directory. Memory stays at one line; a longer line, a read error
 * (EISDIR) or a callback's error ends the read with a message naming the source and line.
 */
#ifndef PL_CORE_LINES_H
#define PL_CORE_LINES_H

#include <stddef.h>
#include <stdio.h>

#include "portlens/error.h"

/*
 * Called once per line: the len bytes at line (no '\n'; may hold NUL bytes; NUL-
 * terminated for convenience), its 1-based number. Returns PL_OK to go on, or an error
 * (set in err) that ends the read and is returned by pli_lines_read.
 */
typedef enum pl_rc (*pl_line_fn)(void *ctx, const char *line, size_t len, unsigned lineno,
                                 struct pl_err *err);

/*
 * Reads fp to its end, calling fn for every line (a last line without '\n' included).
 * Lines longer than max_line bytes are refused (PL_ERR_LIMIT), read errors are PL_ERR_IO
 * with errno's text ("Is a directory"); source names the input in messages. Returns
 * PL_OK, one of those, PL_ERR_NOMEM, or fn's error.
 */
enum pl_rc pli_lines_read(FILE *fp, size_t max_line, const char *source, pl_line_fn fn, void *ctx,
                          struct pl_err *err);

#endif
