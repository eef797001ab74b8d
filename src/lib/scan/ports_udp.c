// SPDX-License-Identifier: MIT
/*
 * ports_udp.c - port sets for the UDP scan: re-tagging a -p list (nmap reads unprefixed
 * ports as UDP under -sU) and the UDP top-ports ranking.
 *
 * The UDP ranking is the ports with a payload in data/udp-payloads.txt (the services
 * the payloads were written for: the UDP ports most often exposed and abused, in the
 * file's order), then the TCP ranking (data/top-ports.txt, knowledge base, registry)
 * for the rest: portlens has no UDP exposure statistics of its own yet, and a service
 * registered on both transports is usually ranked alike.
 */
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"
#include "scan/udp_payloads.h"

/*
 * The payload ports in the UDP ranking's order: by payload entry (the file's order),
 * then by port. One pass counts the ports of each entry, a second places them (a
 * counting sort; it used to be one pass over all ports per entry). out holds 65536
 * ports. Returns how many.
 */
static uint32_t
payload_order(const struct pl_udp_payloads *pay, uint16_t *out)
{
	uint32_t next[256] = {0}, k = 0;

	for (uint32_t p = 1; p < 65536; p++)
		next[pay->by_port[p]]++;
	for (uint32_t e = 1, sum = 0; e < 256; e++) { /* entry e starts after entries < e */
		uint32_t c = next[e];

		next[e] = sum;
		sum += c;
	}
	for (uint32_t p = 1; p < 65536; p++)
		if (pay->by_port[p]) {
			out[next[pay->by_port[p]]++] = (uint16_t)p;
			k++;
		}
	return k;
}

void
pl_ports_retag(struct pl_ports *ps, enum pl_proto from, enum pl_proto to)
{
	for (uint32_t i = 0; i < ps->n; i++)
		if ((ps->items[i] >> 16) == (uint32_t)from)
			ps->items[i] = ((uint32_t)to << 16) | (ps->items[i] & 0xffff);
	pli_ports_normalize(ps);
}

enum pl_rc
pl_ports_add_top_udp(struct pl_ports *ps, uint32_t n, struct pl_err *err)
{
	struct pl_udp_payloads pay;
	uint16_t *order = NULL, *paid = NULL;
	uint8_t *mark = NULL;
	uint32_t *items, k = 0, len = 0, n_paid;
	enum pl_rc rc;

	if (n > 65535)
		n = 65535;
	if ((rc = pli_udp_payloads_builtin(&pay, err)) != PL_OK)
		return rc;
	mark = calloc(65536, 1);
	order = malloc(((size_t)n + 1) * sizeof(*order));
	paid = malloc(65536 * sizeof(*paid));
	if (!mark || !order || !paid) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Payload ports in the file's entry order, while they fit in n. */
	n_paid = payload_order(&pay, paid);
	for (uint32_t i = 0; i < n_paid && k < n; i++) {
		mark[paid[i]] = 1;
		k++;
	}
	/* The TCP ranking in order fills the rest: the payload ports and the smallest TCP
	 * top m whose union holds n ports. */
	if (k < n && pli_ports_top_order(order, n, &len) != PL_OK) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < len && k < n; i++)
		if (!mark[order[i]]) {
			mark[order[i]] = 1;
			k++;
		}
	if (!(items = realloc(ps->items, ((size_t)ps->n + k + 1) * sizeof(*items)))) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	ps->items = items;
	for (uint32_t p = 1; p < 65536; p++)
		if (mark[p])
			ps->items[ps->n++] = ((uint32_t)PL_PROTO_UDP << 16) | p;
	pli_ports_normalize(ps);
out:
	free(mark);
	free(order);
	free(paid);
	pli_udp_payloads_cleanup(&pay);
	return rc;
}

/* rank[p]: p's place in the TCP ranking (udp = 0) or the UDP one (udp = 1), 1 = best;
 * 0 for port 0, which no ranking holds. The UDP ranking is the payload ports in the
 * file's entry order, then the TCP ranking: the order whose prefixes are exactly the
 * sets pl_ports_add_top_udp builds. */
static enum pl_rc
ranks(uint32_t *rank, int udp, struct pl_err *err)
{
	struct pl_udp_payloads pay = {0};
	uint16_t *order = malloc(65536 * sizeof(*order));
	uint32_t len = 0, next = 1;
	enum pl_rc rc = PL_OK;

	memset(rank, 0, 65536 * sizeof(*rank));
	if (!order || pli_ports_top_order(order, 65535, &len) != PL_OK) {
		free(order);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	if (udp && (rc = pli_udp_payloads_builtin(&pay, err)) == PL_OK) {
		uint16_t *paid = malloc(65536 * sizeof(*paid));
		uint32_t n_paid = paid ? payload_order(&pay, paid) : 0;

		if (!paid)
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		for (uint32_t i = 0; i < n_paid; i++)
			rank[paid[i]] = next++;
		free(paid);
		pli_udp_payloads_cleanup(&pay);
	}
	for (uint32_t i = 0; i < len && rc == PL_OK; i++)
		if (!rank[order[i]])
			rank[order[i]] = next++;
	free(order);
	return rc;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

enum pl_rc
pl_ports_keep_top(struct pl_ports *ps, uint32_t n, struct pl_err *err)
{
	uint32_t *rank = malloc(65536 * sizeof(*rank));
	uint64_t *keys = malloc(((size_t)ps->n + 1) * sizeof(*keys));
	uint32_t *kept = malloc(((size_t)ps->n + 1) * sizeof(*kept));
	uint32_t m = 0;
	enum pl_rc rc = PL_OK;

	if (!rank || !keys || !kept) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (uint32_t i = 0; i < ps->n; i++) /* other transports stay as they are */
		if (ps->items[i] >> 16 != PL_PROTO_TCP && ps->items[i] >> 16 != PL_PROTO_UDP)
			kept[m++] = ps->items[i];
	for (int udp = 0; udp <= 1; udp++) {
		uint32_t proto = udp ? PL_PROTO_UDP : PL_PROTO_TCP, k = 0;

		for (uint32_t i = 0; i < ps->n; i++)
			if (ps->items[i] >> 16 == proto) /* (place, port); unranked port 0 last */
				keys[k++] = (uint64_t)(UINT32_MAX) << 32 | ps->items[i];
		if (!k)
			continue;
		if ((rc = ranks(rank, udp, err)) != PL_OK)
			goto done;
		for (uint32_t j = 0; j < k; j++) {
			uint32_t r = rank[keys[j] & 0xffff];

			if (r)
				keys[j] = (uint64_t)r << 32 | (keys[j] & UINT32_MAX);
		}
		qsort(keys, k, sizeof(*keys), cmp_u64);
		for (uint32_t j = 0; j < k && j < n; j++)
			kept[m++] = (uint32_t)keys[j];
	}
	free(ps->items);
	ps->items = kept;
	ps->n = m;
	kept = NULL;
	pli_ports_normalize(ps);
done:
	free(rank);
	free(keys);
	free(kept);
	return rc;
}
