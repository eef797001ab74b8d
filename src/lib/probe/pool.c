// SPDX-License-Identifier: MIT
/*
 * pool.c - the probe pool (portlens/probe.h): probes ports on a set of threads while
 * the caller goes on, and hands each finished probe back in the caller's own thread.
 *
 * The caller submits ports one by one; the threads take them from a FIFO queue and run
 * pl_probe_service (or pl_probe_udp_service) on each, so probing overlaps whatever the
 * caller does meanwhile (`scan --sV` keeps scanning). A finished probe goes to a
 * "done" list; pl_probe_pool_drain takes that list and calls the caller's function for
 * each, in the calling thread. The threads share nothing but the two lists under one
 * mutex; the probe context is read-only, so they share it too. The batch call
 * pl_probe_many (batch.c) is this pool, fed at once and drained until empty.
 *
 * Memory: a queued port costs one small node plus the caller's tag; the 2.3 KB service
 * record is allocated when its probe starts (unless the caller gave one) and freed
 * when the port has been handed back.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/probe_impl.h"
#include "core/deadline.h"

#define POOL_MAX_THREADS 64

struct pool_node {
	struct pool_node *next;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int udp;
	struct pl_service *svc; /* set when the probe ran (or given by the caller) */
	int own_svc;            /* svc was allocated here */
	enum pl_rc rc;
	char errmsg[128];
	size_t tag_len;
	unsigned char tag[]; /* the caller's bytes, handed back as they were given */
};

struct pool_list {
	struct pool_node *head, *tail;
	size_t n;
};

struct pl_probe_pool {
	const struct pl_probe_ctx *ctx;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a port was queued, or closing */
	pthread_cond_t done; /* a probe finished */
	struct pool_list queue, finished;
	size_t running;
	int closing;
	pthread_t threads[POOL_MAX_THREADS];
	size_t n_threads;
};

static void
list_push(struct pool_list *l, struct pool_node *n)
{
	n->next = NULL;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
	l->n++;
}

static struct pool_node *
list_pop(struct pool_list *l)
{
	struct pool_node *n = l->head;

	if (n) {
		l->head = n->next;
		if (!l->head)
			l->tail = NULL;
		l->n--;
	}
	return n;
}

static void
free_node(struct pool_node *n)
{
	if (n->own_svc)
		free(n->svc);
	free(n);
}

static void
free_list(struct pool_node *n)
{
	while (n) {
		struct pool_node *next = n->next;

		free_node(n);
		n = next;
	}
}

static void
probe_one(const struct pl_probe_ctx *ctx, struct pool_node *n)
{
	const struct sockaddr *sa = (const struct sockaddr *)&n->addr;
	struct pl_err err = {0};

	if (!n->svc) {
		n->svc = malloc(sizeof(*n->svc));
		n->own_svc = n->svc != NULL;
	}
	if (!n->svc) {
		n->rc = PL_ERR_NOMEM;
		pli_probe_set(n->errmsg, sizeof(n->errmsg), "out of memory");
		return;
	}
	n->rc = n->udp ? pl_probe_udp_service(ctx, sa, n->addrlen, n->svc, &err)
	               : pl_probe_service(ctx, sa, n->addrlen, n->svc, &err);
	if (n->rc != PL_OK)
		pli_probe_set(n->errmsg, sizeof(n->errmsg), err.msg[0] ? err.msg : "probe failed");
}

static void *
pool_worker(void *arg)
{
	struct pl_probe_pool *pool = arg;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct pool_node *n;

		while (!pool->queue.head && !pool->closing)
			pthread_cond_wait(&pool->work, &pool->lock);
		n = list_pop(&pool->queue);
		if (!n)
			break; /* closing and nothing queued */
		pool->running++;
		pthread_mutex_unlock(&pool->lock);
		probe_one(pool->ctx, n);
		pthread_mutex_lock(&pool->lock);
		pool->running--;
		list_push(&pool->finished, n);
		pthread_cond_broadcast(&pool->done);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

enum pl_rc
pl_probe_pool_new(const struct pl_probe_ctx *ctx, unsigned parallel, struct pl_probe_pool **out,
                  struct pl_err *err)
{
	struct pl_probe_pool *pool;
	pthread_condattr_t ca;

	*out = NULL;
	if (!ctx)
		return pl_err_set(err, PL_ERR_ARG, "probe pool needs a probe context");
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	pool->ctx = ctx;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->done, &ca);
	pthread_condattr_destroy(&ca);
	if (parallel == 0)
		parallel = 16;
	if (parallel > POOL_MAX_THREADS)
		parallel = POOL_MAX_THREADS;
	while (pool->n_threads < parallel &&
	       pthread_create(&pool->threads[pool->n_threads], NULL, pool_worker, pool) == 0)
		pool->n_threads++;
	if (pool->n_threads == 0) {
		pl_probe_pool_free(pool);
		return pl_err_set(err, PL_ERR_SYS, "cannot start probe threads");
	}
	*out = pool;
	return PL_OK;
}

