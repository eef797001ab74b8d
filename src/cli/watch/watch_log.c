// SPDX-License-Identifier: MIT
/*
 * watch_log.c - keeping `portlens watch`'s event log from growing without end.
 *
 * The log is the webhook's queue (its deliverer reads it by byte offset), so it is never
 * cut under the deliverer: --log-max-kb rotates only once every line was delivered (or
 * there is no webhook), by renaming events.jsonl to events.jsonl.1 (one old generation
 * kept) and opening a new file; the deliverer is told to go on with the new file from
 * offset 0. A receiver that stays down therefore keeps the log growing: it is the queue,
 * and a queue that drops events is not one. SIGHUP serves outside rotation (logrotate
 * renames the file, then signals): watch opens the path anew, and the deliverer moves to
 * the new file once it has read the old one (through its open descriptor) to the end.
 * Event numbers go on across files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/watch/watch_cmd.h"

/* Appends to the file now at w->log_path; the webhook follows once it has caught up. */
static int
reopen(struct watch_run *w)
{
	struct pl_err err = {0};

	if (pl_watch_log_reopen(w->log, w->log_path, &err) != PL_OK ||
	    (w->webhook && pl_webhook_switch(w->webhook, w->log_path, &err) != PL_OK)) {
		pli_cli_print_err(w->cli, &err);
		return 0;
	}
	return 1;
}

void
watch_log_rotate_check(struct watch_run *w)
{
	char old[4300];

	if (!w->log_max_kb || pl_watch_log_size(w->log) < (uint64_t)w->log_max_kb << 10)
		return;
	if (w->webhook && !pl_webhook_caught_up(w->webhook))
		return; /* the deliverer still reads it: later */
	snprintf(old, sizeof(old), "%s.1", w->log_path);
	if (rename(w->log_path, old) != 0) {
		fprintf(w->cli->err, "%s: watch: cannot rotate %s: %s\n", w->cli->prog, w->log_path,
		        strerror(errno));
		return;
	}
	if (reopen(w)) {
		w->rotations++;
		fprintf(w->cli->err, "%s: watch: event log rotated (%s), from event %llu on\n",
		        w->cli->prog, old, (unsigned long long)w->seq + 1);
	}
}

void
watch_log_reopen(struct watch_run *w)
{
	if (reopen(w))
		fprintf(w->cli->err, "%s: watch: SIGHUP: event log reopened (%s)\n", w->cli->prog,
		        w->log_path);
}
