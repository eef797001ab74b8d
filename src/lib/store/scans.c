// SPDX-License-Identifier: MIT
/*
 * scans.c - saved scans: begin, append results one committed row at a time, finish,
 * read back (list, one scan, its results), delete. Also the streaming sink that
 * `portlens scan --save` feeds per result. Written once over the query layer, so the
 * same code serves SQLite and PostgreSQL.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_impl.h"

#define DEFAULT_LIST_LIMIT 100

struct pl_store_sink {
	struct pl_store *st;
	int64_t scan_id;
};

static int64_t
now_or(int64_t t)
{
	return t ? t : (int64_t)time(NULL);
}

enum pl_rc
pl_store_scan_begin(struct pl_store *st, const struct pl_store_scan_meta *meta, int64_t *scan_id,
                    struct pl_err *err)
{
	static const struct pl_store_scan_meta none = {0};
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row = 0;

	if (!meta)
		meta = &none;
	rc = sq_prepare(st,
	                "INSERT INTO scans(targets, ports, engine, command, started_at) "
	                "VALUES (?, ?, ?, ?, ?) RETURNING id",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_text(q, 1, meta->targets);
	sq_bind_text(q, 2, meta->ports);
	sq_bind_text(q, 3, meta->engine);
	sq_bind_text(q, 4, meta->command);
	sq_bind_int(q, 5, now_or(meta->started_at));
	rc = sq_step(q, &row, err);
	if (rc == PL_OK && !row)
		rc = pl_err_set(err, PL_ERR_IO, "%s: cannot record the scan", st->path);
	if (rc == PL_OK)
		*scan_id = sq_int(q, 0);
	if (rc == PL_OK && st->backend == STORE_SQLITE)
		rc = sq_step(q, &row, err); /* runs the statement to its end */
	sq_finish(q);
	return rc;
}

enum pl_rc
pl_store_scan_add(struct pl_store *st, int64_t scan_id, const struct pl_store_result *r,
                  struct pl_err *err)
{
	if (!r)
		return pl_err_set(err, PL_ERR_ARG, "a result needs an address and a state");
	return pl_store_scan_add_many(st, scan_id, r, 1, err);
}

enum pl_rc
pl_store_scan_finish(struct pl_store *st, int64_t scan_id, const char *status, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row;

	rc = sq_prepare(st, "UPDATE scans SET status = ?, finished_at = ? WHERE id = ?", &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_text(q, 1, status ? status : "done");
	sq_bind_int(q, 2, (int64_t)time(NULL));
	sq_bind_int(q, 3, scan_id);
	rc = sq_step(q, &row, err);
	if (rc == PL_OK && sq_changes(q) == 0)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)scan_id);
	sq_finish(q);
	return rc;
}

/* Runs one statement with the scan id as its only parameter; *changes its row count. */
static enum pl_rc
run_with_id(struct pl_store *st, const char *sql, int64_t id, int64_t *changes, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row = 0;

	rc = sq_prepare(st, sql, &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_int(q, 1, id);
	rc = sq_step(q, &row, err);
	*changes = row ? 1 : sq_changes(q);
	sq_finish(q);
	return rc;
}

/*
 * PostgreSQL's results have no foreign key (schema 6), so no cascade: the scan's row is
 * locked first (FOR UPDATE waits for writers holding it FOR KEY SHARE, and makes later
 * ones find no scan), then its results and the scan go, in one transaction. The results
 * are deleted by a statement that starts after the lock, so it sees every row a writer
 * committed while it waited.
 */
static enum pl_rc
pg_scan_delete(struct pl_store *st, int64_t id, struct pl_err *err)
{
	int own_txn = !store_in_txn(st);
	int64_t n = 0;
	enum pl_rc rc = own_txn ? pl_store_begin(st, err) : PL_OK;

	if (rc == PL_OK)
		rc = run_with_id(st, "SELECT 1 FROM scans WHERE id = ? FOR UPDATE", id, &n, err);
	if (rc == PL_OK && n == 0)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)id);
	if (rc == PL_OK)
		rc = run_with_id(st, "DELETE FROM results WHERE scan_id = ?", id, &n, err);
	if (rc == PL_OK)
		rc = run_with_id(st, "DELETE FROM scans WHERE id = ?", id, &n, err);
	if (own_txn && rc == PL_OK)
		rc = pl_store_commit(st, err);
	if (own_txn && rc != PL_OK)
		pl_store_rollback(st);
	return rc;
}

