// SPDX-License-Identifier: MIT
/*
 * test_scan_packet.c - the raw engines' pure packet code (src/lib/scan/packet.c):
 * SipHash-2-4 against the reference vectors of the SipHash paper, the SYN's layout and
 * checksum, cookies, and the parsers on real-shaped answers (IPv4 SYN-ACK and RST,
 * ICMP and ICMPv6 unreachables quoting a probe, UDP) and on every truncation of them;
 * host discovery's packets (packet_ping.c): echo requests and replies carrying the
 * cookie, the ACK probe, ARP request and reply, neighbour solicitation and
 * advertisement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "scan/packet.h"

static const struct pl_scan_addr src4 = {.family = 4, .bytes = {198, 18, 0, 1}};
static const struct pl_scan_addr dst4 = {.family = 4, .bytes = {198, 19, 7, 5}};

static void
test_siphash_vectors(void **state)
{
	uint8_t key[16], msg[64];

	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	/* The paper's appendix A example, and the first and ninth reference vectors. */
	assert_true(pli_siphash24(key, msg, 15) == 0xa129ca6149be45e5ull);
	assert_true(pli_siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ull);
	assert_true(pli_siphash24(key, msg, 8) == 0x93f5f5799a932462ull);
}

static void
test_syn_and_checksum(void **state)
{
	uint8_t syn[PL_SYN_LEN], pseudo[12] = {198, 18, 0, 1, 198, 19, 7, 5, 0, 6, 0, PL_SYN_LEN};
	uint32_t sum;

	(void)state;
	pli_pkt_build_syn(syn, 40001, 22, 0xdeadbeef, &src4, &dst4);
	assert_int_equal(syn[0] << 8 | syn[1], 40001);
	assert_int_equal(syn[2] << 8 | syn[3], 22);
	assert_int_equal(syn[4], 0xde);
	assert_int_equal(syn[7], 0xef);
	assert_int_equal(syn[12] >> 4, PL_SYN_LEN / 4);
	assert_int_equal(syn[13], PL_TCP_SYN);
	/* A correct checksum makes the sum over pseudo header and segment 0xffff. */
	sum = pli_csum_add(pli_csum_add(0, pseudo, sizeof(pseudo)), syn, sizeof(syn));
	assert_int_equal(pli_csum_fold(sum), 0);
	/* IPv6: the kernel fills the checksum in. */
	pli_pkt_build_syn(syn, 40001, 22, 1, NULL, &dst4);
	assert_int_equal(syn[16] | syn[17], 0);
	/* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	assert_int_equal(
	    pli_csum_add(0, (const uint8_t[]){0, 1, 0xf2, 3, 0xf4, 0xf5, 0xf6, 0xf7}, 8), 0xddf2);
}

static void
test_cookie(void **state)
{
	uint8_t k1[16] = {1}, k2[16] = {2};
	struct pl_scan_addr other = dst4;

	(void)state;
	other.bytes[3]++;
	assert_int_equal(pli_pkt_cookie(k1, &dst4, 22, 40001, PL_PROTO_TCP),
	                 pli_pkt_cookie(k1, &dst4, 22, 40001, PL_PROTO_TCP));
	assert_int_not_equal(pli_pkt_cookie(k1, &dst4, 22, 40001, PL_PROTO_TCP),
	                     pli_pkt_cookie(k2, &dst4, 22, 40001, PL_PROTO_TCP));
	assert_int_not_equal(pli_pkt_cookie(k1, &dst4, 22, 40001, PL_PROTO_TCP),
	                     pli_pkt_cookie(k1, &other, 22, 40001, PL_PROTO_TCP));
	assert_int_not_equal(pli_pkt_cookie(k1, &dst4, 22, 40001, PL_PROTO_TCP),
	                     pli_pkt_cookie(k1, &dst4, 23, 40001, PL_PROTO_TCP));
	assert_int_not_equal(pli_pkt_cookie(k1, &dst4, 22, 40001, PL_PROTO_TCP),
	                     pli_pkt_cookie(k1, &dst4, 22, 40001, PL_PROTO_UDP));
}

/* An IPv4 header (20 bytes) for proto from 198.19.7.5 to 198.18.0.1, total len. */
static void
ip4(uint8_t *p, uint8_t proto, size_t len)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[6] = 0x40; /* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, dst4.bytes, 4);
	memcpy(p + 16, src4.bytes, 4);
}

/* Every shorter prefix of a packet is refused (and ASan watches the reads). */
static void
truncations_fail(const uint8_t *p, size_t len, int v6icmp)
{
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		struct pl_pkt_reply r;

		memcpy(copy, p, n);
		if (v6icmp)
			assert_int_equal(pli_pkt_parse_icmp6(copy, n, &r), -1);
		else
			assert_int_equal(pli_pkt_parse_ip4(copy, n, &r), -1);
		free(copy);
	}
}

