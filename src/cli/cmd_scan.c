// SPDX-License-Identifier: MIT
/*
 * cmd_scan.c - `portlens scan TARGETS [-p PORTS]`: nmap-compatible options in, a
 * pl_scan run, results streamed into every requested sink (text on stdout, -oN, -oJ,
 * -oX, -oG, -oC), progress on stderr, and a resume file on Ctrl-C.
 *
 * Options use getopt_long_only so nmap's single-dash long options (-iL, -oX, -Pn)
 * work beside the short ones (-p, -F, -6). The one mutable global of the CLI lives
 * here: stop_requested, a volatile sig_atomic_t set by the SIGINT/SIGTERM handler and
 * polled by the scan driver through should_stop(); nothing else happens in the
 * handler. Argument parsing and setup live in scan_args.c.
 *
 * --sV (scan_probe.c): an open port is handed to the probe pool and held; it is
 * written to every output, with its service data, when its probe has finished (each
 * probe is bounded by its time budget, 15 s). After the scan the command waits for the
 * last probes, writing each port as it comes. Ctrl-C, during the scan or that wait,
 * drops the ports still queued for a probe: they are not written, and their positions
 * go into the resume file's pending list, so `--resume` scans and probes them again.
 * Probes already running are waited for (within their budget) and written. Either
 * way every port is written exactly once, over the interrupted and resumed runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/scan_cmd.h"

/* Set by the SIGINT/SIGTERM handler; the only mutable global (documented above). */
static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int
should_stop(void *ctx)
{
	(void)ctx;
	return stop_requested != 0;
}

/* Writes one result to every output (and the store). sv: what --sV found, or NULL. */
static void
report(struct scan_run *run, const struct pl_scan_result *r, const struct scan_sv_result *sv)
{
	if (run->progress.drawn) { /* clear the status line before a result lands under it */
		fputs("\r\033[K", run->progress.fp);
		fflush(run->progress.fp);
		run->progress.drawn = 0;
	}
	if (run->live && r->state == PL_PORT_OPEN) { /* the table itself comes at the end */
		char host[64];

		fprintf(run->live, "Discovered open port %u/%s on %s\n", r->port,
		        pl_proto_name((enum pl_proto)r->proto),
		        pl_scan_addr_str(&r->addr, host, sizeof(host)));
		fflush(run->live);
	}
	for (size_t i = 0; i < run->n_sinks; i++) {
		struct scan_sink *s = &run->sinks[i];

		scan_sink_result(s, &run->info, r, sv);
		if (r->state == PL_PORT_OPEN)
			fflush(s->fp);
	}
	scan_save_result(&run->save, &run->info, r, sv); /* --save */
}

/* A --sV probe finished (called from scan_probe_drain, in this thread). */
static void
on_probed(void *ctx, const struct pl_scan_result *r, const struct scan_sv_result *sv)
{
	struct scan_run *run = ctx;

	if (!sv)
		run->sv_nomem = 1;
	report(run, r, sv);
}

/* --sV, UDP: the probe module's classifier on the datagram the scan's payload drew. */
static void
report_udp_sv(struct scan_run *run, const struct pl_scan_result *r)
{
	struct pl_service svc;
	struct scan_sv_result sv = {.rc = PL_OK, .svc = &svc};

	pl_probe_classify_udp(NULL, r->port, r->request, r->request_len, r->answer, r->answer_len,
	                      &svc);
	report(run, r, &sv);
}

