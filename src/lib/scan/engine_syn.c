// SPDX-License-Identifier: MIT
/*
 * engine_syn.c - the raw SYN scan engine (-sS): stateless TCP probing through raw
 * sockets, as zmap and masscan do it, inside the same driver, order, resume and outputs
 * as the connect engine.
 *
 * A probe is one SYN whose sequence number is a keyed SipHash of (target, port, local
 * port) (packet.c). Sending queues it into a batch flushed with one sendmmsg per 256
 * packets; the kernel routes it and writes the IP header. Answers arrive on raw sockets
 * whose BPF filters keep only SYN-ACKs and RSTs to the scan's local port, and ICMP
 * destination-unreachable messages; an answer counts only when it acknowledges the
 * cookie + 1 (or an ICMP error quotes the cookie), so nothing per probe is looked up to
 * validate it. The in-flight table (inflight.c) still holds one slot per probe, which
 * gives retries, "filtered" after the last time-out and the exact resume state; its
 * index finds the slot from the answer's address and port. Memory is the slot count,
 * whatever the size of the scan.
 *
 * Nothing ever listens on the local port, so the kernel answers every SYN-ACK with a
 * RST: no half-open connection is left on a target.
 *
 * States (nmap's for -sS): SYN-ACK open (syn-ack); RST closed (reset); an ICMP
 * unreachable is "unreachable" with nmap's reason word (nmap folds it into filtered);
 * nothing after the last attempt filtered (no-response).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "scan/inflight.h"
#include "scan/packet.h"
#include "scan/rawsock.h"
#include "scan/scan_impl.h"

enum { FD_TCP4, FD_TCP6, FD_ICMP4, FD_ICMP6, FD_N };

struct sstate {
	struct pl_scan_engine_cfg cfg;
	struct pl_scan_raw_opts ro;
	struct pl_inflight tab;
	int fd[FD_N];
	uint8_t key[16];
	uint16_t sport;
	struct pl_srccache src;
	struct pl_raw_batch *b4, *b6;
	struct pl_raw_recv *rx;
};

static void
finish(struct sstate *s, uint32_t i, enum pl_port_state st, enum pl_scan_reason why, int e)
{
	struct pl_scan_result r;

	pl_inflight_result(&s->tab, i, st, why, e, pl_scan_now_ns(), &r);
	pl_inflight_release(&s->tab, i);
	s->cfg.emit(s->cfg.ctx, &r);
}

/* The kernel refused to send a probe: a local answer (no route, a local firewall). */
static void
send_failed(void *ctx, uint32_t i, int e)
{
	struct sstate *s = ctx;
	enum pl_scan_reason why = PL_REASON_ERROR;

	if (!s->tab.slots[i].used)
		return;
	if (e == EHOSTUNREACH || e == EHOSTDOWN)
		why = PL_REASON_HOST_UNREACH;
	else if (e == ENETUNREACH || e == ENETDOWN)
		why = PL_REASON_NET_UNREACH;
	else if (e == EPERM || e == EACCES)
		why = PL_REASON_ADMIN_PROHIBITED;
	finish(s, i, PL_PORT_UNREACHABLE, why, e);
}

static void
flush(struct sstate *s)
{
	if (s->b4->n)
		pl_raw_batch_flush(s->b4, send_failed, s);
	if (s->b6->n)
		pl_raw_batch_flush(s->b6, send_failed, s);
}

/* Queues the next attempt of slot i; its deadline starts now. */
static void
transmit(struct sstate *s, uint32_t i)
{
	struct pl_inflight_slot *sl = &s->tab.slots[i];
	const struct pl_scan_addr *dst = &sl->probe.addr;
	struct pl_raw_batch *b = dst->family == 4 ? s->b4 : s->b6;
	struct pl_scan_addr src = {0}, *srcp = NULL;
	uint32_t seq = pl_pkt_cookie(s->key, dst, sl->probe.port, s->sport, PL_PROTO_TCP);
	uint64_t now = pl_scan_now_ns();

	sl->attempts++;
	sl->t_send_ns = now;
	pl_inflight_set_deadline(&s->tab, i, now + (uint64_t)s->cfg.timeout_ms * 1000000ull);
	if (b->fd < 0) {
		finish(s, i, PL_PORT_UNREACHABLE, PL_REASON_ERROR, EAFNOSUPPORT);
		return;
	}
	if (dst->family == 4) {
		srcp = &src;
		if (s->ro.source4.family == 4)
			src = s->ro.source4;
		else if (pl_srccache_get(&s->src, dst, &src) != 0) {
			send_failed(s, i, errno);
			return;
		}
	}
	pl_pkt_build_syn(pl_raw_batch_add(b, dst, 0, PL_SYN_LEN, i), s->sport, sl->probe.port, seq,
	                 srcp, dst);
	if (b->n == PL_RAW_BATCH)
		pl_raw_batch_flush(b, send_failed, s);
}

