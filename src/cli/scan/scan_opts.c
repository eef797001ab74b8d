// SPDX-License-Identifier: MIT
/*
 * scan_opts.c - the option table of `portlens scan` (cli/opts.h): nmap's names where
 * nmap has the flag (one-dash long options: -iL, -oX, -sV, through getopt_long_only),
 * each option's help line and what it sets in struct scan_opts. Targets, -iL,
 * --exclude and --excludefile are only recorded here, in command-line order, and
 * applied after every option (scan_args.c): -6 may come after the targets it changes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/addr.h"
#include "cli/opts.h"
#include "cli/scan/scan_cmd.h"
#include "core/buf.h"
#include "core/strnum.h"

#define OPTS(c)    ((struct scan_opts *)(c)->ctx)
#define FIELD(f)   offsetof(struct scan_opts, f)
#define OUTPUT(ix) .arg = PL_ARG_REQUIRED, .fn = opt_output, .value = (ix)

static int
num_arg(const struct pl_cli_optctx *oc, const char *arg, uint64_t *out)
{
	struct pl_err err = {0};
	char name[64];

	if (pli_parse_u64(arg, oc->row->min, oc->row->max, out, &err) != PL_OK)
		return pli_cli_usage_error(
		    oc->cli, "%s: %s", pli_cli_opt_display(oc->row, name, sizeof(name)), err.msg);
	return PL_EXIT_OK;
}

/* A number into a uint32_t field; row->value: the SCAN_SET_* bit it marks as given. */
static int
opt_u32(const struct pl_cli_optctx *oc, const char *arg)
{
	uint64_t v = 0;
	int ex = num_arg(oc, arg, &v);

	*PL_CLI_OPT_FIELD(oc, uint32_t) = (uint32_t)v;
	OPTS(oc)->set |= (unsigned)oc->row->value;
	return ex;
}

/* A number into a double field (rates, seconds); row->value as for opt_u32. */
static int
opt_double(const struct pl_cli_optctx *oc, const char *arg)
{
	uint64_t v = 0;
	int ex = num_arg(oc, arg, &v);

	*PL_CLI_OPT_FIELD(oc, double) = (double)v;
	OPTS(oc)->set |= (unsigned)oc->row->value;
	return ex;
}

static int
opt_seed(const struct pl_cli_optctx *oc, const char *arg)
{
	OPTS(oc)->seed_set = 1;
	return num_arg(oc, arg, &OPTS(oc)->seed);
}

/* Targets and target files: kept in order for scan_args.c (row->value: SCAN_DEFER_*). */
static int
opt_defer(const struct pl_cli_optctx *oc, const char *arg)
{
	struct scan_opts *o = OPTS(oc);

	o->deferred[o->n_deferred++] = (struct scan_deferred){
	    .kind = oc->row ? oc->row->value : SCAN_DEFER_TARGET, .arg = arg};
	return PL_EXIT_OK;
}

static int
ports_arg(struct pl_cli *cli, struct pl_ports *ps, const char *arg)
{
	struct pl_err err = {0};

	/* Unprefixed ports are held as DCCP until the scan type is known (scan_util.c). */
	if (pl_ports_parse_as(ps, arg, PL_PROTO_BIT(PL_PROTO_DCCP), &err) != PL_OK)
		return pli_cli_usage_error(cli, "bad port list '%.40s%s': column %u: %s", arg,
		                           strlen(arg) > 40 ? "..." : "", err.column, err.msg);
	return PL_EXIT_OK;
}

static int
opt_ports(const struct pl_cli_optctx *oc, const char *arg)
{
	OPTS(oc)->have_ports = 1;
	return ports_arg(oc->cli, &OPTS(oc)->ports, arg);
}

static int
opt_exclude_ports(const struct pl_cli_optctx *oc, const char *arg)
{
	return ports_arg(oc->cli, &OPTS(oc)->exclude_ports, arg);
}

static int
opt_fast(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	OPTS(oc)->top = 100;
	return PL_EXIT_OK;
}

