/* SPDX-License-Identifier: MIT */
/*
 * store/store_impl.h - internals shared by the store's files: the connection struct, which
 * is either an SQLite file or a PostgreSQL connection, and the small query layer
 * (query.c) through which every reader and writer speaks to either one.
 *
 * The query layer is what keeps the two backends one store: a statement is written once,
 * with `?` placeholders (turned into $1, $2, ... for PostgreSQL), parameters are bound by
 * position, rows are stepped through and columns read as text or integers. Only what the
 * two SQL dialects do differently lives per backend: the migrations (migrate.c), the
 * order of a scan's results (SQLite sorts with a collation, PostgreSQL's rows are sorted
 * here with the same comparison) and the bulk path (COPY for PostgreSQL, pg.c).
 */
#ifndef PL_STORE_IMPL_H
#define PL_STORE_IMPL_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>

#include "portlens/store.h"

enum store_backend {
	STORE_SQLITE = 0,
	STORE_PG,
};

struct pl_store {
	enum store_backend backend;
	sqlite3 *db; /* STORE_SQLITE */
	PGconn *pg;  /* STORE_PG */
	char *path;  /* the file, or the URL with any password left out */
	int version;
	int readonly;
};

/* ---- the query layer (query.c) ------------------------------------------------------ */

struct store_q;

/* Prepares sql (`?` placeholders, at most 16) on st. PL_ERR_IO with the server's
 * message, PL_ERR_NOMEM. */
enum pl_rc sq_prepare(struct pl_store *st, const char *sql, struct store_q **out,
                      struct pl_err *err);
/* Binds parameter i (1-based); text NULL binds "". */
void sq_bind_text(struct store_q *q, int i, const char *v);
void sq_bind_int(struct store_q *q, int i, int64_t v);
/*
 * Runs the statement (first call) or moves to its next row. *row is 1 while a row is
 * there. PL_ERR_NOTFOUND for a foreign-key violation (the row it refers to is absent),
 * PL_ERR_IO with the database's message otherwise.
 */
enum pl_rc sq_step(struct store_q *q, int *row, struct pl_err *err);
/* Columns of the current row, 0-based; NULL reads as "" and 0. */
const char *sq_text(struct store_q *q, int col);
int64_t sq_int(struct store_q *q, int col);
/* strdup of a text column ("" for NULL); NULL when out of memory (which sq_read_rows
 * notices after each row). */
char *sq_dup(struct store_q *q, int col);
/* Fills one element of a list from the current row of q (columns by sq_int, sq_dup);
 * returns 0 when out of memory for something other than an sq_dup. */
typedef int (*sq_row_fn)(struct store_q *q, void *elem, void *ctx);
/*
 * Reads every row of q (prepared and bound by the caller) into a list: arrayp is the
 * address of a T * that is NULL, sz is sizeof(T); each row gets a zeroed element that
 * fill(q, elem, ctx) fills. Finishes q. On any rc, *arrayp holds the *n elements made so
 * far (the last one maybe half filled): the caller frees them with its list's free
 * function when rc is not PL_OK. PL_ERR_NOMEM, or sq_step's errors.
 */
enum pl_rc sq_read_rows(struct store_q *q, void *arrayp, size_t *n, size_t sz, sq_row_fn fill,
                        void *ctx, struct pl_err *err);
/* Rows changed by the last INSERT, UPDATE or DELETE run by q. */
int64_t sq_changes(struct store_q *q);
/* Makes q ready to run again with new bindings. */
void sq_reset(struct store_q *q);
void sq_finish(struct store_q *q);
/* Runs SQL without parameters or results (several statements allowed). */
enum pl_rc store_exec(struct pl_store *st, const char *sql, struct pl_err *err);
/* Nonzero inside an explicit transaction (pl_store_begin). */
int store_in_txn(struct pl_store *st);

/* ---- per-backend pieces -------------------------------------------------------------- */

/* Opens a PostgreSQL connection into st (pg.c). PL_ERR_IO with libpq's message. */
enum pl_rc store_pg_connect(struct pl_store *st, const char *url, struct pl_err *err);
/* Fills err from the PostgreSQL connection's last error ("PostgreSQL: what: message"). */
enum pl_rc store_pg_err(struct pl_store *st, struct pl_err *err, const char *what);
/* Pointers to rows[0..n) in the order of the results indexes (batch_order.c): address
 * text, port, transport, then as given. Freed by the caller; NULL when out of memory. */
const struct pl_store_result **store_batch_order(const struct pl_store_result *rows, size_t n);
/* Results rows as multi-row INSERTs (bulk_sqlite.c); PL_ERR_NOTFOUND without the scan. */
enum pl_rc store_sqlite_insert_results(struct pl_store *st, int64_t scan_id,
                                       const struct pl_store_result *rows, size_t n,
                                       struct pl_err *err);
/* COPY of results rows (inside the caller's transaction), after locking the scan's row
 * (FOR KEY SHARE); PL_ERR_NOTFOUND when the scan is not there. */
enum pl_rc store_pg_copy_results(struct pl_store *st, int64_t scan_id,
                                 const struct pl_store_result *rows, size_t n, struct pl_err *err);
/* COPY of watch events into a staging table, then added unless their ids are there. */
enum pl_rc store_pg_copy_events(struct pl_store *st, const struct pl_store_event *ev, size_t n,
                                struct pl_err *err);
/* COPY of one host's listeners. */
enum pl_rc store_pg_copy_listeners(struct pl_store *st, const char *host, int64_t seen_ms,
                                   const struct pl_store_listener *l, size_t n, struct pl_err *err);

/* Brings the schema to PL_STORE_SCHEMA_VERSION (migrate.c). */
enum pl_rc store_migrate(struct pl_store *st, struct pl_err *err);

/* Fills err from the SQLite connection's last error ("PATH: what: sqlite message"). */
enum pl_rc pli_store_db_err(struct pl_store *st, struct pl_err *err, const char *what);
/* Registers the "pl_addr" collation (numeric address order, order.c) on a connection;
 * returns an SQLite result code. */
int pli_store_register_order(sqlite3 *db);
/* The numeric address order of order.c over two NUL-terminated strings. */
int store_addr_cmp(const char *a, const char *b);
/* Sorts read-back results as PL_STORE_RESULT_ORDER does (for PostgreSQL). */
void store_sort_results(struct pl_store_result_row *v, size_t n);
/* The ORDER BY of a scan's results: host, transport as nmap lists them, port. */
#define PL_STORE_RESULT_ORDER                                                                      \
	"ORDER BY addr COLLATE pl_addr, CASE proto WHEN 'tcp' THEN 0 WHEN 'udp' THEN 1 "           \
	"WHEN 'sctp' THEN 2 ELSE 3 END, port, id"

#endif
