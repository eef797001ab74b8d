/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_stage_sv.h - `portlens scan --sV`: the service stage between the scan engine
 * and the sinks (scan_stage_sv.c). Every reported result passes through it: an open TCP
 * port is held while the probe pool identifies its service, then delivered with what
 * the probe found; an open UDP port is classified from the answer the scan's payload
 * drew and delivered at once; everything else is delivered at once, unprobed. Without
 * --sV the stage delivers every result as it comes.
 *
 * Ctrl-C drops the ports still queued for a probe: they are never delivered, and their
 * scan positions are kept for the resume file, so `--resume` scans and probes them
 * again. Probes already running finish (within their budget) and are delivered.
 */
#ifndef PL_CLI_SCAN_STAGE_SV_H
#define PL_CLI_SCAN_STAGE_SV_H

#include <stddef.h>
#include <stdint.h>

#include "cli/scan/scan_sink.h"
#include "cli/scan/scan_probe.h"
#include "portlens/scan.h"

/* Time budget of one port's service probe (the probe library's default). */
#define SCAN_SV_BUDGET_MS 15000

/* Where the stage hands each result on (the sinks); sv is NULL when not probed. */
typedef void (*scan_deliver_fn)(void *ctx, const struct pl_scan_result *r,
                                const struct scan_sv_result *sv);

struct scan_stage_sv {
	int on; /* --sV */
	struct scan_probe *pool;
	scan_deliver_fn deliver;
	void *ctx;
	uint64_t *dropped; /* positions of open ports Ctrl-C dropped from the probe queue */
	size_t n_dropped, cap_dropped;
	int nomem; /* some port went out without its probe, or was lost for --resume */
};

/* Sets the stage up (on: --sV); nothing runs until scan_stage_sv_start. */
void scan_stage_sv_init(struct scan_stage_sv *st, int on, scan_deliver_fn deliver, void *ctx);
/*
 * Starts the probe threads (once the engine's sockets are open and its capabilities
 * dropped). Returns 1 when the stage probes, 0 when it is off or could not start (the
 * reason printed; the scan then goes on without service detection).
 */
int scan_stage_sv_start(struct scan_stage_sv *st, struct pl_cli *cli);
/* Takes one reported result: delivers it now, or holds it for its probe. */
void scan_stage_sv_take(struct scan_stage_sv *st, const struct pl_scan_result *r);
/* Delivers the probes that have finished (between the scan's own events). */
void scan_stage_sv_poll(struct scan_stage_sv *st);
/*
 * After the scan: delivers each held port as its probe finishes, with the remaining
 * count on the progress line. Once stop(ctx) says so (Ctrl-C), the queued ports are
 * dropped and only the running probes are waited for.
 */
void scan_stage_sv_finish(struct scan_stage_sv *st, struct pl_cli *cli, int (*stop)(void *ctx),
                          struct scan_progress *progress);
/* Adds the dropped positions to a resume state's pending list. */
enum pl_rc scan_stage_sv_add_dropped(const struct scan_stage_sv *st, struct pl_scan_state *state);
/* Stops the threads (waiting for running probes) and frees everything. */
void scan_stage_sv_cleanup(struct scan_stage_sv *st);

#endif
