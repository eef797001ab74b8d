/* SPDX-License-Identifier: MIT */
/*
 * cli/watch_cmd.h - what the files of `portlens watch` share: the run's settings and
 * state (cmd_watch.c) and the outputs (watch_out.c).
 */
#ifndef PL_CLI_WATCH_CMD_H
#define PL_CLI_WATCH_CMD_H

#include <stdint.h>

#include "cli/cli.h"
#include "portlens/store.h"
#include "portlens/watch.h"

struct pl_diff_change;
struct watch_scan;

/* Events waiting for the store (deep copies), retried until it takes them. */
struct watch_dbq {
	struct pl_store_event *v;
	size_t n, cap;
	uint64_t dropped; /* over the bound: the event log still has them */
};

struct watch_run {
	struct pl_cli *cli;
	const char *baseline_path, *state_dir, *webhook_url, *db, *scan_spec;
	unsigned interval_ms, webhook_timeout_ms, duration_s;
	int force_poll, syslog;
	struct pl_baseline baseline;
	int have_baseline;
	struct pl_sock_query query;
	struct pl_watch_log *log;
	struct pl_webhook *webhook;
	uint64_t seq;
	char id_prefix[48];
	const char *source; /* what triggered the snapshot being compared: "bpf", "poll" */
	uint64_t events, kernel_looks;
	int failed; /* the event log could not be written: stop */
	int bpf;    /* the kernel event source is on: polls need only look at UDP */
	/* events of one look, committed together (one write, one fdatasync) */
	struct pl_buf batch;
	struct watch_pending *pending;
	size_t n_pending, cap_pending;
	char hostname[256];     /* this machine, as the store's fleet names it */
	struct pl_store *store; /* --db: events and listeners go here too */
	struct watch_dbq dbq;
	int listeners_dirty; /* the store missed the latest listener set: send again */
	int db_warned;
	struct watch_scan *scan; /* --scan */
	char log_path[4200];
	unsigned log_max_kb; /* --log-max-kb: rotate past this many KiB (0: never) */
	uint64_t rotations;
};

/* An event written to the batch, announced once the batch is committed: a listener
 * change (l set) or a difference between two scheduled scans (c set). */
struct watch_pending {
	int gone;
	int64_t time_ms;
	size_t off, len; /* its JSON line within batch */
	char id[80];
	const struct pl_watch_listener *l;
	const struct pl_diff_change *c;
};

/* The stable journal MESSAGE_IDs of the kinds of event (docs/watch.md). */
extern const char watch_msgid_new[];
extern const char watch_msgid_gone[];
extern const char watch_msgid_opened[];
extern const char watch_msgid_closed[];
extern const char watch_msgid_changed[];

/* A new entry in the batch (id and seq assigned); NULL when out of memory (w->failed). */
struct watch_pending *watch_pending_new(struct watch_run *w);
/* Commits the batch to the event log, then announces each event everywhere. */
void watch_commit(struct watch_run *w);

/* One human line for an event (no newline). */
void watch_describe(struct pl_buf *b, int gone, const struct pl_watch_listener *l);
/* Writes a committed event to standard output (text or its JSON line). */
void watch_print(struct watch_run *w, const struct pl_buf *json, const struct watch_pending *p);
/* Sends a committed event to the journal (or syslog) when --syslog was given. */
void watch_syslog(struct watch_run *w, const struct pl_buf *json, const struct watch_pending *p);

/* ---- the event log's rotation, watch_log.c ---- */

/* Before a batch and on every tick: past --log-max-kb, and once the webhook has
 * delivered it all, the log becomes events.jsonl.1 and a new one starts. */
void watch_log_rotate_check(struct watch_run *w);
/* SIGHUP: the log was renamed from outside (logrotate): open the path anew. */
void watch_log_reopen(struct watch_run *w);

/* ---- the store (--db), watch_db.c ---- */

/* Opens the store named by --db. PL_EXIT_OK or PL_EXIT_FAIL (printed). */
int watch_db_open(struct watch_run *w);
/* Queues the committed batch's events for the store and sends what is queued. */
void watch_db_events(struct watch_run *w);
/* Replaces this machine's listeners in the store by the snapshot's. */
void watch_db_listeners(struct watch_run *w, const struct pl_watch_snap *snap);
/* Sends again what the store did not take (events, the listener set). */
void watch_db_retry(struct watch_run *w, const struct pl_watch_snap *snap);
void watch_db_close(struct watch_run *w);

/* ---- scheduled scans (--scan), watch_scan.c ---- */

/* Parses --scan's spec, checks the scan's arguments (a --dry-run), loads the previous
 * scan from dir. PL_EXIT_OK, PL_EXIT_USAGE or PL_EXIT_FAIL (printed). */
int watch_scan_setup(struct watch_run *w, const char *dir);
/* The descriptor that becomes readable when the running scan exits, or -1. */
int watch_scan_fd(const struct watch_run *w);
/* Monotonic ms when the next scan is due (INT64_MAX without --scan). */
int64_t watch_scan_due(const struct watch_run *w);
/* Starts the scan that is due (or notes that the previous one still runs). */
void watch_scan_start(struct watch_run *w, int64_t now_ms);
/* The running scan exited: compares it with the previous one, events committed. */
void watch_scan_reap(struct watch_run *w);
void watch_scan_free(struct watch_run *w);

#endif
