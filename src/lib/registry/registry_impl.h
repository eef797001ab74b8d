/* SPDX-License-Identifier: MIT */
/*
 * registry/registry_impl.h - the layout of struct pl_registry, shared by the run-time
 * loader (registry.c) and the table generated at build time (tools/gen-registry.c
 * writes a static const instance of it).
 */
#ifndef PL_REGISTRY_IMPL_H
#define PL_REGISTRY_IMPL_H

#include "core/portindex.h"
#include "portlens/registry.h"

struct pl_registry {
	const struct pl_reg_entry *entries;
	size_t n_entries;
	const uint32_t *offsets; /* 65537 entries: see portindex.h */
	const uint32_t *refs;
	const char *date;
	const char *source;
	/* Storage owned by a run-time loaded registry; all NULL in the built-in one. */
	struct pl_reg_entry *owned_entries;
	char *owned_text;
	char *owned_source;
	struct pl_port_index owned_index;
	char owned_date[16];
};

/* The generated table (src: build/.../registry_table.c). */
extern const struct pl_registry pl_registry_builtin_table;

#endif
