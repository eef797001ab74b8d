// SPDX-License-Identifier: MIT
/*
 * cmd_watch.c - `portlens watch`: a foreground daemon that reports listeners appearing
 * and vanishing on this machine, in every network namespace, with the process, user,
 * unit or container `listen` shows, judged against a baseline file.
 *
 * When to look: as root, a BPF program on the sock:inet_sock_set_state raw tracepoint
 * (src/lib/watch/bpf_listen.c) wakes the loop whenever any TCP socket enters or leaves
 * LISTEN, in any namespace; UDP has no such tracepoint, so UDP (and anything missed) is
 * checked every --interval (default 0.5 s) by a cheap snapshot without processes, which
 * is compared by keys only; the full snapshot with holders is taken only when
 * something changed. Without the BPF source (not root, old kernel, --poll) the same
 * check runs every 250 ms, and watch says so at start.
 *
 * Each change becomes an event: appended to the event log in --state-dir and synced
 * (committed), then printed, sent to the journal (--syslog) and queued for the webhook
 * (--webhook), whose deliverer reads the log on its own thread. Signals arrive through
 * a signalfd in the same poll() as the BPF ring, so no handler and no global is needed.
 */
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/deadline.h"
#include "cli/opts.h"
#include "cli/sockets/render_sockets.h"
#include "cli/watch/watch_cmd.h"
#include "core/strnum.h"
#include "core/array.h"

#define POLL_ONLY_MS 250
#define COALESCE_MS  20 /* after a kernel wake-up, gather what follows this long */

#define FIELD(f) offsetof(struct watch_run, f)

