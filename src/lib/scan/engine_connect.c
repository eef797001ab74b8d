// SPDX-License-Identifier: MIT
/*
 * engine_connect.c - the connect() scan engine: unprivileged TCP probing with
 * non-blocking sockets and one epoll instance (netcat's timeout_connect primitive,
 * thousands at a time).
 *
 * Each probe is a slot: a socket with SO_LINGER {1, 0} (so closing an established
 * connection sends RST and leaves no TIME_WAIT, sparing local ports), a non-blocking
 * connect(), and EPOLLOUT registration tagged with slot index and generation. When the
 * socket becomes writable SO_ERROR tells the state: 0 open (syn-ack), ECONNREFUSED
 * closed (conn-refused), EHOSTUNREACH/ENETUNREACH/EACCES unreachable (ICMP error; the
 * sockets set IP_RECVERR/IPV6_RECVERR so the kernel treats every ICMP error to the SYN
 * as final instead of waiting for a retransmission). A
 * probe with no answer by its deadline is retried up to cfg.retries times, then
 * reported filtered (no-response).
 *
 * Timeouts cost O(1): every attempt has the same timeout, so deadlines grow in send
 * order and the in-flight slots form one doubly linked list ordered by deadline; expiry
 * pops from the head, completion unlinks in place. Resource exhaustion is not fatal:
 * EMFILE/ENFILE/ENOBUFS lower the engine's capacity to what is in flight, and
 * EADDRNOTAVAIL/EAGAIN (local ports used up) make send() return PL_ERR_LIMIT so the
 * driver retries after poll. A probe is never dropped.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"

#define NIL        UINT32_MAX
#define MAX_EVENTS 1024
#define RETRY_NS   20000000ull /* re-attempt a delayed retry after 20 ms */

struct slot {
	struct pl_scan_probe probe;
	uint64_t t_send_ns;
	uint64_t deadline_ns;
	int fd; /* -1 while waiting to re-attempt */
	uint32_t gen;
	uint32_t prev, next;
	uint8_t attempts;
	uint8_t used;
	uint8_t linked; /* on the deadline list */
};

struct cstate {
	struct pl_scan_engine_cfg cfg;
	int ep;
	struct slot *slots;
	uint32_t n_slots;
	uint32_t *free_ix;
	uint32_t n_free;
	uint32_t head, tail;
	size_t inflight, cap;
};

enum attempt_rc { ATT_PENDING, ATT_DONE, ATT_LIMIT, ATT_FATAL };

static void
list_unlink(struct cstate *c, uint32_t i)
{
	struct slot *s = &c->slots[i];

	if (!s->linked)
		return;
	s->linked = 0;
	if (s->prev != NIL)
		c->slots[s->prev].next = s->next;
	else
		c->head = s->next;
	if (s->next != NIL)
		c->slots[s->next].prev = s->prev;
	else
		c->tail = s->prev;
	s->prev = s->next = NIL;
}

static void
list_append(struct cstate *c, uint32_t i, uint64_t deadline)
{
	struct slot *s = &c->slots[i];

	s->deadline_ns = deadline;
	s->linked = 1;
	s->prev = c->tail;
	s->next = NIL;
	if (c->tail != NIL)
		c->slots[c->tail].next = i;
	else
		c->head = i;
	c->tail = i;
}

static void
finish(struct cstate *c, uint32_t i, enum pl_port_state st, enum pl_scan_reason why, int e)
{
	struct slot *s = &c->slots[i];
	struct pl_scan_result r = {
	    .pos = s->probe.pos,
	    .target = s->probe.target,
	    .addr = s->probe.addr,
	    .port = s->probe.port,
	    .proto = s->probe.proto,
	    .state = (uint8_t)st,
	    .reason = (uint8_t)why,
	    .attempts = s->attempts,
	    .sys_errno = e,
	};

	if (st != PL_PORT_FILTERED)
		r.rtt_us = (uint32_t)((pl_scan_now_ns() - s->t_send_ns) / 1000);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	list_unlink(c, i);
	s->used = 0;
	s->gen++;
	c->free_ix[c->n_free++] = i;
	c->inflight--;
	c->cfg.emit(c->cfg.ctx, &r);
}

