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
 * whatever the size of the scan. Batching, polling and deadlines are frame.c's.
 *
 * Nothing ever listens on the local port, so the kernel answers every SYN-ACK with a
 * RST: no half-open connection is left on a target.
 *
 * States (nmap's for -sS): SYN-ACK open (syn-ack); RST closed (reset); an ICMP
 * unreachable of codes 0, 1, 2, 3, 9, 10, 13 (ICMPv6: any) filtered, with nmap's reason
 * word (host-unreach, admin-prohibited, ...); nothing after the last attempt filtered
 * (no-response).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "scan/frame.h"
#include "scan/packet.h"
#include "scan/scan_impl.h"

enum { FD_TCP4, FD_TCP6, FD_ICMP4, FD_ICMP6 };

struct sstate {
	struct pl_frame f; /* first: the engine's state is the frame's */
	uint8_t key[16];
	uint16_t sport;
	struct pl_srccache src;
};

/* Queues the next attempt of slot i: a SYN with the cookie as its sequence number. */
static void
transmit(struct pl_frame *f, uint32_t i)
{
	struct sstate *s = (struct sstate *)f;
	const struct pl_scan_probe *p = &f->tab.slots[i].probe;
	struct pl_scan_addr src = {0}, *srcp = NULL;
	uint32_t seq = pli_pkt_cookie(s->key, &p->addr, p->port, s->sport, PL_PROTO_TCP);
	uint8_t *pkt;

	if (p->addr.family == 4) { /* the checksum covers the source address */
		srcp = &src;
		if (f->ro.source4.family == 4)
			src = f->ro.source4;
		else if (pli_srccache_get(&s->src, &p->addr, &src) != 0) {
			f->tab.slots[i].attempts++;
			pli_frame_fail(f, i, errno); /* no route: the kernel would refuse it too */
			return;
		}
	}
	if ((pkt = pli_frame_queue(f, i, 0, PL_SYN_LEN)))
		pli_pkt_build_syn(pkt, s->sport, p->port, seq, srcp, &p->addr);
}

static void
answer(struct sstate *s, const struct pl_pkt_reply *r)
{
	uint32_t cookie, i;
	enum pl_port_state st;
	enum pl_scan_reason why;

	if (r->proto != PL_PROTO_TCP || r->local_port != s->sport)
		return;
	cookie = pli_pkt_cookie(s->key, &r->target, r->target_port, s->sport, PL_PROTO_TCP);
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
		if (pli_pkt_icmp_state(r, &st, &why) != 0)
			return;
	} else {
		return;
	}
	i = pli_inflight_find(&s->f.tab, &r->target, r->target_port, PL_PROTO_TCP);
	if (i != PL_INFLIGHT_NIL) /* else a duplicate, or late after the last time-out */
		pli_frame_finish(&s->f, i, st, why, 0, NULL, 0, NULL, 0);
}

/* Reads every waiting packet of socket k (bounded), handing valid answers on. */
static enum pl_rc
drain(struct pl_frame *f, int k, short revents, struct pl_err *err)
{
	struct pli_raw_recv *rx = f->rx;

	(void)revents;
	for (int round = 0; round < 64; round++) {
		int n = pli_raw_recv(f->fd[k], rx);

		if (n < 0)
			return pl_err_set(err, PL_ERR_SYS, "raw socket receive: %s",
			                  strerror(errno));
		for (int j = 0; j < n; j++) {
			struct pl_scan_addr from;
			struct pl_pkt_reply r;
			int ok;

			if (k == FD_TCP4 || k == FD_ICMP4) {
				ok = pli_pkt_parse_ip4(rx->buf[j], rx->msg[j].msg_len, &r);
			} else if (k == FD_ICMP6) {
				ok = pli_pkt_parse_icmp6(rx->buf[j], rx->msg[j].msg_len, &r);
			} else {
				pli_raw_from(rx, j, &from);
				ok = pli_pkt_parse_l4_v6(rx->buf[j], rx->msg[j].msg_len,
				                         PL_PROTO_TCP, &from, &r);
			}
			if (ok == 0)
				answer((struct sstate *)f, &r);
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
	pli_frame_cleanup_raw(&s->f, &s->src);
	free(s);
}

static enum pl_rc
open_sockets(struct sstate *s, struct pl_err *err)
{
	struct pl_frame *f = &s->f;
	enum pl_rc rc = pli_frame_open_raw(f, s->sport, "-sS", NULL, err);

	if (rc != PL_OK)
		return rc;
	if (f->fd[FD_TCP4] < 0 && f->fd[FD_TCP6] < 0)
		return pl_err_set(err, PL_ERR_SYS, "raw socket: no IPv4 or IPv6 support");
	f->b[0]->fd = f->fd[FD_TCP4];
	f->b[1]->fd = f->fd[FD_TCP6];
	return PL_OK;
}

static enum pl_rc
s_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct sstate *s = calloc(1, sizeof(*s));
	enum pl_rc rc;

	if (!s)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	s->src.udp4 = -1;
	if ((rc = pli_frame_init_raw(&s->f, cfg, PL_PORT_FILTERED, transmit, drain, s->key,
	                             &s->sport, &s->src, err)) != PL_OK ||
	    (rc = open_sockets(s, err)) != PL_OK) {
		s_destroy(s);
		return rc;
	}
	*state = s;
	return PL_OK;
}

static enum pl_rc
s_check(struct pl_err *err)
{
	return pli_raw_check("-sS", err);
}

const struct pl_scan_engine pl_scan_engine_syn = {
    .name = "syn",
    .flag = "S",
    .nmap_type = "syn",
    .protos = PL_PROTO_BIT(PL_PROTO_TCP),
    .min_window = PL_RAW_BATCH,
    .check = s_check,
    .create = s_create,
    .send = pli_frame_send,
    .poll = pli_frame_poll,
    .inflight = pli_frame_inflight,
    .capacity = pli_frame_capacity,
    .foreach_inflight = pli_frame_foreach,
    .destroy = s_destroy,
};
