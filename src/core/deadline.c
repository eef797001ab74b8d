// SPDX-License-Identifier: MIT
/*
 * deadline.c - a clock in milliseconds, and now plus some milliseconds as a struct
 * timespec (core/deadline.h), for the condition-variable waits of the probe pool, the
 * webhook sender and the web server's connection reaper.
 */
#include "core/deadline.h"

int64_t
pli_clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
pli_deadline_after_ms(clockid_t clock, unsigned ms, struct timespec *out)
{
	clock_gettime(clock, out);
	out->tv_sec += ms / 1000;
	out->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (out->tv_nsec >= 1000000000L) {
		out->tv_sec++;
		out->tv_nsec -= 1000000000L;
	}
}