enum pl_rc
pl_store_scan_delete(struct pl_store *st, int64_t id, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row;

	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (st->backend == STORE_PG)
		return pg_scan_delete(st, id, err);
	/* results go with it: ON DELETE CASCADE (SQLite with foreign_keys on) */
	rc = sq_prepare(st, "DELETE FROM scans WHERE id = ?", &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_int(q, 1, id);
	rc = sq_step(q, &row, err);
	if (rc == PL_OK && sq_changes(q) == 0)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)id);
	sq_finish(q);
	return rc;
}

#define SCAN_COLUMNS                                                                               \
	"SELECT s.id, s.targets, s.ports, s.engine, s.command, s.status, s.started_at, "           \
	"s.finished_at, (SELECT count(*) FROM results r WHERE r.scan_id = s.id), "                 \
	"(SELECT count(*) FROM results r WHERE r.scan_id = s.id AND r.state = 'open') "            \
	"FROM scans s "

static int
read_scan(struct store_q *s, struct pl_store_scan *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sq_int(s, 0);
	out->targets = sq_dup(s, 1);
	out->ports = sq_dup(s, 2);
	out->engine = sq_dup(s, 3);
	out->command = sq_dup(s, 4);
	out->status = sq_dup(s, 5);
	out->started_at = sq_int(s, 6);
	out->finished_at = sq_int(s, 7);
	out->n_results = sq_int(s, 8);
	out->n_open = sq_int(s, 9);
	return out->targets && out->ports && out->engine && out->command && out->status;
}

void
pl_store_scan_cleanup(struct pl_store_scan *s)
{
	if (!s)
		return;
	free(s->targets);
	free(s->ports);
	free(s->engine);
	free(s->command);
	free(s->status);
	memset(s, 0, sizeof(*s));
}

void
pl_store_scans_free(struct pl_store_scan *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		pl_store_scan_cleanup(&v[i]);
	free(v);
}

