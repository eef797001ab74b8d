// SPDX-License-Identifier: MIT
/*
 * engine_mix.c - -sS and -sU in one scan, as nmap combines them: one driver, one
 * order over targets x (TCP and UDP ports), one set of outputs, and two engines
 * underneath. A TCP probe goes to the SYN engine, a UDP probe to the UDP engine; each
 * keeps its own sockets, in-flight table, deadlines and adaptive wait (frame.c).
 *
 * Polling two engines: the UDP engine is polled without waiting, then the SYN engine
 * with at most MIX_SLICE_MS, then the UDP engine again; an answer waits at most that
 * slice in its socket buffer (and counts a little late for the adaptive wait, which
 * never goes below 100 ms), and an idle scan wakes 200 times a second.
 */
#include <stdlib.h>

#include "portlens/scan.h"

#define MIX_SLICE_MS 5

struct mix {
	void *syn, *udp;
};

static void
m_destroy(void *state)
{
	struct mix *m = state;

	if (!m)
		return;
	pl_scan_engine_syn.destroy(m->syn);
	pl_scan_engine_udp.destroy(m->udp);
	free(m);
}

static enum pl_rc
m_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct mix *m = calloc(1, sizeof(*m));
	enum pl_rc rc;

	if (!m)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if ((rc = pl_scan_engine_syn.create(cfg, &m->syn, err)) != PL_OK ||
	    (rc = pl_scan_engine_udp.create(cfg, &m->udp, err)) != PL_OK) {
		m_destroy(m);
		return rc;
	}
	*state = m;
	return PL_OK;
}

static enum pl_rc
m_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct mix *m = state;

	if (p->proto == PL_PROTO_UDP)
		return pl_scan_engine_udp.send(m->udp, p, err);
	return pl_scan_engine_syn.send(m->syn, p, err);
}

static enum pl_rc
m_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct mix *m = state;
	enum pl_rc rc;

	if ((rc = pl_scan_engine_udp.poll(m->udp, 0, err)) != PL_OK ||
	    (rc = pl_scan_engine_syn.poll(
	         m->syn, timeout_ms < MIX_SLICE_MS ? timeout_ms : MIX_SLICE_MS, err)) != PL_OK)
		return rc;
	return pl_scan_engine_udp.poll(m->udp, 0, err);
}

static size_t
m_inflight(void *state)
{
	struct mix *m = state;

	return pl_scan_engine_syn.inflight(m->syn) + pl_scan_engine_udp.inflight(m->udp);
}

static size_t
m_capacity(void *state)
{
	struct mix *m = state;

	return pl_scan_engine_syn.capacity(m->syn) + pl_scan_engine_udp.capacity(m->udp);
}

static void
m_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	struct mix *m = state;

	pl_scan_engine_syn.foreach_inflight(m->syn, fn, ctx);
	pl_scan_engine_udp.foreach_inflight(m->udp, fn, ctx);
}

static enum pl_rc
m_check(struct pl_err *err)
{
	return pl_scan_engine_syn.check(err);
}

const struct pl_scan_engine pl_scan_engine_mix = {
    .name = "syn+udp",
    .flag = "SU",
    .nmap_type = "syn",
    .protos = PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP),
    .check = m_check,
    .create = m_create,
    .send = m_send,
    .poll = m_poll,
    .inflight = m_inflight,
    .capacity = m_capacity,
    .foreach_inflight = m_foreach,
    .destroy = m_destroy,
};
