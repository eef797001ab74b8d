// SPDX-License-Identifier: MIT
/*
 * engine_udp.c - the UDP scan engine (-sU): each port gets its protocol's payload
 * (data/udp-payloads.txt; an empty datagram otherwise), and what comes back decides:
 * a datagram from the port is open (udp-response); ICMP port unreachable is closed
 * (port-unreach); another ICMP unreachable is "unreachable" with nmap's reason word
 * (nmap folds those into filtered); nothing after the last attempt is open|filtered
 * (no-response), because an open service may ignore a payload it does not understand.
 *
 * No privileges: the probes leave through one ordinary UDP socket per family, bound to
 * the scan's local port and unconnected, 256 per sendmmsg. With IP_RECVERR
 * (IPV6_RECVERR) the kernel queues every ICMP error for a datagram of that socket on
 * its error queue with the original destination, type and code, so ICMP is read
 * without a raw socket. Answers are matched to their probe by (address, port) through
 * the in-flight index; a datagram from an address and port not in flight is ignored.
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

#include "scan/inflight.h"
#include "scan/packet.h"
#include "scan/rawsock.h"
#include "scan/scan_impl.h"
#include "scan/udp_payloads.h"

struct ustate {
	struct pl_scan_engine_cfg cfg;
	struct pl_scan_raw_opts ro;
	struct pl_inflight tab;
	int fd[2]; /* IPv4, IPv6; -1 when the family is not available */
	uint16_t sport;
	struct pl_udp_payloads pay;
	struct pl_raw_batch *b[2];
	struct pl_raw_recv *rx;
};

static void
finish(struct ustate *u, uint32_t i, enum pl_port_state st, enum pl_scan_reason why, int e,
       const uint8_t *ans, size_t n)
{
	struct pl_scan_result r;
	size_t req_len;
	const uint8_t *req = pl_udp_payload_for(&u->pay, u->tab.slots[i].probe.port, &req_len);

	pl_inflight_result(&u->tab, i, st, why, e, pl_scan_now_ns(), &r);
	if (ans) {
		r.answer = ans;
		r.answer_len = (uint32_t)n;
		r.request = req;
		r.request_len = (uint32_t)req_len;
	}
	pl_inflight_release(&u->tab, i);
	u->cfg.emit(u->cfg.ctx, &r);
}

static void
send_failed(void *ctx, uint32_t i, int e)
{
	struct ustate *u = ctx;
	enum pl_scan_reason why = PL_REASON_ERROR;

	if (!u->tab.slots[i].used)
		return;
	if (e == EHOSTUNREACH || e == EHOSTDOWN)
		why = PL_REASON_HOST_UNREACH;
	else if (e == ENETUNREACH || e == ENETDOWN)
		why = PL_REASON_NET_UNREACH;
	else if (e == EPERM || e == EACCES)
		why = PL_REASON_ADMIN_PROHIBITED;
	finish(u, i, PL_PORT_UNREACHABLE, why, e, NULL, 0);
}

static void
flush(struct ustate *u)
{
	for (int k = 0; k < 2; k++)
		if (u->b[k]->n)
			pl_raw_batch_flush(u->b[k], send_failed, u);
}

static void
transmit(struct ustate *u, uint32_t i)
{
	struct pl_inflight_slot *sl = &u->tab.slots[i];
	int k = sl->probe.addr.family == 6;
	struct pl_raw_batch *b = u->b[k];
	uint64_t now = pl_scan_now_ns();
	size_t len;
	const uint8_t *data = pl_udp_payload_for(&u->pay, sl->probe.port, &len);

	sl->attempts++;
	sl->t_send_ns = now;
	pl_inflight_set_deadline(&u->tab, i, now + (uint64_t)u->cfg.timeout_ms * 1000000ull);
	if (b->fd < 0) {
		finish(u, i, PL_PORT_UNREACHABLE, PL_REASON_ERROR, EAFNOSUPPORT, NULL, 0);
		return;
	}
	memcpy(pl_raw_batch_add(b, &sl->probe.addr, sl->probe.port, len, i),
	       data ? data : b->pkt[0], len);
	if (b->n == PL_RAW_BATCH)
		pl_raw_batch_flush(b, send_failed, u);
}

