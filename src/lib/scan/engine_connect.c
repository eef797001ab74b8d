// SPDX-License-Identifier: MIT
/*
 * engine_connect.c - the connect() scan engine: unprivileged TCP probing with
 * non-blocking sockets and one edge-triggered epoll instance (netcat's timeout_connect
 * primitive, thousands at a time).
 *
 * A probe is a slot holding a socket with a non-blocking connect() in progress. When
 * epoll reports the socket, connect() is called again on the same address, which
 * answers without any other system call: EALREADY (still waiting: a stale edge, ignore
 * it), EISCONN or 0 (open, syn-ack), ECONNRESET (open, then reset by the peer),
 * ECONNREFUSED (closed, conn-refused), EHOSTUNREACH/ENETUNREACH/EACCES (unreachable,
 * ICMP error). Sockets set IP_RECVERR/IPV6_RECVERR so every ICMP error to the SYN is
 * final at once instead of surfacing at the kernel's next retransmission, and so the
 * error queue tells which ICMP error it was (icmp_verdict: administratively prohibited
 * is filtered, as in nmap).
 *
 * Socket reuse: a refused connect leaves a TCP socket unconnected and reusable, and the
 * second connect() above also resets it, so closed probes (nearly all of a scan) give their
 * socket back to the pool (sockpool.c: each socket has a local port of its own and, once
 * learned, the destination's source address, which spares connect() the ephemeral port
 * search and two route lookups). A closed port then costs two connect() calls instead of
 * socket, setsockopt, connect, epoll_ctl, getsockopt and close. Open ports are closed with
 * SO_LINGER {1, 0} (RST, no TIME_WAIT to pin local ports); timed-out sockets are closed.
 *
 * Answers inside connect(): to a target on this machine or behind a veth, the kernel sends
 * the SYN and processes the reply before connect() returns EINPROGRESS. While that is what
 * recent probes saw, the engine asks at once (the second connect()) and registers a socket
 * with epoll only when its probe has to wait; sockets nobody waits on also spare the kernel
 * its wake-ups. Otherwise it samples one probe in 64. Events carry the descriptor; fd_slot
 * maps it to its probe (-1 when pooled).
 *
 * Slots, deadlines and the resume listing are the shared in-flight table (inflight.c:
 * O(1) deadlines, one list ordered by deadline); this file keeps one socket per slot
 * beside it. A probe found at its deadline to
 * have an answer not yet reported (a busy loop) is reported, not retried. Resource
 * exhaustion is not fatal: EMFILE/ENFILE/ENOBUFS lower the engine's capacity to what
 * is in flight, and EADDRNOTAVAIL/EAGAIN (local ports used up) make send() return
 * PL_ERR_LIMIT so the driver retries after poll. A probe is never dropped.
 */
#include <errno.h>
#include <time.h> /* before linux/errqueue.h, which uses struct timespec */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portlens/addr.h"
#include "portlens/scan.h"
#include "scan/inflight.h"
#include "scan/packet.h"
#include "scan/scan_impl.h"
#include "scan/sockpool.h"

#define MAX_EVENTS     1024
#define RETRY_NS       20000000ull /* re-attempt a delayed retry after 20 ms */
#define AT_ONCE_SAMPLE 64

struct cstate {
	struct pl_scan_engine_cfg cfg;
	int ep;
	struct pl_inflight tab;
	struct pl_sp_sock *sk; /* slot i's socket; fd -1 while waiting to re-attempt */
	size_t cap;
	int32_t *fd_slot; /* descriptor -> slot index, -1 when idle */
	size_t n_fd_slot;
	struct pl_sockpool sp; /* reusable sockets with their own ports (sockpool.c) */
	uint32_t at_once_tries, at_once_hits, at_once_skip;
	int at_once; /* recent probes were answered inside connect() (ask_at_once) */
};

enum attempt_rc { ATT_PENDING, ATT_DONE, ATT_LIMIT, ATT_FATAL };

static int
fd_map(struct cstate *c, int fd, int32_t slot)
{
	if ((size_t)fd >= c->n_fd_slot) {
		size_t n = (size_t)fd * 2 + 64;
		int32_t *v = realloc(c->fd_slot, n * sizeof(*v));

		if (!v)
			return -1;
		for (size_t k = c->n_fd_slot; k < n; k++)
			v[k] = -1;
		c->fd_slot = v;
		c->n_fd_slot = n;
	}
	c->fd_slot[fd] = slot;
	return 0;
}

