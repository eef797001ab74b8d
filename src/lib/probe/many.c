// SPDX-License-Identifier: MIT
/*
 * many.c - probes a batch of ports in parallel: a fixed pool of POSIX threads takes
 * jobs from a shared index under a mutex. The probe context is read-only, so threads
 * share it; each job's result lives in the job, so no other state is shared.
 */
#include <pthread.h>
#include <string.h>

#include "probe/probe_impl.h"

struct pool {
	const struct pl_probe_ctx *ctx;
	struct pl_probe_job *jobs;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *
worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct pl_err err = {0};
		struct pl_probe_job *job;
		size_t i;

		pthread_mutex_lock(&p->lock);
		i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		job = &p->jobs[i];
		job->rc = job->udp
		              ? pl_probe_udp_service(p->ctx, (const struct sockaddr *)&job->addr,
		                                     job->addrlen, &job->svc, &err)
		              : pl_probe_service(p->ctx, (const struct sockaddr *)&job->addr,
		                                 job->addrlen, &job->svc, &err);
		pl_probe_set(job->errmsg, sizeof(job->errmsg), job->rc == PL_OK ? "" : err.msg);
	}
}

enum pl_rc
pl_probe_many(const struct pl_probe_ctx *ctx, struct pl_probe_job *jobs, size_t n,
              unsigned parallel, struct pl_err *err)
{
	struct pool p = {.ctx = ctx, .jobs = jobs, .n = n};
	pthread_t threads[64];
	size_t started = 0, want;

	if (parallel == 0)
		parallel = 16;
	want = parallel > 64 ? 64 : parallel;
	if (want > n)
		want = n;
	pthread_mutex_init(&p.lock, NULL);
	while (started < want && pthread_create(&threads[started], NULL, worker, &p) == 0)
		started++;
	if (started == 0 && n > 0) {
		pthread_mutex_destroy(&p.lock);
		return pl_err_set(err, PL_ERR_SYS, "cannot start probe threads");
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	return PL_OK;
}
