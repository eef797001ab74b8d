// SPDX-License-Identifier: MIT
/*
 * cmd_scan.c - `portlens scan TARGETS [-p PORTS]`: nmap-compatible options in, a
 * pl_scan run, results streamed into every requested sink (text on stdout, -oN, -oJ,
 * -oX, -oG, -oC), progress on stderr, and a resume file on Ctrl-C.
 *
 * A run is a pipeline: the engine reports each result, the service stage (--sV,
 * scan_stage_sv.c) passes it on at once or once its probe is done, and every sink gets
 * it (the file formats, and the store with --save). After the scan the stage delivers
 * its last probes; Ctrl-C drops the ports still queued for one, and their positions go
 * into the resume file, so every port is written exactly once over the interrupted and
 * resumed runs.
 *
 * The one mutable global of the CLI lives here: stop_requested, a volatile
 * sig_atomic_t set by the SIGINT/SIGTERM handler and polled by the scan driver through
 * should_stop(); nothing else happens in the handler. The options are in scan_opts.c,
 * building the sets and the resume file in scan_args.c, the sinks in scan_outputs.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/scan/scan_cmd.h"
#include "core/cpus.h"

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

/* Writes one result to every sink. sv: what --sV found, or NULL. */
static void
report(void *ctx, const struct pl_scan_result *r, const struct scan_sv_result *sv)
{
	struct scan_run *run = ctx;

	if (run->progress.drawn) { /* clear the status line before a result lands under it */
		fputs("\r\033[K", run->progress.fp);
		fflush(run->progress.fp);
		run->progress.drawn = 0;
	}
	if (run->live && r->state == PL_PORT_OPEN &&
	    !run->info.ping) { /* the table itself comes at the end */
		char host[64];

		fprintf(run->live, "Discovered open port %u/%s on %s\n", r->port,
		        pl_proto_name((enum pl_proto)r->proto),
		        pl_scan_addr_str(&r->addr, host, sizeof(host)));
		fflush(run->live);
	}
	for (size_t i = 0; i < run->n_sinks; i++) {
		struct scan_sink *s = &run->sinks[i];

		scan_sink_result(s, &run->info, r, sv);
		if (r->state == PL_PORT_OPEN && s->fp)
			fflush(s->fp);
	}
}

static void
on_result(void *ctx, const struct pl_scan_result *r)
{
	struct scan_run *run = ctx;

	if (run->info.ping) { /* -sn: the text, JSON, XML and grepable outputs list the up
		               * hosts at the end; CSV and the store get each as it is found */
		scan_hosts_add(&run->up, r, 0);
		if (r->state == PL_PORT_OPEN || r->state == PL_PORT_CLOSED)
			report(run, r, NULL);
		return;
	}
	/* A UDP port left open|filtered is probed again (--sV): counted once settled. */
	if (scan_stage_sv_reprobes(&run->stage_sv, r)) {
		scan_stage_sv_take(&run->stage_sv, r); /* on to settle() */
		return;
	}
	/* Every answer counts for the host being up, reported or not (an RST-only host). */
	scan_hosts_add(&run->up, r, r->state == PL_PORT_OPEN || run->opt.all_states);
	if (r->state != PL_PORT_OPEN && !run->opt.all_states)
		return;
	scan_stage_sv_take(&run->stage_sv, r); /* on to report(), now or once probed */
}

/* A UDP port back from the stage's payload burst, in the state the burst decided. */
static void
settle(void *ctx, const struct pl_scan_result *r, const struct scan_sv_result *sv)
{
	struct scan_run *run = ctx;
	int shown = r->state == PL_PORT_OPEN || run->opt.all_states;

	scan_hosts_add(&run->up, r, shown);
	if (shown)
		report(run, r, sv);
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

	scan_stage_sv_poll(&run->stage_sv);
	for (size_t i = 0; i < run->n_sinks; i++)
		if (run->sinks[i].fp)
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
	uint64_t want = run->opt.max_inflight ? run->opt.max_inflight : 16384;

	if (want > room) {
		if (run->opt.max_inflight)
			fprintf(cli->err,
			        "%s: --max-inflight %u exceeds the descriptor limit; using %llu\n",
			        cli->prog, run->opt.max_inflight, (unsigned long long)room);
		want = room;
	}
	return (uint32_t)want;
}

/*
 * Engine instances, one per thread (engine_threads.c): --threads, else 2 for -sS and
 * -sT when two CPUs can be used and 1 otherwise. A scan on a fast link is the kernel's
 * work on each packet or connection, done on the CPU that sent the probe, so a second
 * instance nearly halves it (bench/scan/syn.sh (f), bench/scan/run.sh (a)). -sU and
 * -sn run on one thread whatever --threads says: a UDP result points into its engine's
 * buffers, and the mixed engine owns two engines already.
 */
