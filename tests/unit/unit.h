// SPDX-License-Identifier: MIT
/*
 * unit.h - what the cmocka unit tests share: the includes cmocka needs before it, the
 * check every parser test makes of a refused input (the error names the line, the
 * column and the problem), a table row for such inputs, and the main() that runs a
 * file's tests as one group.
 */
#ifndef PL_TESTS_UNIT_H
#define PL_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "portlens/error.h"

/* An input a parser must refuse, where its error must point, and words the message
 * must hold. */
struct unit_bad_input {
	const char *text;
	unsigned line;
	unsigned column;
	const char *words;
};

/* Fails the test unless err points at bad's line and column and its message holds
 * bad's words; the failure names the input, what came and what was wanted. */
static inline void
unit_expect_err_at(const struct pl_err *err, const struct unit_bad_input *bad)
{
	if (err->line != bad->line || err->column != bad->column || !strstr(err->msg, bad->words))
		fail_msg("for '%s': got %u:%u '%s', want %u:%u '%s'", bad->text, err->line,
		         err->column, err->msg, bad->line, bad->column, bad->words);
}

#define UNIT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The main() of a test file: its tests (cmocka_unit_test(fn), ...) as one group. */
#define UNIT_MAIN(...)                                                                             \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = {__VA_ARGS__};                                   \
		return cmocka_run_group_tests(tests, NULL, NULL);                                  \
	}

#endif