// clang-format off
static const struct pl_cli_opt watch_rows[] = {
    {.text = "usage: portlens watch [OPTIONS]\n"
             "\n"
             "Report listeners that appear or vanish on this machine, in every network\n"
             "namespace, within a second, with the process, user, unit or container holding\n"
             "them. As root the kernel says when a TCP listener changes (BPF on the\n"
             "sock:inet_sock_set_state tracepoint); UDP, and everything without that source, is\n"
             "polled (watch says which). Every event is first appended to the event log in the\n"
             "state directory and synced, then printed, sent to the journal and to the webhook.\n"
             "\n"
             "options:\n"},
    {.name = "baseline", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .fn = pli_cli_opt_str,
     .field = FIELD(baseline_path),
     .help = "judge each listener against FILE (listen --save-baseline)"},
    {.name = "json", .id = PL_OPT_JSON, .help = "one JSON line per event (schema portlens.watch/1)"},
    {.name = "state-dir", .arg = PL_ARG_REQUIRED, .metavar = "DIR", .fn = pli_cli_opt_str,
     .field = FIELD(state_dir),
     .help = "event log and webhook position (default\n"
             "$XDG_STATE_HOME/portlens, or /var/lib/portlens as root)"},
    {.name = "webhook", .arg = PL_ARG_REQUIRED, .metavar = "URL", .fn = pli_cli_opt_str,
     .field = FIELD(webhook_url),
     .help = "POST each event's JSON to http[s]://HOST[:PORT]/PATH, in\n"
             "order, retried until accepted (2xx); the log is the queue"},
    {.name = "webhook-timeout", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = pli_cli_opt_uint,
     .field = FIELD(webhook_timeout_ms), .min = 10, .max = 600000,
     .help = "time allowed per attempt (default 5000)"},
    {.name = "log-max-kb", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = pli_cli_opt_uint,
     .field = FIELD(log_max_kb), .min = 1, .max = 1073741824,
     .help = "rotate the event log past N KiB (events.jsonl.1), once the\n"
             "webhook has delivered it; SIGHUP reopens it after an\n"
             "outside rotation"},
    {.name = "syslog", .fn = pli_cli_opt_flag, .field = FIELD(syslog),
     .help = "also to the journal (MESSAGE_ID per kind) or syslog"},
    {.name = "db", .arg = PL_ARG_REQUIRED, .metavar = "PATH|URL", .usage = "--db PATH|URL",
     .fn = pli_cli_opt_str, .field = FIELD(db),
     .help = "also store events and this machine's listeners (an SQLite\n"
             "file or postgresql://..., for portlens serve's fleet pages)"},
    {.name = "scan", .arg = PL_ARG_REQUIRED, .metavar = "SPEC", .fn = pli_cli_opt_str,
     .field = FIELD(scan_spec), .usage = "--scan 'TARGETS -p PORTS [SCAN OPTIONS] every INTERVAL'",
     .help = "\nscan on a schedule (INTERVAL: 90s, 15m, 1h, 1d) and report\n"
             "ports that opened or closed and services that changed"},
    {.name = "poll", .fn = pli_cli_opt_flag, .field = FIELD(force_poll),
     .help = "do not use the kernel event source"},
    {.name = "interval", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = pli_cli_opt_uint,
     .field = FIELD(interval_ms), .min = 10, .max = 3600000,
     .help = "how often to poll (default 500; 250 without BPF)"},
    {.name = "duration", .arg = PL_ARG_REQUIRED, .metavar = "S", .fn = pli_cli_opt_uint,
     .field = FIELD(duration_s), .min = 1, .max = 31536000,
     .help = "stop after S seconds (default: until SIGINT/SIGTERM)"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
};
// clang-format on

/* Common options watch does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal watch_refuse[] = {
    {.opt = PL_OPT_MARKDOWN, .why = "watch has no Markdown output (--markdown); use --json"},
    {.opt = PL_OPT_NO_LIVE,
     .why = "watch reports this machine's listeners as they change: --no-live leaves "
            "nothing to watch"},
    {.opt = PL_OPT_LANG, .why = "watch speaks English only; --lang is for port pages"},
    {.opt = PL_OPT_COLOR, .why = "watch prints no colour: --color does not apply"},
    {.opt = PL_OPT_WIDTH, .why = "watch prints one line per event: --width does not apply"},
    {.opt = PL_OPT_REGISTRY,
     .why = "watch names listeners by process and unit, not from the registry: "
            "--registry does not apply"},
    {.opt = 0},
};

const struct pl_cli_optset watch_optset = {
    .rows = watch_rows,
    .n = PL_CLI_NROWS(watch_rows),
    .order = "+",
    .help_col = 22,
    .metavar_sep = '=',
    .refuse = watch_refuse,
};

static int
parse_args(struct watch_run *w, int argc, char **argv)
{
	int rc = pli_cli_parse_opts(w->cli, &watch_optset, 0, w, argc, argv);

	if (rc == PL_EXIT_OK && optind < argc)
		rc =
		    pli_cli_usage_error(w->cli, "watch takes no arguments, not '%s'", argv[optind]);
	if (rc == PL_EXIT_OK && w->webhook_url) {
		struct pl_url u;
		struct pl_err err = {0};

		if (pl_url_parse(w->webhook_url, &u, &err) != PL_OK)
			rc = pli_cli_usage_error(w->cli, "--webhook: %s", err.msg);
	}
	return rc;
}

struct watch_pending *
watch_pending_new(struct watch_run *w)
{
	struct watch_pending *p;

	if (PLI_ARRAY_RESERVE(w->pending, w->cap_pending, w->n_pending + 1, 64) != PL_OK) {
		w->failed = 1;
		return NULL;
	}
	p = &w->pending[w->n_pending++];
	memset(p, 0, sizeof(*p));
	p->time_ms = pli_clock_ms(CLOCK_REALTIME);
	p->off = w->batch.len;
	snprintf(p->id, sizeof(p->id), "%s-%llu", w->id_prefix,
	         (unsigned long long)(w->seq + w->n_pending));
	return p;
}

/* One change: its JSON line joins the batch; announced after watch_commit. */
static int
on_change(void *ud, int gone, const struct pl_watch_listener *l)
{
	struct watch_run *w = ud;
	struct watch_pending *p = watch_pending_new(w);

	if (!p)
		return 1;
	p->gone = gone;
	p->l = l;
	pl_watch_event_json(&w->batch, p->id, w->seq + w->n_pending, p->time_ms, gone, w->source,
	                    l);
	p->len = w->batch.len - p->off;
	pli_buf_putc(&w->batch, '\n');
	return 0;
}

/*
 * Commits the batch to the event log (one write, one fdatasync), then announces each
 * event: nothing is printed, logged, sent or stored before it is on disk.
 */
void
watch_commit(struct watch_run *w)
{
	struct pl_err err = {0};

	if (!w->n_pending)
		goto out;
	/* before the batch: the webhook may have delivered everything written so far */
	watch_log_rotate_check(w);
	if (pl_watch_log_append(w->log, w->batch.data, w->batch.len - 1, &err) != PL_OK) {
		pli_cli_print_err(w->cli, &err);
		w->failed = 1;
		goto out;
	}
	w->seq += w->n_pending;
	w->events += w->n_pending;
	for (size_t i = 0; i < w->n_pending; i++) {
		const struct watch_pending *p = &w->pending[i];
		struct pl_buf json = {.data = w->batch.data + p->off, .len = p->len, .cap = 0};

		w->batch.data[p->off + p->len] = '\0';
		watch_print(w, &json, p);
		watch_syslog(w, &json, p);
	}
	if (w->webhook)
		pl_webhook_notify(w->webhook);
	watch_db_events(w);
out:
	w->n_pending = 0;
	pli_buf_reset(&w->batch);
}

static int
snapshot(struct watch_run *w, int processes, struct pl_watch_snap *out)
{
	struct pl_err err = {0};

	w->query.processes = processes;
	if (pl_watch_snapshot(&w->query, w->have_baseline ? &w->baseline : NULL, out, &err) !=
	    PL_OK) {
		pli_cli_print_err(w->cli, &err);
		return PL_EXIT_FAIL;
	}
	if (w->have_baseline)
		for (size_t i = 0; i < w->baseline.n; i++)
			w->baseline.v[i].matched = 0;
	return PL_EXIT_OK;
}

/*
 * A socket being closed is still listed for a moment after its descriptor left the
 * process's file table, so a snapshot taken then finds no holder. For a listener both
 * snapshots have (same socket inode), keep the holder last seen, so its "gone" event
 * names the process that had it.
 */
static void
keep_holders(struct pl_watch_snap *prev, struct pl_watch_snap *cur)
{
	size_t i = 0, j = 0;

	while (i < prev->n && j < cur->n) {
		struct pl_watch_listener *a = &prev->v[i], *b = &cur->v[j];
		int c = memcmp(&a->key, &b->key, sizeof(a->key));

		if (c < 0 || c > 0) {
			i += c < 0;
			j += c > 0;
			continue;
		}
		if (!b->pid && a->pid) {
			struct pl_watch_listener t = *b;

			b->pid = a->pid;
			b->uid = a->uid;
			memcpy(b->comm, a->comm, sizeof(b->comm));
			memcpy(b->user, a->user, sizeof(b->user));
			b->unit = a->unit;
			b->cmdline = a->cmdline;
			b->container = a->container;
			a->unit = t.unit;
			a->cmdline = t.cmdline;
			a->container = t.container;
		}
		i++;
		j++;
	}
}

/* Nonzero when a's listeners of transport proto (-1: all) are exactly b's. */
static int
same_keys(const struct pl_watch_snap *a, const struct pl_watch_snap *b, int proto)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->n && proto >= 0 && a->v[i].key.proto != proto)
			i++;
		while (j < b->n && proto >= 0 && b->v[j].key.proto != proto)
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (memcmp(&a->v[i].key, &b->v[j].key, sizeof(a->v[i].key)) != 0)
			return 0;
		i++;
		j++;
	}
}

