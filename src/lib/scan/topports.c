// SPDX-License-Identifier: MIT
/*
 * topports.c - the project's own port ranking for --top-ports N and -F.
 *
 * The ranking is a fixed sequence of all 65536 TCP ports built in four phases, each
 * adding only ports not already placed: (1) the hand-curated head in
 * data/top-ports.txt (compiled in at configure time), (2) knowledge-base
 * "commonly-exposed" TCP facts, highest risk first then by port, (3) IANA-assigned TCP
 * system ports 1-1023, then registered ports 1024-49151, ascending, (4) everything else
 * ascending. Taking the first N is O(65536 + facts) with bitmaps (the knowledge phase
 * marks each risk's ports in one pass over the facts); nmap's data files are never
 * used.
 */
#include <stdlib.h>
#include <string.h>

#include "portlens/knowledge.h"
#include "portlens/registry.h"
#include "portlens/scan.h"
#include "scan/scan_impl.h"
#include "scan/top_ports_data.h"

static const uint16_t curated[] = {PL_TOP_PORTS_CURATED};

size_t
pl_ports_top_curated_count(void)
{
	return sizeof(curated) / sizeof(curated[0]);
}

struct ranker {
	uint16_t *order; /* the ranking so far, best first */
	uint32_t n, want;
	uint8_t seen[65536 / 8];
	uint8_t kb[PL_RISK_COUNT][65536 / 8]; /* commonly-exposed TCP ports per risk */
};

/* Adds port if new; returns 1 when the wanted count is reached. */
static int
take(struct ranker *r, uint32_t port)
{
	if (r->n == r->want)
		return 1;
	if (r->seen[port / 8] & (1u << (port % 8)))
		return 0;
	r->seen[port / 8] |= (uint8_t)(1u << (port % 8));
	r->order[r->n++] = (uint16_t)port;
	return r->n == r->want;
}

static int
reg_assigned_tcp(const struct pl_registry *reg, uint16_t port)
{
	size_t n;
	const uint32_t *ix = pl_registry_lookup(reg, port, &n);

	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, ix[i]);

		if (e->status == PL_REG_ASSIGNED && (e->protos & PL_PROTO_BIT(PL_PROTO_TCP)))
			return 1;
	}
	return 0;
}

/* Knowledge-base "commonly-exposed" TCP facts (ranges under 16 ports), highest risk
 * first, then by port: one pass over the facts marks each risk's ports. */
static int
add_kb_phase(struct ranker *r)
{
	const struct pl_kb *kb = pl_kb_builtin();

	for (size_t i = 0; i < pl_kb_count(kb); i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, i);

		if (e->kind != PL_KB_COMMONLY_EXPOSED ||
		    !(e->protos & PL_PROTO_BIT(PL_PROTO_TCP)) || e->port_hi - e->port_lo >= 16 ||
		    e->risk >= PL_RISK_COUNT)
			continue;
		for (uint32_t port = e->port_lo ? e->port_lo : 1; port <= e->port_hi; port++)
			r->kb[e->risk][port / 8] |= (uint8_t)(1u << (port % 8));
	}
	for (int risk = PL_RISK_COUNT - 1; risk >= 0; risk--)
		for (uint32_t port = 1; port < 65536; port++)
			if ((r->kb[risk][port / 8] & (1u << (port % 8))) && take(r, port))
				return 1;
	return 0;
}

enum pl_rc
pli_ports_top_order(uint16_t *order, uint32_t n, uint32_t *len)
{
	const struct pl_registry *reg = pl_registry_builtin();
	struct ranker *r;

	*len = 0;
	if (n > 65535)
		n = 65535;
	if (!(r = calloc(1, sizeof(*r))))
		return PL_ERR_NOMEM;
	r->order = order;
	r->want = n;
	r->seen[0] = 1; /* port 0 is never ranked */
	for (size_t i = 0; i < pl_ports_top_curated_count(); i++)
		if (take(r, curated[i]))
			goto out;
	if (add_kb_phase(r))
		goto out;
	for (uint32_t port = 1; port < 49152; port++)
		if (reg_assigned_tcp(reg, (uint16_t)port) && take(r, port))
			goto out;
	for (uint32_t port = 1; port < 65536; port++)
		if (take(r, port))
			goto out;
out:
	*len = r->n;
	free(r);
	return PL_OK;
}

enum pl_rc
pl_ports_add_top(struct pl_ports *ps, uint32_t n, struct pl_err *err)
{
	uint16_t *order;
	uint32_t *items, len = 0;

	if (n > 65535)
		n = 65535;
	order = malloc(((size_t)n + 1) * sizeof(*order));
	items = realloc(ps->items, ((size_t)ps->n + n + 1) * sizeof(*items));
	if (items)
		ps->items = items;
	if (!order || !items || pli_ports_top_order(order, n, &len) != PL_OK) {
		free(order);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	for (uint32_t i = 0; i < len; i++)
		ps->items[ps->n++] = (uint32_t)PL_PROTO_TCP << 16 | order[i];
	free(order);
	pli_ports_normalize(ps); /* sorted and unique, as pl_ports_parse leaves it */
	return PL_OK;
}