/* r answers a TCP probe from our port local_port to dst4:target_port whose sequence
 * number was seq: a TCP segment back, or an ICMP error quoting the probe. */
static void
expect_tcp_answer(const struct pl_pkt_reply *r, int kind, uint16_t target_port, uint16_t local_port,
                  uint32_t seq)
{
	assert_int_equal(r->kind, kind);
	assert_int_equal(r->proto, PL_PROTO_TCP);
	assert_memory_equal(&r->target, &dst4, sizeof(dst4));
	assert_int_equal(r->target_port, target_port);
	assert_int_equal(r->local_port, local_port);
	assert_int_equal(r->seq, seq);
}

static void
test_parse_tcp4(void **state)
{
	uint8_t p[44];
	struct pl_pkt_reply r;

	(void)state;
	ip4(p, 6, sizeof(p));
	pli_pkt_build_syn(p + 20, 22, 40001, 0x11223344, NULL, &dst4);
	p[20 + 13] = PL_TCP_SYN | PL_TCP_ACK;
	p[20 + 8] = 0xde, p[20 + 9] = 0xad, p[20 + 10] = 0xbe, p[20 + 11] = 0xf0;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), 0);
	expect_tcp_answer(&r, PL_PKT_TCP, 22, 40001, 0x11223344);
	assert_int_equal(r.ack, 0xdeadbef0);
	assert_int_equal(r.tcp_flags, PL_TCP_SYN | PL_TCP_ACK);
	truncations_fail(p, sizeof(p), 0);
	/* A bad data offset, a fragment, a total length past the buffer: refused. */
	p[20 + 12] = 0x40;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), -1);
	p[20 + 12] = 0x60;
	p[7] = 1;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), -1);
	p[7] = 0;
	p[3] = 45;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), -1);
}

static void
test_parse_icmp4(void **state)
{
	/* ICMP host unreachable from a router, quoting our SYN (IP header + 8 bytes). */
	uint8_t p[20 + 8 + 20 + 8], syn[PL_SYN_LEN];
	struct pl_pkt_reply r;
	enum pl_port_state st;
	enum pl_scan_reason why;

	(void)state;
	ip4(p, 1, sizeof(p));
	memset(p + 20, 0, 8);
	p[20] = 3;
	p[21] = 1;
	ip4(p + 28, 6, 44);
	memcpy(p + 28 + 12, src4.bytes, 4);
	memcpy(p + 28 + 16, dst4.bytes, 4);
	pli_pkt_build_syn(syn, 40001, 2323, 0xcafe0001, NULL, &dst4);
	memcpy(p + 48, syn, 8); /* the quote: our SYN's first 8 bytes */
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), 0);
	expect_tcp_answer(&r, PL_PKT_ICMP, 2323, 40001, 0xcafe0001);
	assert_int_equal(pli_pkt_icmp_state(&r, &st, &why), 0);
	assert_int_equal(st, PL_PORT_FILTERED);
	assert_int_equal(why, PL_REASON_HOST_UNREACH);
	truncations_fail(p, sizeof(p), 0);
	/* Every code nmap takes as an answer to a SYN is filtered, with its reason word;
	 * the others (fragmentation needed, source route failed, ...) are no answer. */
	{
		static const struct {
			uint8_t code;
			int rc;
			enum pl_scan_reason why;
		} codes[] = {{0, 0, PL_REASON_NET_UNREACH},
		             {1, 0, PL_REASON_HOST_UNREACH},
		             {2, 0, PL_REASON_PROTO_UNREACH},
		             {3, 0, PL_REASON_PORT_UNREACH},
		             {9, 0, PL_REASON_NET_PROHIBITED},
		             {10, 0, PL_REASON_HOST_PROHIBITED},
		             {13, 0, PL_REASON_ADMIN_PROHIBITED},
		             {4, -1, 0},
		             {5, -1, 0},
		             {6, -1, 0},
		             {11, -1, 0},
		             {15, -1, 0}};

		for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
			p[21] = codes[k].code;
			assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), 0);
			assert_int_equal(pli_pkt_icmp_state(&r, &st, &why), codes[k].rc);
			if (codes[k].rc == 0) {
				assert_int_equal(st, PL_PORT_FILTERED);
				assert_int_equal(why, codes[k].why);
			}
		}
	}
	/* A UDP probe: host unreachable is filtered too. */
	p[21] = 1;
	p[28 + 9] = 17;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), 0);
	assert_int_equal(pli_pkt_icmp_state(&r, &st, &why), 0);
	assert_int_equal(st, PL_PORT_FILTERED);
	/* Port unreachable: closed for a UDP probe, admin-prohibited code 13. */
	p[21] = 3;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), 0);
	assert_int_equal(pli_pkt_icmp_state(&r, &st, &why), 0);
	assert_int_equal(st, PL_PORT_CLOSED);
	assert_int_equal(why, PL_REASON_PORT_UNREACH);
	p[21] = 13;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), 0);
	assert_int_equal(pli_pkt_icmp_state(&r, &st, &why), 0);
	assert_int_equal(st, PL_PORT_FILTERED);
	assert_int_equal(why, PL_REASON_ADMIN_PROHIBITED);
	/* Other ICMP types are not answers. */
	p[20] = 11;
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), -1);
}

