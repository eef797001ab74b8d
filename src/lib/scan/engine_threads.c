// SPDX-License-Identifier: MIT
/*
 * engine_threads.c - runs any scan engine on several CPUs: an adapter with the same
 * vtable that owns N instances of the inner engine (each with its own sockets and
 * slots): one in the driver's own thread and one per worker thread. A connect scan, and
 * a SYN scan on a fast link, spend nearly all of their time in the kernel's work on
 * each packet (for a SYN: routing, the device, and on a local or virtual link the
 * target's answer too, all on the sending CPU), so one instance per CPU multiplies the
 * probe rate. Instances share nothing, not even the raw sockets' answers: each has its
 * own source port and cookie key, so each reads only its own.
 *
 * Threads never touch the driver's state. The driver's send() gives each instance an
 * even share of the probes (pick()): its own sends at once, a worker's are staged,
 * then appended to the worker's input list 64 at a time and before the driver waits
 * (the worker is woken through an eventfd only when it sleeps).
 * Workers run their engine and append finished results to their output list, waking
 * the driver only while it sleeps (a flag, not a write per result); the driver's
 * poll() polls its own engine, whose poll also wakes on that eventfd, and emits the
 * workers' results itself, in its own thread. Everything in flight stays accounted
 * for: at a stop, foreach_inflight joins the workers and lists probes staged or queued
 * for a worker, held back by it, inside an engine, and finished but not yet emitted
 * (those are redone on resume: never emitted, so never duplicated).
 *
 * Worker threads start at the first probe handed to them, so after the driver's
 * on_started hook, where the CLI drops capabilities (a thread inherits its creator's
 * credentials), and with every signal blocked (signals are the caller's business).
 * Results are copied between threads by value: an engine whose results point into
 * its own buffers (UDP answers) must not run here with more than one thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"
#include "core/array.h"

#define MAX_WORKERS 16
#define STAGE       64  /* probes handed to a worker at once */
#define BEHIND      128 /* an instance this far behind the least loaded gets nothing */

struct vec {
	void *v;
	size_t n, cap, size;
};

struct worker {
	struct tstate *t;
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	struct vec in;          /* probes for this worker (driver -> worker) */
	struct vec out;         /* results (worker -> driver) */
	struct vec held;        /* probes the inner engine refused for now (worker only) */
	struct vec stage;       /* probes for this worker not yet handed over (driver only) */
	size_t handed;          /* probes handed over so far (driver only) */
	size_t given;           /* probes given to it so far (driver only) */
	atomic_size_t finished; /* of those, how many its engine has finished (worker) */
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
	int done_fd;               /* eventfd: results are waiting */
	atomic_int driver_waiting; /* the driver sleeps on done_fd: kick it */
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

	pthread_mutex_lock(&w->mu);
	if (vec_push(&w->out, r) != 0)
		w->rc = PL_ERR_NOMEM;
	pthread_mutex_unlock(&w->mu);
	atomic_fetch_add_explicit(&w->finished, 1, memory_order_relaxed);
	if (atomic_exchange(&w->t->driver_waiting, 0))
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
	struct pl_err poll_err;
	enum pl_rc rc;

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
		rc = e->poll(w->eng, w->sleeping ? timeout : 0, &poll_err);
		pthread_mutex_lock(&w->mu);
		w->sleeping = 0;
		if (rc != PL_OK && w->rc == PL_OK) {
			w->rc = rc;
			w->err = poll_err;
		}
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
		free(w->stage.v);
	}
	if (t->done_fd >= 0)
		close(t->done_fd);
	free(t);
}

/* Worker 0 is the driver's own thread: its engine emits straight to the driver and
 * wakes when another worker has results (done_fd). The others get threads later. */
static enum pl_rc
create_engine(struct tstate *t, struct worker *w, struct pl_err *err)
{
	struct pl_scan_engine_cfg cfg = t->cfg;

	cfg.max_inflight = t->cfg.max_inflight / t->n ? t->cfg.max_inflight / t->n : 1;
	cfg.threads = 1;
	if (w == &t->w[0]) {
		cfg.wake_fd = t->done_fd;
		return t->inner->create(&cfg, &w->eng, err);
	}
	cfg.emit = worker_emit;
	cfg.ctx = w;
	cfg.wake_fd = w->wake;
	return t->inner->create(&cfg, &w->eng, err);
}

/* Starts worker w's thread (see the file's comment for when and why then). */
static enum pl_rc
start_thread(struct worker *w, struct pl_err *err)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->th, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return pl_err_set(err, PL_ERR_SYS, "cannot start a scan thread: %s", strerror(rc));
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
		w->in.size = w->held.size = w->stage.size = sizeof(struct pl_scan_probe);
		w->out.size = sizeof(struct pl_scan_result);
		pthread_mutex_init(&w->mu, NULL);
	}
	for (unsigned i = 0; i < t->n && rc == PL_OK; i++) {
		if (t->done_fd < 0 || t->w[i].wake < 0)
			rc = pl_err_set(err, PL_ERR_SYS, "eventfd: %s", strerror(errno));
		else
			rc = create_engine(t, &t->w[i], err);
	}
	if (rc != PL_OK) {
		t_destroy(t);
		return rc;
	}
	*state = t;
	return PL_OK;
}