/*
 * Looks again: a snapshot without processes first (cheap), compared by keys; only when
 * it differs, the full one, whose differences become events. prev is replaced.
 */
static int
look(struct watch_run *w, struct pl_watch_snap *prev, int full_now)
{
	struct pl_watch_snap cur;
	size_t changed;
	int rc;

	if (!full_now) {
		/* with the kernel source, TCP needs no polling: only UDP is looked at */
		w->query.protos = w->bpf ? PL_PROTO_BIT(PL_PROTO_UDP) : 0;
		rc = snapshot(w, 0, &cur);
		w->query.protos = 0;
		if (rc != PL_EXIT_OK)
			return rc;
		full_now = !same_keys(prev, &cur, w->bpf ? PL_PROTO_UDP : -1);
		pl_watch_snap_cleanup(&cur);
		if (!full_now)
			return PL_EXIT_OK;
	}
	rc = snapshot(w, 1, &cur);
	if (rc != PL_EXIT_OK)
		return rc;
	changed = pl_watch_snap_diff(prev, &cur, on_change, w);
	watch_commit(w);
	keep_holders(prev, &cur);
	pl_watch_snap_cleanup(prev);
	*prev = cur;
	if (changed)
		watch_db_listeners(w, prev);
	return w->failed ? PL_EXIT_FAIL : PL_EXIT_OK;
}

