/* SPDX-License-Identifier: MIT */
/*
 * core/deadline.h - clocks in milliseconds, and the absolute time ms milliseconds from
 * now as pthread_cond_timedwait wants it. One place for the carries between units.
 */
#ifndef PL_CORE_DEADLINE_H
#define PL_CORE_DEADLINE_H

#include <stdint.h>
#include <time.h>

/* The time on clock (CLOCK_MONOTONIC for intervals, CLOCK_REALTIME for timestamps) in
 * milliseconds. */
int64_t pli_clock_ms(clockid_t clock);

/* Fills *out with the time on clock (CLOCK_MONOTONIC, CLOCK_REALTIME) ms from now. */
void pli_deadline_after_ms(clockid_t clock, unsigned ms, struct timespec *out);

#endif
