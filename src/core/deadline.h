/* SPDX-License-Identifier: MIT */
/*
 * core/deadline.h - the absolute time ms milliseconds from now, as
 * pthread_cond_timedwait wants it. One place for the carry into tv_sec.
 */
#ifndef PL_CORE_DEADLINE_H
#define PL_CORE_DEADLINE_H

#include <time.h>

/* Fills *out with the time on clock (CLOCK_MONOTONIC, CLOCK_REALTIME) ms from now. */
void pli_deadline_after_ms(clockid_t clock, unsigned ms, struct timespec *out);

#endif
