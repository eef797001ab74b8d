// SPDX-License-Identifier: MIT
/*
 * engine_ping.c - host discovery (-sn): is anything at this address? One probe per
 * target, answered by whichever of these comes back first (nmap's default discovery
 * probes as root, plus neighbour discovery):
 *
 *   - an ICMP (ICMPv6) echo request: an echo reply (echo-reply);
 *   - a TCP SYN to port 443: a SYN-ACK (syn-ack) or a RST (reset);
 *   - a TCP ACK to port 80: a RST (reset); a firewall that passes only replies to
 *     connections it saw lets a bare ACK through less often than a SYN, and a host with
 *     nothing on 80 still answers it;
 *   - on a directly attached Ethernet segment, an ARP request (arp-response), and for
 *     IPv6 a neighbour solicitation (nd-response): a host that drops every IP packet
 *     still answers these, as its kernel must to be reachable at all.
 *
 * Stateless validation, as in the SYN engine: the echo request's identifier and
 * sequence carry the keyed cookie of (target, proto echo, local port), the SYN's
 * sequence number the cookie of (target, 443), the ACK's acknowledgement number the
 * cookie of (target, 80); a reply is ours exactly when it carries its cookie back
 * (SYN-ACK/RST acknowledge cookie + 1, the RST to a bare ACK has it as sequence
 * number). ARP and neighbour advertisements carry no such field: they count when they
 * name an address in flight and (ARP) are addressed to ours. A host that answers only
 * with RSTs is up, as in nmap; ICMP errors (from routers) are not an answer.
 *
 * A target's probe reports "open" with the reason of the first answer (the host is up)
 * or, after the last attempt, "filtered" / no-response (down). Probes carry port 0;
 * the in-flight table, deadlines and retries are frame.c's. Sockets: raw TCP and ICMP
 * per family (the SYN engine's, with the ICMP filters passing echo replies and
 * neighbour advertisements) and one AF_PACKET socket for ARP. Packets go out with
 * sendto, up to four per target.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/icmp.h>
#include <netpacket/packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "portlens/addr.h"
#include "scan/frame.h"
#include "scan/packet.h"
#include "scan/scan_impl.h"

enum { FD_TCP4, FD_TCP6, FD_ICMP4, FD_ICMP6, FD_ARP };

#define MAX_LINKS 32
#define PORT_SYN  443
#define PORT_ACK  80

/* One address of an attached Ethernet interface: targets in its prefix are neighbours. */
struct link {
	struct pl_scan_addr addr;
	uint8_t plen; /* prefix length */
	int ifindex;
	uint8_t mac[6];
};

struct pstate {
	struct pl_frame f; /* first: the engine's state is the frame's */
	uint8_t key[16];
	uint16_t sport;
	struct pl_srccache src;
	struct link link[MAX_LINKS];
	size_t n_link;
};

static int
in_prefix(const struct pl_scan_addr *a, const struct link *l)
{
	unsigned bits = l->plen, n = bits / 8;

	if (a->family != l->addr.family || memcmp(a->bytes, l->addr.bytes, n) != 0)
		return 0;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		if ((a->bytes[n] & m) != (l->addr.bytes[n] & m))
			return 0;
	}
	return memcmp(a->bytes, l->addr.bytes, a->family == 4 ? 4 : 16) != 0;
}

/* The attached segment a target is on, or NULL. */
static const struct link *
neighbour_link(const struct pstate *s, const struct pl_scan_addr *a)
{
	for (size_t i = 0; i < s->n_link; i++)
		if (in_prefix(a, &s->link[i]))
			return &s->link[i];
	return NULL;
}

static unsigned
mask_len(const struct sockaddr *m)
{
	const uint8_t *b =
	    m->sa_family == AF_INET
	        ? (const uint8_t *)&((const struct sockaddr_in *)(const void *)m)->sin_addr
	        : ((const struct sockaddr_in6 *)(const void *)m)->sin6_addr.s6_addr;
	unsigned n = m->sa_family == AF_INET ? 4 : 16, bits = 0;

	for (unsigned i = 0; i < n && b[i] == 0xff; i++)
		bits += 8;
	if (bits / 8 < n)
		for (uint8_t v = b[bits / 8]; v & 0x80; v = (uint8_t)(v << 1))
			bits++;
	return bits;
}

