// SPDX-License-Identifier: MIT
/*
 * store/txn.c - explicit transactions for writers that add many rows at once (`portlens
 * import`): one BEGIN IMMEDIATE ... COMMIT around a whole scan, so an import is either
 * all in the database or not at all (a crash or kill before COMMIT leaves nothing: the
 * WAL frames of an uncommitted transaction are ignored on the next open), and the rows
 * cost one fsync instead of one each.
 */
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
