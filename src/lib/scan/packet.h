/* SPDX-License-Identifier: MIT */
/*
 * scan/packet.h - the raw engines' packets as pure functions over bytes: SipHash-2-4
 * (the probe cookie), Internet checksums, building a TCP SYN, and parsing what comes
 * back (TCP from an IPv4 packet or an IPv6 raw socket, ICMP and ICMPv6 errors quoting a
 * probe, UDP datagrams). No I/O here: unit-tested byte by byte and fuzzed
 * (fuzz/fuzz_packet.c).
 */
#ifndef PL_SCAN_PACKET_H
#define PL_SCAN_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/scan.h"

#define PL_TCP_FIN 0x01
#define PL_TCP_SYN 0x02
#define PL_TCP_RST 0x04
#define PL_TCP_ACK 0x10

/* Length of the SYN pli_pkt_build_syn writes: TCP header + MSS option. */
#define PL_SYN_LEN 24
/* Host discovery (packet_ping.c): a bare TCP header, an echo request with 8 bytes of
 * data, an Ethernet/IPv4 ARP request, an IPv6 neighbour solicitation with the source
 * link-layer address option. */
#define PL_TCP_LEN  20
#define PL_ECHO_LEN 16
#define PL_ARP_LEN  28
#define PL_NS_LEN   32
/* The transport the cookie of an echo request is keyed with (not a port's). */
#define PL_COOKIE_ECHO 0xfe

/* SipHash-2-4 of len bytes at data under the 16-byte key (Aumasson and Bernstein). */
uint64_t pli_siphash24(const uint8_t key[16], const void *data, size_t len);

/*
 * The probe cookie: a keyed hash of (target address, target port, local port, proto),
 * 32 bits. A SYN carries it as its sequence number; an answer is ours when it
 * acknowledges cookie + 1 (TCP) or quotes the cookie (ICMP). The local address is left
 * out: the key is secret, and the kernel chooses the local address.
 */
uint32_t pli_pkt_cookie(const uint8_t key[16], const struct pl_scan_addr *target,
                        uint16_t target_port, uint16_t local_port, uint8_t proto);

/* The Internet checksum (RFC 1071) of len bytes, continued from sum. */
uint32_t pli_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t pli_csum_fold(uint32_t sum);

/*
 * Writes a SYN (PL_SYN_LEN bytes: header, MSS 1460 option) from sport to dport with
 * sequence number seq into out. With src (IPv4 only), the checksum over the pseudo
 * header is filled in; without (IPv6: the kernel computes it, IPV6_CHECKSUM) it is 0.
 */
void pli_pkt_build_syn(uint8_t *out, uint16_t sport, uint16_t dport, uint32_t seq,
                       const struct pl_scan_addr *src, const struct pl_scan_addr *dst);

enum pl_pkt_kind {
	PL_PKT_NONE = 0,
	PL_PKT_TCP,  /* a TCP segment from the target */
	PL_PKT_UDP,  /* a UDP datagram from the target */
	PL_PKT_ICMP, /* an ICMP/ICMPv6 destination-unreachable quoting a probe */
	PL_PKT_ECHO, /* an ICMP/ICMPv6 echo reply: seq is its identifier and sequence */
	PL_PKT_ARP,  /* an ARP reply: target is its sender, arp_tip whom it answers */
	PL_PKT_NA,   /* an IPv6 neighbour advertisement for target */
};

/* What a received packet says, as far as a probe is concerned. */
struct pl_pkt_reply {
	uint8_t kind;      /* enum pl_pkt_kind */
	uint8_t proto;     /* transport of the probe it answers (enum pl_proto) */
	uint8_t tcp_flags; /* TCP */
	uint8_t icmp_v6;   /* ICMP: 1 for ICMPv6 numbering */
	uint8_t icmp_type, icmp_code;
	struct pl_scan_addr target; /* the probed address (the source, or quoted destination) */
	uint16_t target_port, local_port;
	uint32_t seq, ack;      /* TCP: as received; ICMP quoting TCP: seq is the probe's */
	const uint8_t *payload; /* UDP: the datagram's payload (points into the packet) */
	size_t payload_len;
	uint8_t arp_tip[4]; /* ARP: the target protocol address (ours, for a reply to us) */
};