/* Maps a connect error to a final state; returns 0 for errors that are not answers. */
static int
classify(int e, enum pl_port_state *st, enum pl_scan_reason *why)
{
	switch (e) {
	case 0:
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
	memset(ss, 0, sizeof(*ss));
	if (p->addr.family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(p->port);
		memcpy(&sin->sin_addr, p->addr.bytes, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(p->port);
	memcpy(&sin6->sin6_addr, p->addr.bytes, 16);
	return sizeof(*sin6);
}

/* Starts (or restarts) the connect of slot i. */
static enum attempt_rc
attempt(struct cstate *c, uint32_t i, struct pl_err *err)
{
	struct slot *s = &c->slots[i];
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct sockaddr_storage ss;
	struct epoll_event ev = {.events = EPOLLOUT};
	enum pl_port_state st;
	enum pl_scan_reason why;
	socklen_t len = make_sockaddr(&s->probe, &ss);
	int fd, e, one = 1;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
			c->cap = c->inflight > 1 ? c->inflight - 1 : 1;
			return ATT_LIMIT;
		}
		pl_err_set(err, PL_ERR_SYS, "socket: %s", strerror(e));
		return ATT_FATAL;
	}
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	/* Without RECVERR, ICMPv6 errors to a SYN are soft and only surface when the
	 * kernel retransmits (about 1 s later); with it they end the connect at once. */
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	s->fd = fd;
	s->attempts++;
	s->t_send_ns = pl_scan_now_ns();
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		finish(c, i, PL_PORT_OPEN, PL_REASON_SYN_ACK, 0);
		return ATT_DONE;
	}
	e = errno;
	if (e == EINPROGRESS) {
		ev.data.u64 = (uint64_t)s->gen << 32 | i;
		if (epoll_ctl(c->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			e = errno;
			close(fd);
			s->fd = -1;
			s->attempts--;
			if (e == ENOMEM || e == ENOSPC)
				return ATT_LIMIT;
			pl_err_set(err, PL_ERR_SYS, "epoll_ctl: %s", strerror(e));
			return ATT_FATAL;
		}
		list_unlink(c, i);
		list_append(c, i, s->t_send_ns + (uint64_t)c->cfg.timeout_ms * 1000000ull);
		return ATT_PENDING;
	}
	if (classify(e, &st, &why)) {
		finish(c, i, st, why, e);
		return ATT_DONE;
	}
	close(fd);
	s->fd = -1;
	s->attempts--;
	if (e == EADDRNOTAVAIL || e == EAGAIN || e == ENOBUFS || e == EADDRINUSE)
		return ATT_LIMIT;
	finish(c, i, PL_PORT_UNREACHABLE, PL_REASON_ERROR, e);
	return ATT_DONE;
}

static enum pl_rc
c_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct cstate *c = calloc(1, sizeof(*c));
	uint32_t n = cfg->max_inflight ? cfg->max_inflight : 1024;

	if (!c)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	c->cfg = *cfg;
	c->n_slots = n;
	c->cap = n;
	c->head = c->tail = NIL;
	c->slots = calloc(n, sizeof(*c->slots));
	c->free_ix = calloc(n, sizeof(*c->free_ix));
	c->ep = epoll_create1(EPOLL_CLOEXEC);
	if (!c->slots || !c->free_ix || c->ep < 0) {
		int e = errno;

		if (c->ep >= 0)
			close(c->ep);
		free(c->slots);
		free(c->free_ix);
		free(c);
		return pl_err_set(err, PL_ERR_SYS, "engine setup: %s", strerror(e));
	}
	for (uint32_t i = 0; i < n; i++) {
		c->slots[i].fd = -1;
		c->slots[i].prev = c->slots[i].next = NIL;
		c->free_ix[i] = n - 1 - i;
	}
	c->n_free = n;
	*state = c;
	return PL_OK;
}

static enum pl_rc
c_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct cstate *c = state;
	uint32_t i;
	enum attempt_rc rc;

	if (c->inflight >= c->cap || c->n_free == 0)
		return PL_ERR_LIMIT;
	i = c->free_ix[--c->n_free];
	c->slots[i].probe = *p;
	c->slots[i].attempts = 0;
	c->slots[i].used = 1;
	c->inflight++;
	rc = attempt(c, i, err);
	if (rc == ATT_LIMIT || rc == ATT_FATAL) {
		c->slots[i].used = 0;
		c->free_ix[c->n_free++] = i;
		c->inflight--;
		return rc == ATT_LIMIT ? PL_ERR_LIMIT : PL_ERR_SYS;
	}
	return PL_OK;
}

