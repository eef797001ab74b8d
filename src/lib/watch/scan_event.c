// SPDX-License-Identifier: MIT
/*
 * watch/scan_event.c - the events of `portlens watch --scan`: a difference between two
 * consecutive scheduled scans (portlens/diff.h) as one JSON line of the watch schema,
 * beside the listener events of snap.c, so every output (standard output, the journal,
 * the webhook, the store) carries both kinds the same way.
 */
#include <string.h>

#include "portlens/diff.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "watch/watch_impl.h"

const char *
pl_watch_scan_kind(const struct pl_diff_change *c)
{
	switch (c->kind) {
	case PL_DIFF_OPENED:
		return "opened";
	case PL_DIFF_CLOSED:
		return "closed";
	case PL_DIFF_SERVICE:
		return "changed";
	default:
		return NULL; /* a change between two states that are both not open */
	}
}

static void
port_fields(struct pl_jsonw *w, const struct pl_scandoc_port *p)
{
	pli_jsonw_kstr(w, "state", p ? p->state : "not reported");
	pli_jsonw_kstr(w, "service", p ? p->service : "");
	pli_jsonw_kstr(w, "product", p ? p->product : "");
	pli_jsonw_kstr(w, "version", p ? p->version : "");
}

void
pl_watch_scan_event_json(struct pl_buf *out, const char *id, uint64_t seq, int64_t time_ms,
                         const struct pl_diff_change *c)
{
	const struct pl_scandoc_port *p = c->b ? c->b : c->a;
	const struct pl_scandoc_host *h = c->hb ? c->hb : c->ha;
	const char *kind = pl_watch_scan_kind(c);
	struct pl_jsonw w;

	watch_event_begin(&w, out, id, seq, time_ms, kind ? kind : "state", "scan");
	pli_jsonw_kstr(&w, "host", h->addr);
	pli_jsonw_kstr(&w, "proto", pl_proto_name((enum pl_proto)p->proto));
	pli_jsonw_kint(&w, "port", p->port);
	port_fields(&w, c->b);
	pli_jsonw_key(&w, "before");
	pli_jsonw_object(&w);
	port_fields(&w, c->a);
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
}

void
pl_watch_scan_describe(struct pl_buf *b, const struct pl_diff_change *c)
{
	const struct pl_scandoc_port *p = c->b ? c->b : c->a;
	const struct pl_scandoc_host *h = c->hb ? c->hb : c->ha;
	const char *kind = pl_watch_scan_kind(c);
	int v6 = strchr(h->addr, ':') != NULL;

	pli_buf_printf(b, "%s %s%s%s:%u/%s", kind ? kind : "state", v6 ? "[" : "", h->addr,
	               v6 ? "]" : "", p->port, pl_proto_name((enum pl_proto)p->proto));
	if (c->kind == PL_DIFF_SERVICE) {
		pli_buf_printf(b, ": %s%s%s -> %s%s%s", c->a->product, c->a->product[0] ? " " : "",
		               c->a->version, c->b->product, c->b->product[0] ? " " : "",
		               c->b->version);
		return;
	}
	if (p->service[0])
		pli_buf_printf(b, " (%s)", p->service);
	if (c->b && c->b->product[0])
		pli_buf_printf(b, ": %s %s", c->b->product, c->b->version);
	if (c->kind == PL_DIFF_CLOSED)
		pli_buf_printf(b, ": now %s", c->b ? c->b->state : "not reported");
}
