/* SPDX-License-Identifier: MIT */
/*
 * portlens/store.h - the SQLite store: saved scans with their results, and the votes of
 * the web's "Was this page helpful?" widget.
 *
 * One database file (default: $XDG_DATA_HOME/portlens/portlens.db) in WAL mode, so the
 * web server reads while `portlens scan --save` writes. Every scan result is committed
 * as it is added: a crash mid-scan loses nothing already reported (the scan then stays
 * in status "running"). The schema carries its version in PRAGMA user_version and is
 * migrated forward on open.
 *
 * A struct pl_store is one connection; it is not safe to use from two threads at once
 * (callers serialise, e.g. the web server holds a mutex around it). The readers and the
 * votes functions take a NULL store (no database could be opened) and then return
 * PL_ERR_IO "no database".
 */
#ifndef PORTLENS_STORE_H
#define PORTLENS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/port.h"

/* Schema version written by this build (PRAGMA user_version). */
#define PL_STORE_SCHEMA_VERSION 3

struct pl_store;

enum {
	PL_STORE_READONLY = 1u << 0, /* open for reading only; the file must exist */
	PL_STORE_MKDIR = 1u << 1,    /* create the parent directory (mode 0700) if missing */
};

/*
 * Writes the default database path into buf: $XDG_DATA_HOME/portlens/portlens.db, or
 * $HOME/.local/share/portlens/portlens.db. Returns PL_OK, PL_ERR_NOTFOUND (neither
 * variable is set to an absolute path) or PL_ERR_LIMIT (buf too small).
 */
enum pl_rc pl_store_default_path(char *buf, size_t size, struct pl_err *err);

/*
 * Opens (creating unless PL_STORE_READONLY; a new file gets mode 0600, and so do its -wal
 * and -shm files) the database at path, switches it to WAL,
 * and migrates the schema to PL_STORE_SCHEMA_VERSION. On success *out owns the
 * connection (pl_store_close). Returns PL_OK, PL_ERR_IO (cannot open or not a portlens
 * database), PL_ERR_UNSUPPORTED (written by a newer portlens) or PL_ERR_NOMEM.
 */
enum pl_rc pl_store_open(const char *path, unsigned flags, struct pl_store **out,
                         struct pl_err *err);

/* Closes the connection. NULL is a no-op. */
void pl_store_close(struct pl_store *st);

/* The schema version found in the file (after migration: PL_STORE_SCHEMA_VERSION). */
int pl_store_schema_version(const struct pl_store *st);

/* ---- scans ------------------------------------------------------------------------ */

/* What a scan was asked to do; all strings borrowed, NULL allowed. */
struct pl_store_scan_meta {
	const char *targets; /* as the user wrote them, e.g. "127.0.0.1/30" */
	const char *ports;   /* e.g. "1-1024" */
	const char *engine;  /* e.g. "connect" */
	const char *command; /* the command line, for the record */
	int64_t started_at;  /* unix seconds; 0: now */
};

/* One result as a scan reports it; strings borrowed, NULL allowed except addr/state. */
struct pl_store_result {
	const char *addr; /* "127.0.0.1", "::1" */
	uint16_t port;
	enum pl_proto proto;
	const char *state;   /* "open", "closed", "filtered", ... */
	const char *service; /* detected or registered service name */
	const char *banner;  /* first bytes the service sent, as text */
	const char *product; /* service detection: "OpenSSH", or NULL */
	const char *version; /* "9.2p1", or NULL */
	const char *cpe;     /* "cpe:/a:openbsd:openssh:9.2p1", or NULL */
	int64_t rtt_us;      /* -1 when unknown */
	int64_t observed_at; /* unix seconds; 0: now */
};

/* Starts a scan record in status "running". *scan_id receives its id. */
enum pl_rc pl_store_scan_begin(struct pl_store *st, const struct pl_store_scan_meta *meta,
                               int64_t *scan_id, struct pl_err *err);

/* Appends one result and commits it before returning. PL_ERR_NOTFOUND: no such scan. */
enum pl_rc pl_store_scan_add(struct pl_store *st, int64_t scan_id, const struct pl_store_result *r,
                             struct pl_err *err);

/* Marks a scan finished with status ("done", "interrupted", "failed"). */
enum pl_rc pl_store_scan_finish(struct pl_store *st, int64_t scan_id, const char *status,
                                struct pl_err *err);

/* A saved scan as read back. Strings owned by the struct ("" when not recorded). */
struct pl_store_scan {
	int64_t id;
	char *targets, *ports, *engine, *command, *status;
	int64_t started_at, finished_at; /* finished_at 0 while running */
	int64_t n_results, n_open;
};

