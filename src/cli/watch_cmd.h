/* SPDX-License-Identifier: MIT */
/*
 * cli/watch_cmd.h - what the files of `portlens watch` share: the run's settings and
 * state (cmd_watch.c) and the outputs (watch_out.c).
 */
#ifndef PL_CLI_WATCH_CMD_H
#define PL_CLI_WATCH_CMD_H

#include <stdint.h>

#include "cli/cli.h"
#include "portlens/watch.h"

struct watch_run {
	struct pl_cli *cli;
	const char *baseline_path, *state_dir, *webhook_url;
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
};

/* An event written to the batch, announced once the batch is committed. */
struct watch_pending {
	int gone;
	int64_t time_ms;
	size_t off, len; /* its JSON line within batch */
	const struct pl_watch_listener *l;
};

/* The stable journal MESSAGE_IDs of the two kinds of event (docs/watch.md). */
extern const char watch_msgid_new[];
extern const char watch_msgid_gone[];

/* One human line for an event (no newline). */
void watch_describe(struct pl_buf *b, int gone, const struct pl_watch_listener *l);
/* Writes a committed event to standard output (text or its JSON line). */
void watch_print(struct watch_run *w, const struct pl_buf *json, int gone,
                 const struct pl_watch_listener *l, int64_t time_ms);
/* Sends a committed event to the journal (or syslog) when --syslog was given. */
void watch_syslog(struct watch_run *w, const struct pl_buf *json, int gone,
                  const struct pl_watch_listener *l);

#endif
