// SPDX-License-Identifier: MIT
/*
 * scan_stage_sv.c - the --sV service stage of `portlens scan` (cli/scan_stage_sv.h):
 * open TCP ports and UDP ports left open|filtered go to the probe pool and are held
 * (UDP in the pool's all-payloads-at-once mode); finished probes are delivered from
 * the scan's own thread (between results, at ticks, and in the wait after the scan),
 * so the sinks are only ever written from one thread.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/scan/scan_stage_sv.h"
#include "core/array.h"

void
scan_stage_sv_init(struct scan_stage_sv *st, int on, scan_deliver_fn deliver, scan_settle_fn settle,
                   void *ctx)
{
	memset(st, 0, sizeof(*st));
	st->on = on;
	st->deliver = deliver;
	st->settle = settle;
	st->ctx = ctx;
}

int
scan_stage_sv_reprobes(const struct scan_stage_sv *st, const struct pl_scan_result *r)
{
	return st->pool && r->proto == PL_PROTO_UDP && r->state == PL_PORT_OPEN_FILTERED;
}

int
scan_stage_sv_start(struct scan_stage_sv *st, struct pl_cli *cli)
{
	struct pl_probe_opts po = {.total_ms = SCAN_SV_BUDGET_MS,
	                           .udp_burst_ms =
	                               st->udp_burst_ms ? st->udp_burst_ms : SCAN_SV_UDP_BURST_MS};
	struct pl_err err = {0};

	if (!st->on)
		return 0;
	if (!(st->pool = scan_probe_new(&po, st->threads ? st->threads : SCAN_SV_THREADS, &err))) {
		pli_cli_print_err(cli, &err); /* the scan goes on without service detection */
		return 0;
	}
	return 1;
}

/*
 * A UDP port back from its burst: open when a datagram came back (the JSON answer is
 * the answer's first bytes as the probe kept them), closed when only ICMP port
 * unreachable did, else still open|filtered.
 */
static void
settle_udp(struct scan_stage_sv *st, const struct pl_scan_result *r,
           const struct scan_sv_result *sv)
{
	struct pl_scan_result fin = *r;
	const struct pl_service *svc = sv ? sv->svc : NULL;

	if (svc && sv->rc == PL_OK && svc->udp_answers) {
		fin.state = PL_PORT_OPEN;
		fin.reason = PL_REASON_UDP_RESPONSE;
		fin.answer = svc->evidence_raw;
		fin.answer_len = svc->udp_answer_bytes;
		if (fin.answer_len > svc->evidence_len && svc->evidence_len < 64)
			fin.answer_len = svc->evidence_len; /* never more than was kept */
	} else {
		if (sv && sv->rc == PL_ERR_IO) {
			fin.state = PL_PORT_CLOSED;
			fin.reason = PL_REASON_PORT_UNREACH;
		}
		sv = NULL;
	}
	st->state_delta[r->state]--;
	st->state_delta[fin.state]++;
	st->settle(st->ctx, &fin, sv);
}

/* A finished probe (called from scan_probe_drain, in the scan's thread). */
static void
on_probed(void *ctx, const struct pl_scan_result *r, const struct scan_sv_result *sv)
{
	struct scan_stage_sv *st = ctx;

	if (!sv)
		st->nomem = 1;
	if (r->proto == PL_PROTO_UDP)
		settle_udp(st, r, sv);
	else
		st->deliver(st->ctx, r, sv);
}

/* UDP: the probe module's classifier on the datagram the scan's payload drew. */
static void
deliver_udp(struct scan_stage_sv *st, const struct pl_scan_result *r)
{
	struct pl_service svc;
	struct scan_sv_result sv = {.rc = PL_OK, .svc = &svc};

	scan_probe_classify_udp(r, &svc);
	st->deliver(st->ctx, r, &sv);
}

void
scan_stage_sv_take(struct scan_stage_sv *st, const struct pl_scan_result *r)
{
	int held = 0;

	if (st->on && r->proto == PL_PROTO_UDP && r->state == PL_PORT_OPEN && r->answer) {
		deliver_udp(st, r);
		return;
	}
	if (st->pool) {
		held = scan_probe_submit(st->pool, r);
		if (held < 0)
			st->nomem = 1;
		scan_probe_drain(st->pool, 0, on_probed, st);
	}
	if (held > 0)
		return;
	if (scan_stage_sv_reprobes(st, r))
		st->settle(st->ctx, r, NULL); /* not held after all: still open|filtered */
	else
		st->deliver(st->ctx, r, NULL);
}

void
scan_stage_sv_poll(struct scan_stage_sv *st)
{
	if (st->pool)
		scan_probe_drain(st->pool, 0, on_probed, st);
}

static void
keep_dropped(void *ctx, const struct pl_scan_result *r)
{
	struct scan_stage_sv *st = ctx;

	st->state_delta[r->state]--; /* not reported: not counted */
	if (PLI_ARRAY_RESERVE(st->dropped, st->cap_dropped, st->n_dropped + 1, 64) != PL_OK) {
		st->nomem = 1; /* reported at the end: this port is lost */
		return;
	}
	st->dropped[st->n_dropped++] = r->pos;
}

void
scan_stage_sv_finish(struct scan_stage_sv *st, struct pl_cli *cli, int (*stop)(void *ctx),
                     struct scan_progress *progress)
{
	int cancelled = 0;

	if (!st->pool)
		return;
	while (scan_probe_outstanding(st->pool) > 0) {
		if (stop(st->ctx) && !cancelled) {
			size_t running = scan_probe_running(st->pool);

			scan_probe_cancel_queued(st->pool, keep_dropped, st);
			cancelled = 1;
			if (running)
				fprintf(
				    cli->err,
				    "%s: waiting for %zu running service probe%s (at most %u s)\n",
				    cli->prog, running, running == 1 ? "" : "s",
				    SCAN_SV_BUDGET_MS / 1000);
		}
		scan_probe_drain(st->pool, 100, on_probed, st);
		scan_progress_sv(progress, scan_probe_outstanding(st->pool));
	}
}

enum pl_rc
scan_stage_sv_add_dropped(const struct scan_stage_sv *st, struct pl_scan_state *state)
{
	uint64_t *v;

	if (st->n_dropped == 0)
		return PL_OK;
	v = realloc(state->pending, (state->n_pending + st->n_dropped) * sizeof(*v));
	if (!v)
		return PL_ERR_NOMEM;
	memcpy(v + state->n_pending, st->dropped, st->n_dropped * sizeof(*v));
	state->pending = v;
	state->n_pending += st->n_dropped;
	return PL_OK;
}

void
scan_stage_sv_cleanup(struct scan_stage_sv *st)
{
	scan_probe_free(st->pool);
	st->pool = NULL;
	free(st->dropped);
	st->dropped = NULL;
}
