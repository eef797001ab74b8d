/* SPDX-License-Identifier: MIT */
/*
 * store/store_impl.h - internals shared by the store's files: the connection struct and
 * small SQLite helpers (store.c opens and migrates, scans.c and votes.c query).
 */
#ifndef PL_STORE_IMPL_H
#define PL_STORE_IMPL_H

#include <sqlite3.h>
#include <stdio.h>

#include "portlens/store.h"

struct pl_store {
	sqlite3 *db;
	char *path;
	int version;
	int readonly;
};

/* Fills err from the connection's last error ("PATH: what: sqlite message"). */
enum pl_rc pl_store_db_err(struct pl_store *st, struct pl_err *err, const char *what);
/* Runs SQL without results. */
enum pl_rc pl_store_exec(struct pl_store *st, const char *sql, struct pl_err *err);
/* strdup of a text column ("" for NULL); NULL when out of memory. */
char *pl_store_col_dup(sqlite3_stmt *s, int col);

#endif
