// SPDX-License-Identifier: MIT
/*
 * scans.c - saved scans: begin, append results one committed row at a time, finish,
 * and read back (list, one scan, its results). Also the streaming sink that
 * `portlens scan --save` feeds per result.
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

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

enum pl_rc
pl_store_scan_begin(struct pl_store *st, const struct pl_store_scan_meta *meta, int64_t *scan_id,
                    struct pl_err *err)
{
	static const struct pl_store_scan_meta none = {0};
	sqlite3_stmt *s = NULL;
	enum pl_rc rc = PL_OK;

	if (!meta)
		meta = &none;
	if (sqlite3_prepare_v2(st->db,
	                       "INSERT INTO scans(targets, ports, engine, command, started_at) "
	                       "VALUES (?, ?, ?, ?, ?)",
	                       -1, &s, NULL) != SQLITE_OK) {
		rc = pl_store_db_err(st, err, "prepare");
		goto out;
	}
	bind_text(s, 1, meta->targets);
	bind_text(s, 2, meta->ports);
	bind_text(s, 3, meta->engine);
	bind_text(s, 4, meta->command);
	sqlite3_bind_int64(s, 5, now_or(meta->started_at));
	if (sqlite3_step(s) != SQLITE_DONE) {
		rc = pl_store_db_err(st, err, "cannot record the scan");
		goto out;
	}
	*scan_id = sqlite3_last_insert_rowid(st->db);
out:
	sqlite3_finalize(s);
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
	sqlite3_stmt *s = NULL;
	enum pl_rc rc = PL_OK;

	if (sqlite3_prepare_v2(st->db, "UPDATE scans SET status = ?, finished_at = ? WHERE id = ?",
	                       -1, &s, NULL) != SQLITE_OK) {
		rc = pl_store_db_err(st, err, "prepare");
		goto out;
	}
	bind_text(s, 1, status ? status : "done");
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	sqlite3_bind_int64(s, 3, scan_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = pl_store_db_err(st, err, "cannot finish the scan");
	else if (sqlite3_changes(st->db) == 0)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)scan_id);
out:
	sqlite3_finalize(s);
	return rc;
}

#define SCAN_COLUMNS                                                                               \
	"SELECT s.id, s.targets, s.ports, s.engine, s.command, s.status, s.started_at, "           \
	"s.finished_at, (SELECT count(*) FROM results r WHERE r.scan_id = s.id), "                 \
	"(SELECT count(*) FROM results r WHERE r.scan_id = s.id AND r.state = 'open') "            \
	"FROM scans s "

static int
read_scan(sqlite3_stmt *s, struct pl_store_scan *out)
{
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->targets = pl_store_col_dup(s, 1);
	out->ports = pl_store_col_dup(s, 2);
	out->engine = pl_store_col_dup(s, 3);
	out->command = pl_store_col_dup(s, 4);
	out->status = pl_store_col_dup(s, 5);
	out->started_at = sqlite3_column_int64(s, 6);
	out->finished_at = sqlite3_column_int64(s, 7);
	out->n_results = sqlite3_column_int64(s, 8);
	out->n_open = sqlite3_column_int64(s, 9);
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
	sqlite3_stmt *s = NULL;
	struct pl_store_scan *v = NULL;
	size_t count = 0;
	enum pl_rc rc = PL_OK;
	int step;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (!limit)
		limit = DEFAULT_LIST_LIMIT;
	if (sqlite3_prepare_v2(st->db, SCAN_COLUMNS "ORDER BY s.id DESC LIMIT ?", -1, &s, NULL) !=
	    SQLITE_OK) {
		rc = pl_store_db_err(st, err, "prepare");
		goto out;
	}
	sqlite3_bind_int64(s, 1, (int64_t)limit);
	v = calloc(limit, sizeof(*v));
	if (!v) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (count < limit && (step = sqlite3_step(s)) == SQLITE_ROW) {
		if (!read_scan(s, &v[count++])) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	if (count < limit && step != SQLITE_DONE)
		rc = pl_store_db_err(st, err, "cannot list scans");
out:
	sqlite3_finalize(s);
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
	sqlite3_stmt *s = NULL;
	enum pl_rc rc = PL_OK;
	int step;

	memset(out, 0, sizeof(*out));
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (sqlite3_prepare_v2(st->db, SCAN_COLUMNS "WHERE s.id = ?", -1, &s, NULL) != SQLITE_OK) {
		rc = pl_store_db_err(st, err, "prepare");
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)id);
	else if (step != SQLITE_ROW)
		rc = pl_store_db_err(st, err, "cannot read the scan");
	else if (!read_scan(s, out))
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
out:
	sqlite3_finalize(s);
	if (rc != PL_OK)
		pl_store_scan_cleanup(out);
	return rc;
}

void
pl_store_results_free(struct pl_store_result_row *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].addr);
		free(v[i].proto);
		free(v[i].state);
		free(v[i].service);
		free(v[i].banner);
		free(v[i].product);
		free(v[i].version);
		free(v[i].cpe);
	}
	free(v);
}

static int
read_result(sqlite3_stmt *s, struct pl_store_result_row *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->addr = pl_store_col_dup(s, 1);
	r->port = (uint16_t)sqlite3_column_int(s, 2);
	r->proto = pl_store_col_dup(s, 3);
	r->state = pl_store_col_dup(s, 4);
	r->service = pl_store_col_dup(s, 5);
	r->banner = pl_store_col_dup(s, 6);
	r->rtt_us = sqlite3_column_int64(s, 7);
	r->observed_at = sqlite3_column_int64(s, 8);
	r->product = pl_store_col_dup(s, 9);
	r->version = pl_store_col_dup(s, 10);
	r->cpe = pl_store_col_dup(s, 11);
	return r->addr && r->proto && r->state && r->service && r->banner && r->product &&
	       r->version && r->cpe;
}

enum pl_rc
pl_store_scan_results(struct pl_store *st, int64_t id, size_t limit,
                      struct pl_store_result_row **out, size_t *n, struct pl_err *err)
{
	sqlite3_stmt *s = NULL;
	struct pl_store_result_row *v = NULL;
	size_t count = 0, cap = 0;
	enum pl_rc rc = PL_OK;
	int step;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (sqlite3_prepare_v2(st->db,
	                       "SELECT id, addr, port, proto, state, service, banner, rtt_us, "
	                       "observed_at, product, version, cpe FROM results "
	                       "WHERE scan_id = ? " PL_STORE_RESULT_ORDER " LIMIT ?",
	                       -1, &s, NULL) != SQLITE_OK) {
		rc = pl_store_db_err(st, err, "prepare");
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, limit ? (int64_t)limit : -1);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct pl_store_result_row *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
				goto out;
			}
			v = nv;
			cap = ncap;
		}
		memset(&v[count], 0, sizeof(v[count]));
		if (!read_result(s, &v[count++])) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	if (step != SQLITE_DONE)
		rc = pl_store_db_err(st, err, "cannot read results");
out:
	sqlite3_finalize(s);
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