static void
answer(struct sstate *s, const struct pl_pkt_reply *r)
{
	uint32_t cookie, i;
	enum pl_port_state st;
	enum pl_scan_reason why;

	if (r->proto != PL_PROTO_TCP || r->local_port != s->sport)
		return;
	cookie = pl_pkt_cookie(s->key, &r->target, r->target_port, s->sport, PL_PROTO_TCP);
	if (r->kind == PL_PKT_TCP) {
		if (!(r->tcp_flags & PL_TCP_ACK) || r->ack != cookie + 1)
			return;
		if (r->tcp_flags & PL_TCP_RST) {
			st = PL_PORT_CLOSED;
			why = PL_REASON_RESET;
		} else if (r->tcp_flags & PL_TCP_SYN) {
			st = PL_PORT_OPEN;
			why = PL_REASON_SYN_ACK;
		} else {
			return;
		}
	} else if (r->kind == PL_PKT_ICMP && r->seq == cookie) {
		pl_pkt_icmp_state(r, &st, &why);
	} else {
		return;
	}
	i = pl_inflight_find(&s->tab, &r->target, r->target_port, PL_PROTO_TCP);
	if (i != PL_INFLIGHT_NIL) /* else a duplicate, or late after the last time-out */
		finish(s, i, st, why, 0);
}

/* Reads every waiting packet of socket k (bounded), handing valid answers on. */
static enum pl_rc
drain(struct sstate *s, int k, struct pl_err *err)
{
	for (int round = 0; round < 64; round++) {
		int n = pl_raw_recv(s->fd[k], s->rx);

		if (n < 0)
			return pl_err_set(err, PL_ERR_SYS, "raw socket receive: %s",
			                  strerror(errno));
		for (int j = 0; j < n; j++) {
			const uint8_t *p = s->rx->buf[j];
			size_t len = s->rx->msg[j].msg_len;
			struct pl_scan_addr from;
			struct pl_pkt_reply r;
			int ok;

			if (k == FD_TCP4 || k == FD_ICMP4) {
				ok = pl_pkt_parse_ip4(p, len, &r);
			} else if (k == FD_ICMP6) {
				ok = pl_pkt_parse_icmp6(p, len, &r);
			} else {
				pl_raw_from(s->rx, j, &from);
				ok = pl_pkt_parse_l4_v6(p, len, PL_PROTO_TCP, &from, &r);
			}
			if (ok == 0)
				answer(s, &r);
		}
		if (n < PL_RAW_RECV)
			break;
	}
	return PL_OK;
}

static void
s_destroy(void *state)
{
	struct sstate *s = state;

	if (!s)
		return;
	for (int k = 0; k < FD_N; k++)
		if (s->fd[k] >= 0)
			close(s->fd[k]);
	pl_srccache_cleanup(&s->src);
	pl_inflight_cleanup(&s->tab);
	free(s->b4);
	free(s->b6);
	free(s->rx);
	free(s);
}

static enum pl_rc
open_sockets(struct sstate *s, struct pl_err *err)
{
	static const int fam[FD_N] = {AF_INET, AF_INET6, AF_INET, AF_INET6};
	static const int proto[FD_N] = {IPPROTO_TCP, IPPROTO_TCP, IPPROTO_ICMP, IPPROTO_ICMPV6};

	for (int k = 0; k < FD_N; k++) {
		const struct pl_scan_addr *src =
		    fam[k] == AF_INET ? &s->ro.source4 : &s->ro.source6;

		s->fd[k] = pl_raw_open(fam[k], proto[k], s->sport, s->ro.interface, src);
		if (s->fd[k] >= 0)
			continue;
		if (errno == EPERM || errno == EACCES)
			return pl_raw_check("-sS", err);
		/* A host without IPv6 still scans IPv4 (and the other way round). */
		if (errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT)
			return pl_err_set(err, PL_ERR_SYS, "raw socket: %s", strerror(errno));
	}
	if (s->fd[FD_TCP4] < 0 && s->fd[FD_TCP6] < 0)
		return pl_err_set(err, PL_ERR_SYS, "raw socket: no IPv4 or IPv6 support");
	s->b4->fd = s->fd[FD_TCP4];
	s->b6->fd = s->fd[FD_TCP6];
	return PL_OK;
}

