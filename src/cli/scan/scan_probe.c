// SPDX-License-Identifier: MIT
/*
 * scan_probe.c - `portlens scan --sV`: service detection on every open TCP port the
 * scan reports, and on every UDP port its sweep left open|filtered (the pool's
 * all-payloads-at-once mode, opts.udp_burst_ms), while the scan goes on, through the
 * library's probe pool (pl_probe_pool_*, src/lib/probe/pool.c).
 *
 * The scan's result callback submits each such port with its whole scan result as
 * the pool's tag; the scan's own thread drains the finished probes (from its result and
 * tick callbacks and after the scan) and writes each port with its service data to
 * every output. Only that one thread ever touches the outputs, so the sinks need no
 * locking.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/scan/scan_probe.h"
#include "portlens/addr.h"

struct scan_probe {
	struct pl_probe_ctx *ctx;
	struct pl_probe_pool *pool;
};

struct drain_call {
	scan_probe_done_fn fn;
	void *ctx;
};

struct cancel_call {
	void (*fn)(void *ctx, const struct pl_scan_result *r);
	void *ctx;
};

struct scan_probe *
scan_probe_new(const struct pl_probe_opts *opts, unsigned parallel, struct pl_err *err)
{
	struct scan_probe *sp = calloc(1, sizeof(*sp));

	if (!sp) {
		pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (pl_probe_ctx_new(opts, &sp->ctx, err) != PL_OK ||
	    pl_probe_pool_new(sp->ctx, parallel, &sp->pool, err) != PL_OK) {
		scan_probe_free(sp);
		return NULL;
	}
	return sp;
}

int
scan_probe_submit(struct scan_probe *sp, const struct pl_scan_result *r)
{
	struct pl_addr a = pl_addr_make(r->addr.family, r->addr.bytes, r->port);
	struct pl_scan_result tag = *r;
	struct sockaddr_storage ss;
	socklen_t len;
	int udp = r->proto == PL_PROTO_UDP;

	if (!sp || (udp ? r->state != PL_PORT_OPEN_FILTERED
	                : r->state != PL_PORT_OPEN || r->proto != PL_PROTO_TCP))
		return 0;
	/* The datagrams are the engine's, valid only during its callback. */
	tag.answer = tag.request = NULL;
	tag.answer_len = tag.request_len = 0;
	len = pl_addr_to_sockaddr(&a, &ss);
	return pl_probe_pool_submit(sp->pool, (struct sockaddr *)&ss, len, udp, NULL, &tag,
	                            sizeof(tag)) == PL_OK
	           ? 1
	           : -1;
}

static void
on_done(void *arg, const struct pl_probe_done *d)
{
	const struct drain_call *call = arg;
	struct pl_scan_result r;
	struct scan_sv_result res = {.rc = d->rc, .errmsg = d->errmsg, .svc = d->svc};

	memcpy(&r, d->tag, sizeof(r));
	/* no memory for the service: the port is reported bare */
	call->fn(call->ctx, &r, d->svc ? &res : NULL);
}

size_t
scan_probe_drain(struct scan_probe *sp, int wait_ms, scan_probe_done_fn fn, void *ctx)
{
	struct drain_call call = {.fn = fn, .ctx = ctx};

	return sp ? pl_probe_pool_drain(sp->pool, wait_ms, on_done, &call) : 0;
}

size_t
scan_probe_outstanding(struct scan_probe *sp)
{
	return sp ? pl_probe_pool_outstanding(sp->pool) : 0;
}

size_t
scan_probe_running(struct scan_probe *sp)
{
	return sp ? pl_probe_pool_running(sp->pool) : 0;
}

static void
on_dropped(void *arg, const void *tag)
{
	const struct cancel_call *call = arg;
	struct pl_scan_result r;

	memcpy(&r, tag, sizeof(r));
	call->fn(call->ctx, &r);
}

size_t
scan_probe_cancel_queued(struct scan_probe *sp,
                         void (*fn)(void *ctx, const struct pl_scan_result *r), void *ctx)
{
	struct cancel_call call = {.fn = fn, .ctx = ctx};

	return sp ? pl_probe_pool_cancel_queued(sp->pool, on_dropped, &call) : 0;
}

void
scan_probe_classify_udp(const struct pl_scan_result *r, struct pl_service *svc)
{
	pl_probe_classify_udp(NULL, r->port, r->request, r->request_len, r->answer, r->answer_len,
	                      svc);
}

void
scan_probe_free(struct scan_probe *sp)
{
	if (sp) { /* the pool first: its threads use the context */
		pl_probe_pool_free(sp->pool);
		pl_probe_ctx_free(sp->ctx);
	}
	free(sp);
}
