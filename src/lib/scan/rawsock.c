// SPDX-License-Identifier: MIT
/*
 * rawsock.c - raw sockets for the raw engines (rawsock.h).
 *
 * Why raw sockets and not a packet ring: see docs/scan.md ("Send and receive paths").
 * In short, a raw IPPROTO_TCP socket lets the kernel route each packet and write its
 * IP header (no neighbour or gateway MAC handling in portlens), works on every
 * interface type including loopback and tunnels, and with sendmmsg/recvmmsg it costs
 * one system call per 256 packets sent or 64 received.
 *
 * Receiving: a raw TCP socket gets a copy of every TCP packet the host receives, so
 * each socket carries a classic BPF filter that keeps only packets to the scan's local
 * port with SYN+ACK or RST set (UDP: to the local port); ICMP sockets keep only
 * destination-unreachable messages (ICMP_FILTER, ICMP6_FILTER). Everything else never
 * leaves the kernel.
 *
 * Source addresses: IPv4 TCP checksums cover the source address, which the kernel
 * chooses by route. pl_srccache asks it the way connect() on a UDP socket does (no
 * packet is sent) and keeps the answer per /24: hosts of one /24 are reached through
 * one route on every network portlens has met, and a /16 sweep then costs 256 route
 * lookups instead of 65,536. IPv6 needs none of this: IPV6_CHECKSUM makes the kernel
 * fill in the checksum with the source it picks.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "portlens/addr.h"
#include "scan/packet.h"
#include "scan/rawsock.h"

enum pl_rc
pli_raw_check(const char *what, struct pl_err *err)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);

	if (fd >= 0) {
		close(fd);
		return PL_OK;
	}
	if (errno == EPERM || errno == EACCES)
		return pl_err_set(err, PL_ERR_PERM,
		                  "%s needs raw sockets: the capability CAP_NET_RAW is missing "
		                  "(run as root or grant it); -sT (the connect scan) works "
		                  "without it",
		                  what);
	return pl_err_set(err, PL_ERR_SYS, "%s: raw socket: %s", what, strerror(errno));
}

/* TCP: to local_port, with SYN+ACK or RST. off is where the TCP header starts: the
 * IPv4 header's length (x register) or 0 (an IPv6 raw socket strips its header). */
static int
attach_tcp(int fd, uint16_t port, int ip4)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), /* x = the IPv4 header's length */
	    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 5),
	    BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PL_TCP_RST, 2, 0),
	    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, PL_TCP_SYN | PL_TCP_ACK),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PL_TCP_SYN | PL_TCP_ACK, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = 9, .filter = f};

	if (!ip4) /* an IPv6 raw socket delivers the TCP header first: x = 0 */
		f[0] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

/* UDP: datagrams to local_port. */
static int
attach_udp(int fd, uint16_t port, int ip4)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = 5, .filter = f};

	if (!ip4) /* an IPv6 raw socket delivers the UDP header first */
		f[0] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int
filter_icmp(int fd, int family)
{
	if (family == AF_INET) {
		struct icmp_filter f = {.data = ~(1u << ICMP_DEST_UNREACH)};

		return setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	}
	struct icmp6_filter f6;

	ICMP6_FILTER_SETBLOCKALL(&f6);
	ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f6);
	return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6));
}

static int
bind_src(int fd, int family, const struct pl_scan_addr *src)
{
	struct sockaddr_storage ss;
	struct pl_addr a;

	if (!src || src->family != (family == AF_INET ? 4 : 6))
		return 0;
	a = pl_addr_make(src->family, src->bytes, 0);
	return bind(fd, (struct sockaddr *)&ss, pl_addr_to_sockaddr(&a, &ss));
}

int
pli_raw_open(int family, int protocol, uint16_t local_port, const char *ifname,
             const struct pl_scan_addr *src)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	int size = 8 << 20, csum_off = protocol == IPPROTO_TCP ? 16 : 6, rc = 0, e;

	if (fd < 0)
		return -1;
	/* A large buffer absorbs answer bursts; FORCE passes rmem_max as root. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP) {
		rc = protocol == IPPROTO_TCP ? attach_tcp(fd, local_port, family == AF_INET)
		                             : attach_udp(fd, local_port, family == AF_INET);
		if (rc == 0 && family == AF_INET6)
			rc = setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &csum_off,
			                sizeof(csum_off));
	} else {
		rc = filter_icmp(fd, family);
	}
	if (rc == 0 && ifname && *ifname)
		rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
	if (rc == 0)
		rc = bind_src(fd, family, src);
	if (rc != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

enum pl_rc
pli_srccache_init(struct pl_srccache *c)
{
	c->udp4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	c->net = calloc(PL_SRC_CACHE, sizeof(*c->net));
	c->addr = calloc(PL_SRC_CACHE, sizeof(*c->addr));
	return c->udp4 >= 0 && c->net && c->addr ? PL_OK : PL_ERR_SYS;
}

void
pli_srccache_cleanup(struct pl_srccache *c)
{
	if (c->udp4 >= 0)
		close(c->udp4);
	free(c->net);
	free(c->addr);
	c->udp4 = -1;
	c->net = c->addr = NULL;
}

int
pli_srccache_get(struct pl_srccache *c, const struct pl_scan_addr *dst, struct pl_scan_addr *src)
{
	struct pl_addr to = pl_addr_make(4, dst->bytes, 9), from;
	struct sockaddr_storage ss;
	socklen_t len = pl_addr_to_sockaddr(&to, &ss);
	uint32_t net =
	    ((uint32_t)dst->bytes[0] << 16 | (uint32_t)dst->bytes[1] << 8 | dst->bytes[2]) + 1;
	uint32_t h = (net * 2654435761u) >> 22; /* 10 bits: PL_SRC_CACHE entries */

	src->family = 4;
	if (c->net[h] == net) {
		memcpy(src->bytes, &c->addr[h], 4);
		return 0;
	}
	/* connect() on a UDP socket looks the route up and sends nothing. */
	if (connect(c->udp4, (struct sockaddr *)&ss, len) != 0)
		return -1;
	len = sizeof(ss);
	if (getsockname(c->udp4, (struct sockaddr *)&ss, &len) != 0 ||
	    pl_addr_from_sockaddr((struct sockaddr *)&ss, len, &from) != PL_OK || from.family != 4)
		return -1;
	c->net[h] = net;
	memcpy(&c->addr[h], from.bytes, 4);
	memcpy(src->bytes, from.bytes, 4);
	return 0;
}

