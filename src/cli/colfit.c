// SPDX-License-Identifier: MIT
/*
 * colfit.c - fitting a table to the terminal (colfit.h).
 *
 * The widths start at each column's natural width. While the row is too wide, the
 * columns of the lowest rank that can still give room are narrowed together, one column
 * at a time in turn (so two free-text columns share the loss), never below their
 * minimum. The columns are few (a dozen), the loop at most the overflow long.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/colfit.h"
#include "core/escape.h"
#include "core/strnum.h"

unsigned
pl_colfit_width(unsigned explicit_width, FILE *fp)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	uint64_t v;
	unsigned w = 0;

	if (explicit_width)
		w = explicit_width;
	else if (isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		w = ws.ws_col;
	else if (cols && pl_parse_u64(cols, 1, 10000, &v, NULL) == PL_OK)
		w = (unsigned)v;
	return w && w < 40 ? 40 : w;
}

static size_t
floor_of(const struct pl_colfit_col *c)
{
	return c->min < c->want ? c->min : c->want;
}

size_t
pl_colfit_fit(const struct pl_colfit_col *cols, size_t n, size_t gap, size_t total, size_t *width)
{
	size_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		width[i] = cols[i].want;
		sum += width[i] + gap;
	}
	while (total && sum > total) {
		unsigned rank = ~0u;
		int narrowed = 0;

		/* The lowest rank with room left. */
		for (size_t i = 0; i < n; i++)
			if (width[i] > floor_of(&cols[i]) && cols[i].rank < rank)
				rank = cols[i].rank;
		if (rank == ~0u)
			break; /* everything at its minimum */
		for (size_t i = 0; i < n && sum > total; i++) {
			if (cols[i].rank != rank || width[i] <= floor_of(&cols[i]))
				continue;
			width[i]--;
			sum--;
			narrowed = 1;
		}
		if (!narrowed)
			break;
	}
	return sum;
}

size_t
pl_colfit_cols(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

size_t
pl_colfit_put(struct pl_buf *b, const char *s, size_t n, size_t cols, int pad)
{
	size_t have = pl_colfit_cols(s, n), used = 0, i = 0;

	if (have <= cols) {
		pl_buf_append(b, s, n);
		used = have;
	} else if (cols > 0) {
		/* Keep cols - 1 characters, then the mark. */
		while (i < n && used < cols - 1) {
			i++;
			while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
				i++;
			used++;
		}
		pl_buf_append(b, s, i);
		pl_buf_append(b, PL_COLFIT_MARK, PL_COLFIT_MARK_LEN);
		used++;
	}
	while (pad && used < cols) {
		pl_buf_putc(b, ' ');
		used++;
	}
	return used;
}

size_t
pl_colfit_put_mid(struct pl_buf *b, const char *s, size_t n, size_t tail, size_t cols, int pad)
{
	size_t tail_cols, used;

	if (tail > n)
		tail = n;
	tail_cols = pl_colfit_cols(s + n - tail, tail);
	if (pl_colfit_cols(s, n) <= cols || tail_cols + 2 > cols)
		return pl_colfit_put(b, s, n, cols, pad);
	/* The head is longer than what is left, so pl_colfit_put cuts it and adds the mark. */
	used = pl_colfit_put(b, s, n - tail, cols - tail_cols, 0);
	pl_buf_append(b, s + n - tail, tail);
	used += tail_cols;
	while (pad && used < cols) {
		pl_buf_putc(b, ' ');
		used++;
	}
	return used;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

void
pl_colfit_wrap(struct pl_buf *b, const char *text, size_t first_cols, size_t indent, size_t width)
{
	size_t col = first_cols, start = first_cols;
	const char *p = text;
	struct pl_buf word;

	if (width < indent + 20)
		width = indent + 20;
	pl_buf_init(&word);
	while (*p) {
		const char *w = p;
		size_t wc;

		while (is_space(*w))
			w++;
		if (!*w)
			break;
		p = w;
		while (*p && !is_space(*p))
			p++;
		/* Measured as printed: a control byte shows as \xNN, four columns. */
		pl_buf_reset(&word);
		pl_esc_term_n(&word, w, (size_t)(p - w));
		wc = pl_colfit_cols(pl_buf_str(&word), word.len);
		if (col > start && col + 1 + wc > width) {
			pl_buf_putc(b, '\n');
			for (size_t i = 0; i < indent; i++)
				pl_buf_putc(b, ' ');
			col = start = indent;
		} else if (col > start) {
			pl_buf_putc(b, ' ');
			col++;
		}
		pl_buf_append(b, pl_buf_str(&word), word.len);
		col += wc;
	}
	pl_buf_cleanup(&word);
	pl_buf_putc(b, '\n');
}
