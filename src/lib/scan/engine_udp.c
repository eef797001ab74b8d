// SPDX-License-Identifier: MIT
/*
 * engine_udp.c - the UDP scan engine (-sU): each port gets its protocol's payload
 * (data/udp-payloads.txt; an empty datagram otherwise), and what comes back decides:
 * a datagram from the port is open (udp-response); ICMP port unreachable is closed
 * (port-unreach); ICMP unreachable codes 0, 1, 2, 9, 10, 13 (ICMPv6: any other) are
 * filtered, with nmap's reason word; nothing after the last attempt is open|filtered
 * (no-response), because an open service may ignore a payload it does not understand.
 *
 * No privileges: the probes leave through one ordinary UDP socket per family, bound to
 * the scan's local port and unconnected, 256 per sendmmsg. With IP_RECVERR
 * (IPV6_RECVERR) the kernel queues every ICMP error for a datagram of that socket on
 * its error queue with the original destination, type and code, so ICMP is read
 * without a raw socket. That costs speed where closed ports answer at once: each ICMP
 * error also becomes the socket's pending error, which ends the next sendmmsg after
 * one datagram. So where the process may open raw ICMP sockets (root), it reads the
 * errors there instead (64 per recvmmsg, the quoted datagram naming the probe and the
 * scan's local port) and leaves IP_RECVERR off. Answers are matched to their probe by (address,
 * port) through the in-flight index; a datagram from an address and port not in flight is ignored.
 * Batching, polling and deadlines are frame.c's.
 *
 * ICMP rate limits: targets limit their ICMP errors (Linux: a burst of 6, then about
 * one per second per source; many routers similar). This engine does not slow down to
 * that rate, as nmap does (which takes about 18 minutes per 1000 closed ports of one
 * Linux host). A closed port whose ICMP error the target suppressed therefore ends
 * open|filtered, never open: "open" needs a datagram from the port, which the payloads
 * make services send. docs/scan.md says exactly what each state means.
 */
#include <errno.h>
#include <time.h> /* before linux/errqueue.h, which uses struct timespec */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portlens/addr.h"
#include "scan/frame.h"
#include "scan/packet.h"
#include "scan/scan_impl.h"
#include "scan/udp_payloads.h"

enum { FD_UDP4, FD_UDP6, FD_ICMP4, FD_ICMP6 };

struct ustate {
	struct pl_frame f; /* first: the engine's state is the frame's; fd[] as above */
	uint16_t sport;
	struct pl_udp_payloads pay;
};

/* Reports slot i with the datagram that answered it and the payload that drew it. */
static void
finish_answered(struct ustate *u, uint32_t i, const uint8_t *ans, size_t n)
{
	size_t req_len;
	const uint8_t *req = pli_udp_payload_for(&u->pay, u->f.tab.slots[i].probe.port, &req_len);

	pli_frame_finish(&u->f, i, PL_PORT_OPEN, PL_REASON_UDP_RESPONSE, 0, ans, n, req, req_len);
}

static void
transmit(struct pl_frame *f, uint32_t i)
{
	struct ustate *u = (struct ustate *)f;
	uint16_t port = f->tab.slots[i].probe.port;
	size_t len;
	const uint8_t *data = pli_udp_payload_for(&u->pay, port, &len);
	uint8_t *pkt = pli_frame_queue(f, i, port, len);

	if (pkt && len)
		memcpy(pkt, data, len);
}

/* Datagrams from targets. */
static void
drain_data(struct ustate *u, int k)
{
	struct pli_raw_recv *rx = u->f.rx;

	for (int round = 0; round < 64; round++) {
		int n = pli_raw_recv(u->f.fd[k], rx);

		for (int j = 0; j < n; j++) {
			struct pl_scan_addr from;
			uint16_t port = ntohs(rx->from[j].sin6_port); /* same offset in sin */
			uint32_t i;

			pli_raw_from(rx, j, &from);
			i = pli_inflight_find(&u->f.tab, &from, port, PL_PROTO_UDP);
			if (i != PL_INFLIGHT_NIL)
				finish_answered(u, i, rx->buf[j], rx->msg[j].msg_len);
		}
		if (n < PL_RAW_RECV)
			break;
	}
}