static void
on_result(void *ctx, const struct pl_scan_result *r)
{
	struct scan_run *run = ctx;
	int held = 0;

	if (run->info.ping) { /* -sn: an up host is listed at the end, not as a port */
		scan_hosts_add(&run->up, r, 0);
		return;
	}
	/* Every answer counts for the host being up, reported or not (an RST-only host). */
	scan_hosts_add(&run->up, r, r->state == PL_PORT_OPEN || run->all_states);
	if (r->state != PL_PORT_OPEN && !run->all_states)
		return;
	if (run->sv && r->proto == PL_PROTO_UDP && r->state == PL_PORT_OPEN && r->answer) {
		report_udp_sv(run, r); /* --sV on UDP: the answer is classified at once */
		return;
	}
	if (run->sv_pool) { /* --sV: an open TCP port waits for its probe */
		held = scan_probe_submit(run->sv_pool, r);
		if (held < 0)
			run->sv_nomem = 1;
		scan_probe_drain(run->sv_pool, 0, on_probed, run);
	}
	if (held <= 0)
		report(run, r, NULL);
}

/* A never-probed address met (not an exclusion): named in the footers, 8 at most. */
static void
on_skip(void *ctx, const struct pl_scan_probe *p, int cls)
{
	struct scan_run *run = ctx;
	struct scan_info *in = &run->info;
	char addr[64];

	if (cls <= 0)
		return; /* excluded on request: not worth a line */
	pl_scan_addr_str(&p->addr, addr, sizeof(addr));
	for (size_t i = 0; i < in->n_skips; i++)
		if (strcmp(in->skips[i].addr, addr) == 0)
			return;
	if (in->n_skips == sizeof(in->skips) / sizeof(in->skips[0])) {
		in->skips_more++;
		return;
	}
	snprintf(in->skips[in->n_skips].addr, sizeof(in->skips[0].addr), "%s", addr);
	pl_targets_skip_reason(run->targets, &p->addr, cls, in->skips[in->n_skips].why,
	                       sizeof(in->skips[0].why));
	in->n_skips++;
}

static void
on_tick(void *ctx, const struct pl_scan_progress *p)
{
	struct scan_run *run = ctx;

	scan_probe_drain(run->sv_pool, 0, on_probed, run); /* --sV */
	for (size_t i = 0; i < run->n_sinks; i++)
		fflush(run->sinks[i].fp);
	scan_progress_tick(&run->progress, p);
}

static void
raise_fd_limit(struct scan_run *run)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	run->fd_limit = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : (uint64_t)rl.rlim_cur;
}

/* Probes in flight: what the descriptor limit allows, minus a reserve for outputs. */
static uint32_t
pick_inflight(struct pl_cli *cli, struct scan_run *run)
{
	uint64_t room = run->fd_limit > 96 ? run->fd_limit - 64 : 32;
	uint64_t want = run->max_inflight ? run->max_inflight : 16384;

	if (want > room) {
		if (run->max_inflight)
			fprintf(cli->err,
			        "%s: --max-inflight %u exceeds the descriptor limit; using %llu\n",
			        cli->prog, run->max_inflight, (unsigned long long)room);
		want = room;
	}
	return (uint32_t)want;
}

/*
 * Worker threads: --threads, else 1. On the shared 2-CPU lab VM two threads were
 * sometimes faster and sometimes slower than one, depending on other work on the
 * machine, and always cost more CPU time (bench/RESULTS.md), so they are opt-in.
 */
static uint32_t
pick_threads(const struct scan_run *run)
{
	if (run->engine->check) /* raw engines: one thread sends at line rate (docs/scan.md) */
		return 1;
	return run->threads ? run->threads : 1;
}

/*
 * The engine has opened its sockets: a raw engine's capabilities go (scan_caps.c), then
 * the --sV pool starts (capset() changes only the calling thread, so no thread may
 * exist before it).
 */
static void
on_started(void *ctx)
{
	struct scan_run *run = ctx;
	struct pl_probe_opts po = {.total_ms = SCAN_SV_BUDGET_MS};
	struct pl_err err = {0};

	if (run->engine->check && scan_drop_caps() != 0)
		fprintf(run->cli->err, "%s: cannot drop capabilities: %s\n", run->cli->prog,
		        strerror(errno));
	if (run->info.sv && !(run->sv_pool = scan_probe_new(&po, 16, &err))) {
		pl_cli_print_err(run->cli, &err); /* the scan goes on without service detection */
		run->info.sv = 0;
	}
}

