// SPDX-License-Identifier: MIT
/*
 * colfit.c - fitting a table to the terminal (colfit.h).
 *
 * The widths start at each column's natural width. While the row is too wide, the
 * columns of the lowest rank that can still give room are narrowed together, one column
 * at a time in turn (so two free-text columns share the loss), never below their
 * minimum. The columns are few (a dozen), the loop at most the overflow long.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/render/colfit.h"
#include "core/escape.h"
#include "core/strnum.h"

unsigned
pli_colfit_width(unsigned explicit_width, FILE *fp)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	uint64_t v;
	unsigned w = 0;

	if (explicit_width)
		w = explicit_width;
	else if (isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		w = ws.ws_col;
	else if (cols && pli_parse_u64(cols, 1, 10000, &v, NULL) == PL_OK)
		w = (unsigned)v;
	return w && w < 40 ? 40 : w;
}

static size_t
floor_of(const struct pl_colfit_col *c)
{
	return c->min < c->want ? c->min : c->want;
}

size_t
pli_colfit_fit(const struct pl_colfit_col *cols, size_t n, size_t gap, size_t total, size_t *width)
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

/*
 * Terminal columns of one code point, by the rules terminals follow (as wcwidth does,
 * but without depending on the C library's locale): the East Asian Wide and Fullwidth
 * blocks (Hangul, CJK, kana, fullwidth forms, the common emoji) take two columns;
 * combining marks (Latin, Hebrew and Arabic diacritics, conjoining Hangul vowels and
 * finals) and invisible format characters (zero-width joiners, the bidi marks and the
 * isolates the renderers put around commands in Arabic text) take none.
 */
static const struct cp_range {
	uint32_t lo, hi;
} zero_width[] =
    {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
        {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x061C, 0x061C}, {0x064B, 0x065F},
        {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED},
        {0x1160, 0x11FF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x2069},
        {0x20D0, 0x20FF}, {0xD7B0, 0xD7FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
},
  double_width[] = {
      {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x2E80, 0x303E},
      {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
      {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
      {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
      {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int
in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/*
 * Decodes the character at s[0..n) (n >= 1): returns its length in bytes and sets *cols
 * to its columns. A byte that does not start a well-formed UTF-8 sequence is one byte,
 * one column (it is printed as it is or escaped before it is measured).
 */
static size_t
next_char(const unsigned char *s, size_t n, size_t *cols)
{
	uint32_t cp;
	size_t len;

	*cols = 1;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		cp = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		cp = s[0] & 0x0Fu;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		cp = s[0] & 0x07u;
	} else {
		return 1;
	}
	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 1;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		*cols = 0;
	else if (in_ranges(cp, double_width, sizeof(double_width) / sizeof(double_width[0])))
		*cols = 2;
	return len;
}

size_t
pli_colfit_cols(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t c = 0;

	for (size_t i = 0; i < n;) {
		size_t w;

		i += next_char(u + i, n - i, &w);
		c += w;
	}
	return c;
}

size_t
pli_colfit_put(struct pl_buf *b, const char *s, size_t n, size_t cols, int pad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t have = pli_colfit_cols(s, n), used = 0, i = 0;

	if (have <= cols) {
		pli_buf_append(b, s, n);
		used = have;
	} else if (cols > 0) {
		/* Keep what fits cols - 1 columns (a wide character that would straddle the
		 * edge is left out, the padding fills its place), then the mark. Marks that
		 * combine with the last kept character stay with it. */
		while (i < n) {
			size_t w, len = next_char(u + i, n - i, &w);

			if (used + w > cols - 1)
				break;
			i += len;
			used += w;
		}
		pli_buf_append(b, s, i);
		pli_buf_append(b, PL_COLFIT_MARK, PL_COLFIT_MARK_LEN);
		used++;
	}
	while (pad && used < cols) {
		pli_buf_putc(b, ' ');
		used++;
	}
	return used;
}

size_t
pli_colfit_put_mid(struct pl_buf *b, const char *s, size_t n, size_t tail, size_t cols, int pad)
{
	size_t tail_cols, used;

	if (tail > n)
		tail = n;
	tail_cols = pli_colfit_cols(s + n - tail, tail);
	if (pli_colfit_cols(s, n) <= cols || tail_cols + 2 > cols)
		return pli_colfit_put(b, s, n, cols, pad);
	/* The head is longer than what is left, so pli_colfit_put cuts it and adds the mark. */
	used = pli_colfit_put(b, s, n - tail, cols - tail_cols, 0);
	pli_buf_append(b, s + n - tail, tail);
	used += tail_cols;
	while (pad && used < cols) {
		pli_buf_putc(b, ' ');
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
pli_colfit_wrap(struct pl_buf *b, const char *text, size_t first_cols, size_t indent, size_t width)
{
	size_t col = first_cols, start = first_cols;
	const char *p = text;
	struct pl_buf word;

	if (width < indent + 20)
		width = indent + 20;
	pli_buf_init(&word);
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
		pli_buf_reset(&word);
		pli_esc_term_n(&word, w, (size_t)(p - w));
		wc = pli_colfit_cols(pli_buf_str(&word), word.len);
		if (col > start && col + 1 + wc > width) {
			pli_buf_putc(b, '\n');
			for (size_t i = 0; i < indent; i++)
				pli_buf_putc(b, ' ');
			col = start = indent;
		} else if (col > start) {
			pli_buf_putc(b, ' ');
			col++;
		}
		pli_buf_append(b, pli_buf_str(&word), word.len);
		col += wc;
	}
	pli_buf_cleanup(&word);
	pli_buf_putc(b, '\n');
}