/* One queued error's ICMP type and code into r; 0 when it is no ICMP unreachable. */
static int
icmp_of(struct msghdr *mh, struct pl_pkt_reply *r)
{
	int icmp = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		const struct sock_extended_err *ee = (const void *)CMSG_DATA(c);

		if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		      (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)))
			continue;
		if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6)
			continue;
		r->icmp_v6 = ee->ee_origin == SO_EE_ORIGIN_ICMP6;
		r->icmp_type = ee->ee_type;
		r->icmp_code = ee->ee_code;
		/* Only destination unreachable (ICMP 3, ICMPv6 1) says anything about a port. */
		icmp = r->icmp_type == (r->icmp_v6 ? 1 : 3);
	}
	return icmp;
}

/* ICMP errors from the error queue: the original destination and the ICMP type/code. */
static void
drain_errors(struct ustate *u, int k)
{
	for (int round = 0; round < 4096; round++) {
		uint8_t data[64], ctl[512];
		struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
		struct msghdr mh = {.msg_name = &u->f.rx->from[0],
		                    .msg_namelen = sizeof(u->f.rx->from[0]),
		                    .msg_iov = &iov,
		                    .msg_iovlen = 1,
		                    .msg_control = ctl,
		                    .msg_controllen = sizeof(ctl)};
		struct pl_pkt_reply r = {.kind = PL_PKT_ICMP, .proto = PL_PROTO_UDP};
		enum pl_port_state st;
		enum pl_scan_reason why;
		uint32_t i;

		memset(&u->f.rx->from[0], 0, sizeof(u->f.rx->from[0]));
		if (recvmsg(u->f.fd[k], &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		if (!icmp_of(&mh, &r))
			continue;
		pli_raw_from(u->f.rx, 0, &r.target);
		r.target_port = ntohs(u->f.rx->from[0].sin6_port);
		if (pli_pkt_icmp_state(&r, &st, &why) != 0)
			continue;
		i = pli_inflight_find(&u->f.tab, &r.target, r.target_port, PL_PROTO_UDP);
		if (i != PL_INFLIGHT_NIL)
			pli_frame_finish(&u->f, i, st, why, 0, NULL, 0, NULL, 0);
	}
}

/* ICMP errors through a raw ICMP socket (when the process may open one): the quoted
 * datagram names the probe; it counts when it left from the scan's port. */
static void
drain_icmp(struct ustate *u, int k)
{
	struct pli_raw_recv *rx = u->f.rx;

	for (int round = 0; round < 64; round++) {
		int n = pli_raw_recv(u->f.fd[k], rx);

		for (int j = 0; j < n; j++) {
			struct pl_pkt_reply r;
			enum pl_port_state st;
			enum pl_scan_reason why;
			uint32_t i;
			int ok = k == FD_ICMP4
			             ? pli_pkt_parse_ip4(rx->buf[j], rx->msg[j].msg_len, &r)
			             : pli_pkt_parse_icmp6(rx->buf[j], rx->msg[j].msg_len, &r);

			if (ok != 0 || r.kind != PL_PKT_ICMP || r.proto != PL_PROTO_UDP ||
			    r.local_port != u->sport || pli_pkt_icmp_state(&r, &st, &why) != 0)
				continue;
			i = pli_inflight_find(&u->f.tab, &r.target, r.target_port, PL_PROTO_UDP);
			if (i != PL_INFLIGHT_NIL)
				pli_frame_finish(&u->f, i, st, why, 0, NULL, 0, NULL, 0);
		}
		if (n < PL_RAW_RECV)
			break;
	}
}

static enum pl_rc
drain(struct pl_frame *f, int k, short revents, struct pl_err *err)
{
	(void)err;
	if (k >= FD_ICMP4) {
		drain_icmp((struct ustate *)f, k);
		return PL_OK;
	}
	if (revents & POLLERR)
		drain_errors((struct ustate *)f, k);
	if (revents & POLLIN)
		drain_data((struct ustate *)f, k);
	return PL_OK;
}

static void
u_destroy(void *state)
{
	struct ustate *u = state;

	if (!u)
		return;
	pli_udp_payloads_cleanup(&u->pay);
	pli_frame_cleanup(&u->f);
	free(u);
}

/* A UDP socket of family k bound to the scan's port, with ICMP errors queued. */
static int
open_udp(struct ustate *u, int k)
{
	int fam = k ? AF_INET6 : AF_INET, one = 1, size = 8 << 20, fd, recverr;
	const struct pl_scan_addr *src = k ? &u->f.ro.source6 : &u->f.ro.source4;
	static const uint8_t any[16];
	struct pl_addr local = pl_addr_make(fam, src->family ? src->bytes : any, u->sport);
	struct sockaddr_storage ss;
	socklen_t len = pl_addr_to_sockaddr(&local, &ss);
	int rc;

	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* Without a raw ICMP socket for this family, ICMP errors come through the error
	 * queue (IP_RECVERR); with one, not: an unconnected socket then never has a pending
	 * error, which would cut every sendmmsg short after one datagram. */
	recverr = u->f.fd[FD_ICMP4 + k] < 0;
	if (k)
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &recverr, sizeof(recverr));
	else
		rc = setsockopt(fd, IPPROTO_IP, IP_RECVERR, &recverr, sizeof(recverr));
	rc = rc || bind(fd, (struct sockaddr *)&ss, len);
	if (rc == 0 && u->f.ro.interface[0])
		rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, u->f.ro.interface,
		                (socklen_t)strlen(u->f.ro.interface));
	if (rc != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Both sockets on one port: a random one (a few tries), or --source-port. */
static enum pl_rc
open_sockets(struct ustate *u, struct pl_err *err)
{
	for (int tries = 0; tries < 16; tries++) {
		uint16_t r;
		int e = 0;

		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			r = (uint16_t)tries;
		u->sport = pli_frame_source_port(&u->f, r);
		for (int k = 0; k < 2; k++) {
			u->f.fd[k] = open_udp(u, k);
			if (u->f.fd[k] < 0 && errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL)
				e = errno;
		}
		if (!e && (u->f.fd[0] >= 0 || u->f.fd[1] >= 0))
			return PL_OK;
		for (int k = 0; k < 2; k++)
			if (u->f.fd[k] >= 0)
				close(u->f.fd[k]);
		u->f.fd[0] = u->f.fd[1] = -1;
		if (e != EADDRINUSE || u->f.ro.source_port)
			return pl_err_set(err, PL_ERR_SYS, "UDP socket on port %u: %s", u->sport,
			                  strerror(e ? e : EAFNOSUPPORT));
	}
	return pl_err_set(err, PL_ERR_SYS, "UDP socket: no free local port");
}

static enum pl_rc
u_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct ustate *u = calloc(1, sizeof(*u));
	enum pl_rc rc;

	if (!u)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (pli_frame_init(&u->f, cfg, PL_PORT_OPEN_FILTERED, transmit, drain) != PL_OK) {
		u_destroy(u);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	/* Raw ICMP sockets where this process may open them (root, CAP_NET_RAW): ICMP
	 * errors are read 64 at a time and sends are not cut short (open_udp); else the
	 * UDP sockets' error queues, which need no privilege. */
	for (int k = 0; k < 2; k++)
		u->f.fd[FD_ICMP4 + k] =
		    pli_raw_open(k ? AF_INET6 : AF_INET, k ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 0,
		                 u->f.ro.interface, k ? &u->f.ro.source6 : &u->f.ro.source4);
	if ((rc = pli_udp_payloads_builtin(&u->pay, err)) != PL_OK ||
	    (rc = open_sockets(u, err)) != PL_OK) {
		u_destroy(u);
		return rc;
	}
	u->f.b[0]->fd = u->f.fd[0];
	u->f.b[1]->fd = u->f.fd[1];
	*state = u;
	return PL_OK;
}

const struct pl_scan_engine pl_scan_engine_udp = {
    .name = "udp",
    .flag = "U",
    .nmap_type = "udp",
    .protos = PL_PROTO_BIT(PL_PROTO_UDP),
    .create = u_create,
    .send = pli_frame_send,
    .poll = pli_frame_poll,
    .inflight = pli_frame_inflight,
    .capacity = pli_frame_capacity,
    .foreach_inflight = pli_frame_foreach,
    .destroy = u_destroy,
};
