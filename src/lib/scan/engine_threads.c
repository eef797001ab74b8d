// SPDX-License-Identifier: MIT
/*
 * engine_threads.c - runs any scan engine on several CPUs: an adapter with the same
 * vtable that owns N worker threads, each with its own instance of the inner engine
 * (its own epoll, sockets and slots). A connect scan spends nearly all of its time in
 * the kernel (the SYN, the peer's RST and the socket work happen inside connect()), so
 * one thread per CPU multiplies the probe rate.
 *
 * Threads never touch the driver's state. The driver's send() appends the probe to a
 * worker's input list (round robin; the worker is woken through an eventfd only when
 * it sleeps) and counts it in flight; workers run the inner engine and append finished
 * results to their output list, waking the driver's eventfd when the list was empty;
 * the driver's poll() waits on that eventfd and emits the results itself, in its own
 * thread. Everything in flight stays accounted for: at a stop, foreach_inflight joins
 * the workers and lists probes still queued for a worker, held back by it, inside its
 * engine, and finished but not yet emitted (those are redone on resume: never emitted,
 * so never duplicated).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"
#include "core/array.h"

#define MAX_WORKERS 16

struct vec {
	void *v;
	size_t n, cap, size;
};

struct worker {
	struct tstate *t;
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	struct vec in;   /* probes for this worker (driver -> worker) */
	struct vec out;  /* results (worker -> driver) */
	struct vec held; /* probes the inner engine refused for now (worker only) */
	int sleeping, stop;
	int wake; /* eventfd polled by the inner engine's epoll */
	void *eng;
	struct pl_err err;
	enum pl_rc rc;
};

struct tstate {
	const struct pl_scan_engine *inner;
	struct pl_scan_engine_cfg cfg;
	struct worker w[MAX_WORKERS];
	unsigned n;
	unsigned next;
	int done_fd; /* eventfd: results are waiting */
	size_t inflight;
	size_t cap;
	int joined;
};

static int
vec_push(struct vec *v, const void *item)
{
	if (pli_array_reserve(&v->v, &v->cap, v->n + 1, v->size, 256) != PL_OK)
		return -1;
	memcpy((char *)v->v + v->n * v->size, item, v->size);
	v->n++;
	return 0;
}

static void
kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		/* The eventfd counter cannot overflow in practice; nothing else can fail. */
	}
}

/* Inner engine's emit: runs in the worker thread. */
static void
worker_emit(void *ctx, const struct pl_scan_result *r)
{
	struct worker *w = ctx;
	int was_empty;

	pthread_mutex_lock(&w->mu);
	was_empty = w->out.n == 0;
	if (vec_push(&w->out, r) != 0)
		w->rc = PL_ERR_NOMEM;
	pthread_mutex_unlock(&w->mu);
	if (was_empty)
		kick(w->t->done_fd);
}

/* Hands queued probes to the inner engine; keeps what it cannot take now. */
static void
worker_feed(struct worker *w, struct vec *batch)
{
	const struct pl_scan_engine *e = w->t->inner;
	struct pl_scan_probe *p = batch->v;
	size_t k = 0;

	for (size_t i = 0; i < batch->n; i++) {
		enum pl_rc rc = e->send(w->eng, &p[i], &w->err);

		if (rc == PL_ERR_LIMIT) {
			p[k++] = p[i];
		} else if (rc != PL_OK) {
			w->rc = rc;
			p[k++] = p[i]; /* unfinished: stays accounted for */
		}
	}
	batch->n = k;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	const struct pl_scan_engine *e = w->t->inner;
	struct vec batch = {.size = sizeof(struct pl_scan_probe)};

	for (;;) {
		int timeout = 50;

		pthread_mutex_lock(&w->mu);
		if (w->stop) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		/* Held probes first, then new ones, in order. */
		for (size_t i = 0; i < w->in.n; i++)
			if (vec_push(&w->held, (char *)w->in.v + i * w->in.size) != 0)
				w->rc = PL_ERR_NOMEM;
		w->in.n = 0;
		batch.n = 0;
		for (size_t i = 0; i < w->held.n; i++)
			vec_push(&batch, (char *)w->held.v + i * w->held.size);
		w->held.n = 0;
		pthread_mutex_unlock(&w->mu);
		worker_feed(w, &batch);
		pthread_mutex_lock(&w->mu);
		for (size_t i = 0; i < batch.n; i++)
			vec_push(&w->held, (char *)batch.v + i * batch.size);
		if (w->held.n)
			timeout = 5;
		w->sleeping = w->in.n == 0;
		pthread_mutex_unlock(&w->mu);
		if (w->rc != PL_OK) /* tell the driver; it stops the scan */
			kick(w->t->done_fd);
		if (w->sleeping)
			e->poll(w->eng, timeout, &w->err);
		else
			e->poll(w->eng, 0, &w->err);
		pthread_mutex_lock(&w->mu);
		w->sleeping = 0;
		pthread_mutex_unlock(&w->mu);
	}
	free(batch.v);
	return NULL;
}

static void
join_all(struct tstate *t)
{
	if (t->joined)
		return;
	for (unsigned i = 0; i < t->n; i++) {
		struct worker *w = &t->w[i];

		if (!w->started)
			continue;
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_mutex_unlock(&w->mu);
		kick(w->wake);
		pthread_join(w->th, NULL);
	}
	t->joined = 1;
}

