// SPDX-License-Identifier: MIT
/*
 * packet_ping.c - the host discovery engine's packets as pure functions (packet.h):
 * ICMP/ICMPv6 echo requests carrying the probe cookie in their identifier and sequence
 * number, ARP requests (RFC 826) and IPv6 neighbour solicitations (RFC 4861), and the
 * parsers of their answers (echo replies, ARP replies, neighbour advertisements).
 *
 * The cookie is the same keyed SipHash as the SYN engine's (packet.c): an echo reply
 * is ours exactly when it carries it back. ARP and neighbour discovery carry no field
 * a cookie could ride in; their answers are matched by the address they are for (ours)
 * and the address in flight. Parsers read only inside len and return -1 for anything
 * else (fuzz/fuzz_packet.c).
 */
#include <string.h>

#include "scan/packet.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void
pli_pkt_build_echo(uint8_t *out, int v6, uint32_t cookie)
{
	memset(out, 0, PL_ECHO_LEN);
	out[0] = v6 ? 128 : 8; /* echo request */
	put16(out + 4, (uint16_t)(cookie >> 16));
	put16(out + 6, (uint16_t)cookie);
	memcpy(out + 8, "portlens", 8);
	if (!v6)
		put16(out + 2, pli_csum_fold(pli_csum_add(0, out, PL_ECHO_LEN)));
}

void
pli_pkt_build_arp(uint8_t *out, const uint8_t mac[6], const uint8_t sip[4], const uint8_t tip[4])
{
	put16(out, 1);          /* hardware: Ethernet */
	put16(out + 2, 0x0800); /* protocol: IPv4 */
	out[4] = 6;
	out[5] = 4;
	put16(out + 6, 1); /* request */
	memcpy(out + 8, mac, 6);
	memcpy(out + 14, sip, 4);
	memset(out + 18, 0, 6);
	memcpy(out + 24, tip, 4);
}

void
pli_pkt_build_ns(uint8_t *out, const struct pl_scan_addr *target, const uint8_t mac[6],
                 struct pl_scan_addr *group)
{
	static const uint8_t prefix[13] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};

	memset(out, 0, PL_NS_LEN);
	out[0] = 135; /* neighbour solicitation */
	memcpy(out + 8, target->bytes, 16);
	out[24] = 1; /* option: source link-layer address, 8 bytes */
	out[25] = 1;
	memcpy(out + 26, mac, 6);
	memset(group, 0, sizeof(*group));
	group->family = 6;
	memcpy(group->bytes, prefix, sizeof(prefix));
	memcpy(group->bytes + 13, target->bytes + 13, 3);
}

int
pli_pkt_parse_arp(const uint8_t *p, size_t len, struct pl_pkt_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (len < PL_ARP_LEN || get16(p) != 1 || get16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4 ||
	    get16(p + 6) != 2)
		return -1;
	r->kind = PL_PKT_ARP;
	r->target.family = 4;
	memcpy(r->target.bytes, p + 14, 4);
	memcpy(r->arp_tip, p + 24, 4);
	return 0;
}

int
pli_pkt_parse_icmp6_ping(const uint8_t *p, size_t len, const struct pl_scan_addr *src,
                         struct pl_pkt_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (len < 8 || p[1] != 0)
		return -1;
	r->icmp_v6 = 1;
	r->icmp_type = p[0];
	if (p[0] == 129) { /* echo reply */
		r->kind = PL_PKT_ECHO;
		r->target = *src;
		r->seq = (uint32_t)get16(p + 4) << 16 | get16(p + 6);
		return 0;
	}
	if (p[0] == 136 && len >= 24) { /* neighbour advertisement */
		r->kind = PL_PKT_NA;
		r->target.family = 6;
		memcpy(r->target.bytes, p + 8, 16);
		return 0;
	}
	return -1;
}