/* Gives up the slot's socket: into the pool when reusable, else closed (RST if open). */
static void
drop_socket(struct cstate *c, uint32_t i, int reusable, int was_open)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct pl_sp_sock *sk = &c->sk[i];

	if (sk->fd < 0)
		return;
	c->fd_slot[sk->fd] = -1;
	if (was_open)
		setsockopt(sk->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	pli_sockpool_put(&c->sp, sk, reusable && !was_open);
	sk->fd = -1;
}

/*
 * The ICMP error behind an unreachable connect(): connect() folds ICMP host unreachable
 * and administratively prohibited into one errno (EHOSTUNREACH), but with IP_RECVERR /
 * IPV6_RECVERR the socket's error queue holds the ICMP type and code. A firewall's
 * "prohibited" (ICMP codes 9, 10, 13; ICMPv6 1, 5, 6) is filtered, as nmap and the raw
 * engines say; the other codes keep the state unreachable, each with nmap's reason
 * word. No ICMP queued (a local route or firewall error): the errno's verdict stands.
 */
static void
icmp_verdict(int fd, enum pl_port_state *st, enum pl_scan_reason *why)
{
	union {
		char
		    buf[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6))];
		struct cmsghdr align;
	} ctl;
	unsigned char data[64];
	struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr m = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = ctl.buf,
	                   .msg_controllen = sizeof(ctl)};

	if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		struct sock_extended_err ee;
		struct pl_pkt_reply r = {.proto = PL_PROTO_TCP};
		enum pl_port_state s2;
		enum pl_scan_reason w2;

		if (!((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
		      (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
			continue;
		memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
		if (ee.ee_origin == SO_EE_ORIGIN_ICMP && ee.ee_type == 3)
			r.icmp_v6 = 0;
		else if (ee.ee_origin == SO_EE_ORIGIN_ICMP6 && ee.ee_type == 1)
			r.icmp_v6 = 1;
		else
			continue;
		r.icmp_code = ee.ee_code;
		if (pli_pkt_icmp_state(&r, &s2, &w2) != 0)
			return;
		*why = w2;
		if (w2 == PL_REASON_ADMIN_PROHIBITED || w2 == PL_REASON_NET_PROHIBITED ||
		    w2 == PL_REASON_HOST_PROHIBITED)
			*st = PL_PORT_FILTERED;
		return;
	}
}

static void
finish(struct cstate *c, uint32_t i, enum pl_port_state st, enum pl_scan_reason why, int e,
       int reusable)
{
	struct pl_scan_result r;

	if (st == PL_PORT_UNREACHABLE && c->sk[i].fd >= 0)
		icmp_verdict(c->sk[i].fd, &st, &why);

	pli_inflight_result(&c->tab, i, st, why, e, pli_scan_now_ns(), &r);
	drop_socket(c, i, reusable, st == PL_PORT_OPEN);
	pli_inflight_release(&c->tab, i);
	c->cfg.emit(c->cfg.ctx, &r);
}

/* Maps a connect() error to a final state; returns 0 for errors that are not answers. */
static int
classify(int e, enum pl_port_state *st, enum pl_scan_reason *why)
{
	switch (e) {
	case 0:
	case EISCONN:
	case ECONNRESET: /* reset after the handshake completed: it answered SYN-ACK */
	case EPIPE:
		*st = PL_PORT_OPEN;
		*why = PL_REASON_SYN_ACK;
		return 1;
	case ECONNREFUSED:
		*st = PL_PORT_CLOSED;
		*why = PL_REASON_CONN_REFUSED;
		return 1;
	case EHOSTUNREACH:
	case EHOSTDOWN:
		*st = PL_PORT_UNREACHABLE;
		*why = PL_REASON_HOST_UNREACH;
		return 1;
	case ENETUNREACH:
	case ENETDOWN:
		*st = PL_PORT_UNREACHABLE;
		*why = PL_REASON_NET_UNREACH;
		return 1;
	case EACCES:
	case EPERM:
		*st = PL_PORT_UNREACHABLE;
		*why = PL_REASON_ADMIN_PROHIBITED;
		return 1;
	case ETIMEDOUT:
		*st = PL_PORT_FILTERED;
		*why = PL_REASON_NO_RESPONSE;
		return 1;
	default:
		return 0;
	}
}

static socklen_t
make_sockaddr(const struct pl_scan_probe *p, struct sockaddr_storage *ss)
{
	struct pl_addr a = pl_addr_make(p->addr.family, p->addr.bytes, p->port);

	return pl_addr_to_sockaddr(&a, ss);
}

/*
 * Asks a connecting socket how it stands by connecting again: 0 still in progress,
 * 1 finished (state filled; *reusable when the socket is unconnected again). With
 * soft set (an EPOLLERR event, or a deadline), an error that arrived while this process
 * held the socket (an ICMP error during our own connect() on a fast path) is only a
 * "soft" error that connect() does not report; SO_ERROR does.
 */
static int
check_connect(struct cstate *c, uint32_t i, int soft, enum pl_port_state *st,
              enum pl_scan_reason *why, int *e, int *reusable)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sockaddr(&c->tab.slots[i].probe, &ss), elen = sizeof(int);
	int fd = c->sk[i].fd;

	*e = connect(fd, (struct sockaddr *)&ss, len) == 0 ? 0 : errno;
	if (*e == EALREADY || *e == EINPROGRESS || *e == EINTR) {
		if (!soft || getsockopt(fd, SOL_SOCKET, SO_ERROR, e, &elen) != 0 || *e == 0 ||
		    !classify(*e, st, why) || *st == PL_PORT_OPEN)
			return 0;
		*reusable = 0; /* still SYN_SENT inside: close it */
		return 1;
	}
	/* Only refused sockets are pooled: ICMP errors leave a queued error message. */
	*reusable = *e == ECONNREFUSED;
	if (!classify(*e, st, why)) {
		*st = PL_PORT_UNREACHABLE;
		*why = PL_REASON_ERROR;
		*reusable = 0;
	}
	return 1;
}

static enum attempt_rc
no_socket(struct cstate *c, int e, struct pl_err *err)
{
	if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
		c->cap = c->tab.count > 1 ? c->tab.count - 1 : 1;
		return ATT_LIMIT;
	}
	pl_err_set(err, PL_ERR_SYS, "socket: %s", strerror(e));
	return ATT_FATAL;
}