/* Hands the driver's staged probes to worker w, starting its thread the first time
 * and waking it if it sleeps. */
static enum pl_rc
publish(struct worker *w, struct pl_err *err)
{
	enum pl_rc rc = PL_OK;
	int wake;

	if (!w->stage.n)
		return PL_OK;
	pthread_mutex_lock(&w->mu);
	if (pli_array_reserve(&w->in.v, &w->in.cap, w->in.n + w->stage.n, w->in.size, 256) !=
	    PL_OK) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	} else {
		memcpy((char *)w->in.v + w->in.n * w->in.size, w->stage.v,
		       w->stage.n * w->stage.size);
		w->in.n += w->stage.n;
	}
	wake = w->sleeping;
	pthread_mutex_unlock(&w->mu);
	if (rc != PL_OK)
		return rc; /* what was staged stays staged: still accounted for */
	w->stage.n = 0;
	if (!w->started)
		return start_thread(w, err);
	if (wake)
		kick(w->wake);
	return PL_OK;
}

/* Probes instance w holds now: its engine's count for the driver's own, else given
 * and not yet finished (finished ones count before the driver has collected them). */
static size_t
outstanding(struct tstate *t, struct worker *w)
{
	if (w == &t->w[0])
		return t->inner->inflight(w->eng);
	return w->given - atomic_load_explicit(&w->finished, memory_order_relaxed);
}

/*
 * Where the next probe goes: an even share for each instance (the fewest given so
 * far), skipping one that has fallen more than BEHIND probes behind the least loaded.
 * Shares alone would let the driver's own instance, which also dispatches and emits,
 * hold the others up at the end; load alone sends everything to an engine that
 * finishes probes inside send() (a connect to a fast host), whose count is always 0.
 */
static struct worker *
pick(struct tstate *t)
{
	size_t load[MAX_WORKERS], least = SIZE_MAX;
	struct worker *best = NULL;

	for (unsigned k = 0; k < t->n; k++) {
		load[k] = outstanding(t, &t->w[k]);
		least = load[k] < least ? load[k] : least;
	}
	for (unsigned k = 0; k < t->n; k++)
		if (load[k] <= least + BEHIND && (!best || t->w[k].given < best->given))
			best = &t->w[k];
	return best;
}

static enum pl_rc
t_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct tstate *t = state;
	struct worker *w;

	if (t->inflight >= t->cap)
		return PL_ERR_LIMIT;
	w = pick(t);
	if (w == &t->w[0]) {
		enum pl_rc rc = t->inner->send(w->eng, p, err);

		w->given += rc == PL_OK;
		return rc;
	}
	if (vec_push(&w->stage, p) != 0)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	w->given++;
	t->inflight++;
	if (w->stage.n >= STAGE) /* else at the next poll, before the driver waits */
		return publish(w, err);
	return PL_OK;
}

/* Emits every worker's finished results; *emitted counts them. A worker's error
 * (with its message in err) ends the scan. */
static enum pl_rc
collect(struct tstate *t, size_t *emitted, struct pl_err *err)
{
	struct vec mine = {.size = sizeof(struct pl_scan_result)};
	enum pl_rc rc = PL_OK;

	for (unsigned i = 0; i < t->n && rc == PL_OK; i++) {
		struct worker *w = &t->w[i];
		struct vec tmp;

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
		*emitted += mine.n;
		mine.n = 0;
	}
	free(mine.v);
	return rc;
}

static enum pl_rc
t_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct tstate *t = state;
	size_t emitted = 0;
	enum pl_rc rc;

	for (unsigned i = 0; i < t->n; i++)
		if ((rc = publish(&t->w[i], err)) != PL_OK)
			return rc;
	/* Wait on the driver's own engine, which also wakes on done_fd. Workers kick
	 * done_fd only while this flag is set (a write per result would cost more than
	 * the results); results pushed before it was set are found by the look below. */
	atomic_store(&t->driver_waiting, 1);
	if ((rc = collect(t, &emitted, err)) == PL_OK)
		rc = t->inner->poll(t->w[0].eng, emitted ? 0 : timeout_ms, err);
	atomic_store(&t->driver_waiting, 0); /* the engine's poll read done_fd, if set */
	return rc == PL_OK ? collect(t, &emitted, err) : rc;
}

static size_t
t_inflight(void *state)
{
	struct tstate *t = state;

	return t->inflight + t->inner->inflight(t->w[0].eng);
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

		for (size_t k = 0; k < w->stage.n; k++)
			fn(ctx, ((struct pl_scan_probe *)w->stage.v)[k].pos);
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
