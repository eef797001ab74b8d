/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_probe.h - `portlens scan --sV` (scan_probe.c): the scan's side of the
 * library's probe pool (portlens/probe.h). The scan submits each open TCP port (and,
 * with -sU, each UDP port its sweep left open|filtered) and holds it; a finished probe
 * is handed back to the scan's own thread (scan_probe_drain), which then writes the
 * port with its service data to every output. Nothing is printed here.
 */
#ifndef PL_CLI_SCAN_PROBE_H
#define PL_CLI_SCAN_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "cli/scan/scan_sink.h"
#include "portlens/probe.h"
#include "portlens/scan.h"

struct scan_probe;

/* Called for every finished probe, in the thread that calls scan_probe_drain. */
typedef void (*scan_probe_done_fn)(void *ctx, const struct pl_scan_result *r,
                                   const struct scan_sv_result *res);

/*
 * Creates a probe context (opts: NULL = the probe defaults, 15 s per port) and a pool
 * of parallel threads (0 = 16). Returns the pool, or NULL with err filled. Free with
 * scan_probe_free.
 */
struct scan_probe *scan_probe_new(const struct pl_probe_opts *opts, unsigned parallel,
                                  struct pl_err *err);

/*
 * Offers one scan result. Returns 1 when the pool took it (an open TCP port, or a UDP
 * port left open|filtered: it will come back through scan_probe_drain, the caller must
 * not report it now; the result handed back has no answer/request bytes), 0 when it is
 * not one to probe, -1 when out of memory (report it now, without service data).
 */
int scan_probe_submit(struct scan_probe *sp, const struct pl_scan_result *r);

/*
 * Hands every finished probe to fn (res NULL when no memory was left for its record)
 * and frees it. When none has finished and some are outstanding, waits up to wait_ms
 * for one first (0 = do not wait). Returns how many were handed over.
 */
size_t scan_probe_drain(struct scan_probe *sp, int wait_ms, scan_probe_done_fn fn, void *ctx);

/* Ports taken and not yet handed back (queued, being probed, or finished). */
size_t scan_probe_outstanding(struct scan_probe *sp);
/* Ports being probed right now. */
size_t scan_probe_running(struct scan_probe *sp);

/*
 * Drops every queued port whose probe has not started and calls fn with its scan
 * result (so the caller can have the port re-scanned on resume and uncount it). Probes
 * already running are not affected. Returns how many were dropped.
 */
size_t scan_probe_cancel_queued(struct scan_probe *sp,
                                void (*fn)(void *ctx, const struct pl_scan_result *r), void *ctx);

/* UDP: what the datagram the scan's payload drew (r->answer, r->request) says about the
 * service, into svc (pl_probe_classify_udp; no second round trip). */
void scan_probe_classify_udp(const struct pl_scan_result *r, struct pl_service *svc);

/* Waits for running probes, discards whatever is left and frees the pool. NULL is a no-op. */
void scan_probe_free(struct scan_probe *sp);

#endif
