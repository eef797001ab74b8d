// SPDX-License-Identifier: MIT
/*
 * store/pg.c - what only the PostgreSQL backend does: connecting through libpq, its
 * error messages on one line, and the bulk path.
 *
 * Bulk writes use COPY ... FROM STDIN in text format (fields escaped: backslash, tab,
 * newline, carriage return), 1 MiB per PQputCopyData: one statement, no per-row round
 * trip or parse. The caller holds a transaction around it, so until COMMIT nothing is
 * visible and a crash or a dropped connection rolls the whole batch back. Events are
 * copied into a temporary staging table first and moved with INSERT ... ON CONFLICT DO
 * NOTHING, because COPY itself cannot skip an event already stored (a batch that a
 * machine sends again after a lost answer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "store/store_impl.h"

#define COPY_CHUNK (1u << 20)

enum pl_rc
store_pg_err(struct pl_store *st, struct pl_err *err, const char *what)
{
	char msg[240];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", st->pg ? PQerrorMessage(st->pg) : "no connection");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* libpq's messages span lines ("...failed: ...\n\tIs the server running..."): one line */
	for (size_t i = 0; i < n; i++)
		if (msg[i] == '\n' || msg[i] == '\t')
			msg[i] = ' ';
	return pl_err_set(err, PL_ERR_IO, "PostgreSQL: %s: %s", what, msg);
}

/* The URL as it may be shown: a password in it becomes "***". */
static char *
redacted(const char *url)
{
	struct pl_buf b;
	const char *p = strstr(url, "://"), *at, *colon, *slash;

	pli_buf_init(&b);
	if (!p) {
		pli_buf_puts(&b, url);
		return pli_buf_steal(&b);
	}
	p += 3;
	slash = strchr(p, '/');
	at = strchr(p, '@');
	colon = strchr(p, ':');
	if (at && (!slash || at < slash) && colon && colon < at) {
		pli_buf_append(&b, url, (size_t)(colon + 1 - url));
		pli_buf_puts(&b, "***");
		p = at;
	} else {
		pli_buf_append(&b, url, (size_t)(p - url));
	}
	for (; *p; p++) {
		if (strncmp(p, "password=", 9) == 0 && (p[-1] == '?' || p[-1] == '&')) {
			pli_buf_puts(&b, "password=***");
			while (p[1] && p[1] != '&')
				p++;
			continue;
		}
		pli_buf_putc(&b, *p);
	}
	return pli_buf_steal(&b);
}

/* libpq shows server notices on standard error by default; the library stays silent. */
static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

enum pl_rc
store_pg_connect(struct pl_store *st, const char *url, struct pl_err *err)
{
	st->path = redacted(url);
	if (!st->path)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	st->pg = PQconnectdb(url);
	if (!st->pg)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (PQstatus(st->pg) != CONNECTION_OK)
		return store_pg_err(st, err, "cannot connect");
	PQsetNoticeProcessor(st->pg, ignore_notice, NULL);
	return PL_OK;
}

/* One COPY text field: \\ \t \n \r escaped. */
static void
copy_field(struct pl_buf *b, const char *s, char end)
{
	for (s = s ? s : ""; *s; s++) {
		const char *e = *s == '\\'   ? "\\\\"
		                : *s == '\t' ? "\\t"
		                : *s == '\n' ? "\\n"
		                : *s == '\r' ? "\\r"
		                             : NULL;

		if (e)
			pli_buf_puts(b, e);
		else
			pli_buf_putc(b, *s);
	}
	pli_buf_putc(b, end);
}

/* Writes row i of a batch into b; returns PL_ERR_ARG for a row that cannot be stored. */
typedef enum pl_rc (*copy_row_fn)(struct pl_buf *b, const void *ctx, size_t i, struct pl_err *err);

/* COPY sql FROM STDIN with n rows made by fn; the server's verdict is the result. */
static enum pl_rc
copy_in(struct pl_store *st, const char *sql, copy_row_fn fn, const void *ctx, size_t n,
        struct pl_err *err)
{
	PGresult *r = PQexec(st->pg, sql);
	enum pl_rc rc = PQresultStatus(r) == PGRES_COPY_IN ? PL_OK : store_pg_err(st, err, sql);
	struct pl_buf b;

	PQclear(r);
	if (rc != PL_OK)
		return rc;
	pli_buf_init(&b);
	for (size_t i = 0; i < n && rc == PL_OK; i++) {
		rc = fn(&b, ctx, i, err);
		if (rc == PL_OK && pli_buf_failed(&b))
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		if (rc == PL_OK && (b.len >= COPY_CHUNK || i + 1 == n)) {
			if (PQputCopyData(st->pg, b.data, (int)b.len) != 1)
				rc = store_pg_err(st, err, "COPY");
			pli_buf_reset(&b);
		}
	}
	pli_buf_cleanup(&b);
	if (PQputCopyEnd(st->pg, rc == PL_OK ? NULL : "portlens: aborted") != 1 && rc == PL_OK)
		rc = store_pg_err(st, err, "COPY end");
	while ((r = PQgetResult(st->pg))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == PL_OK) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

			rc = state && strcmp(state, "23503") == 0
			         ? pl_err_set(err, PL_ERR_NOTFOUND, "no such row")
			         : store_pg_err(st, err, "COPY");
		}
		PQclear(r);
	}
	return rc;
}

struct results_ctx {
	int64_t scan_id, now;
	const struct pl_store_result **order; /* store_batch_order */
};

