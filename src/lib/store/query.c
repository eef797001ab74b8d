// SPDX-License-Identifier: MIT
/*
 * store/query.c - one small query interface over SQLite and PostgreSQL, so every reader
 * and writer of the store is written once (store_impl.h says what is per backend).
 *
 * SQLite: a prepared statement, parameters bound as they come, sqlite3_step per row.
 * PostgreSQL: the statement's `?` placeholders are numbered ($1, $2, ...) at prepare
 * time (outside quoted literals), parameters are kept as text, and the first step runs
 * PQexecParams; later steps walk the rows of its result. Integers travel as decimal
 * text both ways, which is PostgreSQL's text protocol; the reader parses them strictly.
 */
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/strnum.h"
#include "store/store_impl.h"

#define MAX_PARAMS 16

struct store_q {
	struct pl_store *st;
	sqlite3_stmt *s;
	/* PostgreSQL */
	char *sql;
	char *params[MAX_PARAMS];
	int nparams;
	PGresult *res;
	int row, nrows;
	int64_t changes;
	int nomem; /* an sq_dup failed */
};

enum pl_rc
pli_store_db_err(struct pl_store *st, struct pl_err *err, const char *what)
{
	int code = sqlite3_errcode(st->db);

	return pl_err_set(err, code == SQLITE_NOMEM ? PL_ERR_NOMEM : PL_ERR_IO, "%s: %s: %s",
	                  st->path, what, sqlite3_errmsg(st->db));
}

