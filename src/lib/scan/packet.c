// SPDX-License-Identifier: MIT
/*
 * packet.c - pure packet code for the raw engines (packet.h): SipHash-2-4, checksums,
 * the SYN, and parsers for what comes back.
 *
 * Why a keyed hash: the SYN engine keeps no lookup state per probe sent, only its
 * in-flight slot. The sequence number of a SYN is a 32-bit SipHash of the probe's
 * target, ports and transport under a key drawn for the scan, so an answer is ours
 * exactly when it acknowledges that number plus one (or, in an ICMP error, quotes it).
 * Stray and forged packets fail that test with probability 2^-32 each. SipHash is the
 * PRF zmap and the Linux kernel (syncookies) use for the same job, written here from
 * the paper (Aumasson, Bernstein: "SipHash: a fast short-input PRF", 2012).
 *
 * Parsers read only inside len, check every length field against it, and return -1 for
 * anything that is not a well-formed answer to a TCP or UDP probe.
 */
#include <string.h>

#include "scan/packet.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

uint64_t
pli_siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *m = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8), b = (uint64_t)len << 56;
	uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
	                 k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = le64(m + i);

		v[3] ^= w;
		sipround(v);
		sipround(v);
		v[0] ^= w;
	}
	for (size_t k = 0; i + k < len; k++)
		b |= (uint64_t)m[i + k] << (8 * k);
	v[3] ^= b;
	sipround(v);
	sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint32_t
pli_pkt_cookie(const uint8_t key[16], const struct pl_scan_addr *target, uint16_t target_port,
               uint16_t local_port, uint8_t proto)
{
	uint8_t in[22];
	size_t n = target->family == 6 ? 16 : 4;

	in[0] = target->family;
	in[1] = proto;
	in[2] = (uint8_t)(target_port >> 8);
	in[3] = (uint8_t)target_port;
	in[4] = (uint8_t)(local_port >> 8);
	in[5] = (uint8_t)local_port;
	memcpy(in + 6, target->bytes, n);
	return (uint32_t)pli_siphash24(key, in, 6 + n);
}

uint32_t
pli_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t
pli_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The TCP checksum over the IPv4 pseudo header (IPv6: the kernel's, IPV6_CHECKSUM). */
static void
tcp_csum4(uint8_t *seg, size_t len, const struct pl_scan_addr *src, const struct pl_scan_addr *dst)
{
	uint8_t pseudo[12];
	uint32_t sum;

	if (!src || src->family != 4 || dst->family != 4)
		return;
	memcpy(pseudo, src->bytes, 4);
	memcpy(pseudo + 4, dst->bytes, 4);
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, (uint16_t)len);
	sum = pli_csum_add(0, pseudo, sizeof(pseudo));
	put16(seg + 16, pli_csum_fold(pli_csum_add(sum, seg, len)));
}

void
pli_pkt_build_syn(uint8_t *out, uint16_t sport, uint16_t dport, uint32_t seq,
                  const struct pl_scan_addr *src, const struct pl_scan_addr *dst)
{
	memset(out, 0, PL_SYN_LEN);
	put16(out, sport);
	put16(out + 2, dport);
	put32(out + 4, seq);
	out[12] = (PL_SYN_LEN / 4) << 4; /* data offset */
	out[13] = PL_TCP_SYN;
	put16(out + 14, 1024); /* window */
	out[20] = 2;           /* MSS option: kind 2, length 4, 1460 */
	out[21] = 4;
	put16(out + 22, 1460);
	tcp_csum4(out, PL_SYN_LEN, src, dst);
}

void
pli_pkt_build_tcp(uint8_t *out, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                  uint8_t flags, const struct pl_scan_addr *src, const struct pl_scan_addr *dst)
{
	memset(out, 0, PL_TCP_LEN);
	put16(out, sport);
	put16(out + 2, dport);
	put32(out + 4, seq);
	put32(out + 8, ack);
	out[12] = (PL_TCP_LEN / 4) << 4;
	out[13] = flags;
	put16(out + 14, 1024);
	tcp_csum4(out, PL_TCP_LEN, src, dst);
}

/* TCP or UDP header at p (len bytes) from the target: fills ports and TCP fields. */
static int
parse_l4(const uint8_t *p, size_t len, uint8_t proto, struct pl_pkt_reply *r)
{
	if (proto == PL_PROTO_TCP) {
		size_t off;

		if (len < 20 || (off = (size_t)(p[12] >> 4) * 4) < 20 || off > len)
			return -1;
		r->kind = PL_PKT_TCP;
		r->seq = get32(p + 4);
		r->ack = get32(p + 8);
		r->tcp_flags = p[13];
	} else if (proto == PL_PROTO_UDP) {
		size_t ulen;

		if (len < 8 || (ulen = get16(p + 4)) < 8 || ulen > len)
			return -1;
		r->kind = PL_PKT_UDP;
		r->payload = p + 8;
		r->payload_len = ulen - 8;
	} else {
		return -1;
	}
	r->proto = proto;
	r->target_port = get16(p);
	r->local_port = get16(p + 2);
	return 0;
}

