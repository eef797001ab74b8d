// SPDX-License-Identifier: MIT
/*
 * watch_db.c - `portlens watch --db PATH|URL`: this machine's events and listeners in
 * the store, so `portlens serve` on that store shows the fleet (many machines pushing
 * to one PostgreSQL database) with what each listens on and what changed when.
 *
 * An event reaches the store after it is committed to the event log, like every other
 * output. Each batch (one look) is one transaction. When the store refuses (server
 * down, network gone), the events wait in memory as copies and go with the next batch
 * or the next tick, in order; event ids are unique in the store, so a batch that was
 * stored but whose answer was lost is not stored twice. Past MAX_QUEUED the oldest wait
 * no longer (the event log on disk still has every one). The listener set is sent
 * whole after every change and again after a failure.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/watch/watch_cmd.h"
#include "portlens/diff.h"
#include "core/array.h"

#define MAX_QUEUED 100000

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
watch_db_open(struct watch_run *w)
{
	struct pl_err err = {0};

	if (!w->db)
		return PL_EXIT_OK;
	if (pl_store_open(w->db, PL_STORE_MKDIR, &w->store, &err) != PL_OK) {
		pli_cli_print_err(w->cli, &err);
		return PL_EXIT_FAIL;
	}
	fprintf(w->cli->err, "%s: watch: events and listeners of %s also go to %s\n", w->cli->prog,
	        w->hostname, pl_store_where(w->store));
	return PL_EXIT_OK;
}

static void
event_free(struct pl_store_event *e)
{
	free((char *)e->event_id);
	free((char *)e->host);
	free((char *)e->kind);
	free((char *)e->source);
	free((char *)e->proto);
	free((char *)e->addr);
	free((char *)e->netns);
	free((char *)e->process);
	free((char *)e->user);
	free((char *)e->unit);
	free((char *)e->container);
	free((char *)e->detail);
	free((char *)e->json);
}

/* Copies every string of src into dst; 0 when out of memory (dst freed). */
static int
event_copy(struct pl_store_event *dst, const struct pl_store_event *src)
{
	*dst = *src;
	dst->event_id = strdup(src->event_id ? src->event_id : "");
	dst->host = strdup(src->host ? src->host : "");
	dst->kind = strdup(src->kind ? src->kind : "");
	dst->source = strdup(src->source ? src->source : "");
	dst->proto = strdup(src->proto ? src->proto : "");
	dst->addr = strdup(src->addr ? src->addr : "");
	dst->netns = strdup(src->netns ? src->netns : "");
	dst->process = strdup(src->process ? src->process : "");
	dst->user = strdup(src->user ? src->user : "");
	dst->unit = strdup(src->unit ? src->unit : "");
	dst->container = strdup(src->container ? src->container : "");
	dst->detail = strdup(src->detail ? src->detail : "");
	dst->json = strdup(src->json ? src->json : "");
	if (dst->event_id && dst->host && dst->kind && dst->source && dst->proto && dst->addr &&
	    dst->netns && dst->process && dst->user && dst->unit && dst->container && dst->detail &&
	    dst->json)
		return 1;
	event_free(dst);
	return 0;
}

static void
enqueue(struct watch_run *w, const struct pl_store_event *e)
{
	struct watch_dbq *q = &w->dbq;

	if (q->n == MAX_QUEUED) {
		event_free(&q->v[0]);
		memmove(q->v, q->v + 1, (q->n - 1) * sizeof(*q->v));
		q->n--;
		q->dropped++;
	}
	if (PLI_ARRAY_RESERVE(q->v, q->cap, q->n + 1, 64) != PL_OK) {
		q->dropped++;
		return;
	}
	if (event_copy(&q->v[q->n], e))
		q->n++;
	else
		q->dropped++;
}

/* Sends the queue; on success it is emptied, on failure it waits (one warning). */
static void
flush(struct watch_run *w)
{
	struct watch_dbq *q = &w->dbq;
	struct pl_err err = {0};

	if (!q->n)
		return;
	if (pl_store_events_add(w->store, q->v, q->n, &err) != PL_OK) {
		if (!w->db_warned)
			fprintf(w->cli->err,
			        "%s: watch: warning: the store took no events (%s); %zu wait and "
			        "are sent again\n",
			        w->cli->prog, err.msg, q->n);
		w->db_warned = 1;
		return;
	}
	if (w->db_warned)
		fprintf(w->cli->err, "%s: watch: the store took the %zu waiting events\n",
		        w->cli->prog, q->n);
	w->db_warned = 0;
	for (size_t i = 0; i < q->n; i++)
		event_free(&q->v[i]);
	q->n = 0;
}