/* Ethernet interfaces' addresses and prefixes (getifaddrs), only ifname when set. */
static void
find_links(struct pstate *s, const char *ifname)
{
	struct ifaddrs *all, *a, *b;

	if (getifaddrs(&all) != 0)
		return;
	for (a = all; a && s->n_link < MAX_LINKS; a = a->ifa_next) {
		struct link *l = &s->link[s->n_link];
		int fam = a->ifa_addr ? a->ifa_addr->sa_family : 0;
		struct pl_addr ia;

		if ((fam != AF_INET && fam != AF_INET6) || !a->ifa_netmask ||
		    !(a->ifa_flags & IFF_UP) || (a->ifa_flags & (IFF_LOOPBACK | IFF_NOARP)) ||
		    (ifname && *ifname && strcmp(a->ifa_name, ifname) != 0))
			continue;
		for (b = all; b; b = b->ifa_next) { /* its hardware address */
			const struct sockaddr_ll *ll = (const void *)b->ifa_addr;

			if (b->ifa_addr && b->ifa_addr->sa_family == AF_PACKET &&
			    strcmp(b->ifa_name, a->ifa_name) == 0 &&
			    ll->sll_hatype == ARPHRD_ETHER && ll->sll_halen == 6) {
				memcpy(l->mac, ll->sll_addr, 6);
				l->ifindex = ll->sll_ifindex;
				break;
			}
		}
		if (!b)
			continue;
		if (pl_addr_from_sockaddr(a->ifa_addr,
		                          fam == AF_INET ? sizeof(struct sockaddr_in)
		                                         : sizeof(struct sockaddr_in6),
		                          &ia) != PL_OK ||
		    (ia.family == 6 && ia.bytes[0] == 0xfe && (ia.bytes[1] & 0xc0) == 0x80))
			continue; /* IPv6 link-local (fe80::/10) */
		memset(&l->addr, 0, sizeof(l->addr));
		l->addr.family = ia.family;
		memcpy(l->addr.bytes, ia.bytes, sizeof(l->addr.bytes));
		l->plen = (uint8_t)mask_len(a->ifa_netmask);
		s->n_link++;
	}
	freeifaddrs(all);
}