/* The default state directory: /var/lib/portlens for root, else XDG state. */
static int
state_dir(struct watch_run *w, char *buf, size_t size)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (w->state_dir)
		snprintf(buf, size, "%s", w->state_dir);
	else if (geteuid() == 0)
		snprintf(buf, size, "/var/lib/portlens");
	else if (xdg && xdg[0] == '/')
		snprintf(buf, size, "%s/portlens", xdg);
	else if (home && home[0] == '/')
		snprintf(buf, size, "%s/.local/state/portlens", home);
	else
		return pli_cli_usage_error(w->cli, "watch: no --state-dir, HOME or XDG_STATE_HOME");
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return pli_cli_fail(w->cli, "watch: cannot create %s: %s", buf, strerror(errno));
	return PL_EXIT_OK;
}

/* "HOSTNAME" reduced to [a-z0-9-]: event ids are HOSTNAME-SEQ. */
static void
id_prefix(char *buf, size_t size)
{
	char host[64] = "host";

	gethostname(host, sizeof(host) - 1);
	for (size_t i = 0; host[i] && i + 1 < size; i++) {
		char c = host[i];

		buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a')
		         : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c
		                                                              : '-';
		buf[i + 1] = '\0';
	}
}

static int
open_outputs(struct watch_run *w, const char *dir)
{
	char *log_path = w->log_path, off_path[4200];
	struct pl_err err = {0};

	snprintf(w->log_path, sizeof(w->log_path), "%s/events.jsonl", dir);
	snprintf(off_path, sizeof(off_path), "%s/webhook.offset", dir);
	if (pl_watch_log_open(log_path, &w->log, &w->seq, &err) != PL_OK) {
		pli_cli_print_err(w->cli, &err);
		return PL_EXIT_FAIL;
	}
	if (w->webhook_url && pl_webhook_start(w->webhook_url, log_path, off_path,
	                                       w->webhook_timeout_ms, &w->webhook, &err) != PL_OK) {
		pli_cli_print_err(w->cli, &err);
		return PL_EXIT_FAIL;
	}
	fprintf(w->cli->err, "%s: watch: event log %s (continuing after event %llu)\n",
	        w->cli->prog, log_path, (unsigned long long)w->seq);
	return PL_EXIT_OK;
}

static int
setup(struct watch_run *w, struct pl_watch_bpf **bpf, int *sfd)
{
	char dir[4096];
	struct pl_err err = {0};
	sigset_t set;
	int rc;

	/* Blocked before any thread starts (the webhook's), so only the signalfd sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (w->baseline_path) {
		rc = pli_cli_baseline_load(w->cli, w->baseline_path, &w->baseline);
		if (rc != PL_EXIT_OK)
			return rc;
		w->have_baseline = 1;
	}
	gethostname(w->hostname, sizeof(w->hostname) - 1);
	rc = state_dir(w, dir, sizeof(dir));
	/* A bad --scan is bad input: one line and exit 2, before the event log or the
	 * store is opened (it came after "event log ... (continuing after event N)"). */
	if (rc == PL_EXIT_OK)
		rc = watch_scan_setup(w, dir);
	if (rc == PL_EXIT_OK)
		rc = open_outputs(w, dir);
	if (rc == PL_EXIT_OK)
		rc = watch_db_open(w);
	if (rc != PL_EXIT_OK)
		return rc;
	id_prefix(w->id_prefix, sizeof(w->id_prefix));
	*sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (*sfd < 0)
		return pli_cli_fail(w->cli, "watch: signalfd: %s", strerror(errno));
	if (!w->force_poll && pl_watch_bpf_open(bpf, &err) == PL_OK) {
		w->bpf = 1;
		if (!w->interval_ms)
			w->interval_ms = 500;
		fprintf(w->cli->err,
		        "%s: watch: events from the kernel (BPF on sock:inet_sock_set_state: TCP, "
		        "every namespace); UDP polled every %u ms\n",
		        w->cli->prog, w->interval_ms);
	} else {
		if (!w->interval_ms)
			w->interval_ms = POLL_ONLY_MS;
		fprintf(w->cli->err, "%s: watch: polling every %u ms (%s)\n", w->cli->prog,
		        w->interval_ms, w->force_poll ? "--poll" : err.msg);
	}
	return PL_EXIT_OK;
}

