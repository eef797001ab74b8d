/* SPDX-License-Identifier: MIT */
/*
 * scan/scan_impl.h - helpers shared inside src/lib/scan, not part of the public API.
 */
#ifndef PL_SCAN_IMPL_H
#define PL_SCAN_IMPL_H

#include "portlens/scan.h"

/* Sorts the port set and drops duplicates. */
void pli_ports_normalize(struct pl_ports *ps);
/* The first n (<= 65535) TCP ports of the ranking in rank order into order; *len gets
 * how many (topports.c). PL_OK or PL_ERR_NOMEM. */
enum pl_rc pli_ports_top_order(uint16_t *order, uint32_t n, uint32_t *len);

/* Monotonic clock in nanoseconds. */
uint64_t pli_scan_now_ns(void);

/* Runs cfg->inner on cfg->threads worker threads (engine_threads.c). */
extern const struct pl_scan_engine pl_scan_engine_threads;

#endif
