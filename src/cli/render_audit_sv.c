// SPDX-License-Identifier: MIT
/*
 * render_audit_sv.c - `portlens scan --sV`: service detection on every open port the
 * scan reports, while the scan goes on (the pool declared in scan_sv.h).
 *
 * The scan's result callback submits each open TCP port; a pool of threads takes ports
 * from a FIFO queue and probes them (portlens/probe.h), so probing overlaps the rest
 * of the scan. A finished probe goes to a "done" list; the scan's own thread takes
 * that list (scan_sv_drain, from its result and tick callbacks and after the scan) and
 * writes each port with its service data to every output. Only that one thread ever
 * touches the outputs, so the sinks need no locking, and the threads share nothing
 * but the two lists under one mutex.
 *
 * Memory: a queued port costs one small node; the 2.3 KB service record is allocated
 * when its probe starts and freed when the port has been written.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/scan_sv.h"

#define SV_MAX_THREADS 32

struct sv_node {
	struct sv_node *next;
	struct pl_scan_result r;
	struct pl_service *svc; /* set when the probe ran */
	enum pl_rc rc;
	char errmsg[128];
};

struct sv_list {
	struct sv_node *head, *tail;
	size_t n;
};

struct scan_sv {
	struct pl_probe_ctx *ctx;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a port was queued, or closing */
	pthread_cond_t done; /* a probe finished */
	struct sv_list queue, finished;
	size_t running;
	int closing;
	pthread_t threads[SV_MAX_THREADS];
	size_t n_threads;
};

static void
list_push(struct sv_list *l, struct sv_node *n)
{
	n->next = NULL;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
	l->n++;
}

static struct sv_node *
list_pop(struct sv_list *l)
{
	struct sv_node *n = l->head;

	if (n) {
		l->head = n->next;
		if (!l->head)
			l->tail = NULL;
		l->n--;
	}
	return n;
}

static void
free_node(struct sv_node *n)
{
	free(n->svc);
	free(n);
}

