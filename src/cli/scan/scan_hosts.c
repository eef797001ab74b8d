// SPDX-License-Identifier: MIT
/*
 * scan_hosts.c - the set of up hosts of a scan (see scan_hosts.h): open addressing on
 * the target index with linear probing, grown at three-quarters load; at the end the
 * used slots are packed to the front, the block is shrunk to them, and they are put
 * in address order through a temporary array of addresses (one per host, 24 bytes),
 * since the entries do not hold theirs.
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
	if (h->n * 4 >= h->cap * 3 && grow(h) != 0) {
		h->nomem = 1;
		return;
	}
	s = slot_for(h->v, h->cap, r->target + 1);
	if (s->target == 0) {
		if (!answer)
			return;
		s->target = r->target + 1;
		s->reason = r->reason;
		s->rtt_us = r->rtt_us;
		h->n++;
	}
	s->open += r->state == PL_PORT_OPEN;
	s->closed += r->state == PL_PORT_CLOSED;
	s->reported += reported != 0;
}

/* An up host's address as a sort key, and where the host is in the packed table. */
struct addr_key {
	uint8_t key[17]; /* family, then the address bytes (IPv4: 4, the rest 0) */
	uint32_t at;
};

static int
cmp_key(const void *a, const void *b)
{
	return memcmp(((const struct addr_key *)a)->key, ((const struct addr_key *)b)->key, 17);
}

void
scan_uphost_addr(const struct pl_targets *targets, const struct scan_uphost *u,
                 struct pl_scan_addr *a)
{
	memset(a, 0, sizeof(*a));
	pl_targets_at(targets, u->target, a); /* fills a even for an excluded class */
}

static int
cmp_looked_up(const void *a, const void *b, void *targets)
{
	struct pl_scan_addr x, y;

	scan_uphost_addr(targets, a, &x);
	scan_uphost_addr(targets, b, &y);
	if (x.family != y.family)
		return x.family < y.family ? -1 : 1;
	return memcmp(x.bytes, y.bytes, x.family == 4 ? 4 : 16);
}

/* Puts v[0..n) in the order of keys[].at, following each cycle of the permutation
 * (keys[k].at is where the k-th host in address order is now); no second table. */
static void
permute(struct scan_uphost *v, struct addr_key *keys, size_t n)
{
	for (size_t start = 0; start < n; start++) {
		struct scan_uphost held;
		size_t k = start;

		if (keys[start].at == UINT32_MAX)
			continue; /* placed by an earlier cycle */
		held = v[start];
		while (keys[k].at != start) {
			size_t from = keys[k].at;

			v[k] = v[from];
			keys[k].at = UINT32_MAX;
			k = from;
		}
		v[k] = held;
		keys[k].at = UINT32_MAX;
	}
}

const struct scan_uphost *
scan_hosts_sorted(struct scan_hosts *h, const struct pl_targets *targets, size_t *n)
{
	struct addr_key *keys;
	size_t k = 0;

	for (size_t i = 0; i < h->cap; i++)
		if (h->v[i].target) {
			h->v[k] = h->v[i];
			h->v[k++].target--; /* back to the target index */
		}
	h->cap = 0; /* packed: no longer a hash table */
	*n = k;
	if (k) { /* give the free slots back before the keys are made */
		struct scan_uphost *v = realloc(h->v, k * sizeof(*v));

		if (v)
			h->v = v;
	}
	if (k < 2)
		return h->v;
	if (k >= UINT32_MAX || !(keys = malloc(k * sizeof(*keys)))) {
		/* Slower, without the keys: each comparison looks both addresses up. */
		qsort_r(h->v, k, sizeof(*h->v), cmp_looked_up, (void *)targets);
		return h->v;
	}
	for (size_t i = 0; i < k; i++) {
		struct pl_scan_addr a;

		scan_uphost_addr(targets, &h->v[i], &a);
		memset(keys[i].key, 0, sizeof(keys[i].key));
		keys[i].key[0] = a.family;
		memcpy(keys[i].key + 1, a.bytes, a.family == 4 ? 4 : 16);
		keys[i].at = (uint32_t)i;
	}
	qsort(keys, k, sizeof(*keys), cmp_key);
	permute(h->v, keys, k);
	free(keys);
	return h->v;
}

void
scan_hosts_cleanup(struct scan_hosts *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