/*
 * Parses an IPv4 packet (IP header first, as a raw IPv4 socket delivers it): TCP, UDP,
 * an ICMP destination-unreachable quoting a TCP or UDP probe, or an ICMP echo reply. Returns 0 and
 * fills r, or -1 for anything else or anything malformed (never reads past len).
 */
int pli_pkt_parse_ip4(const uint8_t *p, size_t len, struct pl_pkt_reply *r);

/*
 * Parses what an IPv6 raw socket delivers (no IPv6 header): a TCP segment (proto
 * PL_PROTO_TCP) or UDP datagram (PL_PROTO_UDP) from src. 0 or -1 as above.
 */
int pli_pkt_parse_l4_v6(const uint8_t *p, size_t len, uint8_t proto, const struct pl_scan_addr *src,
                        struct pl_pkt_reply *r);

/* Parses an ICMPv6 message (from an ICMPv6 raw socket): destination unreachable quoting
 * a TCP or UDP probe. 0 or -1. */
int pli_pkt_parse_icmp6(const uint8_t *p, size_t len, struct pl_pkt_reply *r);

/* ---- host discovery (packet_ping.c) ---- */

/*
 * A TCP segment without options (PL_TCP_LEN bytes) with the given flags, sequence and
 * acknowledgement numbers; the checksum as pli_pkt_build_syn does it.
 */
void pli_pkt_build_tcp(uint8_t *out, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                       uint8_t flags, const struct pl_scan_addr *src,
                       const struct pl_scan_addr *dst);

/*
 * An ICMP (v6 = 0) or ICMPv6 echo request (PL_ECHO_LEN bytes) whose identifier and
 * sequence number are the cookie's two halves, so the reply carries the cookie back.
 * The ICMP checksum is filled in; ICMPv6's is left 0 (the kernel computes it).
 */
void pli_pkt_build_echo(uint8_t *out, int v6, uint32_t cookie);

/* An ARP request (RFC 826; PL_ARP_LEN bytes) from mac/sip asking who has tip. */
void pli_pkt_build_arp(uint8_t *out, const uint8_t mac[6], const uint8_t sip[4],
                       const uint8_t tip[4]);

/*
 * An IPv6 neighbour solicitation (RFC 4861 section 4.3; PL_NS_LEN bytes) for target,
 * with our link-layer address mac as its option; checksum 0 (the kernel's). *group
 * gets the solicited-node multicast address it goes to (ff02::1:ffXX:XXXX).
 */
void pli_pkt_build_ns(uint8_t *out, const struct pl_scan_addr *target, const uint8_t mac[6],
                      struct pl_scan_addr *group);

/* An ARP packet (as an AF_PACKET SOCK_DGRAM socket gives it): a reply over Ethernet
 * and IPv4. 0 and r filled (kind PL_PKT_ARP), or -1. */
int pli_pkt_parse_arp(const uint8_t *p, size_t len, struct pl_pkt_reply *r);

/*
 * What an ICMPv6 raw socket of the discovery engine gets from src: an echo reply
 * (PL_PKT_ECHO) or a neighbour advertisement (PL_PKT_NA, target = its target address).
 * 0 or -1. (pli_pkt_parse_ip4 reads IPv4 echo replies.)
 */
int pli_pkt_parse_icmp6_ping(const uint8_t *p, size_t len, const struct pl_scan_addr *src,
                             struct pl_pkt_reply *r);

/*
 * The state and reason an ICMP destination-unreachable gives a probe, as nmap reads
 * them: port unreachable (ICMP code 3, ICMPv6 4) is closed for a UDP probe; every other
 * code nmap takes as an answer (ICMP 0, 1, 2, 9, 10, 13; ICMPv6 0-6), and port
 * unreachable for a TCP probe, is filtered, with nmap's reason word (net-unreach,
 * host-unreach, proto-unreach, net-prohibited, host-prohibited, admin-prohibited,
 * port-unreach). Returns 0, or -1 for a code that says nothing about the port
 * (fragmentation needed, source route failed, ...): the probe waits on.
 */
int pli_pkt_icmp_state(const struct pl_pkt_reply *r, enum pl_port_state *st,
                       enum pl_scan_reason *why);

#endif