/* A connect error that is no answer: give the socket up; ATT_LIMIT to try again later. */
static enum attempt_rc
not_sent(struct cstate *c, uint32_t i, int e)
{
	unsigned pool = c->sk[i].pool;

	drop_socket(c, i, 0, 0);
	if (pool >= 2 && (e == EINVAL || e == EADDRNOTAVAIL)) {
		pli_sockpool_forget(&c->sp, pool); /* its source address went away */
		return ATT_LIMIT;
	}
	if (e == EADDRNOTAVAIL || e == EAGAIN || e == ENOBUFS || e == EADDRINUSE)
		return ATT_LIMIT;
	c->tab.slots[i].attempts++;
	finish(c, i, PL_PORT_UNREACHABLE, PL_REASON_ERROR, e, 0);
	return ATT_DONE;
}

/* Registers the slot's socket with epoll; ATT_PENDING, or the failure (socket given up). */
static enum attempt_rc
watch(struct cstate *c, uint32_t i, struct pl_err *err)
{
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLET, .data.fd = c->sk[i].fd};
	int e;

	if (epoll_ctl(c->ep, EPOLL_CTL_ADD, c->sk[i].fd, &ev) == 0) {
		c->sk[i].watched = 1;
		return ATT_PENDING;
	}
	e = errno;
	drop_socket(c, i, 0, 0);
	if (e == ENOMEM || e == ENOSPC)
		return ATT_LIMIT;
	pl_err_set(err, PL_ERR_SYS, "epoll_ctl: %s", strerror(e));
	return ATT_FATAL;
}

/*
 * Whether to ask a just-started connect for its answer at once: always while most
 * recent probes were answered inside connect() itself (a target on this machine or
 * behind a veth: the kernel handles the SYN and the reply before connect() returns),
 * else one probe in AT_ONCE_SAMPLE, to notice when that becomes true.
 */
static int
ask_at_once(struct cstate *c)
{
	return c->at_once || ++c->at_once_skip % AT_ONCE_SAMPLE == 0;
}

static void
note_at_once(struct cstate *c, int answered)
{
	c->at_once_hits += (uint32_t)answered;
	if (++c->at_once_tries < AT_ONCE_SAMPLE)
		return;
	c->at_once = c->at_once_hits * 4 >= c->at_once_tries * 3;
	c->at_once_tries = c->at_once_hits = 0;
}

