// SPDX-License-Identifier: MIT
/*
 * ports.c - the nmap -p port spec parser (pure) and port set helpers.
 *
 * Grammar: ITEM (',' ITEM)*, ITEM = [PREFIX ':'] RANGE, PREFIX = T | U | S (tcp, udp,
 * sctp; a prefix applies to the items after it until the next prefix, as in nmap),
 * RANGE = N | N '-' M | N '-' | '-' M | '-'. Open ends mean 1 and 65535, so "-p-" scans
 * 1-65535; port 0 only when written. A port set is a sorted, unique array of
 * (proto << 16 | port) words: at most 4 x 65536 entries, indexed directly by the scan.
 * Items are kept as ranges while parsing and merged before any port is expanded, so
 * the cost is O(items log items + ports), never items x range size.
 */
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"
#include "core/strnum.h"
#include "core/array.h"

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
pli_ports_normalize(struct pl_ports *ps)
{
	uint32_t k = 0;

	if (ps->n == 0)
		return;
	qsort(ps->items, ps->n, sizeof(*ps->items), cmp_u32);
	for (uint32_t i = 1; i < ps->n; i++)
		if (ps->items[i] != ps->items[k])
			ps->items[++k] = ps->items[i];
	ps->n = k + 1;
}

/* A parsed item: [lo, hi] of (proto << 16 | port) words. */
struct prange {
	uint32_t lo, hi;
};

static enum pl_rc
push_range(struct prange **v, size_t *n, size_t *cap, unsigned proto, uint32_t lo, uint32_t hi)
{
	if (PLI_ARRAY_RESERVE(*v, *cap, *n + 1, 16) != PL_OK)
		return PL_ERR_NOMEM;
	(*v)[(*n)++] = (struct prange){proto << 16 | lo, proto << 16 | hi};
	return PL_OK;
}

static int
cmp_range(const void *a, const void *b)
{
	uint32_t x = ((const struct prange *)a)->lo, y = ((const struct prange *)b)->lo;

	return x < y ? -1 : x > y;
}

#define PORT_WORDS (4u << 16) /* every (proto, port) word a set can hold */

/*
 * Adds the ranges to the set in O(ranges log ranges + ports): ranges are sorted and
 * merged first, so "-,-,-,..." (2,000 full ranges) marks each port once, then the set
 * is rebuilt from a bitmap of the 4 x 65536 possible words.
 */
static enum pl_rc
merge_ranges(struct pl_ports *ps, struct prange *r, size_t n)
{
	uint64_t *bits = calloc(PORT_WORDS / 64, sizeof(*bits));
	uint32_t *items, count = 0;
	size_t k = 0;

	if (!bits)
		return PL_ERR_NOMEM;
	if (n)
		qsort(r, n, sizeof(*r), cmp_range);
	for (size_t i = 1; i < n; i++) { /* merge overlapping and touching ranges */
		if (r[i].lo <= r[k].hi + 1) {
			if (r[i].hi > r[k].hi)
				r[k].hi = r[i].hi;
		} else {
			r[++k] = r[i];
		}
	}
	for (size_t i = 0; n && i <= k; i++)
		for (uint32_t w = r[i].lo; w <= r[i].hi; w++)
			bits[w / 64] |= 1ull << (w % 64);
	for (uint32_t i = 0; i < ps->n; i++)
		bits[ps->items[i] / 64] |= 1ull << (ps->items[i] % 64);
	for (uint32_t i = 0; i < PORT_WORDS / 64; i++)
		count += (uint32_t)__builtin_popcountll(bits[i]);
	items = malloc((count ? count : 1) * sizeof(*items));
	if (!items) {
		free(bits);
		return PL_ERR_NOMEM;
	}
	count = 0;
	for (uint32_t w = 0; w < PORT_WORDS; w++)
		if (bits[w / 64] >> (w % 64) & 1)
			items[count++] = w;
	free(ps->items);
	ps->items = items;
	ps->n = count;
	free(bits);
	return PL_OK;
}