static void
test_parse_v6(void **state)
{
	uint8_t p[8 + 40 + 8], tcp[20] = {0};
	struct pl_scan_addr t6 = {.family = 6, .bytes = {0x20, 1, 0, 2, 0, 0, 0, 1, [15] = 5}};
	struct pl_pkt_reply r;
	enum pl_port_state st;
	enum pl_scan_reason why;

	(void)state;
	memset(p, 0, sizeof(p));
	p[0] = 1; /* destination unreachable */
	p[1] = 1; /* administratively prohibited */
	p[8] = 0x60;
	p[8 + 6] = 6;
	memcpy(p + 8 + 24, t6.bytes, 16);
	p[48] = 40001 >> 8, p[49] = 40001 & 0xff, p[50] = 0, p[51] = 80;
	p[52] = 0xab;
	assert_int_equal(pli_pkt_parse_icmp6(p, sizeof(p), &r), 0);
	assert_memory_equal(&r.target, &t6, sizeof(t6));
	assert_int_equal(r.target_port, 80);
	assert_int_equal(r.local_port, 40001);
	assert_int_equal(r.seq >> 24, 0xab);
	assert_int_equal(pli_pkt_icmp_state(&r, &st, &why), 0);
	assert_int_equal(st, PL_PORT_FILTERED);
	assert_int_equal(why, PL_REASON_ADMIN_PROHIBITED);
	truncations_fail(p, sizeof(p), 1);
	/* A TCP RST from an IPv6 raw socket (no IPv6 header). */
	tcp[1] = 80;
	tcp[2] = 40001 >> 8, tcp[3] = 40001 & 0xff;
	tcp[12] = 0x50;
	tcp[13] = PL_TCP_RST | PL_TCP_ACK;
	assert_int_equal(pli_pkt_parse_l4_v6(tcp, sizeof(tcp), PL_PROTO_TCP, &t6, &r), 0);
	assert_int_equal(r.tcp_flags, PL_TCP_RST | PL_TCP_ACK);
	assert_int_equal(r.target_port, 80);
	assert_int_equal(pli_pkt_parse_l4_v6(tcp, 19, PL_PROTO_TCP, &t6, &r), -1);
	/* UDP: the payload is what the length field says, never past the buffer. */
	{
		uint8_t u[12] = {0, 53, 0x9c, 0x41, 0, 11, 0, 0, 'a', 'b', 'c', 'd'};

		assert_int_equal(pli_pkt_parse_l4_v6(u, sizeof(u), PL_PROTO_UDP, &t6, &r), 0);
		assert_int_equal(r.payload_len, 3);
		u[5] = 13;
		assert_int_equal(pli_pkt_parse_l4_v6(u, sizeof(u), PL_PROTO_UDP, &t6, &r), -1);
	}
}

