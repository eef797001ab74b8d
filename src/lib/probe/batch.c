// SPDX-License-Identifier: MIT
/*
 * batch.c - probes a batch of ports in parallel (pl_probe_many): the probe pool
 * (pool.c) with one thread per job up to the limit, every job submitted at once and
 * drained until none is outstanding. Each job's service record is the pool's output
 * buffer, so results land in place; the tag handed back is the job's address.
 */
#include <string.h>

#include "probe/probe_impl.h"

#define BATCH_MAX_THREADS 64

static void
job_done(void *arg, const struct pl_probe_done *d)
{
	struct pl_probe_job *job;

	(void)arg;
	memcpy(&job, d->tag, sizeof(job));
	job->rc = d->rc;
	pli_probe_set(job->errmsg, sizeof(job->errmsg), d->rc == PL_OK ? "" : d->errmsg);
}

enum pl_rc
pl_probe_many(const struct pl_probe_ctx *ctx, struct pl_probe_job *jobs, size_t n,
              unsigned parallel, struct pl_err *err)
{
	struct pl_probe_pool *pool = NULL;
	enum pl_rc rc;

	if (n == 0)
		return PL_OK;
	if (parallel == 0)
		parallel = 16;
	if (parallel > BATCH_MAX_THREADS)
		parallel = BATCH_MAX_THREADS;
	if (parallel > n)
		parallel = (unsigned)n;
	rc = pl_probe_pool_new(ctx, parallel, &pool, err);
	if (rc != PL_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct pl_probe_job *job = &jobs[i];

		rc = pl_probe_pool_submit(pool, (const struct sockaddr *)&job->addr, job->addrlen,
		                          job->udp, &job->svc, &job, sizeof(job));
		if (rc != PL_OK) {
			pl_probe_pool_free(pool);
			if (rc == PL_ERR_NOMEM)
				return pl_err_set(err, rc, "out of memory");
			return pl_err_set(err, rc, "bad address in probe job %zu", i);
		}
	}
	while (pl_probe_pool_outstanding(pool) > 0)
		pl_probe_pool_drain(pool, 1000, job_done, NULL);
	pl_probe_pool_free(pool);
	return PL_OK;
}