static socklen_t
to_sockaddr(const struct pl_scan_result *r, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (r->addr.family == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(r->port);
		memcpy(&in->sin_addr, r->addr.bytes, 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(r->port);
	memcpy(&in6->sin6_addr, r->addr.bytes, 16);
	return sizeof(*in6);
}

static void
probe_one(const struct pl_probe_ctx *ctx, struct sv_node *n)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(&n->r, &ss);
	struct pl_err err = {0};

	n->svc = malloc(sizeof(*n->svc));
	if (!n->svc) {
		n->rc = PL_ERR_NOMEM;
		snprintf(n->errmsg, sizeof(n->errmsg), "out of memory");
		return;
	}
	n->rc = pl_probe_service(ctx, (struct sockaddr *)&ss, len, n->svc, &err);
	if (n->rc != PL_OK) {
		const char *m = err.msg[0] ? err.msg : "probe failed";
		size_t k = strnlen(m, sizeof(n->errmsg) - 1);

		memcpy(n->errmsg, m, k);
		n->errmsg[k] = '\0';
	}
}

static void *
sv_worker(void *arg)
{
	struct scan_sv *sv = arg;

	pthread_mutex_lock(&sv->lock);
	for (;;) {
		struct sv_node *n;

		while (!sv->queue.head && !sv->closing)
			pthread_cond_wait(&sv->work, &sv->lock);
		n = list_pop(&sv->queue);
		if (!n)
			break; /* closing and nothing queued */
		sv->running++;
		pthread_mutex_unlock(&sv->lock);
		probe_one(sv->ctx, n);
		pthread_mutex_lock(&sv->lock);
		sv->running--;
		list_push(&sv->finished, n);
		pthread_cond_broadcast(&sv->done);
	}
	pthread_mutex_unlock(&sv->lock);
	return NULL;
}

struct scan_sv *
scan_sv_new(const struct pl_probe_opts *opts, unsigned parallel, struct pl_err *err)
{
	struct scan_sv *sv = calloc(1, sizeof(*sv));
	pthread_condattr_t ca;

	if (!sv) {
		pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (pl_probe_ctx_new(opts, &sv->ctx, err) != PL_OK) {
		free(sv);
		return NULL;
	}
	pthread_mutex_init(&sv->lock, NULL);
	pthread_cond_init(&sv->work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sv->done, &ca);
	pthread_condattr_destroy(&ca);
	if (parallel == 0 || parallel > SV_MAX_THREADS)
		parallel = parallel ? SV_MAX_THREADS : 16;
	while (sv->n_threads < parallel &&
	       pthread_create(&sv->threads[sv->n_threads], NULL, sv_worker, sv) == 0)
		sv->n_threads++;
	if (sv->n_threads == 0) {
		pl_err_set(err, PL_ERR_SYS, "cannot start probe threads");
		scan_sv_free(sv);
		return NULL;
	}
	return sv;
}

int
scan_sv_submit(struct scan_sv *sv, const struct pl_scan_result *r)
{
	struct sv_node *n;

	if (!sv || r->state != PL_PORT_OPEN || r->proto != PL_PROTO_TCP)
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -1;
	n->r = *r;
	pthread_mutex_lock(&sv->lock);
	list_push(&sv->queue, n);
	pthread_cond_signal(&sv->work);
	pthread_mutex_unlock(&sv->lock);
	return 1;
}

static void
wait_done(struct scan_sv *sv, int wait_ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!sv->finished.head && (sv->queue.n || sv->running))
		if (pthread_cond_timedwait(&sv->done, &sv->lock, &until) != 0)
			break;
}

size_t
scan_sv_drain(struct scan_sv *sv, int wait_ms, scan_sv_done_fn fn, void *ctx)
{
	struct sv_node *n, *next;
	size_t count = 0;

	if (!sv)
		return 0;
	pthread_mutex_lock(&sv->lock);
	if (wait_ms > 0)
		wait_done(sv, wait_ms);
	n = sv->finished.head;
	sv->finished = (struct sv_list){0};
	pthread_mutex_unlock(&sv->lock);
	for (; n; n = next, count++) {
		struct scan_sv_result res = {.rc = n->rc, .errmsg = n->errmsg, .svc = n->svc};

		next = n->next;
		if (n->svc)
			fn(ctx, &n->r, &res);
		else
			fn(ctx, &n->r, NULL); /* no memory for the service: report the port bare */
		free_node(n);
	}
	return count;
}

size_t
scan_sv_outstanding(struct scan_sv *sv)
{
	size_t n;

	if (!sv)
		return 0;
	pthread_mutex_lock(&sv->lock);
	n = sv->queue.n + sv->running + sv->finished.n;
	pthread_mutex_unlock(&sv->lock);
	return n;
}

size_t
scan_sv_running(struct scan_sv *sv)
{
	size_t n;

	if (!sv)
		return 0;
	pthread_mutex_lock(&sv->lock);
	n = sv->running;
	pthread_mutex_unlock(&sv->lock);
	return n;
}

size_t
scan_sv_cancel_queued(struct scan_sv *sv, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	struct sv_node *n, *next;
	size_t count = 0;

	if (!sv)
		return 0;
	pthread_mutex_lock(&sv->lock);
	n = sv->queue.head;
	sv->queue = (struct sv_list){0};
	pthread_mutex_unlock(&sv->lock);
	for (; n; n = next, count++) {
		next = n->next;
		fn(ctx, n->r.pos);
		free_node(n);
	}
	return count;
}

static void
free_list(struct sv_node *n)
{
	while (n) {
		struct sv_node *next = n->next;

		free_node(n);
		n = next;
	}
}

void
scan_sv_free(struct scan_sv *sv)
{
	if (!sv)
		return;
	pthread_mutex_lock(&sv->lock);
	free_list(sv->queue.head); /* not started: nobody else holds them */
	sv->queue = (struct sv_list){0};
	sv->closing = 1;
	pthread_cond_broadcast(&sv->work);
	pthread_mutex_unlock(&sv->lock);
	for (size_t i = 0; i < sv->n_threads; i++)
		pthread_join(sv->threads[i], NULL);
	free_list(sv->finished.head);
	pl_probe_ctx_free(sv->ctx);
	pthread_mutex_destroy(&sv->lock);
	pthread_cond_destroy(&sv->work);
	pthread_cond_destroy(&sv->done);
	free(sv);
}
