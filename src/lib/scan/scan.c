// SPDX-License-Identifier: MIT
/*
 * scan.c - the scan driver: walks this shard's positions of the permutation, maps each
 * to (target, port), skips what must not be probed, paces sends to --rate with a token
 * bucket, keeps the engine as full as it allows, and reports every finished probe.
 *
 * Concurrency: probes in flight are capped by a window recomputed every 50 ms from what
 * the last 50 ms showed: 64 (or the engine's batch) per engine instance + 2 x answer
 * rate x base RTT (the smallest recent RTT, which leaves out queueing in this process;
 * by Little's law that keeps the answered probes flowing) + 1.5 x no-answer rate x the
 * time a silent probe occupies a slot (timeout x attempts), clamped to [that floor,
 * engine capacity]. When the window is the limit, rates grow with it and the window
 * grows geometrically; when the CPU or the network is the limit, it stops growing.
 * More in flight than needed only costs: the first burst of thousands of SYNs
 * overflows queues on the way (the kernel's per-CPU backlog holds 1000 packets) and
 * turns open ports into "filtered", and the kernel's per-connect work grows with the
 * number of connecting sockets.
 *
 * Position p (in [lo, hi), the shard) maps to index perm(p) of the targets x ports
 * space, index = target * n_ports + port_index. Memory does not depend on the space:
 * the only per-probe state lives in the engine's in-flight slots.
 *
 * Stopping: when should_stop() says so, the driver stops sending and records what is
 * unfinished: positions in flight, a probe held back by the engine and any resume
 * positions not yet redone. With the cursor (next), that is the whole state: every
 * position below next not in that list has been reported exactly once.
 */
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"
#include "core/array.h"

#define MAX_SPACE    ((uint64_t)1 << 62)
#define SEND_BATCH   4096
#define IDLE_WAIT    100
#define START_WINDOW 64
#define STOP_CHECK   64 /* sends between looks at should_stop inside one fill */

struct pl_scan {
	const struct pl_targets *targets;
	const struct pl_ports *ports;
	struct pl_scan_opts opts;
	struct pl_perm perm;
	uint64_t space, lo, hi, next;
	uint64_t ahead_pos, ahead_idx; /* perm(ahead_pos), computed one position early */
	uint64_t *todo; /* positions to redo first (resume), then leftovers after a stop */
	size_t n_todo, i_todo, cap_todo;
	struct pl_scan_progress prog;
	uint64_t t0;
	void *eng;
	const struct pl_scan_engine *ops; /* opts.engine, or the thread adapter around it */
	struct pl_scan_probe held;
	int have_held;
	uint64_t window; /* probes allowed in flight now (adapt_window) */
	uint64_t win_answered, win_filtered, win_rtt_min, last_adapt;
	double srtt_s;
};

static enum pl_rc
todo_push(struct pl_scan *s, uint64_t pos)
{
	if (PLI_ARRAY_RESERVE(s->todo, s->cap_todo, s->n_todo + 1, 64) != PL_OK)
		return PL_ERR_NOMEM;
	s->todo[s->n_todo++] = pos;
	return PL_OK;
}

enum pl_rc
pl_scan_new(const struct pl_targets *targets, const struct pl_ports *ports,
            const struct pl_scan_opts *opts, struct pl_scan **out, struct pl_err *err)
{
	uint64_t nt = pl_targets_count(targets);
	struct pl_scan *s;

	if (nt == 0 || ports->n == 0)
		return pl_err_set(err, PL_ERR_ARG, "nothing to scan: no %s",
		                  nt == 0 ? "targets" : "ports");
	if (nt > MAX_SPACE / ports->n)
		return pl_err_set(err, PL_ERR_ARG, "scan too large: targets x ports exceeds 2^62");
	if (!opts->dry_run && !opts->engine)
		return pl_err_set(err, PL_ERR_ARG, "no scan engine");
	for (uint32_t i = 0; !opts->dry_run && i < ports->n; i++)
		if (!(opts->engine->protos & PL_PROTO_BIT(ports->items[i] >> 16)))
			return pl_err_set(err, PL_ERR_ARG,
			                  "the %s engine cannot scan %s ports (%s:%u)",
			                  opts->engine->name,
			                  pl_proto_name((enum pl_proto)(ports->items[i] >> 16)),
			                  pl_proto_name((enum pl_proto)(ports->items[i] >> 16)),
			                  ports->items[i] & 0xffff);
	s = calloc(1, sizeof(*s));
	if (!s)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	s->targets = targets;
	s->ports = ports;
	s->opts = *opts;
	if (s->opts.tick_ms == 0)
		s->opts.tick_ms = 250;
	s->space = nt * ports->n;
	pl_perm_init(&s->perm, s->space, opts->seed);
	pl_shard_range(s->space, opts->shard_index, opts->shard_count, &s->lo, &s->hi);
	s->next = s->lo;
	s->ahead_pos = UINT64_MAX;
	s->prog.total = s->hi - s->lo;
	*out = s;
	return PL_OK;
}

