// SPDX-License-Identifier: MIT
/*
 * perm.c - the scan's visiting order: a keyed pseudo-random permutation of [0, n) in
 * O(1) memory, and sharding of its positions.
 *
 * Algorithm: a balanced Feistel network (Luby-Rackoff) over the smallest even bit width
 * 2h with 2^(2h) >= n. A position x is split into halves L, R of h bits; each of
 * PL_PERM_ROUNDS rounds maps (L, R) -> (R, L ^ F_k(R)) where F_k is the splitmix64
 * finaliser of (R ^ k) masked to h bits and k is a per-round key drawn from the seed.
 * Any round function gives a bijection on [0, 2^(2h)); "cycle walking" (re-encrypting
 * while the value is >= n) restricts it to a bijection on [0, n). Because 2^(2h) < 4n,
 * a walk takes fewer than 4 steps on average. This is the construction masscan's
 * "blackrock" uses (there with a mixed radix instead of powers of two); zmap instead
 * walks a cyclic multiplicative group modulo a prime above n. Feistel needs no prime
 * search and no generator, and any 64-bit seed gives a different order.
 *
 * Sharding splits the positions (not the targets) into contiguous runs: shard i of c
 * takes [i*q + min(i, r), (i+1)*q + min(i+1, r)) with q = n / c, r = n % c. The runs
 * tile [0, n) exactly, and since the permutation is a bijection, the shards' probes are
 * disjoint and together are every probe, each shard still in random order.
 */
#include <string.h>

#include "portlens/scan.h"
#include "core/strnum.h"

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
pl_perm_init(struct pl_perm *p, uint64_t n, uint64_t seed)
{
	unsigned bits = 2;
	uint64_t s = seed;

	memset(p, 0, sizeof(*p));
	p->n = n;
	while (bits < 62 && ((uint64_t)1 << bits) < n)
		bits += 2;
	p->half_bits = bits / 2;
	p->half_mask = ((uint64_t)1 << p->half_bits) - 1;
	for (int r = 0; r < PL_PERM_ROUNDS; r++) {
		s += 0x9e3779b97f4a7c15ull;
		p->keys[r] = mix64(s);
	}
}

static uint64_t
encrypt(const struct pl_perm *p, uint64_t x)
{
	uint64_t l = x >> p->half_bits, r = x & p->half_mask;

	for (int k = 0; k < PL_PERM_ROUNDS; k++) {
		uint64_t t = l ^ (mix64(r ^ p->keys[k]) & p->half_mask);

		l = r;
		r = t;
	}
	return l << p->half_bits | r;
}

uint64_t
pl_perm_at(const struct pl_perm *p, uint64_t i)
{
	uint64_t x = i;

	if (p->n <= 1)
		return 0;
	do
		x = encrypt(p, x);
	while (x >= p->n);
	return x;
}

void
pl_shard_range(uint64_t n, uint32_t index, uint32_t count, uint64_t *lo, uint64_t *hi)
{
	uint64_t q, r;

	if (count == 0)
		count = 1;
	if (index >= count)
		index = count - 1;
	q = n / count;
	r = n % count;
	*lo = q * index + (index < r ? index : r);
	*hi = q * (index + 1) + (index + 1 < r ? index + 1 : r);
}

enum pl_rc
pl_shard_parse(const char *s, uint32_t *index, uint32_t *count, struct pl_err *err)
{
	const char *slash = strchr(s, '/');
	uint64_t i, c;

	if (!slash || pli_parse_u64n(s, (size_t)(slash - s), 1, 1u << 20, &i, NULL) != PL_OK ||
	    pli_parse_u64(slash + 1, 1, 1u << 20, &c, NULL) != PL_OK || i > c)
		return pl_err_set(err, PL_ERR_PARSE,
		                  "shard '%s' must be I/N with 1 <= I <= N (e.g. 2/4)", s);
	*index = (uint32_t)(i - 1);
	*count = (uint32_t)c;
	return PL_OK;
}
