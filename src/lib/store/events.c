// SPDX-License-Identifier: MIT
/*
 * store/events.c - the fleet in the store: events from `portlens watch` (listeners that
 * appeared or vanished, ports that a scheduled scan found opened, closed or changed),
 * each machine's listeners as watch last saw them, the list of hosts, and the counts
 * that /metrics shows.
 *
 * Events carry a unique event_id (HOSTNAME-SEQ from watch), and adding one that is
 * already there does nothing: a machine that sends a batch again after losing the
 * answer stores it once. A batch is one transaction (COPY for PostgreSQL, pg.c), and so
 * is replacing a machine's listeners (delete, then insert): a reader sees the old set
 * or the new one, never half of each.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"

#define DEFAULT_EVENTS 100
#define DEFAULT_HOSTS  1000

/* Ends the transaction a writer began for itself (own): commit on success, else roll
 * back; a caller's transaction is left to the caller. */
static enum pl_rc
finish_txn(struct pl_store *st, enum pl_rc rc_body, int own, struct pl_err *err)
{
	if (!own)
		return rc_body;
	if (rc_body == PL_OK)
		return pl_store_commit(st, err);
	pl_store_rollback(st);
	return rc_body;
}

static enum pl_rc
insert_events(struct pl_store *st, const struct pl_store_event *ev, size_t n, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row;

	rc = sq_prepare(st,
	                "INSERT INTO events(event_id, host, at_ms, kind, source, proto, addr, "
	                "port, netns, process, pid, username, unit, container, detail, json) "
	                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	                "ON CONFLICT (event_id) DO NOTHING",
	                &q, err);
	for (size_t i = 0; i < n && rc == PL_OK; i++) {
		const struct pl_store_event *e = &ev[i];

		sq_bind_text(q, 1, e->event_id);
		sq_bind_text(q, 2, e->host);
		sq_bind_int(q, 3, e->at_ms);
		sq_bind_text(q, 4, e->kind);
		sq_bind_text(q, 5, e->source);
		sq_bind_text(q, 6, e->proto);
		sq_bind_text(q, 7, e->addr);
		sq_bind_int(q, 8, e->port);
		sq_bind_text(q, 9, e->netns);
		sq_bind_text(q, 10, e->process);
		sq_bind_int(q, 11, e->pid);
		sq_bind_text(q, 12, e->user);
		sq_bind_text(q, 13, e->unit);
		sq_bind_text(q, 14, e->container);
		sq_bind_text(q, 15, e->detail);
		sq_bind_text(q, 16, e->json);
		rc = sq_step(q, &row, err);
		sq_reset(q);
	}
	sq_finish(q);
	return rc;
}

enum pl_rc
pl_store_events_add(struct pl_store *st, const struct pl_store_event *ev, size_t n,
                    struct pl_err *err)
{
	int own;
	enum pl_rc rc;

	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	for (size_t i = 0; i < n; i++)
		if (!ev[i].event_id || !ev[i].event_id[0] || !ev[i].host || !ev[i].host[0] ||
		    !ev[i].kind || !ev[i].kind[0])
			return pl_err_set(err, PL_ERR_ARG,
			                  "an event needs an id, a host and a kind");
	if (!n)
		return PL_OK;
	own = !store_in_txn(st);
	rc = own ? pl_store_begin(st, err) : PL_OK;
	if (rc != PL_OK)
		return rc;
	rc = st->backend == STORE_PG ? store_pg_copy_events(st, ev, n, err)
	                             : insert_events(st, ev, n, err);
	return finish_txn(st, rc, own, err);
}

void
pl_store_events_free(struct pl_store_event_row *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		struct pl_store_event_row *e = &v[i];

		free(e->event_id);
		free(e->host);
		free(e->kind);
		free(e->source);
		free(e->proto);
		free(e->addr);
		free(e->netns);
		free(e->process);
		free(e->user);
		free(e->unit);
		free(e->container);
		free(e->detail);
	}
	free(v);
}

static int
fill_event(struct store_q *q, void *elem, void *ctx)
{
	struct pl_store_event_row *e = elem;

	(void)ctx;
	e->id = sq_int(q, 0);
	e->at_ms = sq_int(q, 1);
	e->pid = sq_int(q, 2);
	e->port = (uint16_t)sq_int(q, 3);
	e->event_id = sq_dup(q, 4);
	e->host = sq_dup(q, 5);
	e->kind = sq_dup(q, 6);
	e->source = sq_dup(q, 7);
	e->proto = sq_dup(q, 8);
	e->addr = sq_dup(q, 9);
	e->netns = sq_dup(q, 10);
	e->process = sq_dup(q, 11);
	e->user = sq_dup(q, 12);
	e->unit = sq_dup(q, 13);
	e->container = sq_dup(q, 14);
	e->detail = sq_dup(q, 15);
	return 1;
}