uint64_t
pl_scan_space(const struct pl_scan *scan)
{
	return scan->space;
}

enum pl_rc
pl_scan_set_state(struct pl_scan *s, const struct pl_scan_state *st, struct pl_err *err)
{
	if (st->next < s->lo || st->next > s->hi)
		return pl_err_set(err, PL_ERR_ARG, "resume position %llu is outside this scan",
		                  (unsigned long long)st->next);
	s->n_todo = s->i_todo = 0;
	for (size_t i = 0; i < st->n_pending; i++) {
		if (st->pending[i] < s->lo || st->pending[i] >= st->next)
			return pl_err_set(err, PL_ERR_ARG,
			                  "resume file lists position %llu "
			                  "outside this scan",
			                  (unsigned long long)st->pending[i]);
		if (todo_push(s, st->pending[i]) != PL_OK)
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	s->next = st->next;
	/* Everything before next except the pending list is already done. */
	s->prog.done = (st->next - s->lo) - st->n_pending;
	return PL_OK;
}

/*
 * perm(pos), from the one computed ahead when it is that one. The next sequential
 * position's index is computed now and its port entry prefetched: positions land at
 * random in the port list, and with the kernel's per-probe work in between that load
 * is otherwise a cache miss every probe.
 */
static uint64_t
index_at(struct pl_scan *s, uint64_t pos)
{
	uint64_t idx = pos == s->ahead_pos ? s->ahead_idx : pl_perm_at(&s->perm, pos);

	if (pos + 1 < s->hi) {
		s->ahead_pos = pos + 1;
		s->ahead_idx = pl_perm_at(&s->perm, pos + 1);
		__builtin_prefetch(&s->ports->items[s->ahead_idx % s->ports->n]);
	}
	return idx;
}

/* Takes the next position that maps to a probe-able address; 0 when none is left. */
static int
next_probe(struct pl_scan *s, struct pl_scan_probe *p)
{
	for (;;) {
		uint64_t pos, idx, t;
		uint32_t item;
		int cls;

		if (s->i_todo < s->n_todo)
			pos = s->todo[s->i_todo++];
		else if (s->next < s->hi)
			pos = s->next++;
		else
			return 0;
		idx = index_at(s, pos);
		t = idx / s->ports->n;
		item = s->ports->items[idx - t * s->ports->n];
		p->pos = pos;
		p->target = t;
		p->port = (uint16_t)(item & 0xffff);
		p->proto = (uint8_t)(item >> 16);
		cls = pl_targets_at(s->targets, t, &p->addr);
		if (cls == PL_ADDR_OK)
			return 1;
		if (s->opts.on_skip)
			s->opts.on_skip(s->opts.ctx, p, cls);
		s->prog.skipped++;
		s->prog.done++;
	}
}

static void
on_emit(void *ctx, const struct pl_scan_result *r)
{
	struct pl_scan *s = ctx;

	s->prog.done++;
	if (r->reason == PL_REASON_NO_RESPONSE) { /* filtered, UDP open|filtered */
		s->win_filtered++;
	} else {
		s->win_answered++;
		if (!s->win_rtt_min || r->rtt_us < s->win_rtt_min)
			s->win_rtt_min = r->rtt_us ? r->rtt_us : 1;
	}
	if (r->state < PL_PORT_STATE_COUNT)
		s->prog.by_state[r->state]++;
	if (r->state == PL_PORT_OPEN)
		s->prog.found++;
	if (s->opts.on_result)
		s->opts.on_result(s->opts.ctx, r);
}

/* --min-rate: probes in flight that rate needs when every probe waits out every attempt. */
static double
min_window(const struct pl_scan *s)
{
	double tmo = (s->opts.cfg.timeout_ms ? s->opts.cfg.timeout_ms : 1000) / 1000.0;

	return s->opts.min_rate * tmo * ((double)s->opts.cfg.retries + 1.0);
}

/* The window's floor, per engine instance (engine_threads.c), each of which keeps its
 * own pipeline going: START_WINDOW, or the engine's batch when that is larger. With one
 * batch in flight per -sS instance the 65535-port lab scan took 0.15-0.22 s, against
 * 0.18-0.26 s with 64 (two instances; one instance was the same either way). */
static double
start_window(const struct pl_scan *s)
{
	const struct pl_scan_engine *e = s->opts.engine; /* NULL in a dry run */
	uint32_t per = e && e->min_window > START_WINDOW ? e->min_window : START_WINDOW;

	return per * (double)(s->opts.cfg.threads > 1 ? s->opts.cfg.threads : 1);
}

static void
adapt_window(struct pl_scan *s, uint64_t now)
{
	double dt = (double)(now - s->last_adapt) / 1e9;
	double attempts = (double)s->opts.cfg.retries + 1.0;
	double tmo = (s->opts.cfg.timeout_ms ? s->opts.cfg.timeout_ms : 1000) / 1000.0;
	double want;

	if (dt < 0.05)
		return;
	if (s->win_answered) { /* base RTT: the minimum, rising only slowly */
		double rtt = (double)s->win_rtt_min / 1e6;

		s->srtt_s = s->srtt_s <= 0 || rtt < s->srtt_s ? rtt : 0.9 * s->srtt_s + 0.1 * rtt;
	}
	want = start_window(s) + 2.0 * ((double)s->win_answered / dt) * s->srtt_s +
	       1.5 * ((double)s->win_filtered / dt) * tmo * attempts;
	if (want < min_window(s)) /* --min-rate */
		want = min_window(s);
	s->window = want > 1e9 ? 1000000000u : (uint64_t)want;
	s->win_answered = s->win_filtered = s->win_rtt_min = 0;
	s->last_adapt = now;
}

static void
tick(struct pl_scan *s)
{
	s->prog.elapsed_s = (double)(pli_scan_now_ns() - s->t0) / 1e9;
	s->prog.inflight = s->eng ? s->ops->inflight(s->eng) : 0;
	if (s->opts.on_tick)
		s->opts.on_tick(s->opts.ctx, &s->prog);
}

static void
save_inflight(void *ctx, uint64_t pos)
{
	struct pl_scan *s = ctx;

	if (todo_push(s, pos) != PL_OK)
		s->have_held = -1; /* remembered as an error below */
}

/* After a stop: keep unfinished work (not yet redone resume positions, held, in flight). */
static enum pl_rc
collect_leftovers(struct pl_scan *s, struct pl_err *err)
{
	size_t keep = s->n_todo - s->i_todo;
	int held = s->have_held;

	if (keep)
		memmove(s->todo, s->todo + s->i_todo, keep * sizeof(*s->todo));
	s->n_todo = keep;
	s->i_todo = 0;
	s->have_held = 0;
	if (held && todo_push(s, s->held.pos) != PL_OK)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (s->eng)
		s->ops->foreach_inflight(s->eng, save_inflight, s);
	if (s->have_held < 0)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	/* Leftovers are redone first on resume; the run is over, so hide them from i_todo. */
	s->i_todo = s->n_todo;
	return PL_OK;
}

/* Sends while the engine has room and the rate allows; returns wait time for poll. */
static enum pl_rc
fill(struct pl_scan *s, double *tokens, int *wait_ms, struct pl_err *err)
{
	const struct pl_scan_engine *e = s->ops;
	int sent = 0;

	*wait_ms = IDLE_WAIT;
	while (sent < SEND_BATCH) {
		enum pl_rc rc;

		/* Engines may answer inside send() (a local target): look at stops meanwhile. */
		if (sent % STOP_CHECK == STOP_CHECK - 1 && s->opts.should_stop &&
		    s->opts.should_stop(s->opts.ctx)) {
			*wait_ms = 0;
			return PL_OK;
		}

		if (s->opts.rate > 0 && *tokens < 1.0) {
			*wait_ms = (int)((1.0 - *tokens) * 1000.0 / s->opts.rate) + 1;
			return PL_OK;
		}
		if (!s->opts.dry_run && (e->inflight(s->eng) >= e->capacity(s->eng) ||
		                         e->inflight(s->eng) >= s->window))
			return PL_OK;
		if (!s->have_held && !(s->have_held = next_probe(s, &s->held)))
			return PL_OK;
		if (s->opts.dry_run) {
			s->have_held = 0;
			s->prog.done++;
			s->prog.sent++;
			sent++;
			continue;
		}
		rc = e->send(s->eng, &s->held, err);
		if (rc == PL_ERR_LIMIT) {
			*wait_ms = 5;
			return PL_OK;
		}
		if (rc != PL_OK)
			return rc;
		s->have_held = 0;
		s->prog.sent++;
		*tokens -= 1.0;
		sent++;
	}
	*wait_ms = 0;
	return PL_OK;
}

static int
finished(struct pl_scan *s)
{
	return !s->have_held && s->i_todo >= s->n_todo && s->next >= s->hi &&
	       (!s->eng || s->ops->inflight(s->eng) == 0);
}

enum pl_rc
pl_scan_run(struct pl_scan *s, struct pl_err *err)
{
	struct pl_scan_engine_cfg cfg = s->opts.cfg;
	uint64_t last_tick, last_fill;
	double tokens = 1.0, burst;
	enum pl_rc rc = PL_OK;

	cfg.emit = on_emit;
	cfg.ctx = s;
	s->ops = s->opts.engine;
	if (cfg.threads > 1) {
		cfg.inner = s->opts.engine;
		s->ops = &pl_scan_engine_threads;
	}
	if (!s->opts.dry_run && (rc = s->ops->create(&cfg, &s->eng, err)) != PL_OK)
		return rc;
	if (s->opts.on_started)
		s->opts.on_started(s->opts.ctx);
	s->t0 = last_tick = last_fill = pli_scan_now_ns();
	s->window = start_window(s) > min_window(s) ? start_window(s) : (uint64_t)min_window(s);
	s->last_adapt = s->t0;
	burst = s->opts.rate > 100 ? s->opts.rate / 100 : 1.0;
	while (!finished(s)) {
		int wait;
		uint64_t now;

		if (s->opts.should_stop && s->opts.should_stop(s->opts.ctx)) {
			rc = PL_ERR_INTERRUPTED;
			break;
		}
		now = pli_scan_now_ns();
		tokens += s->opts.rate * (double)(now - last_fill) / 1e9;
		if (tokens > burst)
			tokens = burst;
		last_fill = now;
		adapt_window(s, now);
		if ((rc = fill(s, &tokens, &wait, err)) != PL_OK)
			break;
		if (s->eng && (rc = s->ops->poll(s->eng, finished(s) ? 0 : wait, err)) != PL_OK)
			break;
		if (pli_scan_now_ns() - last_tick >= (uint64_t)s->opts.tick_ms * 1000000ull) {
			tick(s);
			last_tick = pli_scan_now_ns();
		}
	}
	if (rc == PL_ERR_INTERRUPTED) {
		enum pl_rc r2 = collect_leftovers(s, err);

		if (r2 != PL_OK)
			rc = r2;
		else
			pl_err_set(err, PL_ERR_INTERRUPTED, "scan interrupted");
	} else if (rc == PL_OK) {
		s->n_todo = s->i_todo = 0;
	}
	tick(s);
	if (s->eng)
		s->ops->destroy(s->eng);
	s->eng = NULL;
	s->prog.inflight = 0;
	return rc;
}

enum pl_rc
pl_scan_get_state(const struct pl_scan *s, struct pl_scan_state *st)
{
	size_t n = s->n_todo;

	memset(st, 0, sizeof(*st));
	st->next = s->next;
	if (n == 0)
		return PL_OK;
	st->pending = malloc(n * sizeof(*st->pending));
	if (!st->pending)
		return PL_ERR_NOMEM;
	/* Before a run, todo holds resume positions; after a stop, the leftovers. */
	memcpy(st->pending, s->todo, n * sizeof(*st->pending));
	st->n_pending = n;
	return PL_OK;
}

void
pl_scan_state_cleanup(struct pl_scan_state *st)
{
	free(st->pending);
	st->pending = NULL;
	st->n_pending = 0;
}

void
pl_scan_get_progress(const struct pl_scan *s, struct pl_scan_progress *p)
{
	*p = s->prog;
}

void
pl_scan_free(struct pl_scan *s)
{
	if (!s)
		return;
	if (s->eng)
		s->ops->destroy(s->eng);
	free(s->todo);
	free(s);
}