enum pl_rc
pl_store_scans_list(struct pl_store *st, size_t limit, struct pl_store_scan **out, size_t *n,
                    struct pl_err *err)
{
	struct store_q *q = NULL;
	struct pl_store_scan *v = NULL;
	size_t count = 0;
	enum pl_rc rc;
	int row = 0;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (!limit)
		limit = DEFAULT_LIST_LIMIT;
	rc = sq_prepare(st, SCAN_COLUMNS "ORDER BY s.id DESC LIMIT ?", &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_int(q, 1, (int64_t)limit);
	v = calloc(limit, sizeof(*v));
	if (!v) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (count < limit && (rc = sq_step(q, &row, err)) == PL_OK && row) {
		if (!read_scan(q, &v[count++])) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
out:
	sq_finish(q);
	if (rc != PL_OK || count == 0) {
		pl_store_scans_free(v, count);
		return rc;
	}
	*out = v;
	*n = count;
	return PL_OK;
}

enum pl_rc
pl_store_scan_get(struct pl_store *st, int64_t id, struct pl_store_scan *out, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row = 0;

	memset(out, 0, sizeof(*out));
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	rc = sq_prepare(st, SCAN_COLUMNS "WHERE s.id = ?", &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_int(q, 1, id);
	rc = sq_step(q, &row, err);
	if (rc == PL_OK && !row)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)id);
	else if (rc == PL_OK && !read_scan(q, out))
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	sq_finish(q);
	if (rc != PL_OK)
		pl_store_scan_cleanup(out);
	return rc;
}

static void
free_row(struct pl_store_result_row *r)
{
	free(r->addr);
	free(r->proto);
	free(r->state);
	free(r->service);
	free(r->banner);
	free(r->product);
	free(r->version);
	free(r->cpe);
}

void
pl_store_results_free(struct pl_store_result_row *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free_row(&v[i]);
	free(v);
}

static int
read_result(struct store_q *s, void *elem, void *ctx)
{
	struct pl_store_result_row *r = elem;

	(void)ctx;
	r->id = sq_int(s, 0);
	r->addr = sq_dup(s, 1);
	r->port = (uint16_t)sq_int(s, 2);
	r->proto = sq_dup(s, 3);
	r->state = sq_dup(s, 4);
	r->service = sq_dup(s, 5);
	r->banner = sq_dup(s, 6);
	r->rtt_us = sq_int(s, 7);
	r->observed_at = sq_int(s, 8);
	r->product = sq_dup(s, 9);
	r->version = sq_dup(s, 10);
	r->cpe = sq_dup(s, 11);
	return r->addr && r->proto && r->state && r->service && r->banner && r->product &&
	       r->version && r->cpe;
}

enum pl_rc
pl_store_scan_results(struct pl_store *st, int64_t id, size_t limit,
                      struct pl_store_result_row **out, size_t *n, struct pl_err *err)
{
	struct store_q *q = NULL;
	struct pl_store_result_row *v = NULL;
	size_t count = 0;
	enum pl_rc rc;
	int pg;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	/* PostgreSQL has no pl_addr collation: its rows are sorted here, then cut. */
	pg = st->backend == STORE_PG;
	rc = sq_prepare(st,
	                pg ? "SELECT id, addr, port, proto, state, service, banner, rtt_us, "
	                     "observed_at, product, version, cpe FROM results "
	                     "WHERE scan_id = ? ORDER BY id"
	                   : "SELECT id, addr, port, proto, state, service, banner, rtt_us, "
	                     "observed_at, product, version, cpe FROM results "
	                     "WHERE scan_id = ? " PL_STORE_RESULT_ORDER " LIMIT ?",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_int(q, 1, id);
	if (!pg)
		sq_bind_int(q, 2, limit ? (int64_t)limit : -1);
	rc = sq_read_rows(q, &v, &count, sizeof(*v), read_result, NULL, err);
	if (rc == PL_OK && pg) {
		store_sort_results(v, count);
		while (limit && count > limit)
			free_row(&v[--count]);
	}
	if (rc != PL_OK || count == 0) {
		pl_store_results_free(v, count);
		return rc;
	}
	*out = v;
	*n = count;
	return PL_OK;
}

enum pl_rc
pl_store_sink_open(const char *path, const struct pl_store_scan_meta *meta,
                   struct pl_store_sink **out, struct pl_err *err)
{
	char def[4096];
	struct pl_store_sink *sink;
	enum pl_rc rc;

	if (!path) {
		rc = pl_store_default_path(def, sizeof(def), err);
		if (rc != PL_OK)
			return rc;
		path = def;
	}
	sink = calloc(1, sizeof(*sink));
	if (!sink)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	rc = pl_store_open(path, PL_STORE_MKDIR, &sink->st, err);
	if (rc == PL_OK)
		rc = pl_store_scan_begin(sink->st, meta, &sink->scan_id, err);
	if (rc != PL_OK) {
		pl_store_close(sink->st);
		free(sink);
		return rc;
	}
	*out = sink;
	return PL_OK;
}

enum pl_rc
pl_store_sink_add(struct pl_store_sink *sink, const struct pl_store_result *r, struct pl_err *err)
{
	return pl_store_scan_add(sink->st, sink->scan_id, r, err);
}

int64_t
pl_store_sink_scan_id(const struct pl_store_sink *sink)
{
	return sink->scan_id;
}

enum pl_rc
pl_store_sink_close(struct pl_store_sink *sink, const char *status, struct pl_err *err)
{
	enum pl_rc rc;

	if (!sink)
		return PL_OK;
	rc = pl_store_scan_finish(sink->st, sink->scan_id, status, err);
	pl_store_close(sink->st);
	free(sink);
	return rc;
}
