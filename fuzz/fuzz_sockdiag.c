// SPDX-License-Identifier: MIT
/*
 * fuzz_sockdiag.c - the netlink sock_diag answer parser (pl_sockdiag_parse) on
 * arbitrary bytes, copied to an aligned buffer as recv() would leave them. The first
 * byte picks TCP or UDP. Any crash, leak or UB is a bug; parse errors are fine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_sock_list l = {0};
	struct pl_err err = {0};
	uint32_t *buf;
	int done = 0;

	if (size < 1)
		return 0;
	/* uint32_t storage: netlink messages are 4-byte aligned in a receive buffer. */
	buf = malloc((size + 3) / 4 * 4 + 4);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	(void)pl_sockdiag_parse(buf, size - 1, (data[0] & 1) ? PL_PROTO_UDP : PL_PROTO_TCP, &l,
	                        &done, &err);
	for (size_t i = 0; i < l.n; i++) {
		char a[64];

		pl_sock_addr_str(&l.v[i], 0, a, sizeof(a));
		pl_sock_addr_str(&l.v[i], 1, a, sizeof(a));
		(void)pl_sock_state_name(&l.v[i]);
		(void)pl_sock_dual_stack(&l.v[i]);
		(void)pl_sock_loopback(&l.v[i]);
	}
	pl_sock_list_cleanup(&l);
	free(buf);
	return 0;
}
