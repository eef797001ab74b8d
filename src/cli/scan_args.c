// SPDX-License-Identifier: MIT
/*
 * scan_args.c - options of `portlens scan` (nmap's names where nmap has the flag),
 * building the target and port sets, the safety checks (--yes-large), resume files
 * (--resume) and opening/closing the output sinks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cli/scan_cmd.h"
#include "core/buf.h"
#include "core/lines.h"
#include "core/strnum.h"

enum {
	OPT_IL = PL_OPT_FIRST_FREE,
	OPT_EXCLUDE,
	OPT_EXCLUDEFILE,
	OPT_EXCLUDE_PORTS,
	OPT_TOP,
	OPT_ON,
	OPT_OJ,
	OPT_OX,
	OPT_OG,
	OPT_OC,
	OPT_SEED,
	OPT_SHARD,
	OPT_RESUME,
	OPT_RESUME_FILE,
	OPT_RATE,
	OPT_MAXINF,
	OPT_THREADS,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_STATS,
	OPT_YES,
	OPT_DRY,
	OPT_ALL,
	OPT_OPEN,
	OPT_REASON,
	OPT_PN,
	OPT_NO_PROGRESS,
	OPT_SAVE, /* --save, --db: scan_save.c */
	OPT_DB,
	OPT_SV,       /* --sV: scan_probe.c */
	OPT_MIN_RATE, /* --min-rate, -T: scan_timing.c */
	OPT_SRC_IP,   /* --source-ip, --source-port, --interface: raw engines */
	OPT_SRC_PORT,
	OPT_IFACE,
};

static const char scan_help[] =
    "usage: portlens scan [OPTIONS] TARGET...\n"
    "\n"
    "Find open TCP ports with non-blocking connect() (no root needed), or with raw SYN\n"
    "packets (-sS). Probes visit targets x ports in a keyed random order; results\n"
    "stream to every output.\n"
    "\n"
    "targets:  198.18.0.1  2001:2::1  198.18.0.0/24  2001:2::/120  198.18.0-3.1-254  host.name\n"
    "  -iL FILE              read targets from FILE ('-' = stdin)\n"
    "  --exclude LIST        comma-separated targets not to probe\n"
    "  --excludefile FILE    targets not to probe, from FILE\n"
    "  -6                    resolve host names to IPv6 addresses\n"
    "ports:\n"
    "  -p LIST               22,80,1000-2000  T:22,U:53  -p- (1-65535)\n"
    "  --top-ports N         the N highest-ranked ports (portlens's own ranking)\n"
    "  -F                    --top-ports 100 (default without -p: --top-ports 1000)\n"
    "  --exclude-ports LIST  ports not to probe\n"
    "scan type:\n"
    "  -sT                   connect scan (the default; no privileges)\n"
    "  -sS                   raw SYN scan, stateless (root or CAP_NET_RAW)\n"
    "  -sU                   UDP scan with protocol payloads (ports without a prefix\n"
    "                        are UDP; default ports: the UDP ranking)\n"
    "  -sn                   host discovery, no ports (root): echo, SYN 443, ACK 80, ARP\n"
    "  -S, --source-ip ADDR  -sS/-sU/-sn: send from ADDR\n"
    "  -g, --source-port N   -sS/-sU/-sn: send from port N (default: random per scan)\n"
    "  -e, --interface NAME  -sS/-sU/-sn: send and receive on interface NAME only\n"
    "engine and timing:\n"
    "  --rate N              at most N probes per second (default: unlimited;\n"
    "                        --max-rate too)\n"
    "  --min-rate N          keep enough probes in flight for N per second, even when\n"
    "                        every probe waits its whole timeout\n"
    "  -T0..5, -T NAME       nmap's timing templates (paranoid, sneaky, polite, normal,\n"
    "                        aggressive, insane); options given explicitly win\n"
    "  --max-inflight N      probes in flight (default: as the descriptor limit allows)\n"
    "  --threads N           engine worker threads, 1-16 (default 1)\n"
    "  --timeout MS          wait per attempt (default 1000; --max-rtt-timeout too)\n"
    "  --retries N           extra attempts after no answer (default 1; --max-retries)\n"
    "order:\n"
    "  --seed N              key of the random order (default: random; saved on resume)\n"
    "  --shard I/N           probe only the I-th of N equal, disjoint parts (1 <= I <= N)\n"
    "  --resume FILE         finish an interrupted scan (outputs are continued)\n"
    "  --resume-file FILE    where Ctrl-C saves the state (default portlens-scan.resume)\n"
    "output:\n"
    "  -oN FILE  -oJ FILE  -oX FILE  -oG FILE  -oC FILE\n"
    "                        normal, JSON lines, nmap XML, grepable, CSV ('-' = stdout;\n"
    "                        one format on stdout)\n"
    "  --json                JSON lines on stdout (as -oJ -)\n"
    "  --all-states          report closed, filtered and unreachable ports too\n"
    "  --open                report open ports only (the default)\n"
    "  --reason              show why a port is in its state (syn-ack, conn-refused, ...)\n"
    "  -sV, --sV             identify the service on each open port from what it says\n"
    "                        (as portlens probe; probes run while the scan goes on, and\n"
    "                        an open port is written with its service once probed)\n"
    "  --stats-json SECS     a JSON progress line on stderr every SECS seconds\n"
    "  --no-progress         no status line on a terminal\n"
    "  --save                also save the results in the SQLite store (portlens serve)\n"
    "  --db PATH|URL         the store: an SQLite file (default\n"
    "                        $XDG_DATA_HOME/portlens/portlens.db) or postgresql://...\n"
    "safety:\n"
    "  --yes-large           allow more than 65536 probes (a /16 worth)\n"
    "  --dry-run             count the probes (targets x ports), send nothing\n"
    "Accepted for nmap compatibility: -n; -Pn (the default: every target is probed).\n"
    "Broadcast, multicast and 0.0.0.0/8 addresses are never probed.\n"
    "Exit: 0 done, 1 failed, 2 bad usage, 130 interrupted (resume file written).\n";

