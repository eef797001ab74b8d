// SPDX-License-Identifier: MIT
/*
 * fuzz_packet.c - the raw engines' packet parsers (src/lib/scan/packet.c) on arbitrary
 * bytes, and host discovery's (packet_ping.c): the first byte picks the parser (IPv4
 * packet, IPv6 TCP, IPv6 UDP, ICMPv6 error, ARP, ICMPv6 echo reply / advertisement),
 * the rest is the packet. An accepted packet must describe itself within the buffer:
 * a UDP payload lies inside it, the kind matches the transport, and the ICMP state
 * mapping gives a valid state and reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pl_scan_addr src = {.family = 6, .bytes = {0x20, 1, 0, 2}};
	struct pl_pkt_reply r;
	uint8_t *p;
	size_t n;
	int ok;

	if (size < 1)
		return 0;
	n = size - 1;
	p = malloc(n ? n : 1); /* an exact-size copy, so ASan sees any read past it */
	if (!p)
		return 0;
	memcpy(p, data + 1, n);
	switch (data[0] & 7) {
	case 0:
		ok = pli_pkt_parse_ip4(p, n, &r);
		break;
	case 1:
		ok = pli_pkt_parse_l4_v6(p, n, PL_PROTO_TCP, &src, &r);
		break;
	case 2:
		ok = pli_pkt_parse_l4_v6(p, n, PL_PROTO_UDP, &src, &r);
		break;
	case 3:
		ok = pli_pkt_parse_icmp6(p, n, &r);
		break;
	case 4:
		ok = pli_pkt_parse_arp(p, n, &r);
		break;
	default:
		ok = pli_pkt_parse_icmp6_ping(p, n, &src, &r);
		break;
	}
	if (ok == 0) {
		if (r.kind == PL_PKT_UDP &&
		    (r.payload < p || r.payload + r.payload_len > p + n || r.proto != PL_PROTO_UDP))
			abort();
		if (r.kind == PL_PKT_TCP && r.proto != PL_PROTO_TCP)
			abort();
		if (r.kind == PL_PKT_ICMP) {
			enum pl_port_state st;
			enum pl_scan_reason why;

			if (pli_pkt_icmp_state(&r, &st, &why) == 0 &&
			    (st >= PL_PORT_STATE_COUNT || why >= PL_REASON_COUNT))
				abort();
		}
		if (r.kind == PL_PKT_NONE)
			abort();
	}
	free(p);
	return 0;
}
