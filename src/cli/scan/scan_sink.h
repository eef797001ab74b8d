/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_sink.h - output sinks of `portlens scan` (text, JSON lines, nmap XML,
 * grepable, CSV) and the progress reporter. A sink is a small vtable over a FILE:
 * begin once, result for every reported probe (streamed and flushed, never collected),
 * end once, also after Ctrl-C, so what was found is on disk whatever happens.
 *
 * With --sV an open port reaches the sinks once its service probe has finished (the
 * service stage holds it meanwhile, see scan_stage_sv.h), together with what the probe
 * found; every other result arrives at once, without service data. With --save the
 * SQLite store is one more sink (scan_save.h).
 */
#ifndef PL_CLI_SCAN_SINK_H
#define PL_CLI_SCAN_SINK_H

#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/scan/scan_hosts.h"
#include "cli/scan/scan_sort.h"
#include "portlens/probe.h"
#include "portlens/scan.h"
#include "core/atomic_file.h"
#include "core/buf.h"

/* Facts about the run every sink may print. */
struct scan_info {
	const char *args;      /* the command line, space-joined */
	const char *services;  /* port list compressed into ranges ("22,80,1000-2000") */
	const char *engine;    /* "connect", "syn", ... */
	const char *scan_type; /* nmap XML scaninfo type: "connect", "syn", ... */
	const char *protocol;  /* nmap XML scaninfo protocol: "tcp", "udp" */
	time_t start;
	time_t end;
	uint64_t n_targets;
	uint64_t n_ports;
	uint64_t space;
	int resumed;
	int interrupted;
	const struct pl_registry *reg;
	const struct pl_kb *kb;
	const struct pl_targets *targets;
	const struct pl_scan_progress *prog; /* set for end() */
	uint64_t hosts_up;                   /* hosts that answered (open or closed) */
	const struct scan_uphost *up;        /* set for end(): those hosts, by address */
	size_t n_up;
	int all_states;    /* every result is reported (--all-states) */
	int all_counted;   /* every probe of every target ran in this run: the ports an up
	                    * host did not answer are known (n_ports - open - closed) */
	int sv;            /* --sV: open ports come with service data */
	int ping;          /* -sn: host discovery only; the outputs list up hosts, no ports */
	uint64_t n_udp;    /* -sS -sU: UDP ports of the n_ports (services lists them "U:") */
	const char *error; /* set for end(): why the run failed (store, engine), or NULL */
	/* Never-probed addresses met (broadcast, multicast, 0.0.0.0/8), named with why;
	 * the first SCAN_SKIP_NAMED distinct ones, and how many more there were. */
	struct scan_skip {
		char addr[64];
		char why[64];
	} skips[8];
	size_t n_skips;
	uint64_t skips_more; /* probes to further never-probed addresses */
};

/* What --sV found on one open port; sinks get NULL for results that were not probed. */
struct scan_sv_result {
	enum pl_rc rc;                /* pl_probe_service's result; PL_OK: it connected */
	const char *errmsg;           /* why not, when rc != PL_OK */
	const struct pl_service *svc; /* always set; svc->service is "" when unidentified */
};

struct scan_sink;

struct scan_sink_ops {
	const char *name; /* "text", "json", "xml", "grepable", "csv", "store" */
	int (*begin)(struct scan_sink *s, const struct scan_info *info);
	int (*result)(struct scan_sink *s, const struct scan_info *info,
	              const struct pl_scan_result *r, const struct scan_sv_result *sv);
	int (*end)(struct scan_sink *s, const struct scan_info *info);
	/* Optional: the run stops before it started (another output cannot be opened). */
	void (*abandon)(struct scan_sink *s);
	/* For a sink that is no file (the store): what the other outputs' footers say when
	 * its end failed. */
	const char *failed_msg;
};

