// SPDX-License-Identifier: MIT
/*
 * test_colfit.c - the CLI's column fitter (src/cli/render/colfit.c): columns give up room in
 * rank order and never below their minimum, cells are cut at a character with the
 * marker, and wrapping keeps lines within the width.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"

#include "cli/render/colfit.h"

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
	assert_int_equal(pli_colfit_fit(cols, 4, 2, 0, w), 5 + 30 + 20 + 40 + 8);
	assert_int_equal(w[3], 40);
	/* 80: COMMAND alone gives 23 of its 28 spare columns. */
	assert_int_equal(pli_colfit_fit(cols, 4, 2, 80, w), 80);
	assert_int_equal(w[0], 5);
	assert_int_equal(w[3], 17);
	assert_int_equal(w[1] + w[2], 50);
	/* 50: COMMAND at its minimum, ranks 1 share the rest, PROTO untouched. */
	assert_int_equal(pli_colfit_fit(cols, 4, 2, 50, w), 50);
	assert_int_equal(w[0], 5);
	assert_int_equal(w[3], 12);
	assert_true(w[1] >= 8 && w[2] >= 10);
	assert_int_equal(w[1] + w[2], 50 - 8 - 5 - 12);
	/* Too narrow for the minimums: as small as allowed, over the total. */
	assert_int_equal(pli_colfit_fit(cols, 4, 2, 20, w), 5 + 8 + 10 + 12 + 8);
}

static void
test_put(void **state)
{
	struct pl_buf b;

	(void)state;
	pli_buf_init(&b);
	assert_int_equal(pli_colfit_put(&b, "abc", 3, 5, 1), 5);
	assert_string_equal(pli_buf_str(&b), "abc  ");
	pli_buf_reset(&b);
	assert_int_equal(pli_colfit_put(&b, "abcdef", 6, 4, 1), 4);
	assert_string_equal(pli_buf_str(&b), "abc" PL_COLFIT_MARK);
	pli_buf_reset(&b);
	/* "é" is two bytes, one column: never cut inside it. */
	assert_int_equal(pli_colfit_put(&b, "\xc3\xa9\xc3\xa9\xc3\xa9x", 7, 3, 0), 3);
	assert_string_equal(pli_buf_str(&b), "\xc3\xa9\xc3\xa9" PL_COLFIT_MARK);
	pli_buf_reset(&b);
	pli_colfit_wrap(&b, "one two three four five six seven eight nine ten eleven", 10, 4, 30);
	for (const char *l = pli_buf_str(&b), *e; *l; l = e + 1) {
		e = strchr(l, '\n');
		assert_non_null(e);
		assert_true(pli_colfit_cols(l, (size_t)(e - l)) + (l == b.data ? 10 : 0) <= 30);
	}
	pli_buf_reset(&b);
	pli_colfit_wrap(&b, "a\x1b[31mb", 0, 0, 40);
	assert_string_equal(pli_buf_str(&b), "a\\x1b[31mb\n");
	pli_buf_cleanup(&b);
}

/* An address cut in the middle keeps its port after the marker; it fits the columns
 * exactly, pads when asked, and falls back to an end cut when the port leaves no room. */
static void
test_put_mid(void **state)
{
	static const char v6[] = "[2001:db8:1:2::abcd]:54321";
	struct pl_buf b;

	(void)state;
	pli_buf_init(&b);
	assert_int_equal(pli_colfit_put_mid(&b, v6, strlen(v6), 6, 12, 1), 12);
	assert_string_equal(pli_buf_str(&b), "[2001" PL_COLFIT_MARK ":54321");
	pli_buf_reset(&b);
	assert_int_equal(pli_colfit_put_mid(&b, "198.18.0.1:22", 13, 3, 16, 1), 16);
	assert_string_equal(pli_buf_str(&b), "198.18.0.1:22   ");
	pli_buf_reset(&b);
	assert_int_equal(pli_colfit_put_mid(&b, v6, strlen(v6), 6, 7, 0), 7);
	assert_string_equal(pli_buf_str(&b), "[2001:" PL_COLFIT_MARK);
	pli_buf_cleanup(&b);
}

/* Display width, not characters: a Hangul syllable takes two terminal columns, Arabic
 * diacritics and the bidi isolates none. Wrapped Korean text on a 60-column terminal
 * keeps every line within 60 columns (counting characters let lines reach 100+). */
static void
test_wide(void **state)
{
	static const char ko[] =
	    "SSH(RFC 4253)는 유닉스 계열 시스템과 네트워크 장비의 표준 원격 셸이다. 22번에서 "
	    "응답하는 주소는 온라인이 된 지 몇 분 안에 자동화된 비밀번호 추측 공격을 받는다. "
	    "키로 충분한 곳에서는 비밀번호 로그인을 끄고(PasswordAuthentication no), root가 "
	    "비밀번호로 로그인할 수 없게 하라.";
	struct pl_buf b;
	size_t lines = 0;

	(void)state;
	assert_int_equal(pli_colfit_cols("\xed\x95\x9c\xea\xb8\x80", 6), 4); /* 한글 */
	assert_int_equal(pli_colfit_cols("\xe4\xb8\xad", 3), 2);             /* CJK 中 */
	assert_int_equal(pli_colfit_cols("\xef\xbc\xa1", 3), 2);             /* fullwidth A */
	/* "بَ": a letter and a fatha (U+064E) is one column; U+2066/U+2069 take none. */
	assert_int_equal(pli_colfit_cols("\xd8\xa8\xd9\x8e", 4), 1);
	assert_int_equal(pli_colfit_cols("\xe2\x81\xa6ss\xe2\x81\xa9", 8), 2);
	/* A stray byte is one column, as it is printed. */
	assert_int_equal(pli_colfit_cols("a\xff"
	                                 "b",
	                                 3),
	                 3);

	pli_buf_init(&b);
	/* A wide character never straddles the cut: 5 columns hold 한글 and the mark. */
	assert_int_equal(pli_colfit_put(&b, "\xed\x95\x9c\xea\xb8\x80\xeb\xa7\x90", 9, 5, 1), 5);
	assert_string_equal(pli_buf_str(&b), "\xed\x95\x9c\xea\xb8\x80" PL_COLFIT_MARK);
	pli_buf_reset(&b);
	assert_int_equal(pli_colfit_put(&b, "\xed\x95\x9c\xea\xb8\x80\xeb\xa7\x90", 9, 4, 1), 4);
	assert_string_equal(pli_buf_str(&b), "\xed\x95\x9c" PL_COLFIT_MARK " ");
	pli_buf_reset(&b);

	pli_colfit_wrap(&b, ko, 4, 4, 60);
	for (const char *l = pli_buf_str(&b), *e; *l; l = e + 1) {
		size_t cols;

		e = strchr(l, '\n');
		assert_non_null(e);
		cols = pli_colfit_cols(l, (size_t)(e - l)) + (l == b.data ? 4 : 0);
		assert_true(cols <= 60);
		lines++;
	}
	/* About 290 columns of text: five lines at least, so each is well filled. */
	assert_true(lines >= 5 && lines <= 7);
	pli_buf_cleanup(&b);
}

UNIT_MAIN(cmocka_unit_test(test_fit), cmocka_unit_test(test_put), cmocka_unit_test(test_put_mid),
          cmocka_unit_test(test_wide))
