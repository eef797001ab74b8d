// SPDX-License-Identifier: MIT
/*
 * assigned.c - the one registry query every command asks: the service IANA assigned
 * to port/proto (pl_registry_assigned). Scan outputs, the saved scan, listen's
 * annotations and audit's unassigned-port verdict all call it, so they cannot disagree
 * about which record answers. Kept apart from registry.c because NULL means the
 * built-in table, which the table generator (linking registry.c) does not have yet.
 */
#include "registry/registry_impl.h"

const struct pl_reg_entry *
pl_registry_assigned(const struct pl_registry *reg, uint16_t port, enum pl_proto proto)
{
	size_t n;
	const uint32_t *idx;

	if (!reg)
		reg = pl_registry_builtin();
	if ((unsigned)proto >= PL_PROTO_COUNT)
		return NULL;
	idx = pl_registry_lookup(reg, port, &n);
	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = &reg->entries[idx[i]];

		if ((e->protos & PL_PROTO_BIT(proto)) && e->status == PL_REG_ASSIGNED &&
		    e->service[0])
			return e;
	}
	return NULL;
}
