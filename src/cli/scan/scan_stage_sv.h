/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_stage_sv.h - `portlens scan --sV`: the service stage between the scan engine
 * and the sinks (scan_stage_sv.c). Every reported result passes through it: an open TCP
 * port is held while the probe pool identifies its service, then delivered with what
 * the probe found; an open UDP port is classified from the answer the scan's payload
 * drew and delivered at once; a UDP port the sweep left open|filtered (its payload, or
 * the empty datagram, drew nothing) is held while the pool sends it every payload at
 * once, then settled: open with its service when a datagram came back, closed when
 * ICMP port unreachable did, open|filtered otherwise; everything else is delivered at
 * once, unprobed. Without --sV the stage delivers every result as it comes.
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
/* The most a UDP port left open|filtered waits for answers to the payload burst. */
#define SCAN_SV_UDP_BURST_MS 500
/* Probe threads: a TCP probe works for seconds, a UDP burst mostly waits. */
#define SCAN_SV_THREADS     16
#define SCAN_SV_THREADS_UDP 64

/* Where the stage hands each result on (the sinks); sv is NULL when not probed. */
typedef void (*scan_deliver_fn)(void *ctx, const struct pl_scan_result *r,
                                const struct scan_sv_result *sv);

/*
 * Where a UDP port the sweep left open|filtered goes once its burst is back: r has the
 * state the burst decided (open, closed, or still open|filtered; reason udp-response,
 * port-unreach or no-response), sv what the probe found when a datagram came back,
 * else NULL. The caller decides whether the port is shown (open, or --all-states).
 */
typedef void (*scan_settle_fn)(void *ctx, const struct pl_scan_result *r,
                               const struct scan_sv_result *sv);

struct scan_stage_sv {
	int on; /* --sV */
	struct scan_probe *pool;
	scan_deliver_fn deliver;
	scan_settle_fn settle;
	void *ctx;
	unsigned udp_burst_ms; /* the burst's wait (set before start; 0 = SCAN_SV_UDP_BURST_MS) */
	unsigned threads;      /* probe threads (set before start; 0 = SCAN_SV_THREADS) */
	uint64_t *dropped;     /* positions of ports Ctrl-C dropped from the probe queue */
	size_t n_dropped, cap_dropped;
	/* What the stage changed in the engine's counts per state: +1/-1 for each UDP port
	 * settled in another state, -1 for each port dropped from the queue. */
	int64_t state_delta[PL_PORT_STATE_COUNT];
	int nomem; /* some port went out without its probe, or was lost for --resume */
};

/* Sets the stage up (on: --sV); nothing runs until scan_stage_sv_start. */
void scan_stage_sv_init(struct scan_stage_sv *st, int on, scan_deliver_fn deliver,
                        scan_settle_fn settle, void *ctx);
/* Whether r goes to the stage whatever the caller shows: a UDP port left open|filtered,
 * held for the burst (--sV, once the pool runs). Its result comes back through settle. */
int scan_stage_sv_reprobes(const struct scan_stage_sv *st, const struct pl_scan_result *r);
/*
 * Starts the probe threads (once the engine's sockets are open and its capabilities
 * dropped). Returns 1 when the stage probes, 0 when it is off or could not start (the
 * reason printed; the scan then goes on without service detection).
 */
int scan_stage_sv_start(struct scan_stage_sv *st, struct pl_cli *cli);
/* Takes one result: delivers (or settles) it now, or holds it for its probe. */
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