/* --sV: the open ports Ctrl-C dropped from the probe queue join the pending list. */
static enum pl_rc
add_sv_pending(struct pl_scan_state *st, const struct scan_run *run)
{
	uint64_t *v;

	if (run->sv_n_pending == 0)
		return PL_OK;
	v = realloc(st->pending, (st->n_pending + run->sv_n_pending) * sizeof(*v));
	if (!v)
		return PL_ERR_NOMEM;
	memcpy(v + st->n_pending, run->sv_pending, run->sv_n_pending * sizeof(*v));
	st->pending = v;
	st->n_pending += run->sv_n_pending;
	return PL_OK;
}

static int
save_resume(struct pl_cli *cli, struct scan_run *run, struct pl_scan *scan)
{
	struct pl_scan_state st;
	struct pl_err err = {0};
	int rc = PL_EXIT_FAIL;

	if (pl_scan_get_state(scan, &st) != PL_OK || add_sv_pending(&st, run) != PL_OK) {
		pl_scan_state_cleanup(&st);
		return pl_cli_fail(cli, "out of memory");
	}
	if (pl_scan_resume_save(run->resume_out, run->saved_args, run->n_saved, &st, &err) !=
	    PL_OK) {
		pl_cli_print_err(cli, &err);
	} else {
		fprintf(cli->err,
		        "%s: scan interrupted; %llu of %llu probes done. Finish it with:\n"
		        "  portlens scan --resume %s\n",
		        cli->prog, (unsigned long long)run->info.prog->done,
		        (unsigned long long)run->info.prog->total, run->resume_out);
		rc = PL_EXIT_INTERRUPTED;
	}
	pl_scan_state_cleanup(&st);
	return rc;
}

static void
install_signals(struct sigaction *old_int, struct sigaction *old_term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	stop_requested = 0;
	sigaction(SIGINT, &sa, old_int);
	sigaction(SIGTERM, &sa, old_term);
}

static void
keep_sv_pending(void *ctx, uint64_t pos)
{
	struct scan_run *run = ctx;

	if (run->sv_n_pending == run->sv_cap_pending) {
		size_t cap = run->sv_cap_pending ? run->sv_cap_pending * 2 : 64;
		uint64_t *v = realloc(run->sv_pending, cap * sizeof(*v));

		if (!v) {
			run->sv_nomem = 1; /* reported at the end: this port is lost */
			return;
		}
		run->sv_pending = v;
		run->sv_cap_pending = cap;
	}
	run->sv_pending[run->sv_n_pending++] = pos;
}

/*
 * --sV, after the scan: writes each remaining port as its probe finishes. On Ctrl-C
 * (before or during this wait) the queued ports are dropped for the resume file and
 * only the running probes are waited for.
 */
static void
sv_wait(struct pl_cli *cli, struct scan_run *run)
{
	int cancelled = 0;

	while (scan_probe_outstanding(run->sv_pool) > 0) {
		if (stop_requested && !cancelled) {
			size_t running = scan_probe_running(run->sv_pool);

			scan_probe_cancel_queued(run->sv_pool, keep_sv_pending, run);
			cancelled = 1;
			if (running)
				fprintf(
				    cli->err,
				    "%s: waiting for %zu running service probe%s (at most %u s)\n",
				    cli->prog, running, running == 1 ? "" : "s",
				    SCAN_SV_BUDGET_MS / 1000);
		}
		scan_probe_drain(run->sv_pool, 100, on_probed, run);
		scan_progress_sv(&run->progress, scan_probe_outstanding(run->sv_pool));
	}
}

