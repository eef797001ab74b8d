// SPDX-License-Identifier: MIT
/*
 * test_core_array.c - pli_array_reserve / PLI_ARRAY_RESERVE (core/array.h): the first
 * allocation, doubling, no work when there is room, contents kept across moves, and the
 * overflow checks that the hand-written growth loops it replaced never had.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "core/array.h"

struct item {
	uint32_t a;
	char name[12];
};

static void
test_first_and_doubling(void **state)
{
	uint16_t *ports = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(PLI_ARRAY_RESERVE(ports, cap, 1, 16), PL_OK);
	assert_non_null(ports);
	assert_int_equal(cap, 16);
	/* Room already: nothing moves, capacity stays. */
	uint16_t *before = ports;
	assert_int_equal(PLI_ARRAY_RESERVE(ports, cap, 16, 16), PL_OK);
	assert_ptr_equal(ports, before);
	assert_int_equal(cap, 16);
	assert_int_equal(PLI_ARRAY_RESERVE(ports, cap, 17, 16), PL_OK);
	assert_int_equal(cap, 32);
	/* A jump past several doublings lands on the first power-of-two multiple. */
	assert_int_equal(PLI_ARRAY_RESERVE(ports, cap, 200, 16), PL_OK);
	assert_int_equal(cap, 256);
	free(ports);

	/* first == 0 starts at one element. */
	ports = NULL;
	cap = 0;
	assert_int_equal(PLI_ARRAY_RESERVE(ports, cap, 3, 0), PL_OK);
	assert_int_equal(cap, 4);
	free(ports);
}

/* Appending one at a time, the way every list in the tree does, keeps what was there. */
static void
test_append_keeps_contents(void **state)
{
	struct item *items = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	for (uint32_t i = 0; i < 10000; i++) {
		assert_int_equal(PLI_ARRAY_RESERVE(items, cap, n + 1, 8), PL_OK);
		items[n].a = i;
		memcpy(items[n].name, "item", 5);
		n++;
	}
	assert_int_equal(cap, 16384);
	for (uint32_t i = 0; i < 10000; i++) {
		assert_int_equal(items[i].a, i);
		assert_string_equal(items[i].name, "item");
	}
	free(items);
}

/* cap * 2 or cap * elem_size past SIZE_MAX is "no memory", and nothing changes. */
static void
test_overflow(void **state)
{
	struct item *items = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(PLI_ARRAY_RESERVE(items, cap, 4, 4), PL_OK);
	items[3].a = 7;
	struct item *before = items;
	/* The element count fits a size_t, its byte count does not. */
	assert_int_equal(PLI_ARRAY_RESERVE(items, cap, SIZE_MAX / sizeof(*items) + 1, 4),
	                 PL_ERR_NOMEM);
	/* Doubling would wrap around. */
	assert_int_equal(PLI_ARRAY_RESERVE(items, cap, SIZE_MAX, 4), PL_ERR_NOMEM);
	assert_ptr_equal(items, before);
	assert_int_equal(cap, 4);
	assert_int_equal(items[3].a, 7);

	/* A byte array may use all of size_t's doublings but no more. */
	char *bytes = NULL;
	size_t bcap = (SIZE_MAX / 2) + 1;
	assert_int_equal(pli_array_reserve(&bytes, &bcap, SIZE_MAX, 1, 1), PL_ERR_NOMEM);
	assert_null(bytes);
	assert_int_equal(bcap, (SIZE_MAX / 2) + 1);
	free(items);
}

static void
test_bad_arguments(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(pli_array_reserve(&v, &cap, 1, 0, 8), PL_ERR_ARG);
	assert_int_equal(pli_array_reserve(NULL, &cap, 1, sizeof(int), 8), PL_ERR_ARG);
	assert_int_equal(pli_array_reserve(&v, NULL, 1, sizeof(int), 8), PL_ERR_ARG);
	assert_null(v);
	/* need 0 with nothing allocated is a no-op. */
	assert_int_equal(PLI_ARRAY_RESERVE(v, cap, 0, 8), PL_OK);
	assert_null(v);
	assert_int_equal(cap, 0);
}

UNIT_MAIN(cmocka_unit_test(test_first_and_doubling), cmocka_unit_test(test_append_keeps_contents),
          cmocka_unit_test(test_overflow), cmocka_unit_test(test_bad_arguments))