static uint8_t
ip_proto(uint8_t ipproto)
{
	return ipproto == 6 ? PL_PROTO_TCP : ipproto == 17 ? PL_PROTO_UDP : 0xff;
}

/* The probe an ICMP error quotes (our packet: we are its source, target its dest). */
static int
parse_quote(const uint8_t *p, size_t len, uint8_t proto, struct pl_pkt_reply *r)
{
	if (len < 8 || proto == 0xff)
		return -1;
	r->kind = PL_PKT_ICMP;
	r->proto = proto;
	r->local_port = get16(p);
	r->target_port = get16(p + 2);
	r->seq = proto == PL_PROTO_TCP ? get32(p + 4) : 0;
	return 0;
}

int
pli_pkt_parse_ip4(const uint8_t *p, size_t len, struct pl_pkt_reply *r)
{
	size_t ihl, tot, qihl;
	const uint8_t *q;

	memset(r, 0, sizeof(*r));
	if (len < 20 || (p[0] >> 4) != 4 || (ihl = (size_t)(p[0] & 15) * 4) < 20 ||
	    (tot = get16(p + 2)) < ihl || tot > len)
		return -1;
	if ((get16(p + 6) & 0x3fff) != 0)
		return -1; /* a fragment: probes and their answers are never fragmented */
	if (p[9] != 1) {
		r->target.family = 4;
		memcpy(r->target.bytes, p + 12, 4);
		return parse_l4(p + ihl, tot - ihl, ip_proto(p[9]), r);
	}
	if (tot >= ihl + 8 && p[ihl] == 0 && p[ihl + 1] == 0) { /* echo reply */
		r->kind = PL_PKT_ECHO;
		r->icmp_type = 0;
		r->target.family = 4;
		memcpy(r->target.bytes, p + 12, 4);
		r->seq = get32(p + ihl + 4);
		return 0;
	}
	/* ICMP: destination unreachable (3), quoting an IPv4 header and 8 bytes. */
	q = p + ihl + 8;
	if (tot < ihl + 8 + 20 || p[ihl] != 3)
		return -1;
	if ((q[0] >> 4) != 4 || (qihl = (size_t)(q[0] & 15) * 4) < 20 || tot - ihl - 8 < qihl + 8)
		return -1;
	r->icmp_type = p[ihl];
	r->icmp_code = p[ihl + 1];
	r->target.family = 4;
	memcpy(r->target.bytes, q + 16, 4);
	return parse_quote(q + qihl, tot - ihl - 8 - qihl, ip_proto(q[9]), r);
}

int
pli_pkt_parse_l4_v6(const uint8_t *p, size_t len, uint8_t proto, const struct pl_scan_addr *src,
                    struct pl_pkt_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->target = *src;
	return parse_l4(p, len, proto, r);
}

int
pli_pkt_parse_icmp6(const uint8_t *p, size_t len, struct pl_pkt_reply *r)
{
	const uint8_t *q = p + 8;

	memset(r, 0, sizeof(*r));
	/* Destination unreachable (1): 8 bytes, then the quoted IPv6 header (40) and more. */
	if (len < 8 + 40 + 8 || p[0] != 1 || (q[0] >> 4) != 6)
		return -1;
	r->icmp_v6 = 1;
	r->icmp_type = p[0];
	r->icmp_code = p[1];
	r->target.family = 6;
	memcpy(r->target.bytes, q + 24, 16);
	return parse_quote(q + 40, len - 48, ip_proto(q[6]), r);
}

int
pli_pkt_icmp_state(const struct pl_pkt_reply *r, enum pl_port_state *st, enum pl_scan_reason *why)
{
	*st = PL_PORT_FILTERED;
	if (r->icmp_v6) {
		switch (r->icmp_code) {
		case 4: /* port unreachable */
			*why = PL_REASON_PORT_UNREACH;
			if (r->proto == PL_PROTO_UDP)
				*st = PL_PORT_CLOSED;
			return 0;
		case 0: /* no route */
		case 2: /* beyond the scope of the source address */
			*why = PL_REASON_NET_UNREACH;
			return 0;
		case 1: /* administratively prohibited */
		case 5: /* source address failed ingress/egress policy */
		case 6: /* reject route */
			*why = PL_REASON_ADMIN_PROHIBITED;
			return 0;
		case 3: /* address unreachable */
			*why = PL_REASON_HOST_UNREACH;
			return 0;
		default:
			return -1;
		}
	}
	switch (r->icmp_code) {
	case 0:
		*why = PL_REASON_NET_UNREACH;
		return 0;
	case 1:
		*why = PL_REASON_HOST_UNREACH;
		return 0;
	case 2:
		*why = PL_REASON_PROTO_UNREACH;
		return 0;
	case 3:
		*why = PL_REASON_PORT_UNREACH;
		if (r->proto == PL_PROTO_UDP)
			*st = PL_PORT_CLOSED;
		return 0;
	case 9:
		*why = PL_REASON_NET_PROHIBITED;
		return 0;
	case 10:
		*why = PL_REASON_HOST_PROHIBITED;
		return 0;
	case 13:
		*why = PL_REASON_ADMIN_PROHIBITED;
		return 0;
	default: /* fragmentation needed, source route failed, unknown network, ... */
		return -1;
	}
}
