// SPDX-License-Identifier: MIT
/*
 * test_scan_inflight.c - the engines' shared in-flight table (src/lib/scan/inflight.c)
 * against a brute-force model: random take/release/deadline operations, after each of
 * which every (address, port) lookup, the deadline order and the foreach listing must
 * agree with the model. Backward-shift deletion is where an index goes wrong, so the
 * addresses are chosen to collide in long runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "scan/inflight.h"

#define N_SLOTS 97
#define N_OPS   200000

struct model {
	int used[N_SLOTS];
	uint64_t seen;
};

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
count_pos(void *ctx, uint64_t pos)
{
	struct model *m = ctx;

	m->seen += pos + 1;
}

static void
check_all(const struct pl_inflight *t, const struct model *m)
{
	uint64_t sum = 0;
	struct model copy = *m;

	for (uint32_t i = 0; i < N_SLOTS; i++) {
		const struct pl_inflight_slot *s = &t->slots[i];

		if (!m->used[i])
			continue;
		sum += s->probe.pos + 1;
		assert_int_equal(
		    pli_inflight_find(t, &s->probe.addr, s->probe.port, s->probe.proto), i);
	}
	copy.seen = 0;
	pli_inflight_foreach(t, count_pos, &copy);
	assert_int_equal(copy.seen, sum);
	/* The deadline list is ordered. */
	for (uint32_t i = t->head; i != PL_INFLIGHT_NIL && t->slots[i].next != PL_INFLIGHT_NIL;
	     i = t->slots[i].next)
		assert_true(t->slots[i].deadline_ns <= t->slots[t->slots[i].next].deadline_ns);
}

static void
test_random_ops(void **state)
{
	struct pl_inflight t;
	struct model m = {0};
	uint64_t seed = 0x1234567, now = 0, pos = 0;
	size_t used = 0;

	(void)state;
	assert_int_equal(pli_inflight_init(&t, N_SLOTS, 1), PL_OK);
	for (int op = 0; op < N_OPS; op++) {
		uint64_t r = rnd(&seed);
		uint32_t i = (uint32_t)(r % N_SLOTS);

		if ((r >> 20) % 3 != 0) { /* take: few distinct addresses, so keys collide */
			struct pl_scan_probe p = {.pos = pos++, .proto = 6};
			uint32_t k;

			p.addr.family = (r >> 30) & 1 ? 6 : 4;
			p.addr.bytes[3] = (uint8_t)((r >> 33) % 5);
			p.port = (uint16_t)((r >> 40) % 4096);
			if (pli_inflight_find(&t, &p.addr, p.port, p.proto) != PL_INFLIGHT_NIL)
				continue; /* the model keeps keys unique */
			k = pli_inflight_take(&t, &p);
			if (used == N_SLOTS) {
				assert_int_equal(k, PL_INFLIGHT_NIL);
				continue;
			}
			assert_true(k < N_SLOTS && !m.used[k]);
			m.used[k] = 1;
			used++;
			pli_inflight_set_deadline(&t, k, now += 1 + (r >> 50) % 3);
		} else if (m.used[i]) {
			pli_inflight_release(&t, i);
			m.used[i] = 0;
			used--;
			assert_int_equal(pli_inflight_find(&t, &t.slots[i].probe.addr,
			                                   t.slots[i].probe.port,
			                                   t.slots[i].probe.proto),
			                 PL_INFLIGHT_NIL);
		}
		assert_int_equal(t.count, used);
		if (op % 97 == 0)
			check_all(&t, &m);
	}
	/* Expiry pops in deadline order. */
	while ((pli_inflight_expired(&t, UINT64_MAX)) != PL_INFLIGHT_NIL) {
		uint32_t h = t.head;

		pli_inflight_release(&t, h);
		used--;
	}
	assert_int_equal(used, 0);
	assert_int_equal(t.count, 0);
	pli_inflight_cleanup(&t);
}

static void
test_wait_and_result(void **state)
{
	struct pl_inflight t;
	struct pl_scan_probe p = {.pos = 7, .target = 3, .port = 53, .proto = 17};
	struct pl_scan_result r;
	uint32_t i;

	(void)state;
	assert_int_equal(pli_inflight_init(&t, 4, 0), PL_OK);
	assert_int_equal(pli_inflight_wait_ms(&t, 0, 250), 250);
	i = pli_inflight_take(&t, &p);
	t.slots[i].t_send_ns = 1000000;
	t.slots[i].attempts = 2;
	pli_inflight_set_deadline(&t, i, 5500000);
	assert_int_equal(pli_inflight_wait_ms(&t, 1000000, 250), 5);
	assert_int_equal(pli_inflight_expired(&t, 5499999), PL_INFLIGHT_NIL);
	assert_int_equal(pli_inflight_expired(&t, 5500000), i);
	pli_inflight_result(&t, i, PL_PORT_OPEN, PL_REASON_SYN_ACK, 0, 3000000, &r);
	assert_int_equal(r.pos, 7);
	assert_int_equal(r.rtt_us, 2000);
	assert_int_equal(r.attempts, 2);
	pli_inflight_result(&t, i, PL_PORT_FILTERED, PL_REASON_NO_RESPONSE, 0, 3000000, &r);
	assert_int_equal(r.rtt_us, 0);
	pli_inflight_cleanup(&t);
}

UNIT_MAIN(cmocka_unit_test(test_random_ops), cmocka_unit_test(test_wait_and_result))
