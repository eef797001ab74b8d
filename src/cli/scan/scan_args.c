// SPDX-License-Identifier: MIT
/*
 * scan_args.c - the command line of `portlens scan` after its options were read
 * (scan_opts.c): building the target and port sets, the safety checks (--yes-large),
 * and resume files (--resume: the saved command line is parsed again).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cli/scan/scan_cmd.h"
#include "core/buf.h"
#include "core/lines.h"
#include "core/strnum.h"

void
scan_run_init(struct scan_run *run)
{
	memset(run, 0, sizeof(*run));
	run->opt.timeout_ms = 1000;
	run->opt.retries = 1;
	run->opt.resume_out = "portlens-scan.resume";
	run->opt.shard_n = 1;
	run->opt.engine = &pl_scan_engine_connect;
	run->opt.timing = -1;
}

void
scan_run_cleanup(struct scan_run *run)
{
	pl_targets_free(run->targets);
	pl_ports_cleanup(&run->opt.ports);
	pl_ports_cleanup(&run->opt.exclude_ports);
	free(run->opt.deferred);
	if (run->resume.saved_args != run->resume.loaded_args)
		free(run->resume.saved_args);
	pl_scan_resume_args_free(run->resume.loaded_args, run->resume.n_loaded);
	pl_scan_state_cleanup(&run->resume.state);
	free(run->args_str);
	free(run->services_str);
	scan_hosts_cleanup(&run->up);
	scan_stage_sv_cleanup(&run->stage_sv);
	scan_save_cleanup(&run->save);
}

static int
add_list(struct pl_cli *cli, struct scan_run *run, const char *text, size_t len, const char *source,
         int exclude)
{
	struct pl_err err = {0};

	if (pl_targets_add_list(run->targets, text, len, source, exclude, run->opt.v6, &err) !=
	    PL_OK) {
		pli_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	return PL_EXIT_OK;
}

/* -iL and --excludefile lines: bounded in length, any number of specs per line. */
#define TARGET_LINE_MAX 65536

struct file_ctx {
	struct scan_run *run;
	const char *source;
	int exclude;
};

static enum pl_rc
target_line(void *ctx, const char *line, size_t len, unsigned lineno, struct pl_err *err)
{
	struct file_ctx *f = ctx;
	enum pl_rc rc;

	rc = pl_targets_add_list(f->run->targets, line, len, f->source, f->exclude, f->run->opt.v6,
	                         err);
	if (rc != PL_OK && err && err->line)
		err->line = lineno; /* the list parser counted within this one line */
	return rc;
}

/*
 * Streams a target file into the set, line by line: memory stays at one line whatever
 * the file is (/dev/zero, `yes`), and a read error (a directory) is an error, never
 * a shorter target list.
 */
static int
add_file(struct pl_cli *cli, struct scan_run *run, const char *path, int exclude)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "r");
	struct file_ctx f = {.run = run, .source = is_stdin ? "<stdin>" : path, .exclude = exclude};
	struct pl_err err = {0};
	enum pl_rc rc;

	if (!fp)
		return pli_cli_usage_error(cli, "%s: cannot open %s: %s",
		                           exclude ? "--excludefile" : "-iL", path,
		                           strerror(errno));
	rc = pli_lines_read(fp, TARGET_LINE_MAX, f.source, target_line, &f, &err);
	if (!is_stdin)
		fclose(fp);
	if (rc == PL_OK)
		return PL_EXIT_OK;
	if (err.line) /* a bad line: FILE:LINE names it */
		pli_cli_print_err(cli, &err);
	else /* the file itself (a directory): the option, as when it cannot be opened */
		fprintf(cli->err, "%s: %s: %s\n", cli->prog, exclude ? "--excludefile" : "-iL",
		        err.msg);
	return rc == PL_ERR_NOMEM ? PL_EXIT_FAIL : PL_EXIT_USAGE;
}