/* -sT, -sS, ...: the engine from the library's table. */
static int
opt_engine(const struct pl_cli_optctx *oc, const char *arg)
{
	struct scan_opts *o = OPTS(oc);
	const struct pl_scan_engine *const *all;
	const struct pl_scan_engine *prev = o->engine, *e = pl_scan_engine_find(arg);
	struct pl_buf b;
	size_t n;
	int ex;

	if (e && strlen(arg) == 1) { /* -sS with -sU, in any order: both, as nmap */
		int both = (prev == &pl_scan_engine_syn || prev == &pl_scan_engine_mix) &&
		           e == &pl_scan_engine_udp;
		both |= (prev == &pl_scan_engine_udp || prev == &pl_scan_engine_mix) &&
		        e == &pl_scan_engine_syn;
		o->engine = both ? &pl_scan_engine_mix : e;
		return PL_EXIT_OK;
	}
	all = pl_scan_engines(&n);
	pli_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		if (strlen(all[i]->flag) == 1)
			pli_buf_printf(&b, "%s-s%s", b.len ? ", " : "", all[i]->flag);
	ex = pli_cli_usage_error(oc->cli, "-s%s: no such scan type (available: %s)", arg,
	                         b.len ? pli_buf_str(&b) : "none");
	pli_buf_cleanup(&b);
	return ex;
}

/* -P: only -Pn (no host discovery), which is what portlens always does. */
static int
opt_discovery(const struct pl_cli_optctx *oc, const char *arg)
{
	if (strcmp(arg, "n") != 0)
		return pli_cli_usage_error(oc->cli,
		                           "-P%s: host discovery is not done; -Pn is implied", arg);
	return PL_EXIT_OK;
}

static int
opt_source_ip(const struct pl_cli_optctx *oc, const char *arg)
{
	struct scan_opts *o = OPTS(oc);
	struct pl_scan_addr a = {0};
	struct pl_addr ip;

	if (pl_addr_parse_ip(arg, strlen(arg), &ip) != 0)
		return pli_cli_usage_error(oc->cli, "--source-ip: '%s' is not an IP address", arg);
	a.family = ip.family;
	memcpy(a.bytes, ip.bytes, sizeof(a.bytes));
	*(ip.family == 4 ? &o->raw.source4 : &o->raw.source6) = a;
	o->raw_set = 1;
	return PL_EXIT_OK;
}

static int
opt_source_port(const struct pl_cli_optctx *oc, const char *arg)
{
	uint64_t v;

	if (num_arg(oc, arg, &v) != PL_EXIT_OK)
		return PL_EXIT_USAGE;
	OPTS(oc)->raw.source_port = (uint16_t)v;
	OPTS(oc)->raw_set = 1;
	return PL_EXIT_OK;
}

static int
opt_interface(const struct pl_cli_optctx *oc, const char *arg)
{
	struct scan_opts *o = OPTS(oc);

	if (strlen(arg) == 0 || strlen(arg) >= sizeof(o->raw.interface))
		return pli_cli_usage_error(oc->cli, "--interface: '%s' is not an interface name",
		                           arg);
	snprintf(o->raw.interface, sizeof(o->raw.interface), "%s", arg);
	o->raw_set = 1;
	return PL_EXIT_OK;
}

static int
opt_timing(const struct pl_cli_optctx *oc, const char *arg)
{
	return scan_timing_template(oc->cli, OPTS(oc), arg);
}

static int
opt_shard(const struct pl_cli_optctx *oc, const char *arg)
{
	struct pl_err err = {0};

	if (pl_shard_parse(arg, &OPTS(oc)->shard_i, &OPTS(oc)->shard_n, &err) != PL_OK)
		return pli_cli_usage_error(oc->cli, "%s", err.msg);
	return PL_EXIT_OK;
}

/* -oN, -oJ, ...: row->value is the SCAN_OUT_* format. */
static int
opt_output(const struct pl_cli_optctx *oc, const char *arg)
{
	OPTS(oc)->out_path[oc->row->value] = arg;
	return PL_EXIT_OK;
}

static const struct pl_cli_refusal scan_refuse[] = {
    {.opt = PL_OPT_MARKDOWN,
     .why = "scan has no Markdown output; use -oN, -oJ, -oX, -oG or -oC (or --json)"},
    {.opt = PL_OPT_NO_LIVE, .why = "--no-live: a scan is always live"},
    {.opt = 0},
};

