// SPDX-License-Identifier: MIT
/*
 * inflight.c - the in-flight table shared by the scan engines (inflight.h): slots, the
 * deadline list and the optional (address, port) index.
 *
 * The index is open addressing over a power-of-two array of slot numbers (NIL = empty)
 * with linear probing. Removal shifts later members of the same run back (Knuth's
 * algorithm R), so there are no tombstones and a long scan never degrades. The table is
 * at least twice the slots, so a run stays short whatever the targets.
 */
#include <stdlib.h>
#include <string.h>

#include "scan/inflight.h"

static uint32_t
key_hash(const struct pl_scan_addr *a, uint16_t port, uint8_t proto)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)port << 8) ^ proto;
	unsigned n = a->family == 6 ? 16 : 4;

	for (unsigned k = 0; k < n; k += 4) {
		uint32_t w;

		memcpy(&w, a->bytes + k, 4);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ (h >> 32));
}

static int
slot_is(const struct pl_inflight_slot *s, const struct pl_scan_addr *a, uint16_t port,
        uint8_t proto)
{
	return s->probe.port == port && s->probe.proto == proto &&
	       s->probe.addr.family == a->family &&
	       memcmp(s->probe.addr.bytes, a->bytes, a->family == 6 ? 16 : 4) == 0;
}

enum pl_rc
pli_inflight_init(struct pl_inflight *t, uint32_t n, int with_index)
{
	memset(t, 0, sizeof(*t));
	if (n == 0)
		n = 1;
	t->slots = calloc(n, sizeof(*t->slots));
	t->free_ix = calloc(n, sizeof(*t->free_ix));
	if (!t->slots || !t->free_ix)
		return PL_ERR_NOMEM;
	t->n_slots = n;
	t->head = t->tail = PL_INFLIGHT_NIL;
	for (uint32_t i = 0; i < n; i++) {
		t->slots[i].prev = t->slots[i].next = PL_INFLIGHT_NIL;
		t->free_ix[i] = n - 1 - i;
	}
	t->n_free = n;
	if (with_index) {
		uint32_t size = 64;

		while (size < 2 * (uint64_t)n && size < (1u << 31))
			size *= 2;
		t->index = malloc((size_t)size * sizeof(*t->index));
		if (!t->index)
			return PL_ERR_NOMEM;
		memset(t->index, 0xff, (size_t)size * sizeof(*t->index));
		t->index_mask = size - 1;
	}
	return PL_OK;
}