static void
on_event(struct cstate *c, uint64_t data)
{
	uint32_t i = (uint32_t)data;
	struct slot *s;
	enum pl_port_state st;
	enum pl_scan_reason why;
	socklen_t len = sizeof(int);
	int e = 0;

	if (i >= c->n_slots)
		return;
	s = &c->slots[i];
	if (!s->used || s->fd < 0 || s->gen != (uint32_t)(data >> 32))
		return;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		e = errno;
	if (!classify(e, &st, &why)) {
		st = PL_PORT_UNREACHABLE;
		why = PL_REASON_ERROR;
	}
	finish(c, i, st, why, e);
}

/*
 * Did the probe of slot i get an answer that is still unread (a slow event loop can
 * reach a deadline before the event)? Finishes it and returns 1 if so.
 */
static int
answered_late(struct cstate *c, uint32_t i)
{
	struct slot *s = &c->slots[i];
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer), len = sizeof(int);
	enum pl_port_state st;
	enum pl_scan_reason why;
	int e = 0;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e != 0 &&
	    classify(e, &st, &why)) {
		finish(c, i, st, why, e);
		return 1;
	}
	if (getpeername(s->fd, (struct sockaddr *)&peer, &plen) == 0) {
		finish(c, i, PL_PORT_OPEN, PL_REASON_SYN_ACK, 0);
		return 1;
	}
	return 0;
}

/* Handles deadlines that have passed: retry or report filtered. */
static enum pl_rc
expire(struct cstate *c, uint64_t now, struct pl_err *err)
{
	while (c->head != NIL && c->slots[c->head].deadline_ns <= now) {
		uint32_t i = c->head;
		struct slot *s = &c->slots[i];
		enum attempt_rc rc;

		if (s->fd >= 0 && answered_late(c, i))
			continue;
		if (s->fd >= 0 && s->attempts > c->cfg.retries) {
			finish(c, i, PL_PORT_FILTERED, PL_REASON_NO_RESPONSE, 0);
			continue;
		}
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		s->gen++;
		rc = attempt(c, i, err);
		if (rc == ATT_FATAL)
			return PL_ERR_SYS;
		if (rc == ATT_LIMIT) { /* try again a little later; keep the slot */
			list_unlink(c, i);
			list_append(c, i, now + RETRY_NS);
		}
	}
	return PL_OK;
}

static enum pl_rc
c_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct cstate *c = state;
	struct epoll_event ev[MAX_EVENTS];
	uint64_t now = pl_scan_now_ns();
	int n;

	if (c->head != NIL) {
		uint64_t d = c->slots[c->head].deadline_ns;
		int until = d <= now ? 0 : (int)((d - now + 999999) / 1000000);

		if (until < timeout_ms)
			timeout_ms = until;
	}
	/* Drain every ready event (bounded) before looking at deadlines. */
	for (int round = 0; round < 64; round++) {
		n = epoll_wait(c->ep, ev, MAX_EVENTS, round ? 0 : timeout_ms);
		if (n < 0 && errno != EINTR)
			return pl_err_set(err, PL_ERR_SYS, "epoll_wait: %s", strerror(errno));
		for (int k = 0; k < n; k++)
			on_event(c, ev[k].data.u64);
		if (n < MAX_EVENTS)
			break;
	}
	return expire(c, pl_scan_now_ns(), err);
}

static size_t
c_inflight(void *state)
{
	return ((struct cstate *)state)->inflight;
}

static size_t
c_capacity(void *state)
{
	return ((struct cstate *)state)->cap;
}

static void
c_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	struct cstate *c = state;

	for (uint32_t i = 0; i < c->n_slots; i++)
		if (c->slots[i].used)
			fn(ctx, c->slots[i].probe.pos);
}

static void
c_destroy(void *state)
{
	struct cstate *c = state;

	if (!c)
		return;
	for (uint32_t i = 0; i < c->n_slots; i++)
		if (c->slots[i].fd >= 0)
			close(c->slots[i].fd);
	close(c->ep);
	free(c->slots);
	free(c->free_ix);
	free(c);
}

const struct pl_scan_engine pl_scan_engine_connect = {
    .name = "connect",
    .protos = PL_PROTO_BIT(PL_PROTO_TCP),
    .create = c_create,
    .send = c_send,
    .poll = c_poll,
    .inflight = c_inflight,
    .capacity = c_capacity,
    .foreach_inflight = c_foreach,
    .destroy = c_destroy,
};
