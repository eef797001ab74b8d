// SPDX-License-Identifier: MIT
/*
 * fuzz_baseline.c - the listener baseline parser (pl_baseline_parse) on arbitrary bytes,
 * then every parsed line matched against one TCP and one dual-stack socket and written
 * back. Parse errors are fine; any crash, leak or UB is a bug.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "portlens/sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_proc proc = {.pid = 1, .comm = "sshd"};
	uint32_t owner = 0;
	struct pl_sock socks[2] = {
	    {.proto = PL_PROTO_TCP, .family = AF_INET, .lport = 22, .n_owners = 1},
	    {.proto = PL_PROTO_UDP, .family = AF_INET6, .lport = 53},
	};
	struct pl_sockset set = {.socks = socks,
	                         .n_socks = 2,
	                         .procs = &proc,
	                         .n_procs = 1,
	                         .owner_idx = &owner,
	                         .n_owner_idx = 1};
	struct pl_baseline b;
	char line[160];

	if (pl_baseline_parse((const char *)data, size, "<fuzz>", &b, NULL) != PL_OK)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		(void)pl_baseline_covers(&b, &set, &socks[i]);
		pl_baseline_line(&set, &socks[i], line, sizeof(line));
	}
	pl_baseline_cleanup(&b);
	return 0;
}
