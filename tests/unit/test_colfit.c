// SPDX-License-Identifier: MIT
/*
 * test_colfit.c - the CLI's column fitter (src/cli/colfit.c): columns give up room in
 * rank order and never below their minimum, cells are cut at a character with the
 * marker, and wrapping keeps lines within the width.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli/colfit.h"

static void
test_fit(void **state)
{
	const struct pl_colfit_col cols[] = {
	    {.want = 5, .min = 99, .rank = 9},  /* PROTO: never cut */
	    {.want = 30, .min = 8, .rank = 1},  /* a free-text column: first to give */
	    {.want = 20, .min = 10, .rank = 1}, /* the same rank: shares the loss */
	    {.want = 40, .min = 12, .rank = 0}, /* COMMAND: gives first of all */
	};
	size_t w[4];

	(void)state;
	/* No limit: natural widths. */
	assert_int_equal(pl_colfit_fit(cols, 4, 2, 0, w), 5 + 30 + 20 + 40 + 8);
	assert_int_equal(w[3], 40);
	/* 80: COMMAND alone gives 23 of its 28 spare columns. */
	assert_int_equal(pl_colfit_fit(cols, 4, 2, 80, w), 80);
	assert_int_equal(w[0], 5);
	assert_int_equal(w[3], 17);
	assert_int_equal(w[1] + w[2], 50);
	/* 50: COMMAND at its minimum, ranks 1 share the rest, PROTO untouched. */
	assert_int_equal(pl_colfit_fit(cols, 4, 2, 50, w), 50);
	assert_int_equal(w[0], 5);
	assert_int_equal(w[3], 12);
	assert_true(w[1] >= 8 && w[2] >= 10);
	assert_int_equal(w[1] + w[2], 50 - 8 - 5 - 12);
	/* Too narrow for the minimums: as small as allowed, over the total. */
	assert_int_equal(pl_colfit_fit(cols, 4, 2, 20, w), 5 + 8 + 10 + 12 + 8);
}

static void
test_put(void **state)
{
	struct pl_buf b;

	(void)state;
	pl_buf_init(&b);
	assert_int_equal(pl_colfit_put(&b, "abc", 3, 5, 1), 5);
	assert_string_equal(pl_buf_str(&b), "abc  ");
	pl_buf_reset(&b);
	assert_int_equal(pl_colfit_put(&b, "abcdef", 6, 4, 1), 4);
	assert_string_equal(pl_buf_str(&b), "abc" PL_COLFIT_MARK);
	pl_buf_reset(&b);
	/* "é" is two bytes, one column: never cut inside it. */
	assert_int_equal(pl_colfit_put(&b, "\xc3\xa9\xc3\xa9\xc3\xa9x", 7, 3, 0), 3);
	assert_string_equal(pl_buf_str(&b), "\xc3\xa9\xc3\xa9" PL_COLFIT_MARK);
	pl_buf_reset(&b);
	pl_colfit_wrap(&b, "one two three four five six seven eight nine ten eleven", 10, 4, 30);
	for (const char *l = pl_buf_str(&b), *e; *l; l = e + 1) {
		e = strchr(l, '\n');
		assert_non_null(e);
		assert_true(pl_colfit_cols(l, (size_t)(e - l)) + (l == b.data ? 10 : 0) <= 30);
	}
	pl_buf_reset(&b);
	pl_colfit_wrap(&b, "a\x1b[31mb", 0, 0, 40);
	assert_string_equal(pl_buf_str(&b), "a\\x1b[31mb\n");
	pl_buf_cleanup(&b);
}

/* An address cut in the middle keeps its port after the marker; it fits the columns
 * exactly, pads when asked, and falls back to an end cut when the port leaves no room. */
static void
test_put_mid(void **state)
{
	static const char v6[] = "[2001:db8:1:2::abcd]:54321";
	struct pl_buf b;

	(void)state;
	pl_buf_init(&b);
	assert_int_equal(pl_colfit_put_mid(&b, v6, strlen(v6), 6, 12, 1), 12);
	assert_string_equal(pl_buf_str(&b), "[2001" PL_COLFIT_MARK ":54321");
	pl_buf_reset(&b);
	assert_int_equal(pl_colfit_put_mid(&b, "198.18.0.1:22", 13, 3, 16, 1), 16);
	assert_string_equal(pl_buf_str(&b), "198.18.0.1:22   ");
	pl_buf_reset(&b);
	assert_int_equal(pl_colfit_put_mid(&b, v6, strlen(v6), 6, 7, 0), 7);
	assert_string_equal(pl_buf_str(&b), "[2001:" PL_COLFIT_MARK);
	pl_buf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fit),
	    cmocka_unit_test(test_put),
	    cmocka_unit_test(test_put_mid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