/* sendto, waiting a little while the device queue is full; 0 or errno. */
static int
send_to(int fd, const void *pkt, size_t len, const void *sa, socklen_t salen)
{
	for (int waits = 0; fd >= 0; waits++) {
		if (sendto(fd, pkt, len, 0, sa, salen) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if ((errno != ENOBUFS && errno != EAGAIN) || waits >= 100)
			return errno;
		struct timespec ts = {0, 200000};

		nanosleep(&ts, NULL);
	}
	return EAFNOSUPPORT;
}

/* A raw socket's destination (no port). */
static socklen_t
ip_sockaddr(const struct pl_scan_addr *a, struct sockaddr_storage *ss)
{
	struct pl_addr d = pl_addr_make(a->family, a->bytes, 0);

	return pl_addr_to_sockaddr(&d, ss);
}

/* The neighbour probe: ARP request, or a neighbour solicitation to the solicited-node
 * group through the link's interface (hop limit 255, as RFC 4861 requires). */
static int
send_neighbour(struct pstate *s, const struct link *l, const struct pl_scan_addr *t)
{
	struct pl_frame *f = &s->f;
	uint8_t pkt[PL_NS_LEN];

	if (t->family == 4) {
		struct sockaddr_ll ll = {.sll_family = AF_PACKET,
		                         .sll_protocol = htons(ETH_P_ARP),
		                         .sll_ifindex = l->ifindex,
		                         .sll_halen = 6};

		memset(ll.sll_addr, 0xff, 6);
		pli_pkt_build_arp(pkt, l->mac, l->addr.bytes, t->bytes);
		return send_to(f->fd[FD_ARP], pkt, PL_ARP_LEN, &ll, sizeof(ll));
	}
	struct pl_scan_addr group;
	struct sockaddr_storage ss;
	socklen_t len;
	int hops = 255;

	pli_pkt_build_ns(pkt, t, l->mac, &group);
	len = ip_sockaddr(&group, &ss);
	((struct sockaddr_in6 *)&ss)->sin6_scope_id = (uint32_t)l->ifindex;
	if (setsockopt(f->fd[FD_ICMP6], IPPROTO_IPV6, IPV6_MULTICAST_IF, &l->ifindex,
	               sizeof(l->ifindex)) != 0 ||
	    setsockopt(f->fd[FD_ICMP6], IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) !=
	        0)
		return errno;
	return send_to(f->fd[FD_ICMP6], pkt, PL_NS_LEN, &ss, len);
}

/* The next attempt of slot i: echo, SYN to 443, ACK to 80, and the neighbour probe. */
static void
transmit(struct pl_frame *f, uint32_t i)
{
	struct pstate *s = (struct pstate *)f;
	const struct pl_scan_addr *t = &f->tab.slots[i].probe.addr;
	const struct link *l = neighbour_link(s, t);
	struct pl_scan_addr src = {0}, *srcp = NULL;
	struct sockaddr_storage sa;
	socklen_t salen = ip_sockaddr(t, &sa);
	uint8_t pkt[PL_SYN_LEN];
	int v6 = t->family == 6, sent = 0, e = 0, rc;

	pli_frame_attempt(f, i);
	if (l && (rc = send_neighbour(s, l, t)) == 0) /* first: it needs no neighbour entry */
		sent++;
	if (!v6) { /* the TCP checksum covers the source address */
		if (f->ro.source4.family == 4)
			src = f->ro.source4, srcp = &src;
		else if (pli_srccache_get(&s->src, t, &src) == 0)
			srcp = &src;
	}
	pli_pkt_build_echo(pkt, v6, pli_pkt_cookie(s->key, t, 0, s->sport, PL_COOKIE_ECHO));
	rc = send_to(f->fd[v6 ? FD_ICMP6 : FD_ICMP4], pkt, PL_ECHO_LEN, &sa, salen);
	sent += rc == 0, e = rc ? rc : e;
	if (v6 || srcp) {
		pli_pkt_build_tcp(pkt, s->sport, PORT_SYN,
		                  pli_pkt_cookie(s->key, t, PORT_SYN, s->sport, PL_PROTO_TCP), 0,
		                  PL_TCP_SYN, srcp, t);
		rc = send_to(f->fd[v6 ? FD_TCP6 : FD_TCP4], pkt, PL_TCP_LEN, &sa, salen);
		sent += rc == 0, e = rc ? rc : e;
		pli_pkt_build_tcp(pkt, s->sport, PORT_ACK, 0,
		                  pli_pkt_cookie(s->key, t, PORT_ACK, s->sport, PL_PROTO_TCP),
		                  PL_TCP_ACK, srcp, t);
		rc = send_to(f->fd[v6 ? FD_TCP6 : FD_TCP4], pkt, PL_TCP_LEN, &sa, salen);
		sent += rc == 0, e = rc ? rc : e;
	}
	if (!sent) /* every packet refused here (no route, a local firewall) */
		pli_frame_fail(f, i, e ? e : EHOSTUNREACH);
}

static void
up(struct pstate *s, const struct pl_scan_addr *a, enum pl_scan_reason why)
{
	uint32_t i = pli_inflight_find(&s->f.tab, a, 0, PL_PROTO_TCP);

	if (i != PL_INFLIGHT_NIL) /* else a duplicate, or late after the last time-out */
		pli_frame_finish(&s->f, i, PL_PORT_OPEN, why, 0, NULL, 0, NULL, 0);
}

/* Whether reply r carries its probe's cookie back; the reason it gives. */
static int
valid(const struct pstate *s, const struct pl_pkt_reply *r, enum pl_scan_reason *why)
{
	if (r->kind == PL_PKT_ECHO) {
		*why = PL_REASON_ECHO_REPLY;
		return r->seq == pli_pkt_cookie(s->key, &r->target, 0, s->sport, PL_COOKIE_ECHO);
	}
	if (r->kind != PL_PKT_TCP || r->local_port != s->sport)
		return 0;
	*why = r->tcp_flags & PL_TCP_RST ? PL_REASON_RESET : PL_REASON_SYN_ACK;
	if (r->target_port == PORT_SYN)
		return (r->tcp_flags & PL_TCP_ACK) &&
		       r->ack ==
		           pli_pkt_cookie(s->key, &r->target, PORT_SYN, s->sport, PL_PROTO_TCP) + 1;
	return r->target_port == PORT_ACK && (r->tcp_flags & PL_TCP_RST) &&
	       r->seq == pli_pkt_cookie(s->key, &r->target, PORT_ACK, s->sport, PL_PROTO_TCP);
}

/* An ARP reply or neighbour advertisement: from a neighbour we asked. */
static void
neighbour_answer(struct pstate *s, const struct pl_pkt_reply *r)
{
	const struct link *l = neighbour_link(s, &r->target);

	if (!l || (r->kind == PL_PKT_ARP && memcmp(r->arp_tip, l->addr.bytes, 4) != 0))
		return;
	up(s, &r->target, r->kind == PL_PKT_ARP ? PL_REASON_ARP_RESPONSE : PL_REASON_ND_RESPONSE);
}

static int
parse(struct pl_frame *f, int k, int j, struct pl_pkt_reply *r)
{
	struct pli_raw_recv *rx = f->rx;
	struct pl_scan_addr from;
	size_t len = rx->msg[j].msg_len;

	switch (k) {
	case FD_TCP4:
	case FD_ICMP4:
		return pli_pkt_parse_ip4(rx->buf[j], len, r);
	case FD_ARP:
		return pli_pkt_parse_arp(rx->buf[j], len, r);
	case FD_ICMP6:
		pli_raw_from(rx, j, &from);
		return pli_pkt_parse_icmp6_ping(rx->buf[j], len, &from, r);
	default:
		pli_raw_from(rx, j, &from);
		return pli_pkt_parse_l4_v6(rx->buf[j], len, PL_PROTO_TCP, &from, r);
	}
}

static enum pl_rc
drain(struct pl_frame *f, int k, short revents, struct pl_err *err)
{
	struct pstate *s = (struct pstate *)f;

	(void)revents;
	for (int round = 0; round < 64; round++) {
		int n = pli_raw_recv(f->fd[k], f->rx);

		if (n < 0)
			return pl_err_set(err, PL_ERR_SYS, "raw socket receive: %s",
			                  strerror(errno));
		for (int j = 0; j < n; j++) {
			struct pl_pkt_reply r;
			enum pl_scan_reason why;

			if (parse(f, k, j, &r) != 0)
				continue;
			if (r.kind == PL_PKT_ARP || r.kind == PL_PKT_NA)
				neighbour_answer(s, &r);
			else if (valid(s, &r, &why))
				up(s, &r.target, why);
		}
		if (n < PL_RAW_RECV)
			break;
	}
	return PL_OK;
}

static void
p_destroy(void *state)
{
	struct pstate *s = state;

	if (!s)
		return;
	pli_frame_cleanup_raw(&s->f, &s->src);
	free(s);
}

/* The ICMP sockets pass echo replies (and neighbour advertisements), nothing else. */
static int
filter_ping(int fd, int v6)
{
	if (!v6) {
		struct icmp_filter flt = {.data = ~(1u << ICMP_ECHOREPLY)};

		return setsockopt(fd, SOL_RAW, ICMP_FILTER, &flt, sizeof(flt));
	}
	struct icmp6_filter f6;

	ICMP6_FILTER_SETBLOCKALL(&f6);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f6);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_ADVERT, &f6);
	return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6));
}