static const struct option longopts[] = {
    PL_CLI_COMMON_LONGOPTS,
    {"iL", required_argument, NULL, OPT_IL},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"excludefile", required_argument, NULL, OPT_EXCLUDEFILE},
    {"exclude-ports", required_argument, NULL, OPT_EXCLUDE_PORTS},
    {"top-ports", required_argument, NULL, OPT_TOP},
    {"oN", required_argument, NULL, OPT_ON},
    {"oJ", required_argument, NULL, OPT_OJ},
    {"oX", required_argument, NULL, OPT_OX},
    {"oG", required_argument, NULL, OPT_OG},
    {"oC", required_argument, NULL, OPT_OC},
    {"seed", required_argument, NULL, OPT_SEED},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"resume-file", required_argument, NULL, OPT_RESUME_FILE},
    {"rate", required_argument, NULL, OPT_RATE},
    {"max-rate", required_argument, NULL, OPT_RATE},
    {"min-rate", required_argument, NULL, OPT_MIN_RATE},
    {"max-inflight", required_argument, NULL, OPT_MAXINF},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-rtt-timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"max-retries", required_argument, NULL, OPT_RETRIES},
    {"stats-json", required_argument, NULL, OPT_STATS},
    {"yes-large", no_argument, NULL, OPT_YES},
    {"dry-run", no_argument, NULL, OPT_DRY},
    {"all-states", no_argument, NULL, OPT_ALL},
    {"open", no_argument, NULL, OPT_OPEN},
    {"reason", no_argument, NULL, OPT_REASON},
    {"sV", no_argument, NULL, OPT_SV},
    {"Pn", no_argument, NULL, OPT_PN},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"save", no_argument, NULL, OPT_SAVE},
    {"db", required_argument, NULL, OPT_DB},
    {"source-ip", required_argument, NULL, OPT_SRC_IP},
    {"source-port", required_argument, NULL, OPT_SRC_PORT},
    {"interface", required_argument, NULL, OPT_IFACE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void
scan_run_init(struct scan_run *run)
{
	memset(run, 0, sizeof(*run));
	run->timeout_ms = 1000;
	run->retries = 1;
	run->resume_out = "portlens-scan.resume";
	run->shard_n = 1;
	run->engine = &pl_scan_engine_connect;
	run->timing = -1;
}

void
scan_run_cleanup(struct scan_run *run)
{
	pl_targets_free(run->targets);
	pl_ports_cleanup(&run->ports);
	pl_ports_cleanup(&run->exclude_ports);
	if (run->saved_args != run->loaded_args)
		free(run->saved_args);
	pl_scan_resume_args_free(run->loaded_args, run->n_loaded);
	pl_scan_state_cleanup(&run->state);
	free(run->args_str);
	free(run->services_str);
	scan_hosts_cleanup(&run->up);
	free(run->sv_pending);              /* --sV */
	pl_buf_cleanup(&run->save.targets); /* --save */
}

static int
add_list(struct pl_cli *cli, struct scan_run *run, const char *text, size_t len, const char *source,
         int exclude)
{
	struct pl_err err = {0};

	if (pl_targets_add_list(run->targets, text, len, source, exclude, run->v6, &err) != PL_OK) {
		pl_cli_print_err(cli, &err);
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

	rc =
	    pl_targets_add_list(f->run->targets, line, len, f->source, f->exclude, f->run->v6, err);
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
		return pl_cli_usage_error(cli, "%s: cannot open %s: %s",
		                          exclude ? "--excludefile" : "-iL", path, strerror(errno));
	rc = pl_lines_read(fp, TARGET_LINE_MAX, f.source, target_line, &f, &err);
	if (!is_stdin)
		fclose(fp);
	if (rc == PL_OK)
		return PL_EXIT_OK;
	pl_cli_print_err(cli, &err);
	return rc == PL_ERR_NOMEM ? PL_EXIT_FAIL : PL_EXIT_USAGE;
}

static int
num_opt(struct pl_cli *cli, const char *name, const char *arg, uint64_t lo, uint64_t hi,
        uint64_t *out)
{
	struct pl_err err = {0};

	if (pl_parse_u64(arg, lo, hi, out, &err) != PL_OK)
		return pl_cli_usage_error(cli, "%s: %s", name, err.msg);
	return PL_EXIT_OK;
}

/* Target-ish arguments are applied after all options (-6 may come last). */
struct deferred {
	int kind; /* 0 target, OPT_IL, OPT_EXCLUDE, OPT_EXCLUDEFILE */
	const char *arg;
};

static int
ports_opt(struct pl_cli *cli, struct pl_ports *ps, const char *arg)
{
	struct pl_err err = {0};

	/* Unprefixed ports are held as DCCP until the scan type is known (scan_util.c). */
	if (pl_ports_parse_as(ps, arg, PL_PROTO_BIT(PL_PROTO_DCCP), &err) != PL_OK)
		return pl_cli_usage_error(cli, "bad port list '%.40s%s': column %u: %s", arg,
		                          strlen(arg) > 40 ? "..." : "", err.column, err.msg);
	return PL_EXIT_OK;
}

/* -sT, -sS, ...: the engine from the library's table. */
static int
engine_opt(struct pl_cli *cli, struct scan_run *run, const char *arg)
{
	struct pl_buf b;
	const struct pl_scan_engine *const *all;
	size_t n;
	int ex;

	const struct pl_scan_engine *prev = run->engine, *e = pl_scan_engine_find(arg);

	if (e && strlen(arg) == 1) { /* -sS with -sU, in any order: both, as nmap */
		int both = (prev == &pl_scan_engine_syn || prev == &pl_scan_engine_mix) &&
		           e == &pl_scan_engine_udp;
		both |= (prev == &pl_scan_engine_udp || prev == &pl_scan_engine_mix) &&
		        e == &pl_scan_engine_syn;
		run->engine = both ? &pl_scan_engine_mix : e;
		return PL_EXIT_OK;
	}
	all = pl_scan_engines(&n);
	pl_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		if (strlen(all[i]->flag) == 1)
			pl_buf_printf(&b, "%s-s%s", b.len ? ", " : "", all[i]->flag);
	ex = pl_cli_usage_error(cli, "-s%s: no such scan type (available: %s)", arg,
	                        b.len ? pl_buf_str(&b) : "none");
	pl_buf_cleanup(&b);
	return ex;
}

/* --source-ip, --source-port, --interface (raw engines); -2 when opt is none of them. */
static int
raw_option(struct pl_cli *cli, struct scan_run *run, int opt, const char *arg)
{
	struct pl_scan_addr a = {0};
	uint64_t v;

	switch (opt) {
	case 'S':
	case OPT_SRC_IP:
		if (inet_pton(AF_INET, arg, a.bytes) == 1) {
			a.family = 4;
			run->raw.source4 = a;
		} else if (inet_pton(AF_INET6, arg, a.bytes) == 1) {
			a.family = 6;
			run->raw.source6 = a;
		} else {
			return pl_cli_usage_error(cli, "--source-ip: '%s' is not an IP address",
			                          arg);
		}
		break;
	case 'g':
	case OPT_SRC_PORT:
		if (num_opt(cli, "--source-port", arg, 1, 65535, &v) != PL_EXIT_OK)
			return PL_EXIT_USAGE;
		run->raw.source_port = (uint16_t)v;
		break;
	case 'e':
	case OPT_IFACE:
		if (strlen(arg) == 0 || strlen(arg) >= sizeof(run->raw.interface))
			return pl_cli_usage_error(cli, "--interface: '%s' is not an interface name",
			                          arg);
		snprintf(run->raw.interface, sizeof(run->raw.interface), "%s", arg);
		break;
	default:
		return -2;
	}
	run->raw_set = 1;
	return PL_EXIT_OK;
}

/* Engine and timing options; -2 when opt is not one of them. */
static int
timing_option(struct pl_cli *cli, struct scan_run *run, int opt, const char *arg)
{
	uint64_t v;
	int ex;

	switch (opt) {
	case OPT_RATE:
		ex = num_opt(cli, "--rate", arg, 1, 100000000, &v);
		run->rate = (double)v;
		run->set |= SCAN_SET_RATE;
		return ex;
	case OPT_MIN_RATE:
		ex = num_opt(cli, "--min-rate", arg, 1, 100000000, &v);
		run->min_rate = (double)v;
		return ex;
	case 'T':
		return scan_timing_template(cli, run, arg);
	case OPT_MAXINF:
		ex = num_opt(cli, "--max-inflight", arg, 1, 1000000, &v);
		run->max_inflight = (uint32_t)v;
		run->set |= SCAN_SET_MAXINF;
		return ex;
	case OPT_THREADS:
		ex = num_opt(cli, "--threads", arg, 1, 16, &v);
		run->threads = (uint32_t)v;
		return ex;
	case OPT_TIMEOUT:
		ex = num_opt(cli, "--timeout", arg, 1, 600000, &v);
		run->timeout_ms = (uint32_t)v;
		run->set |= SCAN_SET_TIMEOUT;
		return ex;
	case OPT_RETRIES:
		ex = num_opt(cli, "--retries", arg, 0, 50, &v);
		run->retries = (uint32_t)v;
		run->set |= SCAN_SET_RETRIES;
		return ex;
	case OPT_STATS:
		ex = num_opt(cli, "--stats-json", arg, 1, 86400, &v);
		run->stats_json = (double)v;
		return ex;
	}
	return raw_option(cli, run, opt, arg);
}

static int
scan_option(struct pl_cli *cli, struct scan_run *run, int opt, const char *arg)
{
	uint64_t v;
	int ex = PL_EXIT_OK;

	switch (opt) {
	case 'p':
		run->have_ports = 1;
		return ports_opt(cli, &run->ports, arg);
	case OPT_EXCLUDE_PORTS:
		return ports_opt(cli, &run->exclude_ports, arg);
	case 'F':
		run->top = 100;
		return PL_EXIT_OK;
	case OPT_TOP:
		ex = num_opt(cli, "--top-ports", arg, 1, 65535, &v);
		run->top = (uint32_t)v;
		return ex;
	case '6':
		run->v6 = 1;
		return PL_EXIT_OK;
	case 's':
		return engine_opt(cli, run, arg);
	case 'n':
	case 'v':
	case OPT_PN:
	case OPT_OPEN:
		return PL_EXIT_OK;
	case OPT_ON:
	case OPT_OJ:
	case OPT_OX:
	case OPT_OG:
	case OPT_OC:
		run->out_path[opt - OPT_ON] = arg;
		return PL_EXIT_OK;
	case OPT_SEED:
		ex = num_opt(cli, "--seed", arg, 0, UINT64_MAX, &run->seed);
		run->seed_set = 1;
		return ex;
	case OPT_SHARD: {
		struct pl_err err = {0};

		if (pl_shard_parse(arg, &run->shard_i, &run->shard_n, &err) != PL_OK)
			return pl_cli_usage_error(cli, "%s", err.msg);
		return PL_EXIT_OK;
	}
	case OPT_RESUME:
		run->resume_in = arg;
		return PL_EXIT_OK;
	case OPT_RESUME_FILE:
		run->resume_out = arg;
		return PL_EXIT_OK;
	case OPT_YES:
		run->yes_large = 1;
		return PL_EXIT_OK;
	case OPT_DRY:
		run->dry_run = 1;
		return PL_EXIT_OK;
	case OPT_ALL:
		run->all_states = 1;
		return PL_EXIT_OK;
	case OPT_REASON:
		run->reason = 1;
		return PL_EXIT_OK;
	case OPT_NO_PROGRESS:
		run->no_progress = 1;
		return PL_EXIT_OK;
	case OPT_SAVE: /* scan_save.c */
		run->save.on = 1;
		return PL_EXIT_OK;
	case OPT_DB:
		run->save.db = arg;
		return PL_EXIT_OK;
	case OPT_SV: /* scan_probe.c */
		run->sv = 1;
		return PL_EXIT_OK;
	case PL_OPT_JSON: /* the common option: JSON lines on stdout, as -oJ - */
		run->json_stdout = 1;
		return PL_EXIT_OK;
	case PL_OPT_MARKDOWN:
		return pl_cli_usage_error(cli, "scan has no Markdown output; use -oN, -oJ, -oX, "
		                               "-oG or -oC (or --json)");
	case PL_OPT_NO_LIVE:
		return pl_cli_usage_error(cli, "--no-live: a scan is always live");
	}
	return timing_option(cli, run, opt, arg);
}

static int
parse_opts(struct pl_cli *cli, struct scan_run *run, int argc, char **argv, struct deferred *d,
           size_t *nd)
{
	int opt;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long_only(argc, argv, "-hp:F6s:nvP:S:g:e:T:", longopts, NULL)) != -1) {
		int ex, r;

		if (opt == 'h') {
			fputs(scan_help, cli->out);
			return -1;
		}
		if (opt == 1 || opt == OPT_IL || opt == OPT_EXCLUDE || opt == OPT_EXCLUDEFILE) {
			d[(*nd)++] = (struct deferred){.kind = opt == 1 ? 0 : opt, .arg = optarg};
			continue;
		}
		if (opt == 'P') {
			if (strcmp(optarg, "n") != 0)
				return pl_cli_usage_error(cli,
				                          "-P%s: host discovery is not done; "
				                          "-Pn is implied",
				                          optarg);
			continue;
		}
		ex = scan_option(cli, run, opt, optarg);
		if (ex != -2) {
			if (ex != PL_EXIT_OK)
				return ex;
			continue;
		}
		r = pl_cli_other_option(cli, opt, optarg, argv);
		if (r != PL_EXIT_OK)
			return r;
	}
	return PL_EXIT_OK;
}

