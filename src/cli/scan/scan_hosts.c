// SPDX-License-Identifier: MIT
/*
 * scan_hosts.c - the set of up hosts of a scan (see scan_hosts.h): open addressing on
 * the target index with linear probing, grown at half load; at the end the used slots
 * are packed to the front and sorted by address for the sinks.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/scan/scan_hosts.h"

static struct scan_uphost *
slot_for(struct scan_uphost *v, size_t cap, uint64_t key)
{
	for (uint64_t h = key * 0x9e3779b97f4a7c15ull;; h++) {
		struct scan_uphost *s = &v[h & (cap - 1)];

		if (s->target == key || s->target == 0)
			return s;
	}
}

static int
grow(struct scan_hosts *h)
{
	size_t cap = h->cap ? h->cap * 2 : 1024;
	struct scan_uphost *v = calloc(cap, sizeof(*v));

	if (!v)
		return -1;
	for (size_t i = 0; i < h->cap; i++)
		if (h->v[i].target)
			*slot_for(v, cap, h->v[i].target) = h->v[i];
	free(h->v);
	h->v = v;
	h->cap = cap;
	return 0;
}

void
scan_hosts_add(struct scan_hosts *h, const struct pl_scan_result *r, int reported)
{
	int answer = r->state == PL_PORT_OPEN || r->state == PL_PORT_CLOSED;
	struct scan_uphost *s;

	if (!h->cap && !answer)
		return;
	if (h->cap) {
		s = slot_for(h->v, h->cap, r->target + 1);
		if (s->target == 0 && !answer)
			return; /* not up (yet): nothing to count */
	}
	if (h->n * 2 >= h->cap && grow(h) != 0) {
		h->nomem = 1;
		return;
	}
	s = slot_for(h->v, h->cap, r->target + 1);
	if (s->target == 0) {
		if (!answer)
			return;
		s->target = r->target + 1;
		s->addr = r->addr;
		s->reason = r->reason;
		s->rtt_us = r->rtt_us;
		h->n++;
	}
	s->open += r->state == PL_PORT_OPEN;
	s->closed += r->state == PL_PORT_CLOSED;
	s->reported += reported != 0;
}

static int
cmp_addr(const void *a, const void *b)
{
	const struct pl_scan_addr *x = &((const struct scan_uphost *)a)->addr;
	const struct pl_scan_addr *y = &((const struct scan_uphost *)b)->addr;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->bytes, y->bytes, x->family == 4 ? 4 : 16);
}

const struct scan_uphost *
scan_hosts_sorted(struct scan_hosts *h, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i < h->cap; i++)
		if (h->v[i].target) {
			h->v[k] = h->v[i];
			h->v[k++].target--; /* back to the target index */
		}
	if (k)
		qsort(h->v, k, sizeof(*h->v), cmp_addr);
	h->cap = 0; /* packed: no longer a hash table */
	*n = k;
	return h->v;
}

void
scan_hosts_cleanup(struct scan_hosts *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
