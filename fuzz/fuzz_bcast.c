// SPDX-License-Identifier: MIT
/*
 * fuzz_bcast.c - the netlink route-dump parser behind the scan's broadcast addresses
 * (pl_scan_bcast_parse) on arbitrary bytes: it must never read out of bounds, and every
 * address it keeps is IPv4.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_bcast_list l = {0};
	struct pl_err err = {0};
	int done = 0;
	/* netlink messages are 4-byte aligned in a real receive buffer */
	uint32_t *copy = malloc(size + 4);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	pl_scan_bcast_parse(copy, size, &l, &done, &err);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].addr.family != 4)
			abort();
	pl_bcast_list_cleanup(&l);
	free(copy);
	return 0;
}