/* One option per row, as the help lists them (clang-format would rewrap the rows). */
// clang-format off
static const struct pl_cli_opt scan_rows[] = {
    {.text = "usage: portlens scan [OPTIONS] TARGET...\n"
             "\n"
             "Find open TCP ports with non-blocking connect() (no root needed), or with raw SYN\n"
             "packets (-sS). Probes visit targets x ports in a keyed random order; results\n"
             "stream to every output.\n"
             "\n"
             "targets:  198.18.0.1  2001:2::1  198.18.0.0/24  2001:2::/120  198.18.0-3.1-254  host.name\n"},
    {.name = "iL", .arg = PL_ARG_REQUIRED, .usage = "-iL FILE", .fn = opt_defer, .value = SCAN_DEFER_IL,
     .help = "read targets from FILE ('-' = stdin)"},
    {.name = "exclude", .arg = PL_ARG_REQUIRED, .metavar = "LIST", .fn = opt_defer,
     .value = SCAN_DEFER_EXCLUDE, .help = "comma-separated targets not to probe"},
    {.name = "excludefile", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .fn = opt_defer,
     .value = SCAN_DEFER_EXCLUDEFILE, .help = "targets not to probe, from FILE"},
    {.short_name = '6', .fn = pli_cli_opt_flag, .field = FIELD(v6),
     .help = "resolve host names to IPv6 addresses"},
    {.text = "ports:\n"},
    {.short_name = 'p', .arg = PL_ARG_REQUIRED, .metavar = "LIST", .fn = opt_ports,
     .help = "22,80,1000-2000  T:22,U:53  -p- (1-65535)"},
    {.name = "top-ports", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_u32, .field = FIELD(top),
     .min = 1, .max = 65535, .help = "the N best-ranked ports (own ranking; of -p LIST if given)"},
    {.short_name = 'F', .fn = opt_fast,
     .help = "--top-ports 100 (default without -p: --top-ports 1000)"},
    {.name = "exclude-ports", .arg = PL_ARG_REQUIRED, .metavar = "LIST", .fn = opt_exclude_ports,
     .help = "ports not to probe"},
    {.text = "scan type:\n"},
    {.short_name = 's', .arg = PL_ARG_REQUIRED, .usage = "-sT", .fn = opt_engine, .values = "T S U n",
     .help = "connect scan (the default; no privileges)"},
    {.usage = "-sS", .help = "raw SYN scan, stateless (root or CAP_NET_RAW)"},
    {.usage = "-sU", .help = "UDP scan with protocol payloads (ports without a prefix\n"
                             "are UDP; default ports: the UDP ranking)"},
    {.usage = "-sn", .help = "host discovery, no ports (root): echo, SYN 443, ACK 80, ARP"},
    {.name = "source-ip", .short_name = 'S', .arg = PL_ARG_REQUIRED, .metavar = "ADDR",
     .fn = opt_source_ip, .help = "-sS/-sU/-sn: send from ADDR"},
    {.name = "source-port", .short_name = 'g', .arg = PL_ARG_REQUIRED, .metavar = "N",
     .fn = opt_source_port, .min = 1, .max = 65535,
     .help = "-sS/-sU/-sn: send from port N (default: random per scan)"},
    {.name = "interface", .short_name = 'e', .arg = PL_ARG_REQUIRED, .metavar = "NAME",
     .fn = opt_interface, .help = "-sS/-sU/-sn: send and receive on interface NAME only"},
    {.text = "engine and timing:\n"},
    {.name = "rate", .alias = "max-rate", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_double,
     .field = FIELD(rate), .min = 1, .max = 100000000, .value = SCAN_SET_RATE,
     .help = "at most N probes per second (default: unlimited;\n--max-rate too)"},
    {.name = "min-rate", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_double,
     .field = FIELD(min_rate), .min = 1, .max = 100000000,
     .help = "keep enough probes in flight for N per second, even when\n"
             "every probe waits its whole timeout"},
    {.short_name = 'T', .arg = PL_ARG_REQUIRED, .usage = "-T0..5, -T NAME", .fn = opt_timing,
     .values = "0 1 2 3 4 5 paranoid sneaky polite normal aggressive insane",
     .help = "nmap's timing templates (paranoid, sneaky, polite, normal,\n"
             "aggressive, insane); options given explicitly win"},
    {.name = "max-inflight", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_u32,
     .field = FIELD(max_inflight), .min = 1, .max = 1000000, .value = SCAN_SET_MAXINF,
     .help = "probes in flight (default: as the descriptor limit allows)"},
    {.name = "threads", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_u32,
     .field = FIELD(threads), .min = 1, .max = 16,
     .help = "engine threads, 1-16 (default: -sS/-sT 2 on 2+ CPUs, else 1)"},
    {.name = "timeout", .alias = "max-rtt-timeout", .arg = PL_ARG_REQUIRED, .metavar = "MS",
     .fn = opt_u32, .field = FIELD(timeout_ms), .min = 1, .max = 600000, .value = SCAN_SET_TIMEOUT,
     .help = "wait per attempt (default 1000; --max-rtt-timeout too)"},
    {.name = "retries", .alias = "max-retries", .arg = PL_ARG_REQUIRED, .metavar = "N",
     .fn = opt_u32, .field = FIELD(retries), .min = 0, .max = 50, .value = SCAN_SET_RETRIES,
     .help = "extra attempts after no answer (default 1; --max-retries)"},
    {.text = "order:\n"},
    {.name = "seed", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_seed, .min = 0,
     .max = UINT64_MAX, .help = "key of the random order (default: random; saved on resume)"},
    {.name = "shard", .arg = PL_ARG_REQUIRED, .metavar = "I/N", .fn = opt_shard,
     .help = "probe only the I-th of N equal, disjoint parts (1 <= I <= N)"},
    {.name = "resume", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .fn = pli_cli_opt_str,
     .field = FIELD(resume_in), .help = "finish an interrupted scan (outputs are continued)"},
    {.name = "resume-file", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .fn = pli_cli_opt_str,
     .field = FIELD(resume_out),
     .help = "where Ctrl-C saves the state (default portlens-scan.resume)"},
    {.text = "output:\n"},
    {.name = "oN", OUTPUT(SCAN_OUT_NORMAL), .usage = "-oN FILE  -oJ FILE  -oX FILE  -oG FILE  -oC FILE",
     .help = "\nnormal, JSON lines, nmap XML, grepable, CSV ('-' = stdout;\none format on stdout)"},
    {.name = "oJ", OUTPUT(SCAN_OUT_JSON)},
    {.name = "oX", OUTPUT(SCAN_OUT_XML)},
    {.name = "oG", OUTPUT(SCAN_OUT_GREP)},
    {.name = "oC", OUTPUT(SCAN_OUT_CSV)},
    {.name = "json", .id = PL_OPT_JSON, .fn = pli_cli_opt_flag, .field = FIELD(json_stdout),
     .help = "JSON lines on stdout (as -oJ -)"},
    {.name = "all-states", .fn = pli_cli_opt_flag, .field = FIELD(all_states),
     .help = "report closed, filtered and unreachable ports too"},
    {.name = "open", .fn = pli_cli_opt_ignore, .help = "report open ports only (the default)"},
    {.name = "reason", .fn = pli_cli_opt_flag, .field = FIELD(reason),
     .help = "show why a port is in its state (syn-ack, conn-refused, ...)"},
    {.name = "sV", .usage = "-sV, --sV", .fn = pli_cli_opt_flag, .field = FIELD(sv),
     .help = "identify the service on each open port from what it says\n"
             "(as portlens probe; probes run while the scan goes on, and\n"
             "an open port is written with its service once probed)"},
    {.name = "stats-json", .arg = PL_ARG_REQUIRED, .metavar = "SECS", .fn = opt_double,
     .field = FIELD(stats_json), .min = 1, .max = 86400,
     .help = "a JSON progress line on stderr every SECS seconds"},
    {.name = "no-progress", .fn = pli_cli_opt_flag, .field = FIELD(no_progress),
     .help = "no status line on a terminal"},
    {.name = "save", .fn = pli_cli_opt_flag, .field = FIELD(save),
     .help = "also save the results in the SQLite store (portlens serve)"},
    {.name = "db", .arg = PL_ARG_REQUIRED, .metavar = "PATH|URL", .fn = pli_cli_opt_str, .field = FIELD(db),
     .help = "the store: an SQLite file (default\n"
             "$XDG_DATA_HOME/portlens/portlens.db) or postgresql://..."},
    {.text = "safety:\n"},
    {.name = "yes-large", .fn = pli_cli_opt_flag, .field = FIELD(yes_large),
     .help = "allow more than 65536 probes (a /16 worth)"},
    {.name = "dry-run", .fn = pli_cli_opt_flag, .field = FIELD(dry_run),
     .help = "count the probes (targets x ports), send nothing"},
    {.text = "Accepted for nmap compatibility: -n; -Pn (the default: every target is probed).\n"
             "Broadcast, multicast and 0.0.0.0/8 addresses are never probed.\n"
             "Exit: 0 done, 1 failed, 2 bad usage, 130 interrupted (resume file written).\n"},
    /* Listed in the line above: nmap habits that change nothing here. */
    {.name = "Pn", .fn = pli_cli_opt_ignore},
    {.short_name = 'P', .arg = PL_ARG_REQUIRED, .fn = opt_discovery, .not_offered = 1},
    {.short_name = 'n', .fn = pli_cli_opt_ignore},
    {.short_name = 'v', .fn = pli_cli_opt_ignore},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help},
};
// clang-format on

const struct pl_cli_optset scan_optset = {
    .rows = scan_rows,
    .n = PL_CLI_NROWS(scan_rows),
    .order = "-",
    .long_only = 1,
    .help_col = 24,
    .metavar_sep = ' ',
    .positional = opt_defer,
    .refuse = scan_refuse,
};