static enum pl_rc
result_row(struct pl_buf *b, const void *ctx, size_t i, struct pl_err *err)
{
	const struct results_ctx *c = ctx;
	const struct pl_store_result *x = c->order[i];

	if (!x->addr || !x->state)
		return pl_err_set(err, PL_ERR_ARG, "a result needs an address and a state");
	pli_buf_printf(b, "%lld\t", (long long)c->scan_id);
	copy_field(b, x->addr, '\t');
	pli_buf_printf(b, "%u\t", x->port);
	copy_field(b, pl_proto_name(x->proto), '\t');
	copy_field(b, x->state, '\t');
	copy_field(b, x->service, '\t');
	copy_field(b, x->banner, '\t');
	pli_buf_printf(b, "%lld\t%lld\t", (long long)x->rtt_us,
	               (long long)(x->observed_at ? x->observed_at : c->now));
	copy_field(b, x->product, '\t');
	copy_field(b, x->version, '\t');
	copy_field(b, x->cpe, '\n');
	return PL_OK;
}

enum pl_rc
store_pg_copy_results(struct pl_store *st, int64_t scan_id, const struct pl_store_result *rows,
                      size_t n, struct pl_err *err)
{
	struct results_ctx c = {.scan_id = scan_id, .now = (int64_t)time(NULL)};
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row = 0;

	/* No per-row foreign key (schema 6): the scan is checked here, and its row locked
	 * until the transaction ends so that a delete of the scan waits for these rows. */
	rc = sq_prepare(st, "SELECT 1 FROM scans WHERE id = ? FOR KEY SHARE", &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_int(q, 1, scan_id);
	rc = sq_step(q, &row, err);
	sq_finish(q);
	if (rc == PL_OK && !row)
		rc = PL_ERR_NOTFOUND;
	if (rc != PL_OK)
		return rc;
	c.order = store_batch_order(rows, n);
	if (!c.order)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	rc = copy_in(st,
	             "COPY results(scan_id, addr, port, proto, state, service, banner, rtt_us, "
	             "observed_at, product, version, cpe) FROM STDIN",
	             result_row, &c, n, err);
	free(c.order);
	return rc;
}

static enum pl_rc
event_row(struct pl_buf *b, const void *ctx, size_t i, struct pl_err *err)
{
	const struct pl_store_event *e = &((const struct pl_store_event *)ctx)[i];

	(void)err;
	copy_field(b, e->event_id, '\t');
	copy_field(b, e->host, '\t');
	pli_buf_printf(b, "%lld\t", (long long)e->at_ms);
	copy_field(b, e->kind, '\t');
	copy_field(b, e->source, '\t');
	copy_field(b, e->proto, '\t');
	copy_field(b, e->addr, '\t');
	pli_buf_printf(b, "%u\t", e->port);
	copy_field(b, e->netns, '\t');
	copy_field(b, e->process, '\t');
	pli_buf_printf(b, "%lld\t", (long long)e->pid);
	copy_field(b, e->user, '\t');
	copy_field(b, e->unit, '\t');
	copy_field(b, e->container, '\t');
	copy_field(b, e->detail, '\t');
	copy_field(b, e->json, '\n');
	return PL_OK;
}

#define EVENT_COLUMNS                                                                              \
	"event_id, host, at_ms, kind, source, proto, addr, port, netns, process, pid, username, "  \
	"unit, container, detail, json"

enum pl_rc
store_pg_copy_events(struct pl_store *st, const struct pl_store_event *ev, size_t n,
                     struct pl_err *err)
{
	enum pl_rc rc = store_exec(st,
	                           "CREATE TEMP TABLE IF NOT EXISTS events_in "
	                           "(LIKE events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
	                           err);

	if (rc == PL_OK)
		rc = copy_in(st, "COPY events_in(" EVENT_COLUMNS ") FROM STDIN", event_row, ev, n,
		             err);
	if (rc == PL_OK)
		rc = store_exec(st,
		                "INSERT INTO events(" EVENT_COLUMNS ") SELECT " EVENT_COLUMNS
		                " FROM events_in ORDER BY id ON CONFLICT (event_id) DO NOTHING;"
		                "DELETE FROM events_in",
		                err);
	return rc;
}

struct listeners_ctx {
	const char *host;
	int64_t seen_ms;
	const struct pl_store_listener *l;
};

static enum pl_rc
listener_row(struct pl_buf *b, const void *ctx, size_t i, struct pl_err *err)
{
	const struct listeners_ctx *c = ctx;
	const struct pl_store_listener *l = &c->l[i];

	(void)err;
	copy_field(b, c->host, '\t');
	copy_field(b, l->proto, '\t');
	copy_field(b, l->addr, '\t');
	pli_buf_printf(b, "%u\t", l->port);
	copy_field(b, l->netns, '\t');
	copy_field(b, l->process, '\t');
	pli_buf_printf(b, "%lld\t", (long long)l->pid);
	copy_field(b, l->user, '\t');
	copy_field(b, l->unit, '\t');
	copy_field(b, l->container, '\t');
	pli_buf_printf(b, "%d\t%lld\n", l->baseline, (long long)c->seen_ms);
	return PL_OK;
}

enum pl_rc
store_pg_copy_listeners(struct pl_store *st, const char *host, int64_t seen_ms,
                        const struct pl_store_listener *l, size_t n, struct pl_err *err)
{
	struct listeners_ctx c = {.host = host, .seen_ms = seen_ms, .l = l};

	return copy_in(st,
	               "COPY listeners(host, proto, addr, port, netns, process, pid, username, "
	               "unit, container, baseline, seen_ms) FROM STDIN",
	               listener_row, &c, n, err);
}