static void
test_ping_packets(void **state)
{
	uint8_t echo[PL_ECHO_LEN], p[20 + PL_ECHO_LEN], tcp[PL_TCP_LEN], arp[PL_ARP_LEN];
	uint8_t ns[PL_NS_LEN], na[24] = {136, 0};
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
	struct pl_scan_addr t6 = {.family = 6, .bytes = {0x20, 1, 0, 2, [14] = 0xab, 0xcd}};
	struct pl_scan_addr group;
	struct pl_pkt_reply r;

	(void)state;
	/* An echo request whose reply carries the cookie back; the checksum verifies. */
	pli_pkt_build_echo(echo, 0, 0xcafef00d);
	assert_int_equal(echo[0], 8);
	assert_int_equal(pli_csum_fold(pli_csum_add(0, echo, sizeof(echo))), 0);
	ip4(p, 1, sizeof(p));
	memcpy(p + 20, echo, sizeof(echo));
	p[20] = 0; /* the reply: type 0, the rest echoed */
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), 0);
	assert_int_equal(r.kind, PL_PKT_ECHO);
	assert_int_equal(r.seq, 0xcafef00d);
	assert_memory_equal(r.target.bytes, dst4.bytes, 4);
	p[20] = 8; /* a request is no answer */
	assert_int_equal(pli_pkt_parse_ip4(p, sizeof(p), &r), -1);
	p[20] = 0;
	truncations_fail(p, 20 + 7, 0);
	/* ICMPv6 echo: checksum left to the kernel; the reply's fields from the socket. */
	pli_pkt_build_echo(echo, 1, 0x01020304);
	assert_int_equal(echo[0], 128);
	assert_int_equal(echo[2] | echo[3], 0);
	echo[0] = 129;
	assert_int_equal(pli_pkt_parse_icmp6_ping(echo, sizeof(echo), &t6, &r), 0);
	assert_int_equal(r.kind, PL_PKT_ECHO);
	assert_int_equal(r.seq, 0x01020304);
	assert_memory_equal(&r.target, &t6, sizeof(t6));
	assert_int_equal(pli_pkt_parse_icmp6_ping(echo, 7, &t6, &r), -1);
	/* The ACK probe: flags, acknowledgement number, checksum over the pseudo header. */
	pli_pkt_build_tcp(tcp, 40001, 80, 0, 0x11223344, PL_TCP_ACK, &src4, &dst4);
	assert_int_equal(tcp[13], PL_TCP_ACK);
	assert_int_equal(tcp[12], 5 << 4);
	assert_memory_equal(tcp + 8, "\x11\x22\x33\x44", 4);
	{
		uint8_t pseudo[12] = {198, 18, 0, 1, 198, 19, 7, 5, 0, 6, 0, PL_TCP_LEN};

		assert_int_equal(
		    pli_csum_fold(pli_csum_add(pli_csum_add(0, pseudo, 12), tcp, sizeof(tcp))), 0);
	}
	/* ARP: the request's layout; a reply (op 2) parses, a request does not. */
	pli_pkt_build_arp(arp, mac, src4.bytes, dst4.bytes);
	assert_memory_equal(arp, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	assert_memory_equal(arp + 24, dst4.bytes, 4);
	assert_int_equal(pli_pkt_parse_arp(arp, sizeof(arp), &r), -1);
	memcpy(arp + 14, dst4.bytes, 4); /* the reply: sender = target, for us */
	memcpy(arp + 24, src4.bytes, 4);
	arp[7] = 2;
	assert_int_equal(pli_pkt_parse_arp(arp, sizeof(arp), &r), 0);
	assert_int_equal(r.kind, PL_PKT_ARP);
	assert_memory_equal(r.target.bytes, dst4.bytes, 4);
	assert_memory_equal(r.arp_tip, src4.bytes, 4);
	assert_int_equal(pli_pkt_parse_arp(arp, sizeof(arp) - 1, &r), -1);
	/* Neighbour solicitation to the solicited-node group; an advertisement parses. */
	pli_pkt_build_ns(ns, &t6, mac, &group);
	assert_int_equal(ns[0], 135);
	assert_memory_equal(ns + 8, t6.bytes, 16);
	assert_memory_equal(group.bytes, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\x00\xab\xcd", 16);
	memcpy(na + 8, t6.bytes, 16);
	assert_int_equal(pli_pkt_parse_icmp6_ping(na, sizeof(na), &t6, &r), 0);
	assert_int_equal(r.kind, PL_PKT_NA);
	assert_memory_equal(&r.target, &t6, sizeof(t6));
	assert_int_equal(pli_pkt_parse_icmp6_ping(na, 23, &t6, &r), -1);
}

UNIT_MAIN(cmocka_unit_test(test_siphash_vectors), cmocka_unit_test(test_syn_and_checksum),
          cmocka_unit_test(test_cookie), cmocka_unit_test(test_parse_tcp4),
          cmocka_unit_test(test_parse_icmp4), cmocka_unit_test(test_parse_v6),
          cmocka_unit_test(test_ping_packets))
