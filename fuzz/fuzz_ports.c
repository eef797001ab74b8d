// SPDX-License-Identifier: MIT
/*
 * fuzz_ports.c - nmap -p port specs and --shard values on arbitrary bytes. An accepted
 * port list must be sorted, unique, in range and non-empty, and parsing the list
 * printed back ("T:a,b,U:c") must give the same set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char prefix[] = {'T', 'U', 'S', 'D'};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_ports ps = {0}, back = {0};
	char s[512], *text;
	size_t used = 0, cap;
	uint32_t idx, cnt;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pl_shard_parse(s, &idx, &cnt, NULL) == PL_OK && (cnt == 0 || idx >= cnt))
		abort();
	if (pl_ports_parse(&ps, s, NULL) != PL_OK) {
		pl_ports_cleanup(&ps);
		return 0;
	}
	if (ps.n == 0 || ps.n > 3 * 65536)
		abort();
	cap = (size_t)ps.n * 10 + 1;
	text = malloc(cap);
	if (!text)
		abort();
	for (uint32_t i = 0; i < ps.n; i++) {
		if ((ps.items[i] & 0xffff) > 65535 || (ps.items[i] >> 16) > PL_PROTO_SCTP ||
		    (i && ps.items[i] <= ps.items[i - 1]))
			abort();
		used += (size_t)snprintf(text + used, cap - used, "%s%c:%u", i ? "," : "",
		                         prefix[ps.items[i] >> 16], ps.items[i] & 0xffff);
	}
	if (pl_ports_parse(&back, text, NULL) != PL_OK || back.n != ps.n ||
	    memcmp(back.items, ps.items, ps.n * sizeof(uint32_t)) != 0)
		abort();
	free(text);
	pl_ports_cleanup(&ps);
	pl_ports_cleanup(&back);
	return 0;
}
