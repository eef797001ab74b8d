// SPDX-License-Identifier: MIT
/*
 * test_scan_perm.c - the visiting order: the Feistel permutation is a bijection on
 * [0, n) for every n tried (small, odd, powers of two and their neighbours, millions),
 * depends on the seed, looks shuffled; shard ranges tile [0, n) exactly and shards of
 * the permutation are disjoint and cover everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "portlens/scan.h"

static void
check_bijection(uint64_t n, uint64_t seed)
{
	uint8_t *seen = calloc((size_t)(n / 8 + 1), 1);
	struct pl_perm p;

	assert_non_null(seen);
	pl_perm_init(&p, n, seed);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = pl_perm_at(&p, i);

		assert_true(v < n);
		assert_false(seen[v / 8] & (1u << (v % 8)));
		seen[v / 8] |= (uint8_t)(1u << (v % 8));
	}
	free(seen);
}

static void
test_bijection(void **state)
{
	static const uint64_t sizes[] = {1,     2,     3,     5,      16,      17,      255,
	                                 256,   257,   1000,  4095,   4096,    4097,    65535,
	                                 65536, 65537, 99991, 262144, 1000003, 3u << 20};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (uint64_t seed = 0; seed < 3; seed++)
			check_bijection(sizes[i], seed * 0x1234567 + 1);
}

static void
test_seed_and_shuffle(void **state)
{
	struct pl_perm a, b;
	uint64_t same = 0, fixed = 0, ascending = 0, n = 65536;

	(void)state;
	pl_perm_init(&a, n, 1);
	pl_perm_init(&b, n, 2);
	for (uint64_t i = 0; i < n; i++) {
		same += pl_perm_at(&a, i) == pl_perm_at(&b, i);
		fixed += pl_perm_at(&a, i) == i;
		ascending += i && pl_perm_at(&a, i) == pl_perm_at(&a, i - 1) + 1;
	}
	/* A random permutation has ~1 fixed point and ~1 agreement; allow slack. */
	assert_true(same < 20);
	assert_true(fixed < 20);
	assert_true(ascending < 20);
	/* Deterministic for a seed. */
	pl_perm_init(&b, n, 1);
	for (uint64_t i = 0; i < 1000; i++)
		assert_true(pl_perm_at(&a, i) == pl_perm_at(&b, i));
	/* Large spaces work without memory: spot-check range. */
	pl_perm_init(&a, (1ull << 40) + 12345, 7);
	for (uint64_t i = 0; i < 10000; i++)
		assert_true(pl_perm_at(&a, i * 99991) < (1ull << 40) + 12345);
}

static void
test_shards(void **state)
{
	static const uint64_t sizes[] = {0, 1, 2, 10, 65535, 65536, 1000003};
	struct pl_perm p;
	uint8_t *seen;
	uint32_t idx, cnt;
	struct pl_err err = {0};

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		for (uint32_t c = 1; c <= 7; c++) {
			uint64_t prev = 0;

			for (uint32_t i = 0; i < c; i++) {
				uint64_t lo, hi;

				pl_shard_range(sizes[k], i, c, &lo, &hi);
				assert_true(lo == prev);
				assert_true(hi >= lo && hi - lo <= sizes[k] / c + 1);
				assert_true(hi - lo >= sizes[k] / c);
				prev = hi;
			}
			assert_true(prev == sizes[k]);
		}
	/* Shards of the permutation: disjoint, together everything. */
	seen = calloc(65536, 1);
	pl_perm_init(&p, 65536, 42);
	for (uint32_t i = 0; i < 5; i++) {
		uint64_t lo, hi;

		pl_shard_range(65536, i, 5, &lo, &hi);
		for (uint64_t pos = lo; pos < hi; pos++)
			seen[pl_perm_at(&p, pos)]++;
	}
	for (uint32_t v = 0; v < 65536; v++)
		assert_int_equal(seen[v], 1);
	free(seen);

	assert_int_equal(pl_shard_parse("2/4", &idx, &cnt, &err), PL_OK);
	assert_int_equal(idx, 1);
	assert_int_equal(cnt, 4);
	static const char *const bad[] = {"0/4", "5/4", "1/0", "4", "/4", "1/", "a/b", "1/4x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pl_shard_parse(bad[i], &idx, &cnt, &err), PL_ERR_PARSE);
}

UNIT_MAIN(cmocka_unit_test(test_bijection), cmocka_unit_test(test_seed_and_shuffle),
          cmocka_unit_test(test_shards))
