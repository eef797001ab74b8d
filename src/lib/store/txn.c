// SPDX-License-Identifier: MIT
/*
 * store/txn.c - explicit transactions for writers that add many rows at once (`portlens
 * import`): one BEGIN IMMEDIATE ... COMMIT around a whole scan, so an import is either
 * all in the database or not at all (a crash or kill before COMMIT leaves nothing: the
 * WAL frames of an uncommitted transaction are ignored on the next open), and the rows
 * cost one fsync instead of one each. pl_store_scan_add_many adds a batch of results
 * with one prepared statement.
 */
#include <time.h>

#include "store/store_impl.h"

enum pl_rc
pl_store_begin(struct pl_store *st, struct pl_err *err)
{
	return pl_store_exec(st, "BEGIN IMMEDIATE", err);
}

enum pl_rc
pl_store_commit(struct pl_store *st, struct pl_err *err)
{
	return pl_store_exec(st, "COMMIT", err);
}

void
pl_store_rollback(struct pl_store *st)
{
	if (st && !sqlite3_get_autocommit(st->db))
		pl_store_exec(st, "ROLLBACK", NULL);
}

static void
bind_str(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

enum pl_rc
pl_store_scan_add_many(struct pl_store *st, int64_t scan_id, const struct pl_store_result *rows,
                       size_t n, struct pl_err *err)
{
	sqlite3_stmt *s = NULL;
	enum pl_rc rc = PL_OK;
	int64_t now = (int64_t)time(NULL);
	int step;

	/* One statement for the whole batch: preparing it per row cost half the time. */
	if (sqlite3_prepare_v2(st->db,
	                       "INSERT INTO results(scan_id, addr, port, proto, state, service, "
	                       "banner, rtt_us, observed_at, product, version, cpe) "
	                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                       -1, &s, NULL) != SQLITE_OK)
		return pl_store_db_err(st, err, "prepare");
	for (size_t i = 0; i < n && rc == PL_OK; i++) {
		const struct pl_store_result *r = &rows[i];

		if (!r->addr || !r->state) {
			rc = pl_err_set(err, PL_ERR_ARG, "a result needs an address and a state");
			break;
		}
		sqlite3_bind_int64(s, 1, scan_id);
		bind_str(s, 2, r->addr);
		sqlite3_bind_int(s, 3, r->port);
		bind_str(s, 4, pl_proto_name(r->proto));
		bind_str(s, 5, r->state);
		bind_str(s, 6, r->service);
		bind_str(s, 7, r->banner);
		sqlite3_bind_int64(s, 8, r->rtt_us);
		sqlite3_bind_int64(s, 9, r->observed_at ? r->observed_at : now);
		bind_str(s, 10, r->product);
		bind_str(s, 11, r->version);
		bind_str(s, 12, r->cpe);
		step = sqlite3_step(s);
		if (step == SQLITE_CONSTRAINT_FOREIGNKEY)
			rc = pl_err_set(err, PL_ERR_NOTFOUND, "no scan %lld", (long long)scan_id);
		else if (step != SQLITE_DONE)
			rc = pl_store_db_err(st, err, "cannot record the result");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}
