// SPDX-License-Identifier: MIT
/*
 * builtin.c - access to the registry table generated at build time from
 * data/service-names-port-numbers.csv by tools/gen-registry.c. Kept apart from
 * registry.c because the generator links registry.c before the table exists.
 */
#include "registry/registry_impl.h"

const struct pl_registry *
pl_registry_builtin(void)
{
	return &pl_registry_builtin_table;
}