/* Datagrams from targets. */
static void
drain_data(struct ustate *u, int k)
{
	for (int round = 0; round < 64; round++) {
		int n = pl_raw_recv(u->fd[k], u->rx);

		for (int j = 0; j < n; j++) {
			struct pl_scan_addr from;
			uint16_t port = ntohs(u->rx->from[j].sin6_port); /* same offset in sin */
			uint32_t i;

			pl_raw_from(u->rx, j, &from);
			i = pl_inflight_find(&u->tab, &from, port, PL_PROTO_UDP);
			if (i != PL_INFLIGHT_NIL)
				finish(u, i, PL_PORT_OPEN, PL_REASON_UDP_RESPONSE, 0, u->rx->buf[j],
				       u->rx->msg[j].msg_len);
		}
		if (n < PL_RAW_RECV)
			break;
	}
}

/* ICMP errors from the error queue: the original destination and the ICMP type/code. */
static void
drain_errors(struct ustate *u, int k)
{
	for (int round = 0; round < 4096; round++) {
		struct sockaddr_in6 dst;
		uint8_t data[64], ctl[512];
		struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
		struct msghdr mh = {.msg_name = &dst,
		                    .msg_namelen = sizeof(dst),
		                    .msg_iov = &iov,
		                    .msg_iovlen = 1,
		                    .msg_control = ctl,
		                    .msg_controllen = sizeof(ctl)};
		struct pl_pkt_reply r = {.kind = PL_PKT_ICMP, .proto = PL_PROTO_UDP};
		enum pl_port_state st;
		enum pl_scan_reason why;
		int icmp = 0;

		memset(&dst, 0, sizeof(dst));
		if (recvmsg(u->fd[k], &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			const struct sock_extended_err *ee = (const void *)CMSG_DATA(c);

			if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
			      (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)))
				continue;
			if (ee->ee_origin != SO_EE_ORIGIN_ICMP &&
			    ee->ee_origin != SO_EE_ORIGIN_ICMP6)
				continue;
			r.icmp_v6 = ee->ee_origin == SO_EE_ORIGIN_ICMP6;
			r.icmp_type = ee->ee_type;
			r.icmp_code = ee->ee_code;
			/* Only destination unreachable (ICMP 3, ICMPv6 1) says anything about a
			 * port. */
			icmp = r.icmp_type == (r.icmp_v6 ? 1 : 3);
		}
		if (!icmp)
			continue;
		{
			struct pl_raw_recv *one = u->rx;

			one->from[0] = dst;
			pl_raw_from(one, 0, &r.target);
		}
		r.target_port = ntohs(dst.sin6_port);
		pl_pkt_icmp_state(&r, &st, &why);
		{
			uint32_t i =
			    pl_inflight_find(&u->tab, &r.target, r.target_port, PL_PROTO_UDP);

			if (i != PL_INFLIGHT_NIL)
				finish(u, i, st, why, 0, NULL, 0);
		}
	}
}

static void
u_destroy(void *state)
{
	struct ustate *u = state;

	if (!u)
		return;
	for (int k = 0; k < 2; k++) {
		if (u->fd[k] >= 0)
			close(u->fd[k]);
		free(u->b[k]);
	}
	pl_udp_payloads_cleanup(&u->pay);
	pl_inflight_cleanup(&u->tab);
	free(u->rx);
	free(u);
}

/* A UDP socket of family k bound to the scan's port, with ICMP errors queued. */
static int
open_udp(struct ustate *u, int k)
{
	int fam = k ? AF_INET6 : AF_INET, one = 1, size = 8 << 20, fd;
	struct sockaddr_in6 sa6 = {.sin6_family = AF_INET6, .sin6_port = htons(u->sport)};
	struct sockaddr_in sa4 = {.sin_family = AF_INET, .sin_port = htons(u->sport)};
	int rc;

	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (k) {
		if (u->ro.source6.family == 6)
			memcpy(&sa6.sin6_addr, u->ro.source6.bytes, 16);
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one)) ||
		     bind(fd, (struct sockaddr *)&sa6, sizeof(sa6));
	} else {
		if (u->ro.source4.family == 4)
			memcpy(&sa4.sin_addr, u->ro.source4.bytes, 4);
		rc = setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) ||
		     bind(fd, (struct sockaddr *)&sa4, sizeof(sa4));
	}
	if (rc == 0 && u->ro.interface[0])
		rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, u->ro.interface,
		                (socklen_t)strlen(u->ro.interface));
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
		u->sport = u->ro.source_port ? u->ro.source_port : (uint16_t)(40000 + r % 20000);
		for (int k = 0; k < 2; k++) {
			u->fd[k] = open_udp(u, k);
			if (u->fd[k] < 0 && errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL)
				e = errno;
		}
		if (!e && (u->fd[0] >= 0 || u->fd[1] >= 0))
			return PL_OK;
		for (int k = 0; k < 2; k++)
			if (u->fd[k] >= 0)
				close(u->fd[k]);
		u->fd[0] = u->fd[1] = -1;
		if (e != EADDRINUSE || u->ro.source_port)
			return pl_err_set(err, PL_ERR_SYS, "UDP socket on port %u: %s", u->sport,
			                  strerror(e ? e : EAFNOSUPPORT));
	}
	return pl_err_set(err, PL_ERR_SYS, "UDP socket: no free local port");
}

