// SPDX-License-Identifier: MIT
/*
 * store/pg.c - saved scans in PostgreSQL through libpq (portlens/pgstore.h).
 *
 * Schema: the SQLite store's scans and results tables (schema 3), in PostgreSQL types
 * (bigserial ids, text, bigint times), plus portlens_meta(version). Migrations run in
 * one transaction under pg_advisory_xact_lock, so two machines connecting at once do
 * not both create the tables. Each step of MIGRATIONS takes version i to i + 1, as in
 * store.c; a database written by a newer portlens is refused.
 *
 * Writes: one transaction per scan. The scans row is inserted (RETURNING id), then the
 * results stream in with COPY ... FROM STDIN in text format (fields escaped: backslash,
 * tab, newline, carriage return), 1 MiB per PQputCopyData, then the status is set and
 * the transaction committed. COPY is PostgreSQL's bulk path: one statement, no
 * per-row round trip or parse. Until COMMIT nothing is visible; a crash or a dropped
 * connection rolls the whole scan back.
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "portlens/pgstore.h"
#include "shared/buf.h"
#include "shared/strnum.h"

#define COPY_CHUNK       (1u << 20)
#define MIGRATE_LOCK_KEY 0x706c656e73LL /* "plens": the advisory lock for migrations */

struct pl_pgstore {
	PGconn *conn;
	int version;
};

static const char *const migrations[] = {
    /* 0 -> 3: the tables as SQLite schema 3 has them. */
    "CREATE TABLE scans ("
    "  id BIGSERIAL PRIMARY KEY,"
    "  targets TEXT NOT NULL DEFAULT '', ports TEXT NOT NULL DEFAULT '',"
    "  engine TEXT NOT NULL DEFAULT '', command TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'running',"
    "  started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL DEFAULT 0);"
    "CREATE TABLE results ("
    "  id BIGSERIAL PRIMARY KEY,"
    "  scan_id BIGINT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
    "  addr TEXT NOT NULL, port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
    "  proto TEXT NOT NULL, state TEXT NOT NULL, service TEXT NOT NULL DEFAULT '',"
    "  banner TEXT NOT NULL DEFAULT '', rtt_us BIGINT NOT NULL DEFAULT -1,"
    "  observed_at BIGINT NOT NULL,"
    "  product TEXT NOT NULL DEFAULT '', version TEXT NOT NULL DEFAULT '',"
    "  cpe TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX results_scan ON results(scan_id, id);",
};
#define PG_SCHEMA_VERSION 3 /* what migrations[] reaches: PL_STORE_SCHEMA_VERSION's tables */

int
pl_pgstore_is_url(const char *db)
{
	return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
}

static enum pl_rc
pg_fail(struct pl_pgstore *pg, struct pl_err *err, const char *what)
{
	char msg[200];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pg->conn));
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* libpq's messages span lines ("...failed: ...\n\tIs the server running..."): one line */
	for (size_t i = 0; i < n; i++)
		if (msg[i] == '\n' || msg[i] == '\t')
			msg[i] = ' ';
	return pl_err_set(err, PL_ERR_IO, "PostgreSQL: %s: %s", what, msg);
}

/* Runs sql expecting status want; PL_OK or PL_ERR_IO. */
static enum pl_rc
exec_ok(struct pl_pgstore *pg, const char *sql, ExecStatusType want, struct pl_err *err)
{
	PGresult *r = PQexec(pg->conn, sql);
	enum pl_rc rc = PQresultStatus(r) == want ? PL_OK : pg_fail(pg, err, sql);

	PQclear(r);
	return rc;
}

static enum pl_rc
migrate(struct pl_pgstore *pg, struct pl_err *err)
{
	char sql[160];
	PGresult *r;
	enum pl_rc rc;
	int v = 0;

	rc = exec_ok(pg, "BEGIN", PGRES_COMMAND_OK, err);
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%lld)", MIGRATE_LOCK_KEY);
	if (rc == PL_OK)
		rc = exec_ok(pg, sql, PGRES_TUPLES_OK, err);
	if (rc == PL_OK)
		rc = exec_ok(pg,
		             "CREATE TABLE IF NOT EXISTS portlens_meta (version INTEGER NOT NULL)",
		             PGRES_COMMAND_OK, err);
	if (rc != PL_OK)
		goto out;
	r = PQexec(pg->conn, "SELECT version FROM portlens_meta");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		uint64_t got;

		v = pl_parse_u64(PQgetvalue(r, 0, 0), 0, 1000000, &got, NULL) == PL_OK ? (int)got
		                                                                       : INT32_MAX;
	}
	PQclear(r);
	if (v > PG_SCHEMA_VERSION) {
		rc = pl_err_set(err, PL_ERR_UNSUPPORTED,
		                "PostgreSQL: schema %d was written by a newer portlens", v);
		goto out;
	}
	if (v == 0)
		rc = exec_ok(pg, migrations[0], PGRES_COMMAND_OK, err);
	if (rc == PL_OK && v != PG_SCHEMA_VERSION) {
		snprintf(sql, sizeof(sql),
		         "DELETE FROM portlens_meta; INSERT INTO portlens_meta "
		         "VALUES (%d)",
		         PG_SCHEMA_VERSION);
		rc = exec_ok(pg, sql, PGRES_COMMAND_OK, err);
	}
	pg->version = PG_SCHEMA_VERSION;
