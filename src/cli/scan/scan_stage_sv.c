// SPDX-License-Identifier: MIT
/*
 * scan_stage_sv.c - the --sV service stage of `portlens scan` (cli/scan_stage_sv.h):
 * open TCP ports go to the probe pool and are held; finished probes are delivered from
 * the scan's own thread (between results, at ticks, and in the wait after the scan),
 * so the sinks are only ever written from one thread.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/scan/scan_stage_sv.h"
#include "core/array.h"

void
scan_stage_sv_init(struct scan_stage_sv *st, int on, scan_deliver_fn deliver, void *ctx)
{
	memset(st, 0, sizeof(*st));
	st->on = on;
	st->deliver = deliver;
	st->ctx = ctx;
}

int
scan_stage_sv_start(struct scan_stage_sv *st, struct pl_cli *cli)
{
	struct pl_probe_opts po = {.total_ms = SCAN_SV_BUDGET_MS};
	struct pl_err err = {0};

	if (!st->on)
		return 0;
	if (!(st->pool = scan_probe_new(&po, 16, &err))) {
		pli_cli_print_err(cli, &err); /* the scan goes on without service detection */
		return 0;
	}
	return 1;
}

/* A finished probe (called from scan_probe_drain, in the scan's thread). */
static void
on_probed(void *ctx, const struct pl_scan_result *r, const struct scan_sv_result *sv)
{
	struct scan_stage_sv *st = ctx;

	if (!sv)
		st->nomem = 1;
	st->deliver(st->ctx, r, sv);
}

/* UDP: the probe module's classifier on the datagram the scan's payload drew. */
static void
deliver_udp(struct scan_stage_sv *st, const struct pl_scan_result *r)
{
	struct pl_service svc;
	struct scan_sv_result sv = {.rc = PL_OK, .svc = &svc};

	pl_probe_classify_udp(NULL, r->port, r->request, r->request_len, r->answer, r->answer_len,
	                      &svc);
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
	if (held <= 0)
		st->deliver(st->ctx, r, NULL);
}

void
scan_stage_sv_poll(struct scan_stage_sv *st)
{
	if (st->pool)
		scan_probe_drain(st->pool, 0, on_probed, st);
}

static void
keep_dropped(void *ctx, uint64_t pos)
{
	struct scan_stage_sv *st = ctx;

	if (PLI_ARRAY_RESERVE(st->dropped, st->cap_dropped, st->n_dropped + 1, 64) != PL_OK) {
		st->nomem = 1; /* reported at the end: this port is lost */
		return;
	}
	st->dropped[st->n_dropped++] = pos;
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
