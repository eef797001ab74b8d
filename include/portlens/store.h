/* SPDX-License-Identifier: MIT */
/*
 * portlens/store.h - the store: saved scans with their results, the events of `portlens
 * watch` and each machine's listeners (the fleet), and the votes of the web's "Was this
 * page helpful?" widget.
 *
 * Two backends behind one interface, chosen by what pl_store_open is given: an SQLite
 * file (the embedded default, $XDG_DATA_HOME/portlens/portlens.db, in WAL mode so the
 * web server reads while `portlens scan --save` writes), or a PostgreSQL database
 * ("postgresql://..." through libpq), where many machines push their scans, listeners
 * and events to one place. The tables are the same in both. Every scan result is
 * committed as it is added: a crash mid-scan loses nothing already reported (the scan
 * then stays in status "running"). Batches (import, a watch's events) are one
 * transaction, sent by COPY to PostgreSQL: all of a batch or none of it. The schema
 * carries its version (SQLite: PRAGMA user_version; PostgreSQL: the portlens_meta
 * table) and is migrated forward on open by one ordered list of migrations.
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
#define PL_STORE_SCHEMA_VERSION 7

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

/* Nonzero when db names a PostgreSQL database ("postgresql://..." or "postgres://..."). */
int pl_store_is_url(const char *db);

/*
 * Opens the store at path: a PostgreSQL connection URI (pl_store_is_url; flags other
 * than PL_STORE_READONLY do not apply), else an SQLite file, created unless
 * PL_STORE_READONLY (a new file gets mode 0600, and so do its -wal and -shm files) and
 * switched to WAL. Either way the schema is migrated to PL_STORE_SCHEMA_VERSION (in
 * PostgreSQL under an advisory lock, so machines connecting at once do not race). On
 * success *out owns the connection (pl_store_close). Returns PL_OK, PL_ERR_IO (cannot
 * open or connect, not a portlens database), PL_ERR_UNSUPPORTED (written by a newer
 * portlens) or PL_ERR_NOMEM.
 */
enum pl_rc pl_store_open(const char *path, unsigned flags, struct pl_store **out,
                         struct pl_err *err);

/* Closes the connection. NULL is a no-op. */
void pl_store_close(struct pl_store *st);

/* The schema version found in the file (after migration: PL_STORE_SCHEMA_VERSION). */
int pl_store_schema_version(const struct pl_store *st);

/* "sqlite" or "postgresql". */
const char *pl_store_backend(const struct pl_store *st);

/* Where the store is: the file, or the URL with any password replaced by "***". */
const char *pl_store_where(const struct pl_store *st);

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

/* Deletes a scan and its results (one transaction). PL_ERR_NOTFOUND when absent. */
enum pl_rc pl_store_scan_delete(struct pl_store *st, int64_t id, struct pl_err *err);

/* ---- watch events, listeners, the fleet ------------------------------------------- */

/*
 * One event: a listener that appeared or vanished on a machine (`portlens watch`:
 * kind "new"/"gone"), or a port that opened or closed, or a service whose product or
 * version changed, between two scheduled scans (`watch --scan`: "opened", "closed",
 * "changed"). Strings borrowed; NULL is "".
 */
struct pl_store_event {
	const char *event_id; /* unique, e.g. "HOSTNAME-SEQ": a second add is ignored */
	const char *host;     /* the machine (watch) or the scanned address (--scan) */
	int64_t at_ms;        /* unix milliseconds */
	const char *kind;     /* "new", "gone", "opened", "closed", "changed" */
	const char *source;   /* what noticed it: "bpf", "poll", "start", "scan" */
	const char *proto;    /* "tcp4", "udp6", "tcp", ... */
	const char *addr;
	uint16_t port;
	const char *netns, *process, *user, *unit, *container;
	int64_t pid;
	const char *detail; /* "OpenSSH 9.2 -> 9.6", "NOT in the baseline", ... */
	const char *json;   /* the whole event as watch wrote it */
};

/* An event as read back; strings owned ("" when not recorded). */
struct pl_store_event_row {
	int64_t id, at_ms, pid;
	uint16_t port;
	char *event_id, *host, *kind, *source, *proto, *addr;
	char *netns, *process, *user, *unit, *container, *detail;
};

