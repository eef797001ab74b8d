// SPDX-License-Identifier: MIT
/*
 * fuzz_procnet.c - the text parsers of the sockets module on arbitrary bytes:
 * /proc/net/{tcp,tcp6,udp,udp6,raw,raw6} (pl_procnet_parse), /proc/net/packet
 * (pl_procnet_parse_packet) and /proc/PID/cgroup (pl_cgroup_parse). The first byte
 * picks the parser and the family. Any crash, leak
 * or UB is a bug; parse errors are fine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "portlens/sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_sock_list l = {0};
	struct pl_err err = {0};
	char path[64], unit[32], container[32];
	char *text;

	if (size < 1)
		return 0;
	/* An exact-size copy, so reads past the end are caught by ASan. */
	text = malloc(size - 1 ? size - 1 : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	if (data[0] & 8)
		(void)pl_procnet_parse_packet(text, size - 1, &l, &err);
	else if (data[0] & 4)
		(void)pl_cgroup_parse(text, size - 1, path, sizeof(path), unit, sizeof(unit),
		                      container, sizeof(container));
	else
		(void)pl_procnet_parse(text, size - 1, (data[0] & 1) ? PL_PROTO_UDP : PL_PROTO_TCP,
		                       (data[0] & 2) ? AF_INET6 : AF_INET, &l, &err);
	pl_sock_list_cleanup(&l);
	free(text);
	return 0;
}
