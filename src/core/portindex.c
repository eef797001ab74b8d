// SPDX-License-Identifier: MIT
/*
 * portindex.c - counting-sort construction of the port index (see portindex.h):
 * count items per port, prefix-sum into offsets, then fill refs in a second pass.
 * Two passes over the items, each touching every covered port once.
 */
#include <stdlib.h>
#include <string.h>

#include "core/portindex.h"

#define PORTS 65536u

enum pl_rc
pli_port_index_build(struct pl_port_index *idx, const void *items, size_t n,
                     pl_port_index_range_fn range)
{
	uint32_t *cursor = NULL;
	size_t total = 0;
	enum pl_rc rc = PL_ERR_NOMEM;

	memset(idx, 0, sizeof(*idx));
	idx->offsets = calloc(PORTS + 1, sizeof(uint32_t));
	cursor = calloc(PORTS, sizeof(uint32_t));
	if (!idx->offsets || !cursor)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint16_t lo, hi;

		if (!range(items, i, &lo, &hi))
			continue;
		for (uint32_t p = lo; p <= hi; p++)
			idx->offsets[p + 1]++;
	}
	for (uint32_t p = 0; p < PORTS; p++) {
		idx->offsets[p + 1] += idx->offsets[p];
		cursor[p] = idx->offsets[p];
	}
	total = idx->offsets[PORTS];
	idx->refs = malloc((total ? total : 1) * sizeof(uint32_t));
	if (!idx->refs)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint16_t lo, hi;

		if (!range(items, i, &lo, &hi))
			continue;
		for (uint32_t p = lo; p <= hi; p++)
			idx->refs[cursor[p]++] = (uint32_t)i;
	}
	rc = PL_OK;
out:
	free(cursor);
	if (rc != PL_OK)
		pli_port_index_cleanup(idx);
	return rc;
}

void
pli_port_index_cleanup(struct pl_port_index *idx)
{
	free(idx->offsets);
	free(idx->refs);
	idx->offsets = NULL;
	idx->refs = NULL;
}
