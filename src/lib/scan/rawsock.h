/* SPDX-License-Identifier: MIT */
/*
 * scan/rawsock.h - raw sockets for the raw engines: the privilege check, opening a
 * receive/send socket with a classic BPF filter, learning the source address the
 * kernel will use, and batched sending (sendmmsg) and receiving (recvmmsg).
 */
#ifndef PL_SCAN_RAWSOCK_H
#define PL_SCAN_RAWSOCK_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "portlens/scan.h"

#define PL_RAW_BATCH 256  /* packets per sendmmsg */
#define PL_RAW_PKT   1500 /* largest packet the send batch holds */
#define PL_RAW_RECV  64   /* packets per recvmmsg */

/*
 * PL_OK when this process may open raw sockets; else PL_ERR_PERM with one line naming
 * the missing capability and that -sT works without it (what is the engine's flag).
 */
enum pl_rc pli_raw_check(const char *what, struct pl_err *err);

/*
 * A raw socket of family (AF_INET, AF_INET6) for protocol (IPPROTO_TCP, IPPROTO_UDP,
 * IPPROTO_ICMP, IPPROTO_ICMPV6), non-blocking, with a large receive buffer, bound to
 * ifname when it is not "" and to src when its family is set. TCP and UDP sockets get
 * a filter accepting only packets to local_port (TCP: only SYN-ACK or RST); ICMP
 * sockets only destination-unreachable. Returns the descriptor, or -1 with errno.
 */
int pli_raw_open(int family, int protocol, uint16_t local_port, const char *ifname,
                 const struct pl_scan_addr *src);

/* Direct-mapped memory of the source address per IPv4 /24 (see rawsock.c). */
#define PL_SRC_CACHE 1024
struct pl_srccache {
	int udp4;       /* an unbound UDP socket used for route lookups, or -1 */
	uint32_t *net;  /* /24 prefix + 1 per entry (0 = empty) */
	uint32_t *addr; /* its source address (network order) */
};

enum pl_rc pli_srccache_init(struct pl_srccache *c);
void pli_srccache_cleanup(struct pl_srccache *c);
/* The local IPv4 address the kernel sends to dst from; -1 with errno when no route. */
int pli_srccache_get(struct pl_srccache *c, const struct pl_scan_addr *dst,
                     struct pl_scan_addr *src);

/* A batch of packets for one socket, each tagged with the in-flight slot it serves. */
struct pl_raw_batch {
	int fd;
	unsigned n;
	struct mmsghdr msg[PL_RAW_BATCH];
	struct iovec iov[PL_RAW_BATCH];
	struct sockaddr_in6 sa[PL_RAW_BATCH]; /* sockaddr_in fits inside */
	uint32_t slot[PL_RAW_BATCH];
	uint8_t pkt[PL_RAW_BATCH][PL_RAW_PKT];
};

/* Space for the next packet (len <= PL_RAW_PKT) to dst:port (port 0 for raw TCP). */
uint8_t *pli_raw_batch_add(struct pl_raw_batch *b, const struct pl_scan_addr *dst, uint16_t port,
                           size_t len, uint32_t slot);

/*
 * Sends the batch. A packet the kernel refuses (no route, a local firewall) is handed
 * to fail(ctx, slot, errno) and skipped after a second try (a UDP socket reports an
 * earlier datagram's ICMP error on the next send); ENOBUFS/EAGAIN wait a little and try
 * again (bounded), then hand the rest to fail too. Empties the batch.
 */
void pli_raw_batch_flush(struct pl_raw_batch *b, void (*fail)(void *ctx, uint32_t slot, int e),
                         void *ctx);

/* Packets received by one recvmmsg. */
struct pli_raw_recv {
	struct mmsghdr msg[PL_RAW_RECV];
	struct iovec iov[PL_RAW_RECV];
	struct sockaddr_in6 from[PL_RAW_RECV];
	uint8_t buf[PL_RAW_RECV][2048];
};

/* Receives what is waiting on fd (non-blocking): the count, 0 when nothing, -1 on error. */
int pli_raw_recv(int fd, struct pli_raw_recv *r);

/* The sender's address of received message i. */
void pli_raw_from(const struct pli_raw_recv *r, int i, struct pl_scan_addr *a);

#endif
