// SPDX-License-Identifier: MIT
/*
 * lookup_bench.c - in-process cost of "what is port N?": pl_registry_lookup() (plus
 * reading the first record's name) against the C library's getservbyport(), the
 * lookup every other tool uses, over the same pseudo-random port sequence, in one run.
 * Prints nanoseconds per lookup for each and the ratio.
 * Usage: lookup_bench [LOOKUPS]   (default 20,000,000 for portlens; libc gets 1/100)
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "portlens/registry.h"

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* xorshift32: a cheap, fixed sequence so both sides see the same ports. */
static uint32_t
next_port(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x & 0xffff;
}

int
main(int argc, char **argv)
{
	const struct pl_registry *reg = pl_registry_builtin();
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000000L;
	long n_libc = n / 100 > 1000 ? n / 100 : 1000;
	uint32_t seed = 2323;
	size_t sink = 0;
	double t0, t1, pl_ns, libc_ns;

	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		size_t cnt;
		const uint32_t *idx = pl_registry_lookup(reg, (uint16_t)next_port(&seed), &cnt);

		if (cnt)
			sink += (size_t)pl_registry_entry(reg, idx[0])->service[0];
	}
	t1 = now_ns();
	pl_ns = (t1 - t0) / (double)n;

	seed = 2323;
	t0 = now_ns();
	for (long i = 0; i < n_libc; i++) {
		struct servent *se = getservbyport(htons((uint16_t)next_port(&seed)), "tcp");

		if (se)
			sink += (size_t)se->s_name[0];
	}
	t1 = now_ns();
	libc_ns = (t1 - t0) / (double)n_libc;

	printf("portlens pl_registry_lookup: %.1f ns/lookup (%ld lookups, %.1f M/s)\n", pl_ns, n,
	       1e3 / pl_ns);
	printf("libc getservbyport:          %.1f ns/lookup (%ld lookups)\n", libc_ns, n_libc);
	printf("ratio portlens/libc: %.4f   target: portlens < 100 ns/lookup -> %s\n",
	       pl_ns / libc_ns, pl_ns < 100.0 ? "MET" : "NOT MET");
	return sink == 0xdeadbeef; /* keep the loops from being optimised away */
}