/* Creates the scan, opens every output and the store, starts the --sV pool. */
static int
prepare(struct pl_cli *cli, struct scan_run *run, struct pl_scan **scanp,
        struct pl_scan_progress *prog)
{
	struct pl_scan_opts so = {
	    .engine = run->engine,
	    .cfg = {.timeout_ms = run->timeout_ms,
	            .retries = run->retries,
	            .max_inflight = pick_inflight(cli, run),
	            .threads = pick_threads(run),
	            .engine_opts = run->engine != &pl_scan_engine_connect ? &run->raw : NULL},
	    .seed = run->seed,
	    .shard_index = run->shard_i,
	    .shard_count = run->shard_n,
	    .rate = run->rate,
	    .min_rate = run->min_rate,
	    .on_result = on_result,
	    .on_tick = on_tick,
	    .on_started = on_started,
	    .on_skip = on_skip,
	    .should_stop = should_stop,
	    .ctx = run,
	    .tick_ms = run->sv ? 100 : 0, /* --sV: probed ports are written at ticks too */
	};
	struct pl_err err = {0};

	run->cli = cli;
	if (pl_scan_new(run->targets, &run->ports, &so, scanp, &err) != PL_OK ||
	    (run->have_state && pl_scan_set_state(*scanp, &run->state, &err) != PL_OK)) {
		pl_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	run->info.space = pl_scan_space(*scanp);
	run->info.start = time(NULL);
	run->info.prog = prog;
	run->info.sv = run->sv;
	pl_scan_get_progress(*scanp, prog);
	scan_info_fill(cli, run);
	/* --save (scan_save.c) first: a store that cannot be opened leaves no output file
	 * behind that looks like a finished scan. */
	if (scan_save_open(cli, &run->save, &run->info) != PL_EXIT_OK)
		return PL_EXIT_FAIL;
	if (scan_open_sinks(cli, run) != PL_EXIT_OK) {
		scan_save_close(cli, &run->save, 1);
		return PL_EXIT_FAIL;
	}
	return PL_EXIT_OK; /* the --sV pool starts in on_started */
}

/* Footers, store, --sV pool, resume file; the exit code. */
static int
finish(struct pl_cli *cli, struct scan_run *run, struct pl_scan *scan,
       const struct pl_scan_progress *prog, enum pl_rc rc, const struct pl_err *err)
{
	int ex = PL_EXIT_OK;

	run->info.end = time(NULL);
	run->info.interrupted = rc == PL_ERR_INTERRUPTED || run->sv_n_pending > 0;
	run->info.up = scan_hosts_sorted(&run->up, &run->info.n_up);
	run->info.hosts_up = run->info.n_up;
	run->info.all_states = run->all_states;
	run->info.all_counted = rc == PL_OK && !run->info.interrupted && !run->info.resumed &&
	                        run->shard_n <= 1 && !run->up.nomem;
	scan_progress_end(&run->progress, prog, run->info.interrupted);
	/* Failures go into every output's footer (XML exit="error", JSON "error"), so no
	 * output of a failed run looks finished. The store is closed first for that. */
	if (scan_save_close(cli, &run->save, run->info.interrupted) != PL_EXIT_OK) { /* --save */
		ex = PL_EXIT_FAIL;
		run->info.error = "--save failed: the scan is not completely saved in the store";
	}
	if (run->sv_nomem)
		run->info.error = "--sV: out of memory; some open ports lack service data";
	if (rc != PL_OK && rc != PL_ERR_INTERRUPTED)
		run->info.error = err->msg;
	if (scan_close_sinks(cli, run) != PL_EXIT_OK)
		ex = PL_EXIT_FAIL;
	scan_probe_free(run->sv_pool);
	run->sv_pool = NULL;
	if (run->sv_nomem)
		ex = pl_cli_fail(cli, "--sV: out of memory; some open ports went out without "
		                      "service data or were lost for --resume");
	if (run->info.interrupted)
		ex = save_resume(cli, run, scan);
	else if (rc != PL_OK) {
		pl_cli_print_err(cli, err);
		ex = PL_EXIT_FAIL;
	} else if (run->resume_in) {
		/* Finished: the state is spent, and a second --resume must not run it again. */
		if (unlink(run->resume_in) != 0 && errno != ENOENT)
			ex = pl_cli_fail(cli, "scan finished, but cannot remove %s: %s",
			                 run->resume_in, strerror(errno));
	}
	return ex;
}

/*
 * --dry-run: the scan's size from the target and port sets, in O(1) (nothing is walked,
 * nothing sent, no output file or resume file written; Ctrl-C has nothing to stop).
 */
static int
dry_run(struct pl_cli *cli, struct scan_run *run)
{
	struct pl_scan_opts so = {.dry_run = 1,
	                          .seed = run->seed,
	                          .shard_index = run->shard_i,
	                          .shard_count = run->shard_n};
	struct pl_scan *scan = NULL;
	struct pl_scan_progress prog;
	struct pl_err err = {0};
	uint64_t space, left;

	if (pl_scan_new(run->targets, &run->ports, &so, &scan, &err) != PL_OK ||
	    (run->have_state && pl_scan_set_state(scan, &run->state, &err) != PL_OK)) {
		pl_scan_free(scan);
		pl_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	space = pl_scan_space(scan);
	pl_scan_get_progress(scan, &prog);
	pl_scan_free(scan);
	left = prog.total - prog.done;
	fprintf(cli->out, "dry run: %llu addresses x %u ports = %llu probes", /* */
	        (unsigned long long)pl_targets_count(run->targets), run->ports.n,
	        (unsigned long long)space);
	if (run->shard_n > 1)
		fprintf(cli->out, "; shard %u/%u takes %llu", run->shard_i + 1, run->shard_n,
		        (unsigned long long)prog.total);
	if (run->have_state)
		fprintf(cli->out, "; %llu left to resume", (unsigned long long)left);
	fprintf(cli->out, "; nothing sent%s\n",
	        space > SCAN_LARGE_LIMIT && !run->yes_large
	            ? " (a real run needs --yes-large: more than 65536 probes)"
	            : "");
	fputs("never probed when the scan runs: broadcast, multicast, 0.0.0.0/8, :: and "
	      "--exclude\n",
	      cli->out);
	return PL_EXIT_OK;
}

static int
execute(struct pl_cli *cli, struct scan_run *run)
{
	struct pl_scan *scan = NULL;
	struct pl_scan_progress prog;
	struct sigaction old_int, old_term;
	struct timespec t0, t1;
	struct pl_err err = {0};
	enum pl_rc rc;
	int ex;

	ex = prepare(cli, run, &scan, &prog);
	if (ex != PL_EXIT_OK) {
		pl_scan_free(scan);
		return ex;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	install_signals(&old_int, &old_term);
	rc = pl_scan_run(scan, &err);
	if (run->sv_pool) /* --sV: the last probes (Ctrl-C still handled here) */
		sv_wait(cli, run);
	pl_scan_get_progress(scan, &prog);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (run->sv) /* the run took as long as its last probe */
		prog.elapsed_s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Ports dropped from the probe queue were not reported: count them as not done. */
	prog.by_state[PL_PORT_OPEN] -= run->sv_n_pending;
	prog.found -= run->sv_n_pending;
	prog.done -= run->sv_n_pending;
	ex = finish(cli, run, scan, &prog, rc, &err);
	/* Only now: a second Ctrl-C (or timeout(1) signalling the process group again)
	 * while the footers, the XML rewrite and the resume file are written must not
	 * kill the process halfway through them. */
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	pl_scan_free(scan);
	return ex;
}

int
pl_cmd_scan(struct pl_cli *cli, int argc, char **argv)
{
	struct scan_run run;
	int ex;

	scan_run_init(&run);
	ex = scan_parse_command(cli, &run, argc, argv);
	if (ex == PL_EXIT_OK && run.dry_run) {
		ex = dry_run(cli, &run);
	} else if (ex == PL_EXIT_OK) {
		raise_fd_limit(&run);
		ex = execute(cli, &run);
	} else if (ex == -1) {
		ex = PL_EXIT_OK; /* --help */
	}
	scan_run_cleanup(&run);
	return ex;
}