static int
apply_deferred(struct pl_cli *cli, struct scan_run *run)
{
	for (size_t i = 0; i < run->opt.n_deferred; i++) {
		const struct scan_deferred *d = &run->opt.deferred[i];
		int ex;

		switch (d->kind) {
		case SCAN_DEFER_TARGET:
			if (run->opt.save)
				scan_save_add_target(&run->save, d->arg);
			ex = add_list(cli, run, d->arg, strlen(d->arg), NULL, 0);
			break;
		case SCAN_DEFER_EXCLUDE:
			ex = add_list(cli, run, d->arg, strlen(d->arg), NULL, 1);
			break;
		case SCAN_DEFER_IL:
			ex = add_file(cli, run, d->arg, 0);
			break;
		default:
			ex = add_file(cli, run, d->arg, 1);
			break;
		}
		if (ex != PL_EXIT_OK)
			return ex;
	}
	return PL_EXIT_OK;
}

/* "22,80,1000-2000" (TCP) for scaninfo and headers. */
static char *
compress_ports(const struct pl_ports *ps)
{
	struct pl_buf b;

	int all_udp = ps->n > 0 && (ps->items[0] >> 16) == PL_PROTO_UDP; /* sorted: UDP last */

	pli_buf_init(&b);
	for (uint32_t i = 0; i < ps->n;) {
		uint32_t j = i;

		while (j + 1 < ps->n && ps->items[j + 1] == ps->items[j] + 1)
			j++;
		pli_buf_printf(&b, "%s%s%u", b.len ? "," : "",
		               (ps->items[i] >> 16) == PL_PROTO_UDP && !all_udp ? "U:" : "",
		               ps->items[i] & 0xffff);
		if (j > i)
			pli_buf_printf(&b, "-%u", ps->items[j] & 0xffff);
		i = j + 1;
	}
	pli_buf_putc(&b, '\0');
	return pli_buf_steal(&b);
}

static char *
join_args(char *const *args, size_t n)
{
	struct pl_buf b;

	pli_buf_init(&b);
	pli_buf_puts(&b, "portlens scan");
	for (size_t i = 0; i < n; i++)
		pli_buf_printf(&b, " %s", args[i]);
	return pli_buf_steal(&b);
}

