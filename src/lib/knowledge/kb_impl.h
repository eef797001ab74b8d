/* SPDX-License-Identifier: MIT */
/*
 * knowledge/kb_impl.h - layout of struct pl_kb, shared by the parser (kb_parse.c) and
 * the generated static table (tools/gen-kb.c).
 */
#ifndef PL_KB_IMPL_H
#define PL_KB_IMPL_H

#include "core/portindex.h"
#include "portlens/knowledge.h"

struct pl_kb {
	const struct pl_kb_entry *entries;
	size_t n_entries;
	const uint32_t *offsets; /* 65537 entries, see portindex.h */
	const uint32_t *refs;
	/* Run-time parsed knowledge owns these; NULL in the built-in table. */
	struct pl_kb_entry *owned_entries;
	size_t cap_entries;
	char **owned_strings; /* every string and sources array allocated */
	size_t n_strings, cap_strings;
	struct pl_port_index owned_index;
};

extern const struct pl_kb pl_kb_builtin_table;

#endif