enum pl_rc
pl_store_events_list(struct pl_store *st, const char *host, uint16_t port, size_t limit,
                     struct pl_store_event_row **out, size_t *n, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	rc = sq_prepare(st,
	                "SELECT id, at_ms, pid, port, event_id, host, kind, source, proto, addr, "
	                "netns, process, username, unit, container, detail FROM events "
	                "WHERE (? = '' OR host = ?) AND (? = 0 OR port = ?) "
	                "ORDER BY at_ms DESC, id DESC LIMIT ?",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_text(q, 1, host ? host : "");
	sq_bind_text(q, 2, host ? host : "");
	sq_bind_int(q, 3, port);
	sq_bind_int(q, 4, port);
	sq_bind_int(q, 5, (int64_t)(limit ? limit : DEFAULT_EVENTS));
	rc = sq_read_rows(q, out, n, sizeof(**out), fill_event, NULL, err);
	if (rc != PL_OK) {
		pl_store_events_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static enum pl_rc
insert_listeners(struct pl_store *st, const char *host, int64_t seen_ms,
                 const struct pl_store_listener *l, size_t n, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row;

	rc = sq_prepare(st,
	                "INSERT INTO listeners(host, proto, addr, port, netns, process, pid, "
	                "username, unit, container, baseline, seen_ms) "
	                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                &q, err);
	for (size_t i = 0; i < n && rc == PL_OK; i++) {
		sq_bind_text(q, 1, host);
		sq_bind_text(q, 2, l[i].proto);
		sq_bind_text(q, 3, l[i].addr);
		sq_bind_int(q, 4, l[i].port);
		sq_bind_text(q, 5, l[i].netns);
		sq_bind_text(q, 6, l[i].process);
		sq_bind_int(q, 7, l[i].pid);
		sq_bind_text(q, 8, l[i].user);
		sq_bind_text(q, 9, l[i].unit);
		sq_bind_text(q, 10, l[i].container);
		sq_bind_int(q, 11, l[i].baseline);
		sq_bind_int(q, 12, seen_ms);
		rc = sq_step(q, &row, err);
		sq_reset(q);
	}
	sq_finish(q);
	return rc;
}

enum pl_rc
pl_store_listeners_set(struct pl_store *st, const char *host, int64_t seen_ms,
                       const struct pl_store_listener *l, size_t n, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int own, row;

	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (!host || !host[0])
		return pl_err_set(err, PL_ERR_ARG, "listeners need a host");
	own = !store_in_txn(st);
	rc = own ? pl_store_begin(st, err) : PL_OK;
	if (rc != PL_OK)
		return rc;
	rc = sq_prepare(st, "DELETE FROM listeners WHERE host = ?", &q, err);
	if (rc == PL_OK) {
		sq_bind_text(q, 1, host);
		rc = sq_step(q, &row, err);
	}
	sq_finish(q);
	if (rc == PL_OK && n)
		rc = st->backend == STORE_PG ? store_pg_copy_listeners(st, host, seen_ms, l, n, err)
		                             : insert_listeners(st, host, seen_ms, l, n, err);
	return finish_txn(st, rc, own, err);
}

void
pl_store_listeners_free(struct pl_store_listener_row *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].host);
		free(v[i].proto);
		free(v[i].addr);
		free(v[i].netns);
		free(v[i].process);
		free(v[i].user);
		free(v[i].unit);
		free(v[i].container);
	}
	free(v);
}

static int
fill_listener(struct store_q *q, void *elem, void *ctx)
{
	struct pl_store_listener_row *l = elem;

	(void)ctx;
	l->host = sq_dup(q, 0);
	l->proto = sq_dup(q, 1);
	l->addr = sq_dup(q, 2);
	l->port = (uint16_t)sq_int(q, 3);
	l->netns = sq_dup(q, 4);
	l->process = sq_dup(q, 5);
	l->pid = sq_int(q, 6);
	l->user = sq_dup(q, 7);
	l->unit = sq_dup(q, 8);
	l->container = sq_dup(q, 9);
	l->baseline = (int)sq_int(q, 10);
	l->seen_ms = sq_int(q, 11);
	return 1;
}