static enum pl_rc
u_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct ustate *u = calloc(1, sizeof(*u));
	uint32_t n = cfg->max_inflight ? cfg->max_inflight : 16384;
	enum pl_rc rc;

	if (!u)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	u->fd[0] = u->fd[1] = -1;
	u->cfg = *cfg;
	if (cfg->engine_opts)
		u->ro = *(const struct pl_scan_raw_opts *)cfg->engine_opts;
	u->b[0] = malloc(sizeof(*u->b[0]));
	u->b[1] = malloc(sizeof(*u->b[1]));
	u->rx = malloc(sizeof(*u->rx));
	if (!u->b[0] || !u->b[1] || !u->rx || pl_inflight_init(&u->tab, n, 1) != PL_OK) {
		u_destroy(u);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	if ((rc = pl_udp_payloads_builtin(&u->pay, err)) != PL_OK ||
	    (rc = open_sockets(u, err)) != PL_OK) {
		u_destroy(u);
		return rc;
	}
	for (int k = 0; k < 2; k++) {
		u->b[k]->n = 0;
		u->b[k]->fd = u->fd[k];
	}
	*state = u;
	return PL_OK;
}

static enum pl_rc
u_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct ustate *u = state;
	uint32_t i;

	(void)err;
	if ((i = pl_inflight_take(&u->tab, p)) == PL_INFLIGHT_NIL)
		return PL_ERR_LIMIT;
	transmit(u, i);
	return PL_OK;
}

static void
expire(struct ustate *u)
{
	uint32_t i;

	while ((i = pl_inflight_expired(&u->tab, pl_scan_now_ns())) != PL_INFLIGHT_NIL) {
		if (u->tab.slots[i].attempts > u->cfg.retries)
			finish(u, i, PL_PORT_OPEN_FILTERED, PL_REASON_NO_RESPONSE, 0, NULL, 0);
		else
			transmit(u, i);
	}
}

static enum pl_rc
u_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct ustate *u = state;
	struct pollfd pfd[3];
	int idx[3], n = 0;

	flush(u);
	for (int k = 0; k < 2; k++) {
		if (u->fd[k] < 0)
			continue;
		idx[n] = k;
		pfd[n++] = (struct pollfd){.fd = u->fd[k], .events = POLLIN};
	}
	if (u->cfg.wake_fd > 0) {
		idx[n] = -1;
		pfd[n++] = (struct pollfd){.fd = u->cfg.wake_fd, .events = POLLIN};
	}
	timeout_ms = pl_inflight_wait_ms(&u->tab, pl_scan_now_ns(), timeout_ms);
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return pl_err_set(err, PL_ERR_SYS, "poll: %s", strerror(errno));
	for (int j = 0; j < n; j++) {
		if (idx[j] < 0)
			continue;
		if (pfd[j].revents & POLLERR)
			drain_errors(u, idx[j]);
		if (pfd[j].revents & POLLIN)
			drain_data(u, idx[j]);
	}
	expire(u);
	flush(u);
	return PL_OK;
}

static size_t
u_inflight(void *state)
{
	return ((struct ustate *)state)->tab.count;
}

static size_t
u_capacity(void *state)
{
	return ((struct ustate *)state)->tab.n_slots;
}

static void
u_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	pl_inflight_foreach(&((struct ustate *)state)->tab, fn, ctx);
}

const struct pl_scan_engine pl_scan_engine_udp = {
    .name = "udp",
    .flag = "U",
    .nmap_type = "udp",
    .protos = PL_PROTO_BIT(PL_PROTO_UDP),
    .create = u_create,
    .send = u_send,
    .poll = u_poll,
    .inflight = u_inflight,
    .capacity = u_capacity,
    .foreach_inflight = u_foreach,
    .destroy = u_destroy,
};