static uint32_t
pick_threads(const struct scan_run *run)
{
	uint32_t n = 1;

	if (run->opt.engine == &pl_scan_engine_syn || run->opt.engine == &pl_scan_engine_connect)
		n = run->opt.threads ? run->opt.threads : pli_usable_cpus() >= 2 ? 2 : 1;
	/* Each instance holds at least one probe: -T0..-T2 and --max-inflight 1 mean one
	 * probe at a time, so one instance. */
	if (run->opt.max_inflight && n > run->opt.max_inflight)
		n = run->opt.max_inflight;
	return n;
}

/*
 * The engine has opened its sockets: a raw engine's capabilities go (scan_caps.c), then
 * the service stage starts its threads (capset() changes only the calling thread, so no
 * thread may exist before it).
 */
static void
on_started(void *ctx)
{
	struct scan_run *run = ctx;

	if (run->opt.engine->check && scan_drop_caps() != 0)
		fprintf(run->cli->err, "%s: cannot drop capabilities: %s\n", run->cli->prog,
		        strerror(errno));
	run->info.sv = scan_stage_sv_start(&run->stage_sv, run->cli);
}

static int
save_resume(struct pl_cli *cli, struct scan_run *run, struct pl_scan *scan)
{
	struct pl_scan_state st;
	struct pl_err err = {0};
	int rc = PL_EXIT_FAIL;

	if (pl_scan_get_state(scan, &st) != PL_OK ||
	    scan_stage_sv_add_dropped(&run->stage_sv, &st) != PL_OK) {
		pl_scan_state_cleanup(&st);
		return pli_cli_fail(cli, "out of memory");
	}
	if (pl_scan_resume_save(run->opt.resume_out, run->resume.saved_args, run->resume.n_saved,
	                        &st, &err) != PL_OK) {
		pli_cli_print_err(cli, &err);
	} else {
		fprintf(cli->err,
		        "%s: scan interrupted; %llu of %llu probes done. Finish it with:\n"
		        "  portlens scan --resume %s\n",
		        cli->prog, (unsigned long long)run->info.prog->done,
		        (unsigned long long)run->info.prog->total, run->opt.resume_out);
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

/* Creates the scan and opens every sink (the service stage starts in on_started). */
static int
prepare(struct pl_cli *cli, struct scan_run *run, struct pl_scan **scanp,
        struct pl_scan_progress *prog)
{
	struct pl_scan_opts so = {
	    .engine = run->opt.engine,
	    .cfg = {.timeout_ms = run->opt.timeout_ms,
	            .retries = run->opt.retries,
	            .max_inflight = pick_inflight(cli, run),
	            .threads = pick_threads(run),
	            .engine_opts =
	                run->opt.engine != &pl_scan_engine_connect ? &run->opt.raw : NULL},
	    .seed = run->opt.seed,
	    .shard_index = run->opt.shard_i,
	    .shard_count = run->opt.shard_n,
	    .rate = run->opt.rate,
	    .min_rate = run->opt.min_rate,
	    .on_result = on_result,
	    .on_tick = on_tick,
	    .on_started = on_started,
	    .on_skip = on_skip,
	    .should_stop = should_stop,
	    .ctx = run,
	    .tick_ms = run->opt.sv ? 100 : 0, /* --sV: probed ports are written at ticks too */
	};
	struct pl_err err = {0};

	run->cli = cli;
	if (pl_scan_new(run->targets, &run->opt.ports, &so, scanp, &err) != PL_OK ||
	    (run->resume.have_state &&
	     pl_scan_set_state(*scanp, &run->resume.state, &err) != PL_OK)) {
		pli_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	run->info.space = pl_scan_space(*scanp);
	run->info.start = time(NULL);
	run->info.prog = prog;
	run->info.sv = run->opt.sv;
	pl_scan_get_progress(*scanp, prog);
	scan_info_fill(cli, run);
	scan_stage_sv_init(&run->stage_sv, run->opt.sv, report, settle, run);
	/* A UDP burst waits as long as one attempt of the sweep may (--timeout), at most
	 * 500 ms; scans with UDP ports get more probe threads (a burst mostly waits). */
	run->stage_sv.udp_burst_ms =
	    run->opt.timeout_ms < SCAN_SV_UDP_BURST_MS ? run->opt.timeout_ms : SCAN_SV_UDP_BURST_MS;
	if (run->opt.engine->protos & PL_PROTO_BIT(PL_PROTO_UDP))
		run->stage_sv.threads = SCAN_SV_THREADS_UDP;
	return scan_open_sinks(cli, run);
}

/* Footers (the store's first), resume file; the exit code. */
static int
finish(struct pl_cli *cli, struct scan_run *run, struct pl_scan *scan,
       const struct pl_scan_progress *prog, enum pl_rc rc, const struct pl_err *err)
{
	int ex = PL_EXIT_OK;

	run->info.end = time(NULL);
	run->info.interrupted = rc == PL_ERR_INTERRUPTED || run->stage_sv.n_dropped > 0;
	run->info.up = scan_hosts_sorted(&run->up, run->info.targets, &run->info.n_up);
	run->info.hosts_up = run->info.n_up;
	run->info.all_states = run->opt.all_states;
	run->info.all_counted = rc == PL_OK && !run->info.interrupted && !run->info.resumed &&
	                        run->opt.shard_n <= 1 && !run->up.nomem;
	scan_progress_end(&run->progress, prog, run->info.interrupted);
	/* Failures go into every output's footer (XML exit="error", JSON "error"), so no
	 * output of a failed run looks finished; a failed store says so in the others'. */
	if (run->stage_sv.nomem)
		run->info.error = "--sV: out of memory; some open ports lack service data";
	if (rc != PL_OK && rc != PL_ERR_INTERRUPTED)
		run->info.error = err->msg;
	if (scan_close_sinks(cli, run) != PL_EXIT_OK)
		ex = PL_EXIT_FAIL;
	if (run->stage_sv.nomem)
		ex = pli_cli_fail(cli, "--sV: out of memory; some open ports went out without "
		                       "service data or were lost for --resume");
	if (run->info.interrupted)
		ex = save_resume(cli, run, scan);
	else if (rc != PL_OK) {
		pli_cli_print_err(cli, err);
		ex = PL_EXIT_FAIL;
	} else if (run->opt.resume_in) {
		/* Finished: the state is spent, and a second --resume must not run it again. */
		if (unlink(run->opt.resume_in) != 0 && errno != ENOENT)
			ex = pli_cli_fail(cli, "scan finished, but cannot remove %s: %s",
			                  run->opt.resume_in, strerror(errno));
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
	                          .seed = run->opt.seed,
	                          .shard_index = run->opt.shard_i,
	                          .shard_count = run->opt.shard_n};
	struct pl_scan *scan = NULL;
	struct pl_scan_progress prog;
	struct pl_err err = {0};
	uint64_t space, left;

	if (pl_scan_new(run->targets, &run->opt.ports, &so, &scan, &err) != PL_OK ||
	    (run->resume.have_state &&
	     pl_scan_set_state(scan, &run->resume.state, &err) != PL_OK)) {
		pl_scan_free(scan);
		pli_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	space = pl_scan_space(scan);
	pl_scan_get_progress(scan, &prog);
	pl_scan_free(scan);
	left = prog.total - prog.done;
	fprintf(cli->out, "dry run: %llu addresses x %u ports = %llu probes", /* */
	        (unsigned long long)pl_targets_count(run->targets), run->opt.ports.n,
	        (unsigned long long)space);
	if (run->opt.shard_n > 1)
		fprintf(cli->out, "; shard %u/%u takes %llu", run->opt.shard_i + 1,
		        run->opt.shard_n, (unsigned long long)prog.total);
	if (run->resume.have_state)
		fprintf(cli->out, "; %llu left to resume", (unsigned long long)left);
	fprintf(cli->out, "; nothing sent%s\n",
	        space > SCAN_LARGE_LIMIT && !run->opt.yes_large
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
	/* The last probes (Ctrl-C still handled here). */
	scan_stage_sv_finish(&run->stage_sv, cli, should_stop, &run->progress);
	pl_scan_get_progress(scan, &prog);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (run->opt.sv) /* the run took as long as its last probe */
		prog.elapsed_s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* The stage's changes: UDP ports the burst settled in another state; ports dropped
	 * from the probe queue were not reported, so they count as not done. */
	for (int i = 0; i < PL_PORT_STATE_COUNT; i++)
		prog.by_state[i] += (uint64_t)run->stage_sv.state_delta[i];
	prog.found += (uint64_t)run->stage_sv.state_delta[PL_PORT_OPEN];
	prog.done -= run->stage_sv.n_dropped;
	ex = finish(cli, run, scan, &prog, rc, &err);
	/* Only now: a second Ctrl-C (or timeout(1) signalling the process group again)
	 * while the footers, the XML rewrite and the resume file are written must not
	 * kill the process halfway through them. */
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	pl_scan_free(scan);
	return ex;
}

/* The light binary's hand-over: portlens-full gets the command line as it was given
 * (getopt has permuted argv since). */
static int
run_full(struct pl_cli *cli, char **given)
{
	int ex;

	if (!given)
		return pli_cli_fail(cli, "out of memory");
	fflush(NULL);
	ex = pli_cli_exec_full(given);
	return ex;
}

int
pli_cmd_scan(struct pl_cli *cli, int argc, char **argv)
{
	struct scan_run run;
	char **given = calloc((size_t)argc + 2, sizeof(*given));
	int ex;

	if (given) {
		given[0] = (char *)(cli->argv0 ? cli->argv0 : "portlens");
		memcpy(given + 1, argv, (size_t)argc * sizeof(*given));
	}
	scan_run_init(&run);
	ex = scan_parse_command(cli, &run, argc, argv);
	if (ex == SCAN_EXIT_NEEDS_FULL) {
		scan_run_cleanup(&run);
		ex = run_full(cli, given);
		free(given);
		return ex;
	}
	free(given);
	if (ex == PL_EXIT_OK && run.opt.dry_run) {
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