/* A saved result as read back; strings owned ("" when not recorded). */
struct pl_store_result_row {
	int64_t id;
	char *addr, *proto, *state, *service, *banner;
	char *product, *version, *cpe; /* "" when not detected or saved before schema 3 */
	uint16_t port;
	int64_t rtt_us, observed_at;
};

/*
 * The newest scans first, at most limit (0: 100). On success *out is an array of *n
 * scans the caller frees with pl_store_scans_free (NULL when none).
 */
enum pl_rc pl_store_scans_list(struct pl_store *st, size_t limit, struct pl_store_scan **out,
                               size_t *n, struct pl_err *err);

/* One scan by id into *out (free with pl_store_scan_cleanup). PL_ERR_NOTFOUND if absent. */
enum pl_rc pl_store_scan_get(struct pl_store *st, int64_t id, struct pl_store_scan *out,
                             struct pl_err *err);

/* The results of a scan, at most limit (0: all), sorted by host in numeric address order
 * (IPv4 before IPv6), then transport (tcp, udp, sctp, as nmap lists them), then port. */
enum pl_rc pl_store_scan_results(struct pl_store *st, int64_t id, size_t limit,
                                 struct pl_store_result_row **out, size_t *n, struct pl_err *err);

void pl_store_scan_cleanup(struct pl_store_scan *s);
void pl_store_scans_free(struct pl_store_scan *v, size_t n);
void pl_store_results_free(struct pl_store_result_row *v, size_t n);

/*
 * A transaction around many writes (`portlens import`): between pl_store_begin and
 * pl_store_commit the calls above commit nothing on their own; the whole batch becomes
 * visible at COMMIT or, after pl_store_rollback or a crash, never. Return PL_OK or
 * PL_ERR_IO (e.g. the database is locked by another writer past the busy timeout).
 * pl_store_rollback is a no-op outside a transaction.
 */
enum pl_rc pl_store_begin(struct pl_store *st, struct pl_err *err);
enum pl_rc pl_store_commit(struct pl_store *st, struct pl_err *err);
void pl_store_rollback(struct pl_store *st);

/* Appends n results to a scan with one prepared statement; inside pl_store_begin/commit
 * it commits nothing itself. Returns as pl_store_scan_add. */
enum pl_rc pl_store_scan_add_many(struct pl_store *st, int64_t scan_id,
                                  const struct pl_store_result *rows, size_t n, struct pl_err *err);

/* ---- a streaming sink for `portlens scan --save` ---------------------------------- */

struct pl_store_sink;

/*
 * Opens the database at path (NULL: the default path, directory created) and starts a
 * scan. Each pl_store_sink_add commits its result at once. Returns as pl_store_open.
 */
enum pl_rc pl_store_sink_open(const char *path, const struct pl_store_scan_meta *meta,
                              struct pl_store_sink **out, struct pl_err *err);
enum pl_rc pl_store_sink_add(struct pl_store_sink *sink, const struct pl_store_result *r,
                             struct pl_err *err);
/* The id of the scan being written. */
int64_t pl_store_sink_scan_id(const struct pl_store_sink *sink);
/* Finishes the scan with status (NULL: "done") and frees the sink. NULL is a no-op.
 * Returns the status of the final update. */
enum pl_rc pl_store_sink_close(struct pl_store_sink *sink, const char *status, struct pl_err *err);

/* ---- feedback votes --------------------------------------------------------------- */

enum pl_vote {
	PL_VOTE_YES = 0,
	PL_VOTE_PARTLY,
	PL_VOTE_NO,
	PL_VOTE_COUNT,
};

/* "yes", "partly", "no". */
const char *pl_vote_name(enum pl_vote v);
/* Parses a vote name; PL_OK or PL_ERR_PARSE. */
enum pl_rc pl_vote_parse(const char *s, enum pl_vote *out);

/*
 * Records visitor's vote on page (e.g. "port/2323"): one vote per visitor per page, a
 * second vote replaces the first. *replaced (may be NULL) is set to 1 when an earlier
 * vote was replaced. Returns PL_OK, PL_ERR_ARG (empty page or visitor, bad choice).
 */
enum pl_rc pl_store_vote(struct pl_store *st, const char *page, const char *visitor,
                         enum pl_vote choice, int *replaced, struct pl_err *err);

/*
 * Vote totals for page into counts[PL_VOTE_COUNT]; *mine (may be NULL) receives the
 * visitor's own choice or -1 (visitor may be NULL).
 */
enum pl_rc pl_store_vote_counts(struct pl_store *st, const char *page, const char *visitor,
                                int64_t counts[PL_VOTE_COUNT], int *mine, struct pl_err *err);

#endif