out:
	exec_ok(pg, rc == PL_OK ? "COMMIT" : "ROLLBACK", PGRES_COMMAND_OK,
	        rc == PL_OK ? err : NULL);
	return rc;
}

/* libpq shows server notices on standard error by default; the library stays silent. */
static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

enum pl_rc
pl_pgstore_open(const char *url, struct pl_pgstore **out, struct pl_err *err)
{
	struct pl_pgstore *pg = calloc(1, sizeof(*pg));
	enum pl_rc rc;

	*out = NULL;
	if (!pg)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	pg->conn = PQconnectdb(url);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		rc = pg_fail(pg, err, "cannot connect");
		pl_pgstore_close(pg);
		return rc;
	}
	PQsetNoticeProcessor(pg->conn, ignore_notice, NULL);
	rc = migrate(pg, err);
	if (rc != PL_OK) {
		pl_pgstore_close(pg);
		return rc;
	}
	*out = pg;
	return PL_OK;
}

void
pl_pgstore_close(struct pl_pgstore *pg)
{
	if (!pg)
		return;
	PQfinish(pg->conn);
	free(pg);
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
			pl_buf_puts(b, e);
		else
			pl_buf_putc(b, *s);
	}
	pl_buf_putc(b, end);
}

static enum pl_rc
copy_rows(struct pl_pgstore *pg, int64_t id, const struct pl_store_result *rows, size_t n,
          struct pl_err *err)
{
	struct pl_buf b;
	int64_t now = (int64_t)time(NULL);
	enum pl_rc rc;
	PGresult *r;

	rc = exec_ok(pg,
	             "COPY results(scan_id, addr, port, proto, state, service, banner, rtt_us, "
	             "observed_at, product, version, cpe) FROM STDIN",
	             PGRES_COPY_IN, err);
	if (rc != PL_OK)
		return rc;
	pl_buf_init(&b);
	for (size_t i = 0; i < n && rc == PL_OK; i++) {
		const struct pl_store_result *x = &rows[i];

		if (!x->addr || !x->state) {
			rc = pl_err_set(err, PL_ERR_ARG, "a result needs an address and a state");
			break;
		}
		pl_buf_printf(&b, "%lld\t", (long long)id);
		copy_field(&b, x->addr, '\t');
		pl_buf_printf(&b, "%u\t", x->port);
		copy_field(&b, pl_proto_name(x->proto), '\t');
		copy_field(&b, x->state, '\t');
		copy_field(&b, x->service, '\t');
		copy_field(&b, x->banner, '\t');
		pl_buf_printf(&b, "%lld\t%lld\t", (long long)x->rtt_us,
		              (long long)(x->observed_at ? x->observed_at : now));
		copy_field(&b, x->product, '\t');
		copy_field(&b, x->version, '\t');
		copy_field(&b, x->cpe, '\n');
		if (b.len >= COPY_CHUNK || i + 1 == n) {
			if (PQputCopyData(pg->conn, b.data, (int)b.len) != 1)
				rc = pg_fail(pg, err, "COPY");
			pl_buf_reset(&b);
		}
	}
	pl_buf_cleanup(&b);
	if (PQputCopyEnd(pg->conn, rc == PL_OK ? NULL : "portlens: aborted") != 1 && rc == PL_OK)
		rc = pg_fail(pg, err, "COPY end");
	while ((r = PQgetResult(pg->conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == PL_OK)
			rc = pg_fail(pg, err, "COPY results");
		PQclear(r);
	}
	return rc;
}

enum pl_rc
pl_pgstore_save_scan(struct pl_pgstore *pg, const struct pl_store_scan_meta *meta,
                     const struct pl_store_result *rows, size_t n, int64_t *scan_id,
                     struct pl_err *err)
{
	char started[24], idtext[24];
	const char *params[5];
	uint64_t id = 0;
	PGresult *r;
	enum pl_rc rc = exec_ok(pg, "BEGIN", PGRES_COMMAND_OK, err);