uint8_t *
pli_raw_batch_add(struct pl_raw_batch *b, const struct pl_scan_addr *dst, uint16_t port, size_t len,
                  uint32_t slot)
{
	unsigned k = b->n++;
	struct sockaddr_in6 *sa6 = &b->sa[k];

	memset(sa6, 0, sizeof(*sa6));
	if (dst->family == 4) {
		struct sockaddr_in *sa = (struct sockaddr_in *)sa6;

		sa->sin_family = AF_INET;
		sa->sin_port = htons(port);
		memcpy(&sa->sin_addr, dst->bytes, 4);
		b->msg[k].msg_hdr.msg_namelen = sizeof(*sa);
	} else {
		sa6->sin6_family = AF_INET6;
		sa6->sin6_port = htons(port);
		memcpy(&sa6->sin6_addr, dst->bytes, 16);
		b->msg[k].msg_hdr.msg_namelen = sizeof(*sa6);
	}
	b->iov[k].iov_base = b->pkt[k];
	b->iov[k].iov_len = len;
	b->msg[k].msg_hdr.msg_name = sa6;
	b->msg[k].msg_hdr.msg_iov = &b->iov[k];
	b->msg[k].msg_hdr.msg_iovlen = 1;
	b->msg[k].msg_hdr.msg_control = NULL;
	b->msg[k].msg_hdr.msg_controllen = 0;
	b->msg[k].msg_hdr.msg_flags = 0;
	b->slot[k] = slot;
	return b->pkt[k];
}

void
pli_raw_batch_flush(struct pl_raw_batch *b, void (*fail)(void *ctx, uint32_t slot, int e),
                    void *ctx)
{
	unsigned off = 0, waits = 0, retried = UINT32_MAX;

	while (off < b->n) {
		int n = sendmmsg(b->fd, b->msg + off, b->n - off, 0);
		int e = errno;

		if (n > 0) {
			off += (unsigned)n;
			continue;
		}
		if (n < 0 && e == EINTR)
			continue;
		if (n < 0 && (e == ENOBUFS || e == EAGAIN) && waits++ < 100) {
			struct timespec ts = {0,
			                      200000}; /* the device queue drains in microseconds */

			nanosleep(&ts, NULL);
			continue;
		}
		/* A UDP socket with IP_RECVERR reports an earlier datagram's ICMP error on the
		 * next send (and clears it): try each refused packet once more. */
		if (retried != off) {
			retried = off;
			continue;
		}
		fail(ctx, b->slot[off], n < 0 ? e : EIO);
		off++;
	}
	b->n = 0;
}

int
pli_raw_recv(int fd, struct pli_raw_recv *r)
{
	int n;

	for (int i = 0; i < PL_RAW_RECV; i++) {
		r->iov[i].iov_base = r->buf[i];
		r->iov[i].iov_len = sizeof(r->buf[i]);
		memset(&r->msg[i].msg_hdr, 0, sizeof(r->msg[i].msg_hdr));
		r->msg[i].msg_hdr.msg_iov = &r->iov[i];
		r->msg[i].msg_hdr.msg_iovlen = 1;
		r->msg[i].msg_hdr.msg_name = &r->from[i];
		r->msg[i].msg_hdr.msg_namelen = sizeof(r->from[i]);
	}
	n = recvmmsg(fd, r->msg, PL_RAW_RECV, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	return n;
}

void
pli_raw_from(const struct pli_raw_recv *r, int i, struct pl_scan_addr *a)
{
	struct pl_addr from;

	memset(a, 0, sizeof(*a));
	if (pl_addr_from_sockaddr((const struct sockaddr *)&r->from[i], sizeof(r->from[i]),
	                          &from) == PL_OK) {
		a->family = from.family;
		memcpy(a->bytes, from.bytes, sizeof(a->bytes));
	}
}
