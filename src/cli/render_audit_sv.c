// SPDX-License-Identifier: MIT
/*
 * render_audit_sv.c - `portlens scan --sV`: service detection on every open port the
 * scan reports, while the scan goes on.
 *
 * The scan calls pl_sv_submit from its result callback for each open TCP port; a small
 * pool of threads takes ports from a queue and probes them (portlens/probe.h), so the
 * probing overlaps the rest of the scan. pl_sv_finish waits for the queue to drain and
 * writes one record per port: a service table on a text stdout, "type":"service" JSON
 * lines when the scan's JSON lines go to stdout, or the table on stderr when stdout
 * carries XML, grepable or CSV output (so those stay well-formed).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render_audit.h"

struct sv_item {
	struct pl_scan_addr addr;
	uint16_t port;
	struct pl_probe_job job;
};

struct pl_sv {
	struct pl_probe_ctx *ctx;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct sv_item *items;
	size_t n, cap, next;
	int closing, nomem;
	pthread_t threads[32];
	size_t n_threads;
};

static void *
sv_worker(void *arg)
{
	struct pl_sv *sv = arg;

	for (;;) {
		struct pl_probe_job job;
		struct pl_err err = {0};
		size_t i;

		pthread_mutex_lock(&sv->lock);
		while (sv->next == sv->n && !sv->closing)
			pthread_cond_wait(&sv->cond, &sv->lock);
		if (sv->next == sv->n) {
			pthread_mutex_unlock(&sv->lock);
			return NULL;
		}
		i = sv->next++;
		job = sv->items[i].job; /* the array may move while we probe */
		pthread_mutex_unlock(&sv->lock);
		job.rc = pl_probe_service(sv->ctx, (struct sockaddr *)&job.addr, job.addrlen,
		                          &job.svc, &err);
		job.errmsg[0] = '\0';
		if (job.rc != PL_OK) {
			size_t k = strnlen(err.msg, sizeof(job.errmsg) - 1);

			memcpy(job.errmsg, err.msg, k);
			job.errmsg[k] = '\0';
		}
		pthread_mutex_lock(&sv->lock);
		sv->items[i].job = job;
		pthread_mutex_unlock(&sv->lock);
	}
}