static enum pl_rc
parse_item(const char *s, size_t n, uint32_t *lo, uint32_t *hi, struct pl_err *err)
{
	const char *dash = memchr(s, '-', n);
	uint64_t a = 1, b = 65535;

	if (!dash) {
		if (pli_parse_u64n(s, n, 0, 65535, &a, err) != PL_OK)
			return PL_ERR_PARSE;
		*lo = *hi = (uint32_t)a;
		return PL_OK;
	}
	if (dash > s && pli_parse_u64n(s, (size_t)(dash - s), 0, 65535, &a, err) != PL_OK)
		return PL_ERR_PARSE;
	if (dash + 1 < s + n &&
	    pli_parse_u64n(dash + 1, (size_t)(s + n - dash - 1), 0, 65535, &b, err) != PL_OK)
		return PL_ERR_PARSE;
	if (a > b)
		return pl_err_set(err, PL_ERR_PARSE, "port range %llu-%llu is reversed",
		                  (unsigned long long)a, (unsigned long long)b);
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return PL_OK;
}

enum pl_rc
pl_ports_parse(struct pl_ports *ps, const char *spec, struct pl_err *err)
{
	return pl_ports_parse_as(ps, spec, PL_PROTO_BIT(PL_PROTO_TCP), err);
}

enum pl_rc
pl_ports_parse_as(struct pl_ports *ps, const char *spec, unsigned protos, struct pl_err *err)
{
	size_t len = strlen(spec), i = 0, n_r = 0, cap_r = 0;
	struct prange *r = NULL;
	unsigned proto = PL_PROTO_COUNT; /* no prefix yet: every transport in protos */
	enum pl_rc rc = PL_OK;

	if (len == 0)
		return pl_err_set_at(err, PL_ERR_PARSE, "<ports>", 1, 1, "empty port list");
	while (i <= len) {
		size_t start = i, n;
		uint32_t lo = 0, hi = 0;

		while (i < len && spec[i] != ',')
			i++;
		n = i - start;
		if (n >= 2 && spec[start + 1] == ':') {
			switch (spec[start]) {
			case 'T':
			case 't':
				proto = PL_PROTO_TCP;
				break;
			case 'U':
			case 'u':
				proto = PL_PROTO_UDP;
				break;
			case 'S':
			case 's':
				proto = PL_PROTO_SCTP;
				break;
			default:
				free(r);
				return pl_err_set_at(
				    err, PL_ERR_PARSE, "<ports>", 1, (unsigned)start + 1,
				    "unknown transport prefix '%c:' (T:, U: or S:)", spec[start]);
			}
			start += 2;
			n -= 2;
		}
		if (n == 0 || parse_item(spec + start, n, &lo, &hi, err) != PL_OK) {
			struct pl_err tmp = {0};

			if (err)
				tmp = *err;
			free(r);
			return pl_err_set_at(err, PL_ERR_PARSE, "<ports>", 1, (unsigned)start + 1,
			                     "bad port item '%.*s'%s%s", (int)(n > 20 ? 20 : n),
			                     spec + start, n ? ": " : "", n ? tmp.msg : "");
		}
		for (unsigned t = 0; t < PL_PROTO_COUNT; t++) {
			if (proto == PL_PROTO_COUNT ? !(protos & PL_PROTO_BIT(t)) : t != proto)
				continue;
			if (push_range(&r, &n_r, &cap_r, t, lo, hi) != PL_OK) {
				free(r);
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			}
		}
		i++;
	}
	rc = merge_ranges(ps, r, n_r);
	free(r);
	if (rc != PL_OK)
		return pl_err_set(err, rc, "out of memory");
	return PL_OK;
}

void
pl_ports_remove(struct pl_ports *ps, const struct pl_ports *drop)
{
	uint32_t k = 0;

	if (drop->n == 0)
		return;
	for (uint32_t i = 0; i < ps->n; i++)
		if (!bsearch(&ps->items[i], drop->items, drop->n, sizeof(uint32_t), cmp_u32))
			ps->items[k++] = ps->items[i];
	ps->n = k;
}

void
pl_ports_cleanup(struct pl_ports *ps)
{
	free(ps->items);
	ps->items = NULL;
	ps->n = 0;
}