struct scan_sink {
	const struct scan_sink_ops *ops;
	FILE *fp;         /* NULL for a sink that is no file (the store) */
	const char *path; /* NULL or "-" for stdout */
	int append;       /* resumed scan: continue the existing file */
	int reason;       /* show the reason column (text) */
	unsigned width;   /* text: columns a row may take (stdout's terminal, or COLUMNS),
	                   * found before stdout is spooled; 0 = whole rows (files) */
	void *priv;
	/* Line outputs (text, grepable, CSV): the final table is sorted (scan_sort.h). For
	 * '-' they are spooled in a temporary file and written to out at the end. */
	int sorted;
	FILE *out; /* stdout for a spooled sink, else NULL */
	struct scan_sort sort;
	struct pl_atomic_file af; /* the sorted copy of a file, until it replaces it */
	/* A sorted sink renders each result into mem first, so its length and place are
	 * known without asking the file (ftell costs an lseek per result). */
	FILE *mem;
	char *mem_buf;
	size_t mem_len;
	uint64_t off; /* bytes in fp so far */
	int failed;   /* a rendered buffer failed (out of memory): the output is incomplete */
};

extern const struct scan_sink_ops scan_sink_text;
extern const struct scan_sink_ops scan_sink_json;
extern const struct scan_sink_ops scan_sink_xml;
extern const struct scan_sink_ops scan_sink_grep;
extern const struct scan_sink_ops scan_sink_csv;

/* "# skipped, never probed: ADDR (why), ..." for the text and grepable footers. */
void scan_skip_line(FILE *fp, const struct scan_info *info);
/* Writes one result to sink s (through its memory stream when the sink is sorted). */
/* Writes b to fp (the sink's file or a copy of it). A failed buffer is never written:
 * the sink is marked failed and scan_close_sinks fails the output. Returns 0 or -1. */
int scan_sink_put(struct scan_sink *s, FILE *fp, const struct pl_buf *b);
void scan_sink_result(struct scan_sink *s, const struct scan_info *info,
                      const struct pl_scan_result *r, const struct scan_sv_result *sv);
/* Registry service name for port/proto ("ssh"), or "unknown". Static or registry-owned. */
const char *scan_service_name(const struct scan_info *info, uint16_t port, uint8_t proto);
/*
 * The note for a reported port: the highest-risk knowledge fact that holds for what
 * answered. A fact about one piece of software ("Redis reachable without a password")
 * holds only when --sV identified that software (and, for a vulnerability, a version in
 * its affected range); without --sV it reads "if this is Redis: ...". Written into buf;
 * returns buf, or NULL when no fact applies; *risk gets the fact's risk word.
 */
const char *scan_kb_note(const struct scan_info *info, const struct pl_scan_result *r,
                         const struct scan_sv_result *sv, char *buf, size_t size,
                         const char **risk);
/* What the outputs say about one up host. */
struct scan_uphost_view {
	char host[64];    /* its address */
	const char *name; /* the host name it was given as, or NULL */
	uint64_t closed;  /* closed ports not listed (only open ones are reported) */
	int64_t other;    /* filtered or unreachable ports not listed, when info->all_counted;
	                   * -1 when unknown (sharded, resumed or interrupted run) */
};
void scan_uphost_view(const struct scan_info *info, const struct scan_uphost *u,
                      struct scan_uphost_view *v);
/* Formats a time as nmap does ("Sat Nov 21 23:38:40 2026"). */
void scan_time_str(time_t t, char *buf, size_t size);
/* Writes text to fp with XML escaping of & < > " ' (and of bytes XML cannot hold;
 * scan_escape.h); out of memory marks the sink s failed. */
void scan_xml_escape(struct scan_sink *s, FILE *fp, const char *text);

/* The service a probe identified, or NULL (not probed, probe failed, unidentified). */
const struct pl_service *scan_sv_found(const struct scan_sv_result *sv);
/*
 * Appends nmap's "version" text of a service, unescaped: product (or vendor), version,
 * then extra facts in parentheses ("OpenSSH 9.2p1 (Debian)", "nginx 1.22.1 (title:
 * portlens lab)"). Nothing when none of them is known.
 */
void scan_sv_version(const struct pl_service *svc, struct pl_buf *out);

/* Progress on stderr: a status line on a terminal, JSON lines with --stats-json. */
struct scan_progress {
	FILE *fp;
	int tty;           /* redraw one status line */
	double json_every; /* seconds between JSON lines, 0 = off */
	double last_json;
	int drawn;
};

void scan_progress_tick(struct scan_progress *pr, const struct pl_scan_progress *p);
/* After the scan, while --sV probes finish: "service detection: N ports left". */
void scan_progress_sv(struct scan_progress *pr, size_t left);
/* Final line(s): clears the status line; JSON "done" record with peak memory. */
void scan_progress_end(struct scan_progress *pr, const struct pl_scan_progress *p, int interrupted);

#endif