enum pl_rc
pl_store_listeners_list(struct pl_store *st, const char *host, struct pl_store_listener_row **out,
                        size_t *n, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	rc = sq_prepare(st,
	                "SELECT host, proto, addr, port, netns, process, pid, username, unit, "
	                "container, baseline, seen_ms FROM listeners WHERE (? = '' OR host = ?) "
	                "ORDER BY host, port, proto, addr",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_text(q, 1, host ? host : "");
	sq_bind_text(q, 2, host ? host : "");
	rc = sq_read_rows(q, out, n, sizeof(**out), fill_listener, NULL, err);
	if (rc != PL_OK) {
		pl_store_listeners_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void
pl_store_hosts_free(struct pl_store_host *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].host);
	free(v);
}

static int
fill_host(struct store_q *q, void *elem, void *ctx)
{
	struct pl_store_host *h = elem;

	(void)ctx;
	h->host = sq_dup(q, 0);
	h->listeners = sq_int(q, 1);
	h->events = sq_int(q, 2);
	h->scans = sq_int(q, 3);
	h->open_ports = sq_int(q, 4);
	h->last_ms = sq_int(q, 5);
	return 1;
}

enum pl_rc
pl_store_hosts(struct pl_store *st, size_t limit, struct pl_store_host **out, size_t *n,
               struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	rc = sq_prepare(
	    st,
	    "SELECT h.host, "
	    " (SELECT count(*) FROM listeners l WHERE l.host = h.host),"
	    " (SELECT count(*) FROM events e WHERE e.host = h.host),"
	    " (SELECT count(DISTINCT r.scan_id) FROM results r WHERE r.addr = h.host),"
	    " (SELECT count(*) FROM results r WHERE r.addr = h.host AND r.state = 'open' AND "
	    "  r.scan_id = (SELECT max(r2.scan_id) FROM results r2 WHERE r2.addr = h.host)),"
	    " max(h.t) "
	    "FROM (SELECT host, max(seen_ms) AS t FROM listeners GROUP BY host "
	    " UNION ALL SELECT host, max(at_ms) FROM events GROUP BY host "
	    " UNION ALL SELECT r.addr, max(s.started_at) * 1000 FROM results r "
	    "  JOIN scans s ON s.id = r.scan_id GROUP BY r.addr) h "
	    "GROUP BY h.host ORDER BY h.host LIMIT ?",
	    &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_int(q, 1, (int64_t)(limit ? limit : DEFAULT_HOSTS));
	rc = sq_read_rows(q, out, n, sizeof(**out), fill_host, NULL, err);
	if (rc != PL_OK) {
		pl_store_hosts_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Runs a query of (key, count) rows and adds each count to out[index of key in keys],
 * the last slot taking every key not listed. */
static enum pl_rc
count_by(struct pl_store *st, const char *sql, const char *const *keys, size_t nkeys, int64_t *out,
         struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc = sq_prepare(st, sql, &q, err);
	int row = 0;

	while (rc == PL_OK && (rc = sq_step(q, &row, err)) == PL_OK && row) {
		const char *k = sq_text(q, 0);
		size_t i = 0;

		while (i + 1 < nkeys && strcmp(keys[i], k) != 0)
			i++;
		out[i] += sq_int(q, 1);
	}
	sq_finish(q);
	return rc;
}

enum pl_rc
pl_store_counts(struct pl_store *st, struct pl_store_counts *c, struct pl_err *err)
{
	static const char *const status[] = {"done", "running", "interrupted", ""};
	static const char *const kinds[] = {"new", "gone", "opened", "closed", "changed", ""};
	static const char *const flags[] = {"1", "0", ""};
	static const char *const one[] = {""};
	int64_t hosts[1] = {0};
	enum pl_rc rc;

	memset(c, 0, sizeof(*c));
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	rc = count_by(st, "SELECT status, count(*) FROM scans GROUP BY status", status, 4,
	              c->scans_by_status, err);
	if (rc == PL_OK)
		rc = count_by(st, "SELECT kind, count(*) FROM events GROUP BY kind", kinds, 6,
		              c->events_by_kind, err);
	if (rc == PL_OK)
		rc = count_by(
		    st, "SELECT CAST(baseline AS TEXT), count(*) FROM listeners GROUP BY baseline",
		    flags, 3, c->listeners_by_flag, err);
	if (rc == PL_OK)
		rc = count_by(st, "SELECT '', count(*) FROM results", one, 1, &c->results, err);
	if (rc == PL_OK)
		rc = count_by(st,
		              "SELECT '', count(*) FROM (SELECT host FROM listeners UNION "
		              "SELECT host FROM events UNION SELECT addr FROM results) h",
		              one, 1, hosts, err);
	c->hosts = hosts[0];
	for (int i = 0; i < 4; i++)
		c->scans += c->scans_by_status[i];
	for (int i = 0; i < 6; i++)
		c->events += c->events_by_kind[i];
	return rc;
}
