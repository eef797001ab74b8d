/* SPDX-License-Identifier: MIT */
/*
 * cli/colfit.h - the one column fitter of the CLI's tables (listen, conns, audit, scan's
 * text output): how wide a table may be, which columns give up room first, and how a
 * cell too long for its column is cut, with a marker (colfit.c).
 */
#ifndef PL_CLI_COLFIT_H
#define PL_CLI_COLFIT_H

#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"

/* Shown where a cell was cut: one column wide ("…" U+2026, 3 bytes of UTF-8). */
#define PL_COLFIT_MARK     "\xe2\x80\xa6"
#define PL_COLFIT_MARK_LEN 3

/*
 * Columns a table written to fp may use: explicit (--width N, pass 0 when not given),
 * else the terminal's width when fp is a terminal, else COLUMNS, else 0: no limit, so
 * pipes and files keep whole rows for grep and awk. A width under 40 counts as 40.
 */
unsigned pli_colfit_width(unsigned explicit_width, FILE *fp);

/* One column: its natural width (widest cell, header included), the least it may be
 * cut to, and when it gives up room (lower rank first; equal ranks in turn). */
struct pl_colfit_col {
	size_t want;
	size_t min;
	unsigned rank;
};

/*
 * Sets width[i] for the n columns so that the sum of widths plus gap after each column
 * fits total: columns are narrowed in rank order, none below its min (or its want, when
 * smaller). Returns the resulting sum of widths plus gaps, which may still exceed total
 * when every column is at its minimum. total 0: every column gets its want.
 */
size_t pli_colfit_fit(const struct pl_colfit_col *cols, size_t n, size_t gap, size_t total,
                      size_t *width);

/* Terminal columns of the n bytes at s: UTF-8 characters, two for East Asian wide ones
 * (Hangul, CJK), none for combining marks and invisible format characters. */
size_t pli_colfit_cols(const char *s, size_t n);

/*
 * Appends the n bytes at s cut to at most cols columns: when longer, the longest prefix
 * that fits cols - 1 (never inside a UTF-8 character, never half of a wide one) and
 * PL_COLFIT_MARK. pad: then spaces up to cols. Returns the columns written (cols - 1,
 * unpadded, when a wide character did not fit before the mark).
 */
size_t pli_colfit_put(struct pl_buf *b, const char *s, size_t n, size_t cols, int pad);

/*
 * As pli_colfit_put, but a cut is made in the middle: the last tail bytes (an address's
 * ":port") are kept whole after the marker and the head is cut before it. When the tail
 * alone leaves no room for a character of the head, cuts at the end as pli_colfit_put.
 */
size_t pli_colfit_put_mid(struct pl_buf *b, const char *s, size_t n, size_t tail, size_t cols,
                          int pad);

/*
 * Appends text word-wrapped: the first line continues after first_cols columns already
 * written, later lines start with indent spaces; no line passes width. Ends with '\n'.
 */
void pli_colfit_wrap(struct pl_buf *b, const char *text, size_t first_cols, size_t indent,
                     size_t width);

#endif