/* A listener's fields as the store keeps them, in an event and in the listener set alike
 * (struct pl_store_event and struct pl_store_listener name them the same). */
#define STORE_LISTENER_FIELDS(l)                                                                   \
	.proto = (l)->label, .addr = (l)->addr, .port = (l)->key.port, .netns = (l)->netns,        \
	.process = (l)->comm, .pid = (l)->pid, .user = (l)->user, .unit = (l)->unit,               \
	.container = (l)->container

/* A listener event as the store keeps it. */
static void
listener_event(struct watch_run *w, const struct watch_pending *p, struct pl_store_event *e,
               struct pl_buf *detail)
{
	const struct pl_watch_listener *l = p->l;

	if (l->baseline == 0)
		pli_buf_puts(detail, "NOT in the baseline");
	else if (l->baseline == 1)
		pli_buf_printf(detail, "in the baseline (line %u)", l->baseline_line);
	*e = (struct pl_store_event){
	    .event_id = p->id,
	    .host = w->hostname,
	    .at_ms = p->time_ms,
	    .kind = p->gone ? "gone" : "new",
	    .source = w->source,
	    STORE_LISTENER_FIELDS(l),
	    .detail = pli_buf_str(detail),
	    .json = w->batch.data + p->off,
	};
}

/* A scheduled-scan event: its host is the scanned address. */
static void
scan_event(const struct watch_pending *p, const char *json, struct pl_store_event *e,
           struct pl_buf *detail)
{
	const struct pl_scandoc_port *sp = p->c->b ? p->c->b : p->c->a;
	const struct pl_scandoc_host *h = p->c->hb ? p->c->hb : p->c->ha;
	const char *kind = pl_watch_scan_kind(p->c);

	pl_watch_scan_describe(detail, p->c);
	*e = (struct pl_store_event){
	    .event_id = p->id,
	    .host = h->addr,
	    .at_ms = p->time_ms,
	    .kind = kind ? kind : "state",
	    .source = "scan",
	    .proto = pl_proto_name((enum pl_proto)sp->proto),
	    .addr = h->addr,
	    .port = sp->port,
	    .detail = pli_buf_str(detail),
	    .json = json,
	};
}

void
watch_db_events(struct watch_run *w)
{
	struct pl_buf detail;

	if (!w->store)
		return;
	pli_buf_init(&detail);
	for (size_t i = 0; i < w->n_pending; i++) {
		const struct watch_pending *p = &w->pending[i];
		struct pl_store_event e;

		pli_buf_reset(&detail);
		if (p->c)
			scan_event(p, w->batch.data + p->off, &e, &detail);
		else
			listener_event(w, p, &e, &detail);
		enqueue(w, &e);
	}
	pli_buf_cleanup(&detail);
	flush(w);
}

void
watch_db_listeners(struct watch_run *w, const struct pl_watch_snap *snap)
{
	struct pl_store_listener *v;
	struct pl_err err = {0};

	if (!w->store)
		return;
	v = calloc(snap->n ? snap->n : 1, sizeof(*v));
	if (!v) {
		w->listeners_dirty = 1;
		return;
	}
	for (size_t i = 0; i < snap->n; i++) {
		const struct pl_watch_listener *l = &snap->v[i];

		v[i] =
		    (struct pl_store_listener){STORE_LISTENER_FIELDS(l), .baseline = l->baseline};
	}
	w->listeners_dirty =
	    pl_store_listeners_set(w->store, w->hostname, now_ms(), v, snap->n, &err) != PL_OK;
	if (w->listeners_dirty && !w->db_warned) {
		fprintf(w->cli->err,
		        "%s: watch: warning: the store took no listener set (%s); sent again "
		        "later\n",
		        w->cli->prog, err.msg);
		w->db_warned = 1;
	}
	free(v);
}

void
watch_db_retry(struct watch_run *w, const struct pl_watch_snap *snap)
{
	if (!w->store)
		return;
	flush(w);
	if (w->listeners_dirty)
		watch_db_listeners(w, snap);
}

void
watch_db_close(struct watch_run *w)
{
	if (w->dbq.n || w->dbq.dropped)
		fprintf(w->cli->err,
		        "%s: watch: %zu events never reached the store (%llu more dropped); the "
		        "event log has them\n",
		        w->cli->prog, w->dbq.n, (unsigned long long)w->dbq.dropped);
	for (size_t i = 0; i < w->dbq.n; i++)
		event_free(&w->dbq.v[i]);
	free(w->dbq.v);
	memset(&w->dbq, 0, sizeof(w->dbq));
	pl_store_close(w->store);
	w->store = NULL;
}