/* The connect of slot i is under way: answered already (ATT_DONE), or wait for it. */
static enum attempt_rc
in_progress(struct cstate *c, uint32_t i, struct pl_err *err)
{
	struct pl_inflight_slot *s = &c->tab.slots[i];
	enum pl_port_state st;
	enum pl_scan_reason why;
	enum attempt_rc rc;
	int e, reusable;

	s->attempts++;
	if (ask_at_once(c)) {
		int done = check_connect(c, i, 0, &st, &why, &e, &reusable);

		note_at_once(c, done);
		if (done) {
			finish(c, i, st, why, e, reusable);
			return ATT_DONE;
		}
	}
	if (!c->sk[i].watched && (rc = watch(c, i, err)) != ATT_PENDING) {
		s->attempts--;
		return rc;
	}
	pli_inflight_set_deadline(&c->tab, i,
	                          s->t_send_ns + (uint64_t)c->cfg.timeout_ms * 1000000ull);
	return ATT_PENDING;
}

/*
 * Starts (or restarts) the connect of slot i. Sockets come from the pool (sockpool.c)
 * and are registered with epoll only when a probe has to wait for its answer, so a
 * scan whose answers arrive inside connect() never touches epoll.
 */
static enum attempt_rc
attempt(struct cstate *c, uint32_t i, struct pl_err *err)
{
	struct pl_inflight_slot *s = &c->tab.slots[i];
	struct pl_sp_sock *sk = &c->sk[i];
	struct sockaddr_storage ss;
	enum pl_port_state st;
	enum pl_scan_reason why;
	socklen_t len = make_sockaddr(&s->probe, &ss);
	int learn, e;
	unsigned pool = pli_sockpool_pick(&c->sp, &s->probe.addr, &learn);

	if (pli_sockpool_get(&c->sp, pool, s->probe.port, sk) < 0)
		return no_socket(c, errno, err);
	if (fd_map(c, sk->fd, (int32_t)i) != 0) {
		pli_sockpool_put(&c->sp, sk, 0);
		sk->fd = -1;
		return ATT_LIMIT;
	}
	s->t_send_ns = pli_scan_now_ns();
	e = connect(sk->fd, (struct sockaddr *)&ss, len) == 0 ? 0 : errno;
	if (learn && (e == EINPROGRESS || e == 0))
		pli_sockpool_learn(&c->sp, &s->probe.addr, sk);
	if (e == EINPROGRESS)
		return in_progress(c, i, err);
	if (!classify(e, &st, &why))
		return not_sent(c, i, e);
	s->attempts++; /* answered at once (loopback, a local route error) */
	finish(c, i, st, why, e, e == ECONNREFUSED);
	return ATT_DONE;
}

static void
c_destroy(void *state)
{
	struct cstate *c = state;

	if (!c)
		return;
	for (uint32_t i = 0; c->sk && i < c->tab.n_slots; i++)
		if (c->sk[i].fd >= 0)
			close(c->sk[i].fd);
	pli_sockpool_cleanup(&c->sp);
	if (c->ep >= 0)
		close(c->ep);
	pli_inflight_cleanup(&c->tab);
	free(c->sk);
	free(c->fd_slot);
	free(c);
}

static enum pl_rc
c_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct cstate *c = calloc(1, sizeof(*c));
	uint32_t n = cfg->max_inflight ? cfg->max_inflight : 1024;

	if (!c)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	c->cfg = *cfg;
	c->cap = n;
	c->at_once = 1; /* until probes say otherwise */
	c->sk = calloc(n, sizeof(*c->sk));
	c->ep = epoll_create1(EPOLL_CLOEXEC);
	if (pli_sockpool_init(&c->sp, n) != PL_OK || pli_inflight_init(&c->tab, n, 0) != PL_OK)
		errno = ENOMEM;
	if (!c->sk || !c->tab.slots || !c->sp.dst || !c->sp.pool[PL_SP_POOLS - 1].idle ||
	    c->ep < 0) {
		int e = errno;

		c_destroy(c);
		return pl_err_set(err, PL_ERR_SYS, "engine setup: %s", strerror(e));
	}
	for (uint32_t i = 0; i < n; i++)
		c->sk[i].fd = -1;
	if (cfg->wake_fd > 0) { /* writes to it end epoll_wait; on_event ignores it */
		struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = cfg->wake_fd};

		if (epoll_ctl(c->ep, EPOLL_CTL_ADD, cfg->wake_fd, &ev) != 0) {
			int e = errno;

			c_destroy(c);
			return pl_err_set(err, PL_ERR_SYS, "epoll_ctl: %s", strerror(e));
		}
	}
	*state = c;
	return PL_OK;
}

