/* SPDX-License-Identifier: MIT */
/*
 * portlens/pgstore.h - saved scans in PostgreSQL (libpq), for many machines writing to
 * one place: `portlens import --db postgresql://...` and `portlens diff --db
 * postgresql://... ID ...`. The tables are the SQLite store's scans and results
 * (portlens/store.h, schema 3), created and migrated on connect; the schema version is
 * kept in portlens_meta. A scan is written in one transaction with its results sent by
 * COPY, so a crash or a lost connection leaves nothing of it.
 *
 * Not yet: votes, the web server (serve reads SQLite only), listener snapshots.
 */
#ifndef PORTLENS_PGSTORE_H
#define PORTLENS_PGSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/store.h"

struct pl_pgstore;

/* Nonzero when db names a PostgreSQL database ("postgresql://..." or "postgres://..."). */
int pl_pgstore_is_url(const char *db);

/*
 * Connects to url (a libpq connection URI), creating or migrating the tables to
 * PL_STORE_SCHEMA_VERSION (serialised between clients by an advisory lock). On success
 * *out owns the connection (pl_pgstore_close). PL_ERR_IO with libpq's message when the
 * server cannot be reached, PL_ERR_UNSUPPORTED when a newer portlens wrote the schema.
 */
enum pl_rc pl_pgstore_open(const char *url, struct pl_pgstore **out, struct pl_err *err);
void pl_pgstore_close(struct pl_pgstore *pg);

/*
 * Saves a finished scan: the scans row, its n results by COPY, status "done", all in
 * one transaction. *scan_id receives its id. Returns PL_OK, PL_ERR_ARG (a result without
 * address or state), PL_ERR_IO (server error; nothing was saved) or PL_ERR_NOMEM.
 */
enum pl_rc pl_pgstore_save_scan(struct pl_pgstore *pg, const struct pl_store_scan_meta *meta,
                                const struct pl_store_result *rows, size_t n, int64_t *scan_id,
                                struct pl_err *err);

/* One scan's record and all its results, as pl_store_scan_get and pl_store_scan_results
 * return them (free with pl_store_scan_cleanup and pl_store_results_free).
 * PL_ERR_NOTFOUND when there is no such scan. */
enum pl_rc pl_pgstore_scan_read(struct pl_pgstore *pg, int64_t id, struct pl_store_scan *scan,
                                struct pl_store_result_row **rows, size_t *n, struct pl_err *err);

#endif