/* Replaces the command line with the one saved in the resume file. */
static int
load_resume(struct pl_cli *cli, struct scan_run *run, size_t n_targets_given)
{
	struct pl_err err = {0};
	const char *path = run->opt.resume_in, *keep_out = run->opt.resume_out;
	double stats = run->opt.stats_json;
	int no_progress = run->opt.no_progress;

	if (n_targets_given)
		return pli_cli_usage_error(cli, "--resume takes its targets from the resume file");
	if (pl_scan_resume_load(path, &run->resume.loaded_args, &run->resume.n_loaded,
	                        &run->resume.state, &err) != PL_OK) {
		if (err.sys_errno == ENOENT)
			return pli_cli_usage_error(
			    cli,
			    "--resume %s: no such file (a scan removes its "
			    "resume file when it finishes; nothing to resume)",
			    path);
		pli_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	run->resume.have_state = 1;
	pl_ports_cleanup(&run->opt.ports);
	pl_ports_cleanup(&run->opt.exclude_ports);
	memset(run->opt.out_path, 0, sizeof(run->opt.out_path));
	run->opt.resume_out = strcmp(keep_out, "portlens-scan.resume") ? keep_out : path;
	run->opt.stats_json = stats;
	run->opt.no_progress = no_progress;
	return PL_EXIT_OK;
}

/* --json and the -o options: one format on stdout, named in the error otherwise. */
static int
check_outputs(struct pl_cli *cli, struct scan_run *run)
{
	static const char *const flag[SCAN_OUT_N] = {
	    [SCAN_OUT_NORMAL] = "-oN", [SCAN_OUT_JSON] = "-oJ", [SCAN_OUT_XML] = "-oX",
	    [SCAN_OUT_GREP] = "-oG",   [SCAN_OUT_CSV] = "-oC",
	};
	const char *first = NULL;

	if (run->opt.json_stdout) {
		if (run->opt.out_path[SCAN_OUT_JSON] &&
		    strcmp(run->opt.out_path[SCAN_OUT_JSON], "-") != 0)
			return pli_cli_usage_error(
			    cli,
			    "--json writes JSON lines to stdout, -oJ %s to a "
			    "file; give one of them",
			    run->opt.out_path[SCAN_OUT_JSON]);
		run->opt.out_path[SCAN_OUT_JSON] = "-";
	}
	for (int k = 0; k < SCAN_OUT_N; k++) {
		if (!run->opt.out_path[k] || strcmp(run->opt.out_path[k], "-") != 0)
			continue;
		if (first)
			return pli_cli_usage_error(cli,
			                           "%s - and %s - would mix two formats on stdout; "
			                           "write one of them to a file",
			                           first, flag[k]);
		first = flag[k];
	}
	return PL_EXIT_OK;
}

static int
build_sets(struct pl_cli *cli, struct scan_run *run)
{
	int ex;

	run->targets = pl_targets_new();
	if (!run->targets)
		return pli_cli_fail(cli, "out of memory");
	ex = apply_deferred(cli, run);
	if (ex != PL_EXIT_OK)
		return ex;
	if (pl_targets_count(run->targets) == 0)
		return pli_cli_usage_error(cli, "no targets given (see --help)");
	if (run->opt.engine == &pl_scan_engine_ping) /* -sn: one probe (port 0) per target */
		return scan_ping_ports(cli, &run->opt);
	if (!run->opt.have_ports && !run->opt.top)
		run->opt.top = 1000;
	if ((ex = scan_resolve_ports(cli, &run->opt)) != PL_EXIT_OK)
		return ex;
	pl_ports_remove(&run->opt.ports, &run->opt.exclude_ports);
	if (run->opt.ports.n == 0)
		return pli_cli_usage_error(cli, "no ports left to scan");
	return PL_EXIT_OK;
}

void
scan_skip_broadcasts(struct pl_cli *cli, struct pl_targets *ts)
{
	struct pl_bcast_list l;
	struct pl_err err = {0};

	if (pl_scan_local_broadcasts(&l, &err) != PL_OK ||
	    pl_targets_set_broadcasts(ts, &l) != PL_OK)
		fprintf(cli->err,
		        "%s: cannot read this machine's broadcast addresses (%s); only "
		        "255.255.255.255 is skipped as one\n",
		        cli->prog, err.msg[0] ? err.msg : "out of memory");
	pl_bcast_list_cleanup(&l);
}

int
scan_check_size(struct pl_cli *cli, const char *cmd, const struct pl_targets *ts, uint32_t n_ports,
                int yes_large)
{
	uint64_t nt = pl_targets_count(ts);
	uint64_t probes = nt * n_ports;

	if (n_ports && nt > UINT64_MAX / n_ports)
		return pli_cli_usage_error(cli, "%s: scan too large", cmd);
	if (probes > SCAN_LARGE_LIMIT && !yes_large)
		return pli_cli_usage_error(
		    cli,
		    "%s: this would send %llu probes (%llu targets x %u ports), more than a /16 "
		    "worth (%d); check the targets and add --yes-large if you mean it",
		    cmd, (unsigned long long)probes, (unsigned long long)nt, n_ports,
		    SCAN_LARGE_LIMIT);
	return PL_EXIT_OK;
}

/* Whether the engine can run here (privileges), before any output is opened. */
static int
check_engine(struct pl_cli *cli, struct scan_run *run)
{
	struct pl_err err = {0};

	if (run->opt.raw_set && run->opt.engine == &pl_scan_engine_connect)
		return pli_cli_usage_error(cli, "--source-ip, --source-port and --interface apply "
		                                "to -sS, -sU and -sn");
	if (run->opt.dry_run || !run->opt.engine->check || run->opt.engine->check(&err) == PL_OK)
		return PL_EXIT_OK;
	return pli_cli_usage_error(cli, "%s", err.msg);
}

/* Room for every argument as a target, and the options into run->opt. */
static int
parse_opts(struct pl_cli *cli, struct scan_run *run, int argc, char **argv)
{
	free(run->opt.deferred);
	run->opt.n_deferred = 0;
	run->opt.deferred = calloc((size_t)argc + 1, sizeof(*run->opt.deferred));
	if (!run->opt.deferred)
		return pli_cli_fail(cli, "out of memory");
	return pli_cli_parse_opts(cli, &scan_optset, 0, &run->opt, argc, argv);
}

/* --resume: the saved command line replaces this one (its options parsed again). */
static int
resume_command(struct pl_cli *cli, struct scan_run *run, char *argv0)
{
	char **av;
	int ex = load_resume(cli, run, run->opt.n_deferred);

	if (ex != PL_EXIT_OK)
		return ex;
	av = calloc(run->resume.n_loaded + 2, sizeof(*av));
	if (!av)
		return pli_cli_fail(cli, "out of memory");
	av[0] = argv0;
	memcpy(av + 1, run->resume.loaded_args, run->resume.n_loaded * sizeof(*av));
	free(run->resume.saved_args);
	run->resume.saved_args = run->resume.loaded_args;
	run->resume.n_saved = run->resume.n_loaded;
	/* getopt permutes av, not the saved copy in loaded_args. */
	ex = parse_opts(cli, run, (int)run->resume.n_loaded + 1, av);
	run->info.resumed = 1;
	free(av);
	if (ex == PL_EXIT_OK && !run->opt.seed_set)
		ex = pli_cli_usage_error(cli, "%s: no --seed saved", run->opt.resume_in);
	return ex;
}

int
scan_parse_command(struct pl_cli *cli, struct scan_run *run, int argc, char **argv)
{
	int ex;

	run->resume.saved_args = calloc((size_t)argc + 3, sizeof(char *));
	if (!run->resume.saved_args)
		return pli_cli_fail(cli, "out of memory");
	for (int i = 1; i < argc; i++)
		run->resume.saved_args[run->resume.n_saved++] = argv[i];
	ex = parse_opts(cli, run, argc, argv);
	if (ex == PL_EXIT_OK && run->opt.resume_in)
		ex = resume_command(cli, run, argv[0]);
#ifdef PL_CLI_LIGHT
	/* Before any target file (-iL -: stdin) is read or output opened: portlens-full
	 * then parses the same command line again (scan_light.c). */
	if (ex == PL_EXIT_OK && (run->opt.sv || run->opt.save))
		return SCAN_EXIT_NEEDS_FULL;
#endif
	pli_term_setup(cli);
	if (ex == PL_EXIT_OK)
		ex = check_outputs(cli, run);
	if (ex == PL_EXIT_OK)
		ex = build_sets(cli, run);
	if (ex == PL_EXIT_OK && !run->opt.dry_run)
		scan_skip_broadcasts(cli, run->targets);
	if (ex == PL_EXIT_OK)
		ex = scan_check_size(cli, "scan", run->targets, run->opt.ports.n,
		                     run->opt.yes_large || run->opt.dry_run);
	if (ex == PL_EXIT_OK)
		ex = check_engine(cli, run);
	if (ex == PL_EXIT_OK)
		ex = scan_timing_apply(cli, &run->opt);
	if (ex != PL_EXIT_OK)
		return ex;
	if (!run->opt.seed_set) {
		if (getrandom(&run->opt.seed, sizeof(run->opt.seed), 0) != sizeof(run->opt.seed))
			run->opt.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		snprintf(run->resume.seed_buf, sizeof(run->resume.seed_buf), "--seed=%llu",
		         (unsigned long long)run->opt.seed);
		run->resume.saved_args[run->resume.n_saved++] = run->resume.seed_buf;
	}
	run->args_str = join_args(run->resume.saved_args, run->resume.n_saved);
	run->services_str = compress_ports(&run->opt.ports);
	if (!run->args_str || !run->services_str)
		return pli_cli_fail(cli, "out of memory");
	return PL_EXIT_OK;
}
