// SPDX-License-Identifier: MIT
/*
 * test_scan_rate.c - the driver's --min-rate (pl_scan_opts.min_rate) with an engine
 * whose probes are never answered: without it the driver starts with 64 probes in
 * flight; with min_rate 4000/s and a 100 ms timeout it must allow at least the 400 that
 * rate needs from the start. The fake engine answers nothing and times probes out
 * itself, so no packet is sent anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "portlens/scan.h"

#define CAP 4096

struct fake {
	struct pl_scan_engine_cfg cfg;
	struct pl_scan_probe p[CAP];
	uint64_t sent_ns[CAP];
	size_t n, max_n;
	size_t head;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static enum pl_rc
f_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct fake *f = calloc(1, sizeof(*f));

	(void)err;
	f->cfg = *cfg;
	*state = f;
	return PL_OK;
}

static enum pl_rc
f_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct fake *f = state;

	(void)err;
	if (f->n == CAP)
		return PL_ERR_LIMIT;
	f->p[(f->head + f->n) % CAP] = *p;
	f->sent_ns[(f->head + f->n) % CAP] = now_ns();
	if (++f->n > f->max_n)
		f->max_n = f->n;
	return PL_OK;
}

static enum pl_rc
f_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct fake *f = state;
	uint64_t tmo = (uint64_t)f->cfg.timeout_ms * 1000000ull;
	struct timespec ts = {0, 1000000};

	(void)err;
	(void)timeout_ms;
	nanosleep(&ts, NULL);
	while (f->n && now_ns() - f->sent_ns[f->head] >= tmo) { /* FIFO: deadlines in order */
		struct pl_scan_result r = {.pos = f->p[f->head].pos,
		                           .target = f->p[f->head].target,
		                           .addr = f->p[f->head].addr,
		                           .port = f->p[f->head].port,
		                           .proto = f->p[f->head].proto,
		                           .state = PL_PORT_FILTERED,
		                           .reason = PL_REASON_NO_RESPONSE,
		                           .attempts = 1};

		f->head = (f->head + 1) % CAP;
		f->n--;
		f->cfg.emit(f->cfg.ctx, &r);
	}
	return PL_OK;
}

static size_t
f_inflight(void *state)
{
	return ((struct fake *)state)->n;
}

static size_t
f_capacity(void *state)
{
	(void)state;
	return CAP;
}

static void
f_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	(void)state;
	(void)fn;
	(void)ctx;
}

static size_t last_max;

static void
f_destroy(void *state)
{
	last_max = ((struct fake *)state)->max_n;
	free(state);
}

static const struct pl_scan_engine fake_engine = {
    .name = "fake",
    .flag = "F",
    .nmap_type = "fake",
    .protos = PL_PROTO_BIT(PL_PROTO_TCP),
    .create = f_create,
    .send = f_send,
    .poll = f_poll,
    .inflight = f_inflight,
    .capacity = f_capacity,
    .foreach_inflight = f_foreach,
    .destroy = f_destroy,
};

static int
stop_early(void *ctx)
{
	return now_ns() >= *(uint64_t *)ctx; /* the first 40 ms: before any window update */
}

static size_t
max_inflight(double min_rate)
{
	struct pl_targets *ts = pl_targets_new();
	struct pl_ports ps = {0};
	struct pl_scan *scan = NULL;
	uint64_t until = now_ns() + 40000000ull;
	struct pl_scan_opts o = {.engine = &fake_engine,
	                         .cfg = {.timeout_ms = 100, .retries = 0, .max_inflight = CAP},
	                         .min_rate = min_rate,
	                         .should_stop = stop_early,
	                         .ctx = &until};

	assert_int_equal(pl_targets_add_spec(ts, "198.18.0.0/24", 0, 0, NULL), PL_OK);
	assert_int_equal(pl_ports_parse(&ps, "1-100", NULL), PL_OK);
	assert_int_equal(pl_scan_new(ts, &ps, &o, &scan, NULL), PL_OK);
	pl_scan_run(scan, NULL);
	pl_scan_free(scan);
	pl_ports_cleanup(&ps);
	pl_targets_free(ts);
	return last_max;
}

static void
test_min_rate(void **state)
{
	(void)state;
	assert_int_equal(max_inflight(0), 64);
	assert_true(max_inflight(4000) >= 400);
}

UNIT_MAIN(cmocka_unit_test(test_min_rate))
