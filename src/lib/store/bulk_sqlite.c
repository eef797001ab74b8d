// SPDX-License-Identifier: MIT
/*
 * store/bulk_sqlite.c - the SQLite bulk path for results: many rows per INSERT statement
 * (`VALUES (...), (...), ...`), the scan id bound once for all of them, and the caller's
 * strings bound without a copy (SQLITE_STATIC: they outlive the step).
 *
 * Why not one statement per row: at 1,000,000 rows, stepping, resetting and re-binding a
 * one-row statement (with a copy of every string) cost as much CPU as SQLite's own work
 * of writing the row and its three index entries. Rows go in the order given; the
 * caller's transaction (or SQLite's own per statement) makes a batch all or nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "store/store_impl.h"

/* Rows per statement: 11 parameters each, far below SQLite's limit of 32,766. */
#define ROWS_PER_INSERT 64

/* "INSERT ... VALUES (?1, ?, ..., ?), (?1, ?, ...)" for n rows; ?1 is the scan id. */
static enum pl_rc
prepare_insert(struct pl_store *st, size_t n, sqlite3_stmt **out, struct pl_err *err)
{
	struct pl_buf b;
	enum pl_rc rc = PL_OK;

	pli_buf_init(&b);
	pli_buf_puts(&b, "INSERT INTO results(scan_id, addr, port, proto, state, service, banner, "
	                 "rtt_us, observed_at, product, version, cpe) VALUES ");
	for (size_t i = 0; i < n; i++)
		pli_buf_puts(&b, i ? ",(?1,?,?,?,?,?,?,?,?,?,?,?)" : "(?1,?,?,?,?,?,?,?,?,?,?,?)");
	if (pli_buf_failed(&b))
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	else if (sqlite3_prepare_v2(st->db, pli_buf_str(&b), (int)b.len, out, NULL) != SQLITE_OK)
		rc = pli_store_db_err(st, err, "prepare");
	pli_buf_cleanup(&b);
	return rc;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

/* Binds rows[0..n) after the scan id (parameter 1) of a prepared n-row statement. */
static void
bind_rows(sqlite3_stmt *s, const struct pl_store_result *const *rows, size_t n, int64_t now)
{
	int p = 2;

	for (size_t i = 0; i < n; i++) {
		const struct pl_store_result *r = rows[i];

		bind_text(s, p++, r->addr);
		sqlite3_bind_int(s, p++, r->port);
		bind_text(s, p++, pl_proto_name(r->proto));
		bind_text(s, p++, r->state);
		bind_text(s, p++, r->service);
		bind_text(s, p++, r->banner);
		sqlite3_bind_int64(s, p++, r->rtt_us);
		sqlite3_bind_int64(s, p++, r->observed_at ? r->observed_at : now);
		bind_text(s, p++, r->product);
		bind_text(s, p++, r->version);
		bind_text(s, p++, r->cpe);
	}
}

static enum pl_rc
run(struct pl_store *st, sqlite3_stmt *s, struct pl_err *err)
{
	int src = sqlite3_step(s);

	sqlite3_reset(s);
	if (src == SQLITE_DONE)
		return PL_OK;
	if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
		return pl_err_set(err, PL_ERR_NOTFOUND, "no such row");
	return pli_store_db_err(st, err, "insert");
}

enum pl_rc
store_sqlite_insert_results(struct pl_store *st, int64_t scan_id,
                            const struct pl_store_result *rows, size_t n, struct pl_err *err)
{
	sqlite3_stmt *full = NULL, *tail = NULL;
	const struct pl_store_result **order;
	int64_t now = (int64_t)time(NULL);
	size_t i = 0, left;
	enum pl_rc rc = PL_OK;

	for (size_t k = 0; k < n; k++)
		if (!rows[k].addr || !rows[k].state)
			return pl_err_set(err, PL_ERR_ARG, "a result needs an address and a state");
	order = store_batch_order(rows, n);
	if (!order)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (n >= ROWS_PER_INSERT) {
		rc = prepare_insert(st, ROWS_PER_INSERT, &full, err);
		if (rc == PL_OK)
			sqlite3_bind_int64(full, 1, scan_id);
		for (; rc == PL_OK && n - i >= ROWS_PER_INSERT; i += ROWS_PER_INSERT) {
			bind_rows(full, order + i, ROWS_PER_INSERT, now);
			rc = run(st, full, err);
		}
	}
	left = n - i;
	if (rc == PL_OK && left) {
		rc = prepare_insert(st, left, &tail, err);
		if (rc == PL_OK) {
			sqlite3_bind_int64(tail, 1, scan_id);
			bind_rows(tail, order + i, left, now);
			rc = run(st, tail, err);
		}
	}
	sqlite3_finalize(full);
	sqlite3_finalize(tail);
	free(order);
	return rc;
}
