// SPDX-License-Identifier: MIT
/*
 * fuzz_colfit.c - the CLI's table fitter (src/cli/render/colfit.c) on arbitrary text: the
 * listen, conns, audit and scan tables put process names, command lines and what
 * servers sent through it. The first bytes pick the widths; the rest is the text.
 *
 * Checks, from colfit.h: a cell that fits is copied whole (then padded); a cut cell is
 * a prefix of the text ending on a character boundary followed by the mark, exactly the
 * columns asked for (one less, unpadded, when a wide character would straddle the edge); the fitted
 * widths stay between each column's floor and want and add up to the returned total, which is
 * within the limit unless every column is at its floor; wrapped text ends with a newline, continues
 * with the indent, keeps every word, and no line with more than one word passes the width.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Compiled in directly: the fitter lives in the CLI, which the fuzz build does not link. */
#include "cli/render/colfit.c"
#include "core/utf8.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_put(const char *s, size_t n, size_t cols, int pad)
{
	struct pl_buf b;
	size_t have = pli_colfit_cols(s, n), used;
	int valid = pli_utf8_invalid_at(s, n) == n;

	pli_buf_init(&b);
	used = pli_colfit_put(&b, s, n, cols, pad);
	/* Column counts hold for UTF-8, which is what the callers pass (escaped text); a
	 * stray continuation byte at the start is one byte the cut loop counts as a column. */
	if (valid && used != pli_colfit_cols(b.data ? b.data : "", b.len))
		abort();
	if (have <= cols) {
		if (b.len < n || memcmp(b.data ? b.data : "", s, n) != 0)
			abort();
		if (used != (pad ? cols : have))
			abort();
	} else if (cols > 0) {
		/* prefix + mark, nothing after: the mark takes the last column, or the one
		 * before it when the next character is wide and would have straddled the
		 * edge (unpadded; padded, a space fills the hole). */
		size_t keep = b.len - PL_COLFIT_MARK_LEN, next_cols = 0;

		if (b.len >= PL_COLFIT_MARK_LEN && keep < n)
			next_char((const unsigned char *)s + keep, n - keep, &next_cols);
		if (!(used == cols || (!pad && used + 1 == cols && next_cols == 2)) ||
		    b.len < PL_COLFIT_MARK_LEN || keep > n || memcmp(b.data, s, keep) != 0 ||
		    memcmp(b.data + keep, PL_COLFIT_MARK, PL_COLFIT_MARK_LEN) != 0)
			abort();
		if (valid && keep < n && ((unsigned char)s[keep] & 0xC0) == 0x80)
			abort(); /* cut inside a character */
	} else if (b.len != 0 || used != 0) {
		abort();
	}
	pli_buf_cleanup(&b);
}

static void
check_fit(const uint8_t *d, size_t n, size_t gap, size_t total)
{
	struct pl_colfit_col cols[8] = {0};
	size_t width[8], k = n / 3 < 8 ? n / 3 : 8, sum = 0, ret;
	int all_floor = 1;

	for (size_t i = 0; i < k; i++) {
		cols[i].want = d[3 * i];
		cols[i].min = d[3 * i + 1];
		cols[i].rank = d[3 * i + 2] & 3;
	}
	ret = pli_colfit_fit(cols, k, gap, total, width);
	for (size_t i = 0; i < k; i++) {
		size_t floor = cols[i].min < cols[i].want ? cols[i].min : cols[i].want;

		if (width[i] < floor || width[i] > cols[i].want)
			abort();
		if (total == 0 && width[i] != cols[i].want)
			abort();
		all_floor &= width[i] == floor;
		sum += width[i] + gap;
	}
	if (ret != sum || (total && sum > total && !all_floor))
		abort();
}

static void
check_wrap(const char *text, size_t first, size_t indent, size_t width)
{
	struct pl_buf b, words, got;
	size_t line_start = 0, line = 0;

	pli_buf_init(&b);
	pli_buf_init(&words);
	pli_buf_init(&got);
	pli_colfit_wrap(&b, text, first, indent, width);
	if (width < indent + 20)
		width = indent + 20;
	if (b.len == 0 || b.data[b.len - 1] != '\n')
		abort();
	/* Every word, escaped, in order, one space between them. */
	for (const char *p = text; *p;) {
		const char *w;

		while (*p && is_space(*p))
			p++;
		for (w = p; *p && !is_space(*p);)
			p++;
		if (p > w) {
			if (words.len)
				pli_buf_putc(&words, ' ');
			pli_esc_term_n(&words, w, (size_t)(p - w));
		}
	}
	for (size_t i = 0; i < b.len; i++) {
		if (b.data[i] != '\n')
			continue;
		{
			const char *l = b.data + line_start;
			size_t len = i - line_start, cols, lead = 0;
			int several;

			if (line > 0) {
				while (lead < len && l[lead] == ' ')
					lead++;
				if (lead != indent && len > 0)
					abort();
			}
			cols = (line == 0 ? first : 0) + pli_colfit_cols(l, len);
			several = memchr(l + lead, ' ', len - lead) != NULL;
			if (several && cols > width)
				abort();
			if (got.len && len > lead)
				pli_buf_putc(&got, ' ');
			pli_buf_append(&got, l + lead, len - lead);
		}
		line_start = i + 1;
		line++;
	}
	if (got.len != words.len || (got.len && memcmp(got.data, words.data, got.len) != 0))
		abort();
	pli_buf_cleanup(&b);
	pli_buf_cleanup(&words);
	pli_buf_cleanup(&got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	size_t n;

	if (size < 4 || size > 4096)
		return 0;
	n = size - 4;
	s = pli_memdup_nul(data + 4, n);
	if (!s)
		return 0;
	check_put(s, n, data[0] % 64, data[1] & 1);
	check_fit(data + 4, n, data[2] % 4, (size_t)data[3] * 2);
	check_wrap(s, data[0] % 64, data[1] % 16, data[2]);
	free(s);
	return 0;
}
