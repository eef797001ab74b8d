// SPDX-License-Identifier: MIT
/*
 * topports.c - the project's own port ranking for --top-ports N and -F.
 *
 * The ranking is a fixed sequence of all 65536 TCP ports built in four phases, each
 * adding only ports not already placed: (1) the hand-curated head in
 * data/top-ports.txt (compiled in at configure time), (2) knowledge-base
 * "commonly-exposed" TCP facts, highest risk first then by port, (3) IANA-assigned TCP
 * system ports 1-1023, then registered ports 1024-49151, ascending, (4) everything else
 * ascending. Taking the first N is O(65536) with an 8 KiB bitmap; nmap's data files are
 * never used.
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
	struct pl_ports *ps;
	uint32_t want;
	size_t cap;
	uint8_t seen[65536 / 8];
};

/* Adds port if new; returns 1 when the wanted count is reached. */
static int
take(struct ranker *r, uint32_t port, enum pl_rc *rc)
{
	if (r->want == 0)
		return 1;
	if (r->seen[port / 8] & (1u << (port % 8)))
		return 0;
	r->seen[port / 8] |= (uint8_t)(1u << (port % 8));
	r->ps->items[r->ps->n++] = (uint32_t)PL_PROTO_TCP << 16 | port;
	r->want--;
	(void)rc;
	return r->want == 0;
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

static int
add_kb_phase(struct ranker *r, enum pl_rc *rc)
{
	const struct pl_kb *kb = pl_kb_builtin();

	for (int risk = PL_RISK_COUNT - 1; risk >= 0; risk--) {
		for (uint32_t port = 1; port < 65536; port++) {
			size_t n;
			const uint32_t *ix = pl_kb_lookup(kb, (uint16_t)port, &n);

			for (size_t i = 0; i < n; i++) {
				const struct pl_kb_entry *e = pl_kb_entry(kb, ix[i]);

				if (e->kind == PL_KB_COMMONLY_EXPOSED && e->risk == risk &&
				    (e->protos & PL_PROTO_BIT(PL_PROTO_TCP)) &&
				    e->port_hi - e->port_lo < 16) {
					if (take(r, port, rc))
						return 1;
					break;
				}
			}
		}
	}
	return 0;
}

enum pl_rc
pl_ports_add_top(struct pl_ports *ps, uint32_t n, struct pl_err *err)
{
	const struct pl_registry *reg = pl_registry_builtin();
	struct ranker *r;
	enum pl_rc rc = PL_OK;
	uint32_t *items;

	if (n > 65535)
		n = 65535;
	r = calloc(1, sizeof(*r));
	items = realloc(ps->items, ((size_t)ps->n + n + 1) * sizeof(*items));
	if (!r || !items) {
		free(r);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	ps->items = items;
	r->ps = ps;
	r->want = n;
	r->seen[0] = 1; /* port 0 is never ranked */
	for (size_t i = 0; i < pl_ports_top_curated_count(); i++)
		if (take(r, curated[i], &rc))
			goto out;
	if (add_kb_phase(r, &rc))
		goto out;
	for (uint32_t port = 1; port < 49152; port++)
		if (reg_assigned_tcp(reg, (uint16_t)port) && take(r, port, &rc))
			goto out;
	for (uint32_t port = 1; port < 65536; port++)
		if (take(r, port, &rc))
			goto out;
out:
	free(r);
	pl_ports_normalize(ps); /* sorted and unique, as pl_ports_parse leaves it */
	return rc;
}
