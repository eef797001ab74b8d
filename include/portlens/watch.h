/* SPDX-License-Identifier: MIT */
/*
 * portlens/watch.h - what `portlens watch` is made of: snapshots of this machine's
 * listeners with their evidence (process, user, unit, container, namespace, baseline
 * verdict) and the difference between two snapshots; the kernel event source that
 * says when to look again (a BPF program on the sock:inet_sock_set_state raw
 * tracepoint, every network namespace at once); the append-only event log that makes
 * an event "committed"; the webhook deliverer that reads that log; and the journal's
 * native protocol.
 */
#ifndef PORTLENS_WATCH_H
#define PORTLENS_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/sockets.h"

struct pl_buf;

/* ---- snapshots ----------------------------------------------------------------- */

/* One listener with what proves whose it is. Strings are owned by the snapshot. */
struct pl_watch_listener {
	/* identity: these fields, compared as bytes, say "the same listener" */
	struct {
		uint64_t netns; /* namespace inode */
		uint64_t inode; /* socket inode (a listener closed and opened again differs) */
		uint8_t addr[16];
		uint16_t port;
		uint8_t proto, family;
		uint8_t pad[4];
	} key;
	char label[8];   /* "tcp4", "tcp46", "udp6", ... */
	char addr[46];   /* local address as text */
	char netns[64];  /* "host", a /run/netns name or "netns:INODE" */
	char *container; /* of the namespace or the holder, or "" */
	int32_t pid;     /* first holder, 0 when none is visible */
	uint32_t uid;
	char comm[17];
	char user[32];
	char *unit, *cmdline; /* "" when none */
	char service[32];     /* registered service name for the port, or "" */
	int baseline;         /* -1 no baseline given, 0 not covered, 1 covered */
	unsigned baseline_line;
	char baseline_text[96]; /* the line that covers it, as a baseline line */
};

struct pl_watch_snap {
	struct pl_watch_listener *v; /* sorted by key */
	size_t n;
	char *notes; /* the collection's notes joined by "; " (owned; "" when none) */
};

/*
 * Collects the listeners q asks for (q->what is forced to PL_SQ_LISTEN) and judges
 * each against b (NULL: no baseline). On success *out owns a snapshot
 * (pl_watch_snap_cleanup). Returns as pl_sockets_collect.
 */
enum pl_rc pl_watch_snapshot(const struct pl_sock_query *q, struct pl_baseline *b,
                             struct pl_watch_snap *out, struct pl_err *err);
void pl_watch_snap_cleanup(struct pl_watch_snap *s);

/* Called per difference: gone = 0 for a new listener (from the newer snapshot),
 * 1 for a vanished one (from the older). Returns nonzero to stop. */
typedef int (*pl_watch_change_fn)(void *ud, int gone, const struct pl_watch_listener *l);

/* Calls fn for every listener in exactly one of old and cur. Returns the count. */
size_t pl_watch_snap_diff(const struct pl_watch_snap *old, const struct pl_watch_snap *cur,
                          pl_watch_change_fn fn, void *ud);

/* Nonzero when the two snapshots hold the same listeners (keys only). */
int pl_watch_snap_same(const struct pl_watch_snap *a, const struct pl_watch_snap *b);

/*
 * Appends one event as a single JSON line without the newline (schema
 * "portlens.watch/1"): id, seq, time, event ("new"/"gone"), the listener's fields,
 * the baseline verdict, and source (what noticed it: "bpf", "poll", "start").
 */
void pl_watch_event_json(struct pl_buf *out, const char *id, uint64_t seq, int64_t time_ms,
                         int gone, const char *source, const struct pl_watch_listener *l);

/* ---- scheduled scans (watch --scan) --------------------------------------------- */

struct pl_diff_change;

/* "opened", "closed", "changed" (product or version) for a difference between two
 * scheduled scans; NULL for a change between two states that are both not open. */
const char *pl_watch_scan_kind(const struct pl_diff_change *c);

/* One scan event as a JSON line of schema "portlens.watch/1" (no newline): event,
 * source "scan", host, proto, port, state, service, product, version, and the same
 * under "before" as the previous scan had them. */
void pl_watch_scan_event_json(struct pl_buf *out, const char *id, uint64_t seq, int64_t time_ms,
                              const struct pl_diff_change *c);

/* One human line: "opened 198.18.0.2:8080/tcp (http-alt)", "changed ...: A 1 -> A 2". */
void pl_watch_scan_describe(struct pl_buf *b, const struct pl_diff_change *c);

/* ---- the kernel event source ----------------------------------------------------- */

struct pl_watch_bpf;