static void
t_destroy(void *state)
{
	struct tstate *t = state;

	if (!t)
		return;
	join_all(t);
	for (unsigned i = 0; i < t->n; i++) {
		struct worker *w = &t->w[i];

		if (w->eng)
			t->inner->destroy(w->eng);
		if (w->wake >= 0)
			close(w->wake);
		pthread_mutex_destroy(&w->mu);
		free(w->in.v);
		free(w->out.v);
		free(w->held.v);
	}
	if (t->done_fd >= 0)
		close(t->done_fd);
	free(t);
}

static enum pl_rc
start_worker(struct tstate *t, struct worker *w, struct pl_err *err)
{
	struct pl_scan_engine_cfg cfg = t->cfg;
	enum pl_rc rc;

	cfg.max_inflight = t->cfg.max_inflight / t->n ? t->cfg.max_inflight / t->n : 1;
	cfg.emit = worker_emit;
	cfg.ctx = w;
	cfg.threads = 1;
	cfg.wake_fd = w->wake;
	rc = t->inner->create(&cfg, &w->eng, err);
	if (rc != PL_OK)
		return rc;
	if (pthread_create(&w->th, NULL, worker_main, w) != 0)
		return pl_err_set(err, PL_ERR_SYS, "cannot start a scan thread");
	w->started = 1;
	return PL_OK;
}

static enum pl_rc
t_create(const struct pl_scan_engine_cfg *cfg, void **state, struct pl_err *err)
{
	struct tstate *t = calloc(1, sizeof(*t));
	enum pl_rc rc = PL_OK;

	if (!t)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	t->inner = cfg->inner;
	t->cfg = *cfg;
	t->n = cfg->threads > MAX_WORKERS ? MAX_WORKERS : cfg->threads;
	t->cap = cfg->max_inflight ? cfg->max_inflight : 1024;
	t->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	for (unsigned i = 0; i < t->n; i++) {
		struct worker *w = &t->w[i];

		w->t = t;
		w->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		w->in.size = w->held.size = sizeof(struct pl_scan_probe);
		w->out.size = sizeof(struct pl_scan_result);
		pthread_mutex_init(&w->mu, NULL);
	}
	for (unsigned i = 0; i < t->n && rc == PL_OK; i++) {
		if (t->done_fd < 0 || t->w[i].wake < 0)
			rc = pl_err_set(err, PL_ERR_SYS, "eventfd: %s", strerror(errno));
		else
			rc = start_worker(t, &t->w[i], err);
	}
	if (rc != PL_OK) {
		t_destroy(t);
		return rc;
	}
	*state = t;
	return PL_OK;
}

static enum pl_rc
t_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct tstate *t = state;
	struct worker *w;
	int wake;

	if (t->inflight >= t->cap)
		return PL_ERR_LIMIT;
	w = &t->w[t->next++ % t->n];
	pthread_mutex_lock(&w->mu);
	if (vec_push(&w->in, p) != 0) {
		pthread_mutex_unlock(&w->mu);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	wake = w->sleeping && w->in.n == 1;
	pthread_mutex_unlock(&w->mu);
	if (wake)
		kick(w->wake);
	t->inflight++;
	return PL_OK;
}

static enum pl_rc
t_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct tstate *t = state;
	struct pollfd pfd = {.fd = t->done_fd, .events = POLLIN};
	struct vec mine = {.size = sizeof(struct pl_scan_result)};
	uint64_t v;

	if (poll(&pfd, 1, timeout_ms) > 0 && read(t->done_fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: another read took it; results are checked below anyway. */
	}
	for (unsigned i = 0; i < t->n; i++) {
		struct worker *w = &t->w[i];
		struct vec tmp;
		enum pl_rc rc;

		pthread_mutex_lock(&w->mu);
		tmp = w->out; /* swap: the worker gets our empty buffer */
		w->out = mine;
		mine = tmp;
		rc = w->rc;
		if (rc != PL_OK && err)
			*err = w->err;
		pthread_mutex_unlock(&w->mu);
		for (size_t k = 0; k < mine.n; k++) {
			t->inflight--;
			t->cfg.emit(t->cfg.ctx, (struct pl_scan_result *)mine.v + k);
		}
		mine.n = 0;
		if (rc != PL_OK) {
			free(mine.v);
			return rc;
		}
	}
	free(mine.v);
	return PL_OK;
}

static size_t
t_inflight(void *state)
{
	return ((struct tstate *)state)->inflight;
}

static size_t
t_capacity(void *state)
{
	/* Probes an inner engine cannot take yet (EMFILE) wait in its worker's held list. */
	return ((struct tstate *)state)->cap;
}

static void
t_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	struct tstate *t = state;

	join_all(t); /* nothing moves any more */
	for (unsigned i = 0; i < t->n; i++) {
		struct worker *w = &t->w[i];

		for (size_t k = 0; k < w->in.n; k++)
			fn(ctx, ((struct pl_scan_probe *)w->in.v)[k].pos);
		for (size_t k = 0; k < w->held.n; k++)
			fn(ctx, ((struct pl_scan_probe *)w->held.v)[k].pos);
		for (size_t k = 0; k < w->out.n; k++)
			fn(ctx, ((struct pl_scan_result *)w->out.v)[k].pos);
		t->inner->foreach_inflight(w->eng, fn, ctx);
	}
}

const struct pl_scan_engine pl_scan_engine_threads = {
    .name = "threads",
    .protos = PL_PROTO_ALL,
    .create = t_create,
    .send = t_send,
    .poll = t_poll,
    .inflight = t_inflight,
    .capacity = t_capacity,
    .foreach_inflight = t_foreach,
    .destroy = t_destroy,
};