static int
loop(struct watch_run *w, struct pl_watch_bpf *bpf, int sfd, struct pl_watch_snap *prev)
{
	int64_t end =
	    w->duration_s ? pli_clock_ms(CLOCK_MONOTONIC) + (int64_t)w->duration_s * 1000 : 0;
	int64_t next_tick = pli_clock_ms(CLOCK_MONOTONIC) + w->interval_ms;
	int rc = PL_EXIT_OK;

	while (rc == PL_EXIT_OK) {
		struct pollfd pfd[3] = {{.fd = sfd, .events = POLLIN},
		                        {.fd = bpf ? pl_watch_bpf_fd(bpf) : -1, .events = POLLIN},
		                        {.fd = watch_scan_fd(w), .events = POLLIN}};
		int64_t now = pli_clock_ms(CLOCK_MONOTONIC), wait = next_tick - now;

		if (end && now >= end)
			break;
		if (end && end - now < wait)
			wait = end - now;
		if (watch_scan_due(w) - now < wait)
			wait = watch_scan_due(w) - now;
		if (poll(pfd, 3, wait < 0 ? 0 : (int)wait) < 0 && errno != EINTR)
			return pli_cli_fail(w->cli, "watch: poll: %s", strerror(errno));
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) &&
			    si.ssi_signo == SIGHUP) {
				watch_log_reopen(w);
				continue;
			}
			break;
		}
		if (pfd[2].revents & POLLIN)
			watch_scan_reap(w);
		if (w->scan && pli_clock_ms(CLOCK_MONOTONIC) >= watch_scan_due(w))
			watch_scan_start(w, pli_clock_ms(CLOCK_MONOTONIC));
		if (bpf && (pfd[1].revents & POLLIN)) {
			/* a burst (a service binding several ports, a churn) is one look */
			struct timespec gather = {.tv_nsec = COALESCE_MS * 1000000L};

			nanosleep(&gather, NULL);
			pl_watch_bpf_drain(bpf);
			w->kernel_looks++;
			w->source = "bpf";
			rc = look(w, prev, 1);
			continue;
		}
		if (pli_clock_ms(CLOCK_MONOTONIC) >= next_tick) {
			w->source = "poll";
			rc = look(w, prev, 0);
			watch_db_retry(w, prev);
			watch_log_rotate_check(w);
			next_tick = pli_clock_ms(CLOCK_MONOTONIC) + w->interval_ms;
		}
	}
	return rc;
}

/* At start: the listeners the baseline does not cover, as events. */
static void
report_baseline(struct watch_run *w, const struct pl_watch_snap *snap)
{
	size_t unexpected = 0;

	w->source = "start";
	for (size_t i = 0; i < snap->n && !w->failed; i++)
		if (snap->v[i].baseline == 0) {
			on_change(w, 0, &snap->v[i]);
			unexpected++;
		}
	watch_commit(w);
	fprintf(w->cli->err, "%s: watch: %zu listeners, %zu not in the baseline\n", w->cli->prog,
	        snap->n, unexpected);
}

int
pli_cmd_watch(struct pl_cli *cli, int argc, char **argv)
{
	struct watch_run w = {.cli = cli};
	struct pl_watch_bpf *bpf = NULL;
	struct pl_watch_snap prev = {0};
	int rc, sfd = -1;

	pli_buf_init(&w.batch);
	w.query.all_netns = 1;
	w.query.annotate = 1;
	w.query.reg = cli->reg;
	rc = parse_args(&w, argc, argv);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	rc = setup(&w, &bpf, &sfd);
	if (rc != PL_EXIT_OK)
		goto out;
	rc = snapshot(&w, 1, &prev);
	if (rc == PL_EXIT_OK) {
		if (w.have_baseline)
			report_baseline(&w, &prev);
		else
			fprintf(cli->err, "%s: watch: %zu listeners\n", cli->prog, prev.n);
		watch_db_listeners(&w, &prev);
		if (prev.notes && prev.notes[0])
			fprintf(cli->err, "%s: note: %s\n", cli->prog, prev.notes);
		rc = loop(&w, bpf, sfd, &prev);
	}
	fprintf(cli->err, "%s: watch: stopped after %llu events (%llu looks woken by the kernel)\n",
	        cli->prog, (unsigned long long)w.events, (unsigned long long)w.kernel_looks);
out:
	if (w.webhook) {
		struct pl_webhook_stats st;

		pl_webhook_stop(w.webhook, 2000, &st);
		fprintf(cli->err, "%s: watch: webhook: %llu delivered, %llu failed attempts\n",
		        cli->prog, (unsigned long long)st.delivered,
		        (unsigned long long)st.failures);
	}
	watch_scan_free(&w);
	watch_db_close(&w);
	pl_watch_snap_cleanup(&prev);
	pli_buf_cleanup(&w.batch);
	free(w.pending);
	pl_watch_bpf_close(bpf);
	pl_watch_log_close(w.log);
	if (w.have_baseline)
		pl_baseline_cleanup(&w.baseline);
	if (sfd >= 0)
		close(sfd);
	return rc;
}