void
pli_inflight_cleanup(struct pl_inflight *t)
{
	free(t->slots);
	free(t->free_ix);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

static void
index_add(struct pl_inflight *t, uint32_t i)
{
	const struct pl_scan_probe *p = &t->slots[i].probe;
	uint32_t h = key_hash(&p->addr, p->port, p->proto) & t->index_mask;

	while (t->index[h] != PL_INFLIGHT_NIL)
		h = (h + 1) & t->index_mask;
	t->index[h] = i;
	t->slots[i].indexed = 1;
}

static void
index_del(struct pl_inflight *t, uint32_t i)
{
	const struct pl_scan_probe *p = &t->slots[i].probe;
	uint32_t h = key_hash(&p->addr, p->port, p->proto) & t->index_mask, j;

	while (t->index[h] != i)
		h = (h + 1) & t->index_mask;
	/* Backward shift: move later members of the run into the hole when they may. */
	for (j = (h + 1) & t->index_mask; t->index[j] != PL_INFLIGHT_NIL;
	     j = (j + 1) & t->index_mask) {
		const struct pl_scan_probe *q = &t->slots[t->index[j]].probe;
		uint32_t home = key_hash(&q->addr, q->port, q->proto) & t->index_mask;

		/* j's member may fill the hole h unless its home lies cyclically in (h, j]. */
		if (((j - home) & t->index_mask) >= ((j - h) & t->index_mask)) {
			t->index[h] = t->index[j];
			h = j;
		}
	}
	t->index[h] = PL_INFLIGHT_NIL;
	t->slots[i].indexed = 0;
}

uint32_t
pli_inflight_take(struct pl_inflight *t, const struct pl_scan_probe *p)
{
	uint32_t i;

	if (t->n_free == 0)
		return PL_INFLIGHT_NIL;
	i = t->free_ix[--t->n_free];
	t->slots[i].probe = *p;
	t->slots[i].attempts = 0;
	t->slots[i].used = 1;
	t->slots[i].linked = 0;
	t->slots[i].prev = t->slots[i].next = PL_INFLIGHT_NIL;
	t->count++;
	if (t->index)
		index_add(t, i);
	return i;
}

void
pli_inflight_unlink(struct pl_inflight *t, uint32_t i)
{
	struct pl_inflight_slot *s = &t->slots[i];

	if (!s->linked)
		return;
	s->linked = 0;
	if (s->prev != PL_INFLIGHT_NIL)
		t->slots[s->prev].next = s->next;
	else
		t->head = s->next;
	if (s->next != PL_INFLIGHT_NIL)
		t->slots[s->next].prev = s->prev;
	else
		t->tail = s->prev;
	s->prev = s->next = PL_INFLIGHT_NIL;
}

void
pli_inflight_release(struct pl_inflight *t, uint32_t i)
{
	struct pl_inflight_slot *s = &t->slots[i];

	if (!s->used)
		return;
	pli_inflight_unlink(t, i);
	if (s->indexed)
		index_del(t, i);
	s->used = 0;
	t->free_ix[t->n_free++] = i;
	t->count--;
}

void
pli_inflight_set_deadline(struct pl_inflight *t, uint32_t i, uint64_t deadline_ns)
{
	struct pl_inflight_slot *s = &t->slots[i];

	pli_inflight_unlink(t, i);
	s->deadline_ns = deadline_ns;
	s->linked = 1;
	s->prev = t->tail;
	s->next = PL_INFLIGHT_NIL;
	if (t->tail != PL_INFLIGHT_NIL)
		t->slots[t->tail].next = i;
	else
		t->head = i;
	t->tail = i;
}

uint32_t
pli_inflight_expired(const struct pl_inflight *t, uint64_t now_ns)
{
	if (t->head != PL_INFLIGHT_NIL && t->slots[t->head].deadline_ns <= now_ns)
		return t->head;
	return PL_INFLIGHT_NIL;
}

int
pli_inflight_wait_ms(const struct pl_inflight *t, uint64_t now_ns, int max_ms)
{
	uint64_t d;
	int until;

	if (t->head == PL_INFLIGHT_NIL)
		return max_ms;
	d = t->slots[t->head].deadline_ns;
	until = d <= now_ns ? 0 : (int)((d - now_ns + 999999) / 1000000);
	return until < max_ms ? until : max_ms;
}

uint32_t
pli_inflight_find(const struct pl_inflight *t, const struct pl_scan_addr *addr, uint16_t port,
                  uint8_t proto)
{
	uint32_t h;

	if (!t->index)
		return PL_INFLIGHT_NIL;
	for (h = key_hash(addr, port, proto) & t->index_mask; t->index[h] != PL_INFLIGHT_NIL;
	     h = (h + 1) & t->index_mask)
		if (slot_is(&t->slots[t->index[h]], addr, port, proto))
			return t->index[h];
	return PL_INFLIGHT_NIL;
}

void
pli_inflight_foreach(const struct pl_inflight *t, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	for (uint32_t i = 0; i < t->n_slots; i++)
		if (t->slots[i].used)
			fn(ctx, t->slots[i].probe.pos);
}

void
pli_inflight_result(const struct pl_inflight *t, uint32_t i, enum pl_port_state st,
                    enum pl_scan_reason why, int sys_errno, uint64_t now_ns,
                    struct pl_scan_result *r)
{
	const struct pl_inflight_slot *s = &t->slots[i];

	memset(r, 0, sizeof(*r));
	r->pos = s->probe.pos;
	r->target = s->probe.target;
	r->addr = s->probe.addr;
	r->port = s->probe.port;
	r->proto = s->probe.proto;
	r->state = (uint8_t)st;
	r->reason = (uint8_t)why;
	r->attempts = s->attempts;
	r->sys_errno = sys_errno;
	if (why != PL_REASON_NO_RESPONSE && now_ns > s->t_send_ns)
		r->rtt_us = (uint32_t)((now_ns - s->t_send_ns) / 1000);
}