static enum pl_rc
c_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct cstate *c = state;
	uint32_t i;
	enum attempt_rc rc;

	if (c->tab.count >= c->cap || (i = pli_inflight_take(&c->tab, p)) == PL_INFLIGHT_NIL)
		return PL_ERR_LIMIT;
	rc = attempt(c, i, err);
	if (rc == ATT_LIMIT || rc == ATT_FATAL) {
		pli_inflight_release(&c->tab, i);
		return rc == ATT_LIMIT ? PL_ERR_LIMIT : PL_ERR_SYS;
	}
	return PL_OK;
}

static void
on_event(struct cstate *c, int fd, uint32_t events)
{
	enum pl_port_state st;
	enum pl_scan_reason why;
	int32_t i;
	int e, reusable;

	if (fd < 0 || (size_t)fd >= c->n_fd_slot || (i = c->fd_slot[fd]) < 0)
		return; /* a pooled socket, or one already finished */
	if (check_connect(c, (uint32_t)i, (events & EPOLLERR) != 0, &st, &why, &e, &reusable))
		finish(c, (uint32_t)i, st, why, e, reusable);
}

/* Handles deadlines that have passed: report a late answer, retry, or filtered. */
static enum pl_rc
expire(struct cstate *c, uint64_t now, struct pl_err *err)
{
	uint32_t i;

	while ((i = pli_inflight_expired(&c->tab, now)) != PL_INFLIGHT_NIL) {
		int fd = c->sk[i].fd;
		enum pl_port_state st;
		enum pl_scan_reason why;
		enum attempt_rc rc;
		int e, reusable;

		if (fd >= 0 && check_connect(c, i, 1, &st, &why, &e, &reusable)) {
			finish(c, i, st, why, e, reusable);
			continue;
		}
		if (fd >= 0 && c->tab.slots[i].attempts > c->cfg.retries) {
			finish(c, i, PL_PORT_FILTERED, PL_REASON_NO_RESPONSE, 0, 0);
			continue;
		}
		drop_socket(c, i, 0, 0);
		rc = attempt(c, i, err);
		if (rc == ATT_FATAL)
			return PL_ERR_SYS;
		if (rc == ATT_LIMIT) /* try again a little later; keep the slot */
			pli_inflight_set_deadline(&c->tab, i, now + RETRY_NS);
	}
	return PL_OK;
}

static enum pl_rc
c_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct cstate *c = state;
	struct epoll_event ev[MAX_EVENTS];
	int n;

	timeout_ms = pli_inflight_wait_ms(&c->tab, pli_scan_now_ns(), timeout_ms);
	/* Drain every ready event (bounded) before looking at deadlines. */
	for (int round = 0; round < 64; round++) {
		n = epoll_wait(c->ep, ev, MAX_EVENTS, round ? 0 : timeout_ms);
		if (n < 0 && errno != EINTR)
			return pl_err_set(err, PL_ERR_SYS, "epoll_wait: %s", strerror(errno));
		for (int k = 0; k < n; k++)
			on_event(c, ev[k].data.fd, ev[k].events);
		if (n < MAX_EVENTS)
			break;
	}
	return expire(c, pli_scan_now_ns(), err);
}

static size_t
c_inflight(void *state)
{
	return ((struct cstate *)state)->tab.count;
}

static size_t
c_capacity(void *state)
{
	return ((struct cstate *)state)->cap;
}

static void
c_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	pli_inflight_foreach(&((struct cstate *)state)->tab, fn, ctx);
}

const struct pl_scan_engine pl_scan_engine_connect = {
    .name = "connect",
    .flag = "T",
    .nmap_type = "connect",
    .protos = PL_PROTO_BIT(PL_PROTO_TCP),
    .create = c_create,
    .send = c_send,
    .poll = c_poll,
    .inflight = c_inflight,
    .capacity = c_capacity,
    .foreach_inflight = c_foreach,
    .destroy = c_destroy,
};