/* "SELECT ? , '?'" -> "SELECT $1 , '?'"; *count gets the number of placeholders. */
static char *
number_placeholders(const char *sql, int *count)
{
	size_t n = strlen(sql);
	char *out = malloc(n * 3 + 1), *o = out;
	int in_quote = 0, k = 0;

	if (!out)
		return NULL;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			in_quote = !in_quote;
		if (*p == '?' && !in_quote && k < 99) {
			o += snprintf(o, 4, "$%d", ++k);
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	*count = k;
	return out;
}

enum pl_rc
sq_prepare(struct pl_store *st, const char *sql, struct store_q **out, struct pl_err *err)
{
	struct store_q *q = calloc(1, sizeof(*q));

	*out = NULL;
	if (!q)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	q->st = st;
	if (st->backend == STORE_PG) {
		q->sql = number_placeholders(sql, &q->nparams);
		if (!q->sql || q->nparams > MAX_PARAMS) {
			sq_finish(q);
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		}
	} else if (sqlite3_prepare_v2(st->db, sql, -1, &q->s, NULL) != SQLITE_OK) {
		enum pl_rc rc = pli_store_db_err(st, err, "prepare");

		sq_finish(q);
		return rc;
	}
	*out = q;
	return PL_OK;
}

static void
set_param(struct store_q *q, int i, char *v)
{
	if (i < 1 || i > MAX_PARAMS) {
		free(v);
		return;
	}
	free(q->params[i - 1]);
	q->params[i - 1] = v;
}

void
sq_bind_text(struct store_q *q, int i, const char *v)
{
	if (q->st->backend == STORE_PG)
		set_param(q, i, strdup(v ? v : ""));
	else
		sqlite3_bind_text(q->s, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

void
sq_bind_int(struct store_q *q, int i, int64_t v)
{
	char text[24];

	if (q->st->backend == STORE_PG) {
		snprintf(text, sizeof(text), "%lld", (long long)v);
		set_param(q, i, strdup(text));
	} else {
		sqlite3_bind_int64(q->s, i, v);
	}
}

/* A foreign-key violation (SQLSTATE 23503) is "the row referred to is absent". */
static enum pl_rc
pg_step(struct store_q *q, int *row, struct pl_err *err)
{
	ExecStatusType status;
	uint64_t changed;

	if (!q->res) {
		const char *values[MAX_PARAMS];

		for (int i = 0; i < q->nparams; i++) {
			if (!q->params[i])
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			values[i] = q->params[i];
		}
		if (PQstatus(q->st->pg) == CONNECTION_BAD)
			PQreset(q->st->pg); /* a restarted server: one new try */
		q->res = PQexecParams(q->st->pg, q->sql, q->nparams, NULL, values, NULL, NULL, 0);
		status = PQresultStatus(q->res);
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
			const char *state = PQresultErrorField(q->res, PG_DIAG_SQLSTATE);

			if (state && strcmp(state, "23503") == 0)
				return pl_err_set(err, PL_ERR_NOTFOUND, "no such row");
			return store_pg_err(q->st, err, "query");
		}
		q->nrows = PQntuples(q->res);
		q->row = -1;
		q->changes = 0;
		if (pli_parse_u64(PQcmdTuples(q->res), 0, INT64_MAX, &changed, NULL) == PL_OK)
			q->changes = (int64_t)changed;
	}
	q->row++;
	*row = q->row < q->nrows;
	return PL_OK;
}

enum pl_rc
sq_step(struct store_q *q, int *row, struct pl_err *err)
{
	int rc;

	*row = 0;
	if (q->st->backend == STORE_PG)
		return pg_step(q, row, err);
	rc = sqlite3_step(q->s);
	if (rc == SQLITE_ROW) {
		*row = 1;
		return PL_OK;
	}
	if (rc == SQLITE_DONE) {
		q->changes = sqlite3_changes(q->st->db);
		return PL_OK;
	}
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return pl_err_set(err, PL_ERR_NOTFOUND, "no such row");
	return pli_store_db_err(q->st, err, "query");
}

const char *
sq_text(struct store_q *q, int col)
{
	const char *t;

	if (q->st->backend == STORE_PG)
		return q->res && q->row >= 0 && q->row < q->nrows ? PQgetvalue(q->res, q->row, col)
		                                                  : "";
	t = (const char *)sqlite3_column_text(q->s, col);
	return t ? t : "";
}

int64_t
sq_int(struct store_q *q, int col)
{
	const char *v;
	uint64_t u;

	if (q->st->backend != STORE_PG)
		return sqlite3_column_int64(q->s, col);
	v = sq_text(q, col);
	if (v[0] == '-')
		return pli_parse_u64(v + 1, 0, INT64_MAX, &u, NULL) == PL_OK ? -(int64_t)u : 0;
	return pli_parse_u64(v, 0, INT64_MAX, &u, NULL) == PL_OK ? (int64_t)u : 0;
}

char *
sq_dup(struct store_q *q, int col)
{
	char *s = strdup(sq_text(q, col));

	if (!s)
		q->nomem = 1;
	return s;
}

enum pl_rc
sq_read_rows(struct store_q *q, void *arrayp, size_t *n, size_t sz, sq_row_fn fill, void *ctx,
             struct pl_err *err)
{
	size_t cap = 0;
	enum pl_rc rc;
	int row = 0;
	char *v;

	*n = 0;
	while ((rc = sq_step(q, &row, err)) == PL_OK && row) {
		if (pli_array_reserve(arrayp, &cap, *n + 1, sz, 16) != PL_OK) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			break;
		}
		memcpy(&v, arrayp, sizeof(v));
		memset(v + *n * sz, 0, sz);
		if (!fill(q, v + (*n)++ * sz, ctx) || q->nomem) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sq_finish(q);
	return rc;
}

int64_t
sq_changes(struct store_q *q)
{
	return q->changes;
}

void
sq_reset(struct store_q *q)
{
	if (q->st->backend == STORE_PG) {
		PQclear(q->res);
		q->res = NULL;
	} else {
		sqlite3_reset(q->s);
	}
}

void
sq_finish(struct store_q *q)
{
	if (!q)
		return;
	sqlite3_finalize(q->s);
	PQclear(q->res);
	for (int i = 0; i < MAX_PARAMS; i++)
		free(q->params[i]);
	free(q->sql);
	free(q);
}

enum pl_rc
store_exec(struct pl_store *st, const char *sql, struct pl_err *err)
{
	char *msg = NULL;
	enum pl_rc rc = PL_OK;

	if (st->backend == STORE_PG) {
		PGresult *r = PQexec(st->pg, sql);
		ExecStatusType s = PQresultStatus(r);

		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
			rc = store_pg_err(st, err, "query");
		PQclear(r);
		return rc;
	}
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		rc = pl_err_set(err, PL_ERR_IO, "%s: %s", st->path, msg ? msg : "sqlite error");
	sqlite3_free(msg);
	return rc;
}

int
store_in_txn(struct pl_store *st)
{
	if (st->backend == STORE_PG)
		return PQtransactionStatus(st->pg) != PQTRANS_IDLE;
	return !sqlite3_get_autocommit(st->db);
}