static enum pl_rc
s_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct sstate *s = calloc(1, sizeof(*s));
	uint32_t n = cfg->max_inflight ? cfg->max_inflight : 16384;
	enum pl_rc rc;

	if (!s)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	for (int k = 0; k < FD_N; k++)
		s->fd[k] = -1;
	s->src.udp4 = -1;
	s->cfg = *cfg;
	if (cfg->engine_opts)
		s->ro = *(const struct pl_scan_raw_opts *)cfg->engine_opts;
	s->b4 = malloc(sizeof(*s->b4));
	s->b6 = malloc(sizeof(*s->b6));
	s->rx = malloc(sizeof(*s->rx));
	if (!s->b4 || !s->b6 || !s->rx || pl_inflight_init(&s->tab, n, 1) != PL_OK) {
		s_destroy(s);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	s->b4->n = s->b6->n = 0;
	if (getrandom(s->key, sizeof(s->key), 0) != (ssize_t)sizeof(s->key)) {
		s_destroy(s);
		return pl_err_set(err, PL_ERR_SYS, "getrandom: %s", strerror(errno));
	}
	s->sport = s->ro.source_port ? s->ro.source_port
	                             : (uint16_t)(40000 + (s->key[0] << 8 | s->key[1]) % 20000);
	if (pl_srccache_init(&s->src) != PL_OK) {
		s_destroy(s);
		return pl_err_set(err, PL_ERR_SYS, "socket: %s", strerror(errno));
	}
	if ((rc = open_sockets(s, err)) != PL_OK) {
		s_destroy(s);
		return rc;
	}
	*state = s;
	return PL_OK;
}

static enum pl_rc
s_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct sstate *s = state;
	uint32_t i;

	(void)err;
	if ((i = pl_inflight_take(&s->tab, p)) == PL_INFLIGHT_NIL)
		return PL_ERR_LIMIT;
	transmit(s, i);
	return PL_OK;
}

/* Deadlines that have passed: another attempt, or filtered after the last. */
static void
expire(struct sstate *s)
{
	uint32_t i;

	while ((i = pl_inflight_expired(&s->tab, pl_scan_now_ns())) != PL_INFLIGHT_NIL) {
		if (s->tab.slots[i].attempts > s->cfg.retries)
			finish(s, i, PL_PORT_FILTERED, PL_REASON_NO_RESPONSE, 0);
		else
			transmit(s, i);
	}
}

static enum pl_rc
s_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct sstate *s = state;
	struct pollfd pfd[FD_N + 1];
	int idx[FD_N + 1], n = 0;
	enum pl_rc rc;

	flush(s);
	for (int k = 0; k < FD_N; k++) {
		if (s->fd[k] < 0)
			continue;
		idx[n] = k;
		pfd[n++] = (struct pollfd){.fd = s->fd[k], .events = POLLIN};
	}
	if (s->cfg.wake_fd > 0) {
		idx[n] = -1;
		pfd[n++] = (struct pollfd){.fd = s->cfg.wake_fd, .events = POLLIN};
	}
	timeout_ms = pl_inflight_wait_ms(&s->tab, pl_scan_now_ns(), timeout_ms);
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return pl_err_set(err, PL_ERR_SYS, "poll: %s", strerror(errno));
	for (int j = 0; j < n; j++)
		if (idx[j] >= 0 && (pfd[j].revents & POLLIN) &&
		    (rc = drain(s, idx[j], err)) != PL_OK)
			return rc;
	expire(s);
	flush(s);
	return PL_OK;
}

static size_t
s_inflight(void *state)
{
	return ((struct sstate *)state)->tab.count;
}

static size_t
s_capacity(void *state)
{
	return ((struct sstate *)state)->tab.n_slots;
}

static void
s_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	pl_inflight_foreach(&((struct sstate *)state)->tab, fn, ctx);
}

static enum pl_rc
s_check(struct pl_err *err)
{
	return pl_raw_check("-sS", err);
}

const struct pl_scan_engine pl_scan_engine_syn = {
    .name = "syn",
    .flag = "S",
    .nmap_type = "syn",
    .protos = PL_PROTO_BIT(PL_PROTO_TCP),
    .check = s_check,
    .create = s_create,
    .send = s_send,
    .poll = s_poll,
    .inflight = s_inflight,
    .capacity = s_capacity,
    .foreach_inflight = s_foreach,
    .destroy = s_destroy,
};