static enum pl_rc
open_sockets(struct pstate *s, struct pl_err *err)
{
	struct pl_frame *f = &s->f;
	enum pl_rc rc;

	find_links(s, f->ro.interface); /* before the ARP socket: only needed with a link */
	if ((rc = pli_frame_open_raw(f, s->sport, "-sn", filter_ping, err)) != PL_OK)
		return rc;
	if (f->fd[FD_ICMP4] < 0 && f->fd[FD_ICMP6] < 0)
		return pl_err_set(err, PL_ERR_SYS, "raw socket: no IPv4 or IPv6 support");
	if (s->n_link) {
		f->fd[FD_ARP] =
		    socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
		if (f->fd[FD_ARP] < 0)
			return pl_err_set(err, PL_ERR_SYS, "packet socket for ARP: %s",
			                  strerror(errno));
	}
	return PL_OK;
}

static enum pl_rc
p_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct pstate *s = calloc(1, sizeof(*s));
	enum pl_rc rc;

	if (!s)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	s->src.udp4 = -1;
	if ((rc = pli_frame_init_raw(&s->f, cfg, PL_PORT_FILTERED, transmit, drain, s->key,
	                             &s->sport, &s->src, err)) != PL_OK ||
	    (rc = open_sockets(s, err)) != PL_OK) {
		p_destroy(s);
		return rc;
	}
	*state = s;
	return PL_OK;
}

static enum pl_rc
p_check(struct pl_err *err)
{
	return pli_raw_check("-sn", err);
}

const struct pl_scan_engine pl_scan_engine_ping = {
    .name = "ping",
    .flag = "n",
    .nmap_type = "ping",
    .protos = PL_PROTO_BIT(PL_PROTO_TCP),
    .check = p_check,
    .create = p_create,
    .send = pli_frame_send,
    .poll = pli_frame_poll,
    .inflight = pli_frame_inflight,
    .capacity = pli_frame_capacity,
    .foreach_inflight = pli_frame_foreach,
    .destroy = p_destroy,
};
