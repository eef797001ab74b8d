/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_sv.h - `portlens scan --sV` (render_audit_sv.c): a pool of threads that
 * probes the open ports a scan reports while the scan goes on. The scan submits each
 * open TCP port and holds it; a finished probe is handed back to the scan's own thread
 * (scan_sv_drain), which then writes the port with its service data to every output.
 * Nothing is printed here.
 */
#ifndef PL_CLI_SCAN_SV_H
#define PL_CLI_SCAN_SV_H

#include <stddef.h>
#include <stdint.h>

#include "cli/scan_sink.h"
#include "portlens/probe.h"
#include "portlens/scan.h"

struct scan_sv;

/* Called for every finished probe, in the thread that calls scan_sv_drain. */
typedef void (*scan_sv_done_fn)(void *ctx, const struct pl_scan_result *r,
                                const struct scan_sv_result *res);

/*
 * Creates a probe context (opts: NULL = the probe defaults, 15 s per port) and starts
 * parallel threads (0 = 16, at most 32). Returns the pool, or NULL with err filled.
 * Free with scan_sv_free.
 */
struct scan_sv *scan_sv_new(const struct pl_probe_opts *opts, unsigned parallel,
                            struct pl_err *err);

/*
 * Offers one scan result. Returns 1 when the pool took it (an open TCP port: it will
 * come back through scan_sv_drain, the caller must not report it now), 0 when it is
 * not one to probe, -1 when out of memory (report it now, without service data).
 */
int scan_sv_submit(struct scan_sv *sv, const struct pl_scan_result *r);

/*
 * Hands every finished probe to fn and frees it. When none has finished and some are
 * outstanding, waits up to wait_ms for one first (0 = do not wait). Returns how many
 * were handed over.
 */
size_t scan_sv_drain(struct scan_sv *sv, int wait_ms, scan_sv_done_fn fn, void *ctx);

/* Ports taken and not yet handed back (queued, being probed, or finished). */
size_t scan_sv_outstanding(struct scan_sv *sv);
/* Ports being probed right now. */
size_t scan_sv_running(struct scan_sv *sv);

/*
 * Drops every queued port whose probe has not started and calls fn with its scan
 * position (so the caller can have the port re-scanned on resume). Probes already
 * running are not affected. Returns how many were dropped.
 */
size_t scan_sv_cancel_queued(struct scan_sv *sv, void (*fn)(void *ctx, uint64_t pos), void *ctx);

/* Waits for running probes, discards whatever is left and frees the pool. NULL is a no-op. */
void scan_sv_free(struct scan_sv *sv);

#endif