struct pl_sv *
pl_sv_start(const struct pl_probe_opts *opts, unsigned parallel, struct pl_err *err)
{
	struct pl_sv *sv = calloc(1, sizeof(*sv));

	if (!sv) {
		pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (pl_probe_ctx_new(opts, &sv->ctx, err) != PL_OK) {
		free(sv);
		return NULL;
	}
	pthread_mutex_init(&sv->lock, NULL);
	pthread_cond_init(&sv->cond, NULL);
	if (parallel == 0 || parallel > 32)
		parallel = parallel ? 32 : 16;
	while (sv->n_threads < parallel &&
	       pthread_create(&sv->threads[sv->n_threads], NULL, sv_worker, sv) == 0)
		sv->n_threads++;
	if (sv->n_threads == 0) {
		pl_err_set(err, PL_ERR_SYS, "cannot start probe threads");
		pl_sv_free(sv);
		return NULL;
	}
	return sv;
}

void
pl_sv_submit(struct pl_sv *sv, const struct pl_scan_result *r)
{
	struct sv_item *it;

	if (!sv || r->state != PL_PORT_OPEN || r->proto != PL_PROTO_TCP)
		return;
	pthread_mutex_lock(&sv->lock);
	if (sv->n == sv->cap) {
		size_t ncap = sv->cap ? sv->cap * 2 : 64;
		struct sv_item *p = realloc(sv->items, ncap * sizeof(*p));

		if (!p) {
			sv->nomem = 1;
			pthread_mutex_unlock(&sv->lock);
			return;
		}
		sv->items = p;
		sv->cap = ncap;
	}
	it = &sv->items[sv->n];
	memset(it, 0, sizeof(*it));
	it->addr = r->addr;
	it->port = r->port;
	if (r->addr.family == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&it->job.addr;

		in->sin_family = AF_INET;
		in->sin_port = htons(r->port);
		memcpy(&in->sin_addr, r->addr.bytes, 4);
		it->job.addrlen = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&it->job.addr;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(r->port);
		memcpy(&in6->sin6_addr, r->addr.bytes, 16);
		it->job.addrlen = sizeof(*in6);
	}
	sv->n++;
	pthread_cond_signal(&sv->cond);
	pthread_mutex_unlock(&sv->lock);
}

static void
sv_join(struct pl_sv *sv)
{
	pthread_mutex_lock(&sv->lock);
	sv->closing = 1;
	pthread_cond_broadcast(&sv->cond);
	pthread_mutex_unlock(&sv->lock);
	for (size_t i = 0; i < sv->n_threads; i++)
		pthread_join(sv->threads[i], NULL);
	sv->n_threads = 0;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct sv_item *x = a, *y = b;
	int c = memcmp(x->addr.bytes, y->addr.bytes, 16);

	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	return c ? c : (x->port > y->port) - (x->port < y->port);
}

static void
write_json(const struct sv_item *it, const char *host, struct pl_buf *b)
{
	struct pl_jsonw w;

	pl_jsonw_init(&w, b, 0);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "type", "service");
	pl_jsonw_kstr(&w, "host", host);
	pl_jsonw_kint(&w, "port", it->port);
	pl_jsonw_kstr(&w, "proto", "tcp");
	if (it->job.rc != PL_OK)
		pl_jsonw_kstr(&w, "error", it->job.errmsg);
	else
		pl_render_service_json(&w, &it->job.svc);
	pl_jsonw_end(&w);
	pl_buf_putc(b, '\n');
}

int
pl_sv_finish(struct pl_cli *cli, struct pl_sv *sv, enum pl_sv_output mode)
{
	struct pl_buf b;
	FILE *fp = mode == PL_SV_TEXT_STDERR ? cli->err : cli->out;
	int rc = PL_EXIT_OK;

	if (!sv)
		return PL_EXIT_OK;
	sv_join(sv);
	if (sv->n > 1)
		qsort(sv->items, sv->n, sizeof(*sv->items), cmp_item);
	pl_buf_init(&b);
	if (mode != PL_SV_JSON_LINES)
		pl_buf_printf(&b, "\nservice detection (%zu open port%s):\n", sv->n,
		              sv->n == 1 ? "" : "s");
	for (size_t i = 0; i < sv->n; i++) {
		const struct sv_item *it = &sv->items[i];
		char host[64], where[96];

		pl_scan_addr_str(&it->addr, host, sizeof(host));
		snprintf(where, sizeof(where), it->addr.family == 6 ? "[%s]:%u/tcp" : "%s:%u/tcp",
		         host, it->port);
		if (mode == PL_SV_JSON_LINES)
			write_json(it, host, &b);
		else if (it->job.rc != PL_OK)
			pl_buf_printf(&b, "%-24s error: %s\n", where, it->job.errmsg);
		else
			pl_render_service_text(cli, where, &it->job.svc, &b);
	}
	if (sv->nomem)
		rc = pl_cli_fail(cli, "--sV: out of memory; some ports were not probed");
	if (b.len && fwrite(b.data, 1, b.len, fp) != b.len)
		rc = pl_cli_fail(cli, "cannot write the service detection results");
	fflush(fp);
	pl_buf_cleanup(&b);
	return rc;
}

void
pl_sv_free(struct pl_sv *sv)
{
	if (!sv)
		return;
	sv_join(sv);
	pl_probe_ctx_free(sv->ctx);
	pthread_mutex_destroy(&sv->lock);
	pthread_cond_destroy(&sv->cond);
	free(sv->items);
	free(sv);
}