enum pl_rc
pl_probe_pool_submit(struct pl_probe_pool *pool, const struct sockaddr *sa, socklen_t salen,
                     int udp, struct pl_service *out, const void *tag, size_t tag_len)
{
	struct pool_node *n;

	if (!pool || !sa || salen > sizeof(n->addr) || (tag_len && !tag))
		return PL_ERR_ARG;
	n = calloc(1, sizeof(*n) + tag_len);
	if (!n)
		return PL_ERR_NOMEM;
	memcpy(&n->addr, sa, salen);
	n->addrlen = salen;
	n->udp = udp != 0;
	n->svc = out;
	n->tag_len = tag_len;
	if (tag_len)
		memcpy(n->tag, tag, tag_len);
	pthread_mutex_lock(&pool->lock);
	list_push(&pool->queue, n);
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	return PL_OK;
}

/* Waits (lock held) until a probe finished, none is outstanding, or wait_ms passed. */
static void
wait_done(struct pl_probe_pool *pool, int wait_ms)
{
	struct timespec until;

	pli_deadline_after_ms(CLOCK_MONOTONIC, (unsigned)wait_ms, &until);
	while (!pool->finished.head && (pool->queue.n || pool->running))
		if (pthread_cond_timedwait(&pool->done, &pool->lock, &until) != 0)
			break;
}

size_t
pl_probe_pool_drain(struct pl_probe_pool *pool, int wait_ms, pl_probe_done_fn fn, void *arg)
{
	struct pool_node *n, *next;
	size_t count = 0;

	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->lock);
	if (wait_ms > 0)
		wait_done(pool, wait_ms);
	n = pool->finished.head;
	pool->finished = (struct pool_list){0};
	pthread_mutex_unlock(&pool->lock);
	for (; n; n = next, count++) {
		struct pl_probe_done d = {
		    .tag = n->tag_len ? n->tag : NULL,
		    .rc = n->rc,
		    .errmsg = n->errmsg,
		    .svc = n->svc, /* NULL only when no record could be allocated */
		};

		next = n->next;
		fn(arg, &d);
		free_node(n);
	}
	return count;
}

/* Ports being probed (running_only) or not yet handed back, read under the lock. */
static size_t
count_locked(struct pl_probe_pool *pool, int running_only)
{
	size_t n;

	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->lock);
	n = running_only ? pool->running : pool->queue.n + pool->running + pool->finished.n;
	pthread_mutex_unlock(&pool->lock);
	return n;
}

size_t
pl_probe_pool_outstanding(struct pl_probe_pool *pool)
{
	return count_locked(pool, 0);
}

size_t
pl_probe_pool_running(struct pl_probe_pool *pool)
{
	return count_locked(pool, 1);
}

size_t
pl_probe_pool_cancel_queued(struct pl_probe_pool *pool, pl_probe_dropped_fn fn, void *arg)
{
	struct pool_node *n, *next;
	size_t count = 0;

	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->lock);
	n = pool->queue.head;
	pool->queue = (struct pool_list){0};
	pthread_mutex_unlock(&pool->lock);
	for (; n; n = next, count++) {
		next = n->next;
		if (fn)
			fn(arg, n->tag_len ? n->tag : NULL);
		free_node(n);
	}
	return count;
}

void
pl_probe_pool_free(struct pl_probe_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	free_list(pool->queue.head); /* not started: nobody else holds them */
	pool->queue = (struct pool_list){0};
	pool->closing = 1;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	for (size_t i = 0; i < pool->n_threads; i++)
		pthread_join(pool->threads[i], NULL);
	free_list(pool->finished.head);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->done);
	free(pool);
}
