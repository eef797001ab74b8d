/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/table_tests.h - cmocka tests from a table of cases: one test per row,
 * named after the row and run with the row as its state, so a failing case names
 * itself in the report as a hand-written test would. Include after <cmocka.h>.
 */
#ifndef PL_TESTS_TABLE_TESTS_H
#define PL_TESTS_TABLE_TESTS_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Runs one test per element of the array rows (each row starts with its name, a
 * const char *), run by fn with the row as its state, then the tests of the array
 * fixed. Returns what cmocka_run_group_tests returns: main's exit status.
 */
#define run_table_tests(rows, fn, fixed)                                                           \
	run_table_tests_n(rows, sizeof(rows) / sizeof((rows)[0]), sizeof((rows)[0]), fn, fixed,    \
	                  sizeof(fixed) / sizeof((fixed)[0]))

static inline int
run_table_tests_n(const void *rows, size_t count, size_t size, CMUnitTestFunction fn,
                  const struct CMUnitTest *fixed, size_t n_fixed)
{
	struct CMUnitTest *tests = calloc(count + n_fixed, sizeof(*tests));
	size_t n = 0;
	int failed;

	if (!tests) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < count; i++) {
		const void *row = (const char *)rows + i * size;

		tests[n++] = (struct CMUnitTest){.name = *(const char *const *)row,
		                                 .test_func = fn,
		                                 .initial_state = (void *)row};
	}
	for (size_t i = 0; i < n_fixed; i++)
		tests[n++] = fixed[i];
	failed = _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
	free(tests);
	return failed;
}

#endif
