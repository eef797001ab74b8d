// SPDX-License-Identifier: MIT
/*
 * store/txn.c - explicit transactions and the batch write of results (`portlens
 * import`, `scan --save`): one transaction around a whole scan, so an import is either
 * all in the database or not at all (SQLite: the WAL frames of an uncommitted
 * transaction are ignored on the next open; PostgreSQL: an unfinished transaction is
 * rolled back when its connection dies), and the rows cost one commit instead of one
 * each. SQLite adds a batch with one prepared statement; PostgreSQL with one COPY
 * (pg.c), or one INSERT for a single row, where COPY's extra round trips cost more than
 * they save.
 */
#include <time.h>

#include "store/store_impl.h"

enum pl_rc
pl_store_begin(struct pl_store *st, struct pl_err *err)
{
	return store_exec(st, st->backend == STORE_PG ? "BEGIN" : "BEGIN IMMEDIATE", err);
}

enum pl_rc
pl_store_commit(struct pl_store *st, struct pl_err *err)
{
	return store_exec(st, "COMMIT", err);
}

void
pl_store_rollback(struct pl_store *st)
{
	if (st && store_in_txn(st))
		store_exec(st, "ROLLBACK", NULL);
}

static enum pl_rc
insert_rows(struct pl_store *st, int64_t scan_id, const struct pl_store_result *rows, size_t n,
            struct pl_err *err)
{
	struct store_q *q = NULL;
	int64_t now = (int64_t)time(NULL);
	enum pl_rc rc;
	int row;

	/* One statement for the whole batch: preparing it per row cost half the time. */
	rc = sq_prepare(st,
	                "INSERT INTO results(scan_id, addr, port, proto, state, service, "
	                "banner, rtt_us, observed_at, product, version, cpe) "
	                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                &q, err);
	for (size_t i = 0; i < n && rc == PL_OK; i++) {
		const struct pl_store_result *r = &rows[i];

		if (!r->addr || !r->state) {
			rc = pl_err_set(err, PL_ERR_ARG, "a result needs an address and a state");
			break;
		}
		sq_bind_int(q, 1, scan_id);
		sq_bind_text(q, 2, r->addr);
		sq_bind_int(q, 3, r->port);
		sq_bind_text(q, 4, pl_proto_name(r->proto));
		sq_bind_text(q, 5, r->state);
		sq_bind_text(q, 6, r->service);
		sq_bind_text(q, 7, r->banner);
		sq_bind_int(q, 8, r->rtt_us);
		sq_bind_int(q, 9, r->observed_at ? r->observed_at : now);
		sq_bind_text(q, 10, r->product);
		sq_bind_text(q, 11, r->version);
		sq_bind_text(q, 12, r->cpe);
		rc = sq_step(q, &row, err);
		sq_reset(q);
	}
	sq_finish(q);
	return rc;
}

enum pl_rc
pl_store_scan_add_many(struct pl_store *st, int64_t scan_id, const struct pl_store_result *rows,
                       size_t n, struct pl_err *err)
{
	int own_txn;
	enum pl_rc rc;

	if (st->backend != STORE_PG || n == 1)
		rc = insert_rows(st, scan_id, rows, n, err);
	else {
		own_txn = !store_in_txn(st);
		rc = own_txn ? pl_store_begin(st, err) : PL_OK;
		if (rc == PL_OK)
			rc = store_pg_copy_results(st, scan_id, rows, n, err);
		if (own_txn && rc == PL_OK)
			rc = pl_store_commit(st, err);
		if (own_txn && rc != PL_OK)
			pl_store_rollback(st);
	}
	if (rc == PL_ERR_NOTFOUND)
		rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)scan_id);
	return rc;
}
