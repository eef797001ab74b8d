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
/* Registers the "pl_addr" collation (numeric address order, order.c) on a connection;
 * returns an SQLite result code. */
int pl_store_register_order(sqlite3 *db);
/* The ORDER BY of a scan's results: host, transport as nmap lists them, port. */
#define PL_STORE_RESULT_ORDER                                                                      \
	"ORDER BY addr COLLATE pl_addr, CASE proto WHEN 'tcp' THEN 0 WHEN 'udp' THEN 1 "           \
	"WHEN 'sctp' THEN 2 ELSE 3 END, port, id"
/* strdup of a text column ("" for NULL); NULL when out of memory. */
char *pl_store_col_dup(sqlite3_stmt *s, int col);

#endif