	if (rc != PL_OK)
		return rc;
	snprintf(started, sizeof(started), "%lld",
	         (long long)(meta->started_at ? meta->started_at : (int64_t)time(NULL)));
	params[0] = meta->targets ? meta->targets : "";
	params[1] = meta->ports ? meta->ports : "";
	params[2] = meta->engine ? meta->engine : "";
	params[3] = meta->command ? meta->command : "";
	params[4] = started;
	r = PQexecParams(pg->conn,
	                 "INSERT INTO scans(targets, ports, engine, command, started_at) "
	                 "VALUES ($1, $2, $3, $4, $5) RETURNING id",
	                 5, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
	    pl_parse_u64(PQgetvalue(r, 0, 0), 1, INT64_MAX, &id, NULL) != PL_OK)
		rc = pg_fail(pg, err, "INSERT INTO scans");
	PQclear(r);
	if (rc == PL_OK)
		rc = copy_rows(pg, (int64_t)id, rows, n, err);
	if (rc == PL_OK) {
		snprintf(idtext, sizeof(idtext), "%llu", (unsigned long long)id);
		params[0] = idtext;
		r = PQexecParams(pg->conn,
		                 "UPDATE scans SET status = 'done', finished_at = "
		                 "extract(epoch from now())::bigint WHERE id = $1",
		                 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_fail(pg, err, "UPDATE scans");
		PQclear(r);
	}
	if (rc == PL_OK)
		rc = exec_ok(pg, "COMMIT", PGRES_COMMAND_OK, err);
	else
		exec_ok(pg, "ROLLBACK", PGRES_COMMAND_OK, NULL);
	if (rc == PL_OK)
		*scan_id = (int64_t)id;
	return rc;
}

static int64_t
col_int(PGresult *r, int row, int col)
{
	const char *v = PQgetvalue(r, row, col);
	uint64_t u;

	if (v[0] == '-')
		return pl_parse_u64(v + 1, 0, INT64_MAX, &u, NULL) == PL_OK ? -(int64_t)u : 0;
	return pl_parse_u64(v, 0, INT64_MAX, &u, NULL) == PL_OK ? (int64_t)u : 0;
}

static char *
col_dup(PGresult *r, int row, int col)
{
	return strdup(PQgetvalue(r, row, col));
}

static enum pl_rc
read_meta(struct pl_pgstore *pg, const char *idtext, struct pl_store_scan *s, struct pl_err *err)
{
	const char *params[1] = {idtext};
	PGresult *r =
	    PQexecParams(pg->conn,
	                 "SELECT id, targets, ports, engine, command, status, started_at, "
	                 "finished_at FROM scans WHERE id = $1",
	                 1, NULL, params, NULL, NULL, 0);
	enum pl_rc rc = PL_OK;

	memset(s, 0, sizeof(*s));
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pg_fail(pg, err, "SELECT scans");
	else if (PQntuples(r) != 1)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %s", idtext);
	if (rc == PL_OK) {
		s->id = col_int(r, 0, 0);
		s->targets = col_dup(r, 0, 1);
		s->ports = col_dup(r, 0, 2);
		s->engine = col_dup(r, 0, 3);
		s->command = col_dup(r, 0, 4);
		s->status = col_dup(r, 0, 5);
		s->started_at = col_int(r, 0, 6);
		s->finished_at = col_int(r, 0, 7);
		if (!s->targets || !s->ports || !s->engine || !s->command || !s->status)
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	PQclear(r);
	return rc;
}

enum pl_rc
pl_pgstore_scan_read(struct pl_pgstore *pg, int64_t id, struct pl_store_scan *scan,
                     struct pl_store_result_row **rows, size_t *n, struct pl_err *err)
{
	char idtext[24];
	const char *params[1] = {idtext};
	struct pl_store_result_row *v = NULL;
	PGresult *r = NULL;
	enum pl_rc rc;
	int count;

	*rows = NULL;
	*n = 0;
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rc = read_meta(pg, idtext, scan, err);
	if (rc != PL_OK)
		return rc;
	r = PQexecParams(pg->conn,
	                 "SELECT id, addr, proto, state, service, banner, product, version, cpe, "
	                 "port, rtt_us, observed_at FROM results WHERE scan_id = $1 ORDER BY id",
	                 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = pg_fail(pg, err, "SELECT results");
		goto out;
	}
	count = PQntuples(r);
	v = calloc(count ? (size_t)count : 1, sizeof(*v));
	if (!v) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < count; i++) {
		struct pl_store_result_row *x = &v[i];

		x->id = col_int(r, i, 0);
		x->addr = col_dup(r, i, 1);
		x->proto = col_dup(r, i, 2);
		x->state = col_dup(r, i, 3);
		x->service = col_dup(r, i, 4);
		x->banner = col_dup(r, i, 5);
		x->product = col_dup(r, i, 6);
		x->version = col_dup(r, i, 7);
		x->cpe = col_dup(r, i, 8);
		x->port = (uint16_t)col_int(r, i, 9);
		x->rtt_us = col_int(r, i, 10);
		x->observed_at = col_int(r, i, 11);
		*n = (size_t)i + 1;
		if (!x->addr || !x->proto || !x->state || !x->service || !x->banner ||
		    !x->product || !x->version || !x->cpe) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	scan->n_results = count;
	*rows = v;
	v = NULL;
out:
	PQclear(r);
	if (rc != PL_OK) {
		pl_store_results_free(v, *n);
		*n = 0;
		pl_store_scan_cleanup(scan);
	}
	return rc;
}