/*
 * Loads a BPF program on the raw tracepoint sock:inet_sock_set_state that reports
 * every TCP socket entering or leaving LISTEN, in every network namespace, into a
 * ring buffer. Needs root (CAP_BPF, CAP_PERFMON) and a kernel with ring buffers
 * (5.8). PL_ERR_UNSUPPORTED or PL_ERR_PERM with the reason when it cannot run.
 */
enum pl_rc pl_watch_bpf_open(struct pl_watch_bpf **out, struct pl_err *err);
/* The descriptor to poll (readable when records are waiting). */
int pl_watch_bpf_fd(const struct pl_watch_bpf *w);
/* Consumes every waiting record; returns how many there were. */
size_t pl_watch_bpf_drain(struct pl_watch_bpf *w);
void pl_watch_bpf_close(struct pl_watch_bpf *w);

/* ---- the event log: an event is committed once it is here ------------------------ */

struct pl_watch_log;

/*
 * Opens (creating, mode 0600) the append-only JSON-lines event log at path. *last_seq
 * receives the seq of the last complete event in it (0 for a new log); a partial last
 * line (a crash mid-write) is cut off. Returns PL_OK or PL_ERR_IO.
 */
enum pl_rc pl_watch_log_open(const char *path, struct pl_watch_log **out, uint64_t *last_seq,
                             struct pl_err *err);
/* Appends one line (adds the newline) and fdatasyncs: on PL_OK the event is committed. */
enum pl_rc pl_watch_log_append(struct pl_watch_log *log, const char *line, size_t len,
                               struct pl_err *err);
/* Opens path anew (creating it, mode 0600) and appends there from now on: after the
 * file was renamed (rotated). PL_ERR_IO leaves the log as it was. */
enum pl_rc pl_watch_log_reopen(struct pl_watch_log *log, const char *path, struct pl_err *err);
/* The size of the file being appended to, in bytes. */
uint64_t pl_watch_log_size(const struct pl_watch_log *log);
void pl_watch_log_close(struct pl_watch_log *log);

/* ---- webhook ---------------------------------------------------------------------- */

/* An http:// or https:// URL taken apart. */
struct pl_url {
	char host[256];
	char port[8];
	char path[1024];
	int tls; /* https: verified TLS (system trust store; SSL_CERT_FILE overrides) */
};

/* Parses "http://HOST[:PORT][/PATH]" or "https://..." (IPv6 as [ADDR]; default port 80
 * or 443); PL_ERR_PARSE names the problem. */
enum pl_rc pl_url_parse(const char *url, struct pl_url *out, struct pl_err *err);

/* The status code of an HTTP/1.x response's first line, or -1 when it is not one. */
int pl_http_status(const char *buf, size_t len);

struct pl_webhook;

struct pl_webhook_stats {
	uint64_t delivered, attempts, failures;
	int64_t last_status; /* last HTTP status, -1 for a connection error or timeout */
};

/*
 * Starts a thread that POSTs every line of the event log at log_path, in order, to url,
 * from the byte offset saved in offset_path (created if missing). A line is done when
 * the receiver answers 2xx; then the offset is saved (fdatasync), so a restart resumes
 * after it. Failures (refused, 5xx, no answer within timeout_ms) are retried with
 * backoff (0.1 s doubling to 5 s), never skipped; the log on disk is the queue, so a
 * dead receiver costs disk, not memory, and never blocks the caller. Each request
 * carries the event's id in an Idempotency-Key header.
 */
enum pl_rc pl_webhook_start(const char *url, const char *log_path, const char *offset_path,
                            unsigned timeout_ms, struct pl_webhook **out, struct pl_err *err);
/* Wakes the thread: the log has grown. */
void pl_webhook_notify(struct pl_webhook *h);
/* The log was rotated: once the current file is delivered to its end, continue with the
 * file at log_path (opened now) from its start, saving offset 0. PL_ERR_IO. */
enum pl_rc pl_webhook_switch(struct pl_webhook *h, const char *log_path, struct pl_err *err);
/* Nonzero when every complete line of the log was delivered and no switch is pending. */
int pl_webhook_caught_up(struct pl_webhook *h);
/* Copies the counters. */
void pl_webhook_stats(struct pl_webhook *h, struct pl_webhook_stats *out);
/* Stops and joins the thread, waiting at most drain_ms for the backlog; the final
 * counters go to *stats (may be NULL). NULL h: no-op. */
void pl_webhook_stop(struct pl_webhook *h, unsigned drain_ms, struct pl_webhook_stats *stats);

/* ---- journal ---------------------------------------------------------------------- */

/* Sends one entry in the journal's native protocol (KEY=VALUE lines; values with a
 * newline in the binary form) to the datagram socket at path. Keys are upper case.
 * PL_ERR_IO when the socket is absent or refuses. */
enum pl_rc pl_journal_send(const char *path, const char *const *keys, const char *const *values,
                           size_t n, struct pl_err *err);

#endif
