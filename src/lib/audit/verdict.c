// SPDX-License-Identifier: MIT
/*
 * verdict.c - the port-number verdicts that `portlens listen` (its malware and unassigned
 * flags, sockets/annotate.c) and `portlens audit` (its malware-port and unassigned-port
 * rules, rules.c) share, so the two commands can never disagree about a port: one source
 * for malware ports (the knowledge base's cited malware facts, per transport) and one test
 * for "the registry assigned this port to nothing".
 */
#include "audit/audit_impl.h"

const struct pl_kb_entry *
pl_port_malware(const struct pl_kb *kb, uint16_t port, enum pl_proto proto)
{
	const struct pl_kb_entry *best = NULL;
	size_t n;
	const uint32_t *idx;

	if (!kb)
		return NULL;
	idx = pl_kb_lookup(kb, port, &n);
	for (size_t i = 0; i < n; i++) {
		const struct pl_kb_entry *f = pl_kb_entry(kb, idx[i]);

		if (f->kind != PL_KB_MALWARE || !(f->protos & PL_PROTO_BIT(proto)))
			continue;
		if (!best || f->risk > best->risk)
			best = f;
	}
	return best;
}

int
pl_port_unassigned(const struct pl_registry *reg, uint16_t port, enum pl_proto proto)
{
	size_t n;
	const uint32_t *idx;

	/* The registry stops at 49151: above it (dynamic ports) nothing is "unassigned". */
	if (port > 49151 || pl_registry_assigned(reg, port, proto))
		return 0;
	if (!reg)
		reg = pl_registry_builtin();
	idx = pl_registry_lookup(reg, port, &n);
	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, idx[i]);

		if ((e->protos & PL_PROTO_BIT(proto)) && e->status == PL_REG_UNASSIGNED)
			return 1;
	}
	return 0;
}