static int
apply_deferred(struct pl_cli *cli, struct scan_run *run, const struct deferred *d, size_t nd)
{
	for (size_t i = 0; i < nd; i++) {
		int ex;

		switch (d[i].kind) {
		case 0:
			scan_save_add_target(&run->save, d[i].arg);
			ex = add_list(cli, run, d[i].arg, strlen(d[i].arg), NULL, 0);
			break;
		case OPT_EXCLUDE:
			ex = add_list(cli, run, d[i].arg, strlen(d[i].arg), NULL, 1);
			break;
		case OPT_IL:
			ex = add_file(cli, run, d[i].arg, 0);
			break;
		default:
			ex = add_file(cli, run, d[i].arg, 1);
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

	pl_buf_init(&b);
	for (uint32_t i = 0; i < ps->n;) {
		uint32_t j = i;

		while (j + 1 < ps->n && ps->items[j + 1] == ps->items[j] + 1)
			j++;
		pl_buf_printf(&b, "%s%s%u", b.len ? "," : "",
		              (ps->items[i] >> 16) == PL_PROTO_UDP && !all_udp ? "U:" : "",
		              ps->items[i] & 0xffff);
		if (j > i)
			pl_buf_printf(&b, "-%u", ps->items[j] & 0xffff);
		i = j + 1;
	}
	pl_buf_putc(&b, '\0');
	return pl_buf_steal(&b);
}

static char *
join_args(char *const *args, size_t n)
{
	struct pl_buf b;

	pl_buf_init(&b);
	pl_buf_puts(&b, "portlens scan");
	for (size_t i = 0; i < n; i++)
		pl_buf_printf(&b, " %s", args[i]);
	return pl_buf_steal(&b);
}

/* Replaces the command line with the one saved in the resume file. */
static int
load_resume(struct pl_cli *cli, struct scan_run *run, size_t n_targets_given)
{
	struct pl_err err = {0};
	const char *path = run->resume_in, *keep_out = run->resume_out;
	double stats = run->stats_json;
	int no_progress = run->no_progress;

	if (n_targets_given)
		return pl_cli_usage_error(cli, "--resume takes its targets from the resume file");
	if (pl_scan_resume_load(path, &run->loaded_args, &run->n_loaded, &run->state, &err) !=
	    PL_OK) {
		if (err.sys_errno == ENOENT)
			return pl_cli_usage_error(
			    cli,
			    "--resume %s: no such file (a scan removes its "
			    "resume file when it finishes; nothing to resume)",
			    path);
		pl_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	run->have_state = 1;
	pl_ports_cleanup(&run->ports);
	pl_ports_cleanup(&run->exclude_ports);
	memset(run->out_path, 0, sizeof(run->out_path));
	run->resume_out = strcmp(keep_out, "portlens-scan.resume") ? keep_out : path;
	run->stats_json = stats;
	run->no_progress = no_progress;
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

	if (run->json_stdout) {
		if (run->out_path[SCAN_OUT_JSON] && strcmp(run->out_path[SCAN_OUT_JSON], "-") != 0)
			return pl_cli_usage_error(cli,
			                          "--json writes JSON lines to stdout, -oJ %s to a "
			                          "file; give one of them",
			                          run->out_path[SCAN_OUT_JSON]);
		run->out_path[SCAN_OUT_JSON] = "-";
	}
	for (int k = 0; k < SCAN_OUT_N; k++) {
		if (!run->out_path[k] || strcmp(run->out_path[k], "-") != 0)
			continue;
		if (first)
			return pl_cli_usage_error(cli,
			                          "%s - and %s - would mix two formats on stdout; "
			                          "write one of them to a file",
			                          first, flag[k]);
		first = flag[k];
	}
	return PL_EXIT_OK;
}

static int
build_sets(struct pl_cli *cli, struct scan_run *run, const struct deferred *d, size_t nd)
{
	int ex;

	run->targets = pl_targets_new();
	if (!run->targets)
		return pl_cli_fail(cli, "out of memory");
	ex = apply_deferred(cli, run, d, nd);
	if (ex != PL_EXIT_OK)
		return ex;
	if (pl_targets_count(run->targets) == 0)
		return pl_cli_usage_error(cli, "no targets given (see --help)");
	if (run->engine == &pl_scan_engine_ping) /* -sn: one probe (port 0) per target */
		return scan_ping_ports(cli, run);
	if (!run->have_ports && !run->top)
		run->top = 1000;
	if ((ex = scan_resolve_ports(cli, run)) != PL_EXIT_OK)
		return ex;
	pl_ports_remove(&run->ports, &run->exclude_ports);
	if (run->ports.n == 0)
		return pl_cli_usage_error(cli, "no ports left to scan");
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
		return pl_cli_usage_error(cli, "%s: scan too large", cmd);
	if (probes > SCAN_LARGE_LIMIT && !yes_large)
		return pl_cli_usage_error(
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

	if (run->raw_set && run->engine == &pl_scan_engine_connect)
		return pl_cli_usage_error(cli, "--source-ip, --source-port and --interface apply "
		                               "to -sS, -sU and -sn");
	if (run->dry_run || !run->engine->check || run->engine->check(&err) == PL_OK)
		return PL_EXIT_OK;
	return pl_cli_usage_error(cli, "%s", err.msg);
}

int
scan_parse_command(struct pl_cli *cli, struct scan_run *run, int argc, char **argv)
{
	struct deferred *d = calloc((size_t)argc + 1, sizeof(*d));
	size_t nd = 0;
	int ex;

	run->saved_args = calloc((size_t)argc + 3, sizeof(char *));
	if (!d || !run->saved_args) {
		free(d);
		return pl_cli_fail(cli, "out of memory");
	}
	for (int i = 1; i < argc; i++)
		run->saved_args[run->n_saved++] = argv[i];
	ex = parse_opts(cli, run, argc, argv, d, &nd);
	if (ex == PL_EXIT_OK && run->resume_in) {
		ex = load_resume(cli, run, nd);
		if (ex == PL_EXIT_OK) {
			char **av = calloc(run->n_loaded + 2, sizeof(*av));

			if (!av) {
				free(d);
				return pl_cli_fail(cli, "out of memory");
			}
			av[0] = argv[0];
			memcpy(av + 1, run->loaded_args, run->n_loaded * sizeof(*av));
			free(run->saved_args);
			run->saved_args = run->loaded_args;
			run->n_saved = run->n_loaded;
			free(d);
			d = calloc(run->n_loaded + 2, sizeof(*d));
			nd = 0;
			/* getopt permutes av, not the saved copy in loaded_args. */
			ex = d ? parse_opts(cli, run, (int)run->n_loaded + 1, av, d, &nd)
			       : PL_EXIT_FAIL;
			run->info.resumed = 1;
			free(av);
			if (ex == PL_EXIT_OK && !run->seed_set)
				ex = pl_cli_usage_error(cli, "%s: no --seed saved", run->resume_in);
		}
	}
	pl_term_setup(cli);
	if (ex == PL_EXIT_OK)
		ex = check_outputs(cli, run);
	if (ex == PL_EXIT_OK)
		ex = build_sets(cli, run, d, nd);
	if (ex == PL_EXIT_OK && !run->dry_run)
		scan_skip_broadcasts(cli, run->targets);
	free(d);
	if (ex == PL_EXIT_OK)
		ex = scan_check_size(cli, "scan", run->targets, run->ports.n,
		                     run->yes_large || run->dry_run);
	if (ex == PL_EXIT_OK)
		ex = check_engine(cli, run);
	if (ex == PL_EXIT_OK)
		ex = scan_timing_apply(cli, run);
	if (ex != PL_EXIT_OK)
		return ex;
	if (!run->seed_set) {
		if (getrandom(&run->seed, sizeof(run->seed), 0) != sizeof(run->seed))
			run->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		snprintf(run->seed_buf, sizeof(run->seed_buf), "--seed=%llu",
		         (unsigned long long)run->seed);
		run->saved_args[run->n_saved++] = run->seed_buf;
	}
	run->args_str = join_args(run->saved_args, run->n_saved);
	run->services_str = compress_ports(&run->ports);
	if (!run->args_str || !run->services_str)
		return pl_cli_fail(cli, "out of memory");
	return PL_EXIT_OK;
}
