// SPDX-License-Identifier: MIT
/*
 * test_scan_hosts.c - the set of up hosts (src/cli/scan/scan_hosts.c): only answers
 * make a host up, counts add up per host, and at the end every host comes out once,
 * in address order (IPv4 before IPv6), whatever the order of the target list and of
 * the answers; the entries do not hold addresses, so the order is checked against
 * the addresses the target list gives back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "cli/scan/scan_hosts.h"
#include "portlens/scan.h"

static struct pl_scan_result
answer(const struct pl_targets *ts, uint64_t target, enum pl_port_state st)
{
	struct pl_scan_result r;

	memset(&r, 0, sizeof(r));
	r.target = target;
	pl_targets_at(ts, target, &r.addr);
	r.state = st;
	return r;
}

static int
addr_cmp(const struct pl_scan_addr *x, const struct pl_scan_addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->bytes, y->bytes, x->family == 4 ? 4 : 16);
}

static void
test_sorted(void **state)
{
	struct pl_targets *ts = pl_targets_new();
	struct pl_err err = {0};
	struct scan_hosts h = {0};
	const struct scan_uphost *up;
	uint64_t n_targets, seen_closed = 0;
	uint8_t *is_up;
	size_t n;

	(void)state;
	/* Blocks out of address order, IPv6 in the middle: index order is not address order. */
	assert_int_equal(pl_targets_add_spec(ts, "198.19.9.0/24", 0, 1, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "2001:2::/120", 0, 1, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "198.19.1.0/23", 0, 1, &err), PL_OK);
	n_targets = pl_targets_count(ts);
	assert_int_equal(n_targets, 256 + 256 + 512);
	is_up = calloc(n_targets, 1);
	assert_non_null(is_up);
	/* Every third target answers (closed, then open on a second port), in a scrambled
	 * order; every fifth only goes silent (filtered): not up, unless it also answered. */
	for (uint64_t k = 0; k < n_targets; k++) {
		uint64_t t = (k * 389) % n_targets; /* 389 is prime to 1024: a permutation */
		struct pl_scan_result r;

		if (t % 5 == 0) {
			r = answer(ts, t, PL_PORT_FILTERED);
			scan_hosts_add(&h, &r, 0);
		}
		if (t % 3 == 0) {
			r = answer(ts, t, PL_PORT_CLOSED);
			scan_hosts_add(&h, &r, 0);
			r = answer(ts, t, PL_PORT_OPEN);
			scan_hosts_add(&h, &r, 1);
			is_up[t] = 1;
		}
	}
	up = scan_hosts_sorted(&h, ts, &n);
	assert_int_equal(n, (n_targets + 2) / 3);
	for (size_t i = 0; i < n; i++) {
		struct pl_scan_addr a, prev;

		assert_true(is_up[up[i].target]); /* each up host once */
		is_up[up[i].target] = 0;
		assert_int_equal(up[i].open, 1);
		assert_int_equal(up[i].closed, 1);
		assert_int_equal(up[i].reported, 1);
		seen_closed += up[i].closed;
		scan_uphost_addr(ts, &up[i], &a);
		if (i) {
			scan_uphost_addr(ts, &up[i - 1], &prev);
			assert_true(addr_cmp(&prev, &a) < 0);
		}
	}
	assert_int_equal(seen_closed, n);
	assert_false(h.nomem);
	scan_hosts_cleanup(&h);
	free(is_up);
	pl_targets_free(ts);
}

UNIT_MAIN(cmocka_unit_test(test_sorted))
