// SPDX-License-Identifier: MIT
/*
 * fuzz_udp_payloads.c - the UDP payload file parser (src/lib/scan/udp_payloads.c) on
 * arbitrary bytes. An accepted file must give every port at most one payload, every
 * payload a source and a length of at most 1472 bytes, and lookups must stay inside
 * the table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/udp_payloads.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_udp_payloads p;
	char *text = malloc(size ? size : 1); /* exact size: ASan sees reads past it */

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (pli_udp_payloads_parse(text, size, "fuzz", &p, NULL) == PL_OK) {
		for (size_t i = 0; i < p.n; i++)
			if (p.items[i].len > PL_UDP_PAYLOAD_MAX || !p.items[i].source[0] ||
			    (p.items[i].len && !p.items[i].data))
				abort();
		for (uint32_t port = 0; port < 65536; port++) {
			size_t len;
			const uint8_t *d = pli_udp_payload_for(&p, (uint16_t)port, &len);

			if (p.by_port[port] > p.n || (len && !d))
				abort();
		}
		pli_udp_payloads_cleanup(&p);
	}
	free(text);
	return 0;
}