/*
 * Adds n events in one transaction (COPY into PostgreSQL); an event whose event_id is
 * already stored is skipped, so a batch sent twice is stored once. PL_ERR_ARG for an
 * event without id, host or kind.
 */
enum pl_rc pl_store_events_add(struct pl_store *st, const struct pl_store_event *ev, size_t n,
                               struct pl_err *err);

/* The newest events first, at most limit (0: 100), of one host (NULL: every host) and
 * one port (0: every port). Free with pl_store_events_free. */
enum pl_rc pl_store_events_list(struct pl_store *st, const char *host, uint16_t port, size_t limit,
                                struct pl_store_event_row **out, size_t *n, struct pl_err *err);
void pl_store_events_free(struct pl_store_event_row *v, size_t n);

/* One listener of a machine, as `portlens watch` last saw it. Strings borrowed. */
struct pl_store_listener {
	const char *proto, *addr; /* "tcp4", "0.0.0.0" */
	uint16_t port;
	const char *netns, *process, *user, *unit, *container;
	int64_t pid;
	int baseline; /* -1 no baseline, 0 not covered, 1 covered */
};

/* A listener as read back; strings owned. */
struct pl_store_listener_row {
	char *host, *proto, *addr, *netns, *process, *user, *unit, *container;
	uint16_t port;
	int64_t pid, seen_ms;
	int baseline;
};

/* Replaces every listener of host by these n (one transaction; COPY into PostgreSQL). */
enum pl_rc pl_store_listeners_set(struct pl_store *st, const char *host, int64_t seen_ms,
                                  const struct pl_store_listener *l, size_t n, struct pl_err *err);
/* The listeners of host (NULL: of every host), by host, port, proto. */
enum pl_rc pl_store_listeners_list(struct pl_store *st, const char *host,
                                   struct pl_store_listener_row **out, size_t *n,
                                   struct pl_err *err);
void pl_store_listeners_free(struct pl_store_listener_row *v, size_t n);

/* A host of the fleet: a machine that pushed listeners or events, or a scanned address. */
struct pl_store_host {
	char *host;
	int64_t listeners;  /* as watch last saw them (0 for a scanned address) */
	int64_t events;     /* events stored for it */
	int64_t scans;      /* saved scans with a result for it */
	int64_t open_ports; /* open in its newest saved scan */
	int64_t last_ms;    /* newest listener snapshot, event or scan, unix ms */
};

/* Every host, by name (at most limit, 0: 1000). Free with pl_store_hosts_free. */
enum pl_rc pl_store_hosts(struct pl_store *st, size_t limit, struct pl_store_host **out, size_t *n,
                          struct pl_err *err);
void pl_store_hosts_free(struct pl_store_host *v, size_t n);

/* ---- timelines: what changed when -------------------------------------------------- */

/* One change in a timeline (strings owned). */
struct pl_store_change {
	int64_t at_ms;
	int64_t scan_id; /* the scan that showed it, 0 for a watch event */
	char *host, *proto, *kind, *detail;
	uint16_t port;
};

/*
 * What changed when for host (port 0) or for port (host NULL), newest first, at most
 * limit (0: 200): the stored events, and the differences between consecutive saved
 * scans of the same address: a port first seen open ("open"), "opened", "closed" (open
 * before, closed or not reported by a later scan of the host), "changed" (product or
 * version). Free with pl_store_changes_free.
 */
enum pl_rc pl_store_timeline(struct pl_store *st, const char *host, uint16_t port, size_t limit,
                             struct pl_store_change **out, size_t *n, struct pl_err *err);
void pl_store_changes_free(struct pl_store_change *v, size_t n);

/* ---- counts for metrics ------------------------------------------------------------- */

struct pl_store_counts {
	int64_t scans, results, events, hosts;
	int64_t scans_by_status[4];   /* done, running, interrupted, other */
	int64_t events_by_kind[6];    /* new, gone, opened, closed, changed, other */
	int64_t listeners_by_flag[3]; /* in the baseline, NOT in it, no baseline */
};

/* Fills c from the store (a handful of COUNT queries). */
enum pl_rc pl_store_counts(struct pl_store *st, struct pl_store_counts *c, struct pl_err *err);

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
