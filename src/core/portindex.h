/* SPDX-License-Identifier: MIT */
/*
 * portindex.h - an O(1) port -> items index for things that cover port ranges.
 *
 * offsets has 65537 entries; the items covering port p are
 * refs[offsets[p] .. offsets[p+1]). Used by the registry and the knowledge base, for
 * both the generated (static const) tables and tables built at run time.
 */
#ifndef PL_PORTINDEX_H
#define PL_PORTINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"

struct pl_port_index {
	uint32_t *offsets; /* 65537 entries, owned */
	uint32_t *refs;    /* offsets[65536] entries, owned */
};

/* Range of item i, or returns 0 if item i covers no port. */
typedef int (*pl_port_index_range_fn)(const void *items, size_t i, uint16_t *lo, uint16_t *hi);

/*
 * Builds the index of n items. Items are listed for each port in increasing i.
 * Returns PL_OK or PL_ERR_NOMEM (index left empty).
 */
enum pl_rc pli_port_index_build(struct pl_port_index *idx, const void *items, size_t n,
                                pl_port_index_range_fn range);

/* Frees the arrays; safe on a zeroed struct. */
void pli_port_index_cleanup(struct pl_port_index *idx);

#endif
