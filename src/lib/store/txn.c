// SPDX-License-Identifier: MIT
/*
 * store/txn.c - explicit transactions and the batch write of results (`portlens
 * import`, `scan --save`): one transaction around a whole scan, so an import is either
 * all in the database or not at all (SQLite: the WAL frames of an uncommitted
 * transaction are ignored on the next open; PostgreSQL: an unfinished transaction is
 * rolled back when its connection dies), and the rows cost one commit instead of one
 * each. SQLite adds a batch with multi-row INSERTs (bulk_sqlite.c); PostgreSQL with
 * one COPY (pg.c), or one INSERT for a single row, where COPY's extra round trips cost
 * more than they save. PostgreSQL's results have no foreign key to their scan (schema
 * 6: checking it per row was half the server's work): the scan's row is checked and
 * locked once per batch instead, which a concurrent delete waits for (scans.c).
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

/*
 * One result on PostgreSQL, outside COPY: inserted only if its scan is there, whose row
 * stays locked (FOR KEY SHARE) until the transaction ends, as for a batch (pg.c).
 */
static enum pl_rc
pg_insert_one(struct pl_store *st, int64_t scan_id, const struct pl_store_result *r,
              struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row;

	if (!r->addr || !r->state)
		return pl_err_set(err, PL_ERR_ARG, "a result needs an address and a state");
	rc = sq_prepare(st,
	                "INSERT INTO results(scan_id, addr, port, proto, state, service, "
	                "banner, rtt_us, observed_at, product, version, cpe) "
	                "SELECT id, ?, ?::integer, ?, ?, ?, ?, ?::bigint, ?::bigint, ?, ?, ? "
	                "FROM scans WHERE id = ? FOR KEY SHARE",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_text(q, 1, r->addr);
	sq_bind_int(q, 2, r->port);
	sq_bind_text(q, 3, pl_proto_name(r->proto));
	sq_bind_text(q, 4, r->state);
	sq_bind_text(q, 5, r->service);
	sq_bind_text(q, 6, r->banner);
	sq_bind_int(q, 7, r->rtt_us);
	sq_bind_int(q, 8, r->observed_at ? r->observed_at : (int64_t)time(NULL));
	sq_bind_text(q, 9, r->product);
	sq_bind_text(q, 10, r->version);
	sq_bind_text(q, 11, r->cpe);
	sq_bind_int(q, 12, scan_id);
	rc = sq_step(q, &row, err);
	if (rc == PL_OK && sq_changes(q) == 0)
		rc = PL_ERR_NOTFOUND;
	sq_finish(q);
	return rc;
}

enum pl_rc
pl_store_scan_add_many(struct pl_store *st, int64_t scan_id, const struct pl_store_result *rows,
                       size_t n, struct pl_err *err)
{
	int own_txn;
	enum pl_rc rc;

	if (st->backend != STORE_PG)
		rc = store_sqlite_insert_results(st, scan_id, rows, n, err);
	else if (n == 1)
		rc = pg_insert_one(st, scan_id, rows, err);
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
