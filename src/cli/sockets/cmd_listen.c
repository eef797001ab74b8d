// SPDX-License-Identifier: MIT
/*
 * cmd_listen.c - `portlens listen`: every listening TCP socket and bound UDP socket,
 * with the processes holding it, their user and unit or container, the registered
 * service and flags worth a look. Also the option parsing and driver shared with
 * `portlens conns` (cmd_conns.c), which differs only in the sockets it asks for.
 */
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render/colfit.h"
#include "cli/opts.h"
#include "cli/sockets/render_sockets.h"
#include "core/strnum.h"

/* What listen/conns were asked: the socket query and what the CLI does beyond it. */
struct sockets_args {
	struct pl_sock_query q;
	int show_netns;
	int listening, all;                   /* -l, -a (ss habits) */
	const char *baseline, *save_baseline; /* listen only */
};

/* The variants of the option table: whose --help lists a row. */
enum { FOR_LISTEN = 1, FOR_CONNS = 2 };

/* Common options listen and conns do not honour (common.c refuses them). */
static const struct pl_cli_refusal sockets_refuse[] = {
    {.opt = PL_OPT_MARKDOWN,
     .why = "listen and conns have no Markdown output; use --json or --csv"},
    {.opt = PL_OPT_NO_LIVE,
     .why = "listen and conns read this machine's sockets: --no-live "
            "leaves nothing to show"},
    {.opt = PL_OPT_LANG, .why = "listen and conns speak English only; --lang is for port pages"},
    {.opt = 0},
};

static int
parse_user(struct pl_cli *cli, const char *arg, int64_t *uid)
{
	struct passwd pw, *res = NULL;
	char tmp[2048];
	uint64_t v;

	if (pli_parse_u64(arg, 0, UINT32_MAX - 1, &v, NULL) == PL_OK) {
		*uid = (int64_t)v;
		return PL_EXIT_OK;
	}
	if (getpwnam_r(arg, &pw, tmp, sizeof(tmp), &res) != 0 || !res)
		return pli_cli_usage_error(cli, "--user: no user named '%s'", arg);
	*uid = res->pw_uid;
	return PL_EXIT_OK;
}

static int
parse_number(struct pl_cli *cli, const char *opt, const char *arg, uint64_t min, uint64_t max,
             uint64_t *v)
{
	struct pl_err err = {0};

	if (pli_parse_u64(arg, min, max, v, &err) != PL_OK)
		return pli_cli_usage_error(cli, "%s: %s", opt, err.msg);
	return PL_EXIT_OK;
}

#define ARGS(oc)  ((struct sockets_args *)(oc)->ctx)
#define FIELD(f)  offsetof(struct sockets_args, f)
#define QUERY(oc) (&ARGS(oc)->q)

/* -t, -u: row->value is the protocol. */
static int
opt_proto(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	QUERY(oc)->protos |= PL_PROTO_BIT(oc->row->value);
	return PL_EXIT_OK;
}

/* -4, -6: row->value is the PL_FAM_* bit. */
static int
opt_family(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	QUERY(oc)->families |= (unsigned)oc->row->value;
	return PL_EXIT_OK;
}

static int
opt_unix(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	return pli_cli_usage_error(oc->cli, "unknown option '-x': portlens shows TCP, UDP, raw "
	                                    "and packet sockets, not Unix sockets (ss -x does)");
}

static int
opt_port(const struct pl_cli_optctx *oc, const char *arg)
{
	uint64_t v;

	if (parse_number(oc->cli, "--port", arg, 1, 65535, &v) != PL_EXIT_OK)
		return PL_EXIT_USAGE;
	QUERY(oc)->port = (int)v;
	return PL_EXIT_OK;
}

static int
opt_pid(const struct pl_cli_optctx *oc, const char *arg)
{
	uint64_t v;

	if (parse_number(oc->cli, "--pid", arg, 1, 0x7fffffff, &v) != PL_EXIT_OK)
		return PL_EXIT_USAGE;
	QUERY(oc)->pid = (int32_t)v;
	return PL_EXIT_OK;
}

static int
opt_user(const struct pl_cli_optctx *oc, const char *arg)
{
	return parse_user(oc->cli, arg, &QUERY(oc)->uid);
}

static int
opt_all_netns(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	QUERY(oc)->all_netns = 1;
	ARGS(oc)->show_netns = 1;
	return PL_EXIT_OK;
}

static int
opt_no_processes(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	QUERY(oc)->processes = 0;
	return PL_EXIT_OK;
}

static int
opt_processes_from(const struct pl_cli_optctx *oc, const char *arg)
{
	struct pl_sock_query *q = QUERY(oc);

	if (strcmp(arg, "auto") == 0)
		q->owner_source = PL_OWNERS_AUTO;
	else if (strcmp(arg, "procfs") == 0)
		q->owner_source = PL_OWNERS_PROCFS;
	else if (strcmp(arg, "bpf") == 0)
		q->owner_source = PL_OWNERS_BPF;
	else
		return pli_cli_usage_error(
		    oc->cli, "--processes-from: '%s' is not auto, procfs or bpf", arg);
	return PL_EXIT_OK;
}

// clang-format off
static const struct pl_cli_opt sockets_rows[] = {
    {.help_for = FOR_LISTEN,
     .text = "usage: portlens listen [OPTIONS]\n"
             "\n"
             "What is listening on this machine: every listening TCP socket and bound UDP\n"
             "socket (IPv4, IPv6; dual-stack sockets shown once as tcp46/udp46), the processes\n"
             "holding it, their user and systemd unit or container, the registered service,\n"
             "and flags worth a look (exposed, unassigned, malware, unexpected) with reasons.\n"
             "\n"},
    {.name = "raw", .fn = pli_cli_opt_flag, .field = FIELD(q.raw), .help_for = FOR_LISTEN,
     .help = "raw IP sockets and packet sockets (capture: tcpdump, DHCP\n"
             "clients, sniffers and backdoors that ss -tulpn never shows);\n"
             "add -t/-u to list TCP/UDP too"},
    {.name = "save-baseline", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .fn = pli_cli_opt_str,
     .field = FIELD(save_baseline), .help_for = FOR_LISTEN,
     .help = "also write these listeners to FILE, one editable line each\n"
             "(PROTO ADDRESS PORT PROGRAM; '*' matches anything)"},
    {.name = "baseline", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .fn = pli_cli_opt_str,
     .field = FIELD(baseline), .help_for = FOR_LISTEN,
     .help = "show only listeners FILE does not cover, and note its lines\n"
             "that match nothing; exit 1 when anything differs"},
    {.help_for = FOR_CONNS,
     .text = "usage: portlens conns [OPTIONS]\n"
             "\n"
             "Who is connected: established and other non-listening TCP connections and\n"
             "connected UDP sockets, with both ends, state and the processes holding them.\n"
             "--port N shows who is connected to or from port N.\n"},
    {.text = "\noptions:\n"},
    {.name = "tcp", .short_name = 't', .fn = opt_proto, .value = PL_PROTO_TCP,
     .usage = "-t, --tcp / -u, --udp", .help = "only TCP / only UDP sockets"},
    {.name = "udp", .short_name = 'u', .fn = opt_proto, .value = PL_PROTO_UDP},
    {.short_name = '4', .fn = opt_family, .value = PL_FAM_V4, .usage = "-4 / -6",
     .help = "only IPv4 / only IPv6 (dual-stack sockets match both)"},
    {.short_name = '6', .fn = opt_family, .value = PL_FAM_V6},
    {.short_name = 'a', .fn = pli_cli_opt_flag, .field = FIELD(all),
     .help = "listening and connected sockets together (as ss -a)"},
    {.short_name = 'l', .fn = pli_cli_opt_flag, .field = FIELD(listening), .usage = "-l, -p, -n",
     .help = "accepted for ss habits (-tulpn): listen lists listeners,\n"
             "processes are shown and addresses numeric anyway"},
    {.short_name = 'p', .fn = pli_cli_opt_ignore},
    {.short_name = 'n', .fn = pli_cli_opt_ignore},
    {.name = "port", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_port,
     .help = "only sockets whose local or remote port is N"},
    {.name = "pid", .arg = PL_ARG_REQUIRED, .metavar = "PID", .fn = opt_pid,
     .help = "only sockets held by process PID"},
    {.name = "user", .arg = PL_ARG_REQUIRED, .metavar = "USER", .fn = opt_user,
     .help = "only sockets of USER (name or uid)"},
    {.name = "flagged", .fn = pli_cli_opt_flag, .field = FIELD(q.flagged_only),
     .help = "only sockets with a flag; exit 1 when there is one"},
    {.name = "all-netns", .fn = opt_all_netns,
     .help = "every network namespace on the machine (containers; root)"},
    {.name = "no-processes", .fn = opt_no_processes, .help = "do not look up processes (faster)"},
    {.name = "proc", .fn = pli_cli_opt_flag, .field = FIELD(q.use_proc),
     .help = "read /proc/net instead of netlink sock_diag"},
    {.name = "processes-from", .arg = PL_ARG_REQUIRED, .metavar = "SRC", .fn = opt_processes_from,
     .values = "auto procfs bpf",
     .help = "where holders are read: auto (default), procfs\n"
             "(/proc/PID/fd) or bpf (the kernel's task_file iterator;\n"
             "root; auto picks it when many files are open)"},
    {.name = "json", .id = PL_OPT_JSON, .usage = "--json, --csv",
     .help = "machine-readable output (docs/sockets.md)"},
    {.name = "csv", .id = PL_OPT_CSV},
    {.name = "color", .arg = PL_ARG_REQUIRED, .id = PL_OPT_COLOR,
     .usage = "--color=WHEN, --width=N, --registry=FILE", .help = "as for portlens info"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
    {.text = "\nRun as root to see every process; otherwise other users' sockets show no process.\n"},
    /* ss -x lists Unix sockets: say why there are none here. */
    {.short_name = 'x', .fn = opt_unix, .not_offered = 1},
};
// clang-format on

const struct pl_cli_optset sockets_optset = {
    .rows = sockets_rows,
    .n = PL_CLI_NROWS(sockets_rows),
    .order = "+",
    .help_col = 22,
    .metavar_sep = '=',
    .refuse = sockets_refuse,
};

static int
parse_args(struct pl_cli *cli, int argc, char **argv, unsigned what, struct sockets_args *a)
{
	struct pl_sock_query *q = &a->q;
	int r = pli_cli_parse_opts(cli, &sockets_optset,
	                           what == PL_SQ_LISTEN ? FOR_LISTEN : FOR_CONNS, a, argc, argv);

	if (r != PL_EXIT_OK)
		return r;
	if (optind < argc)
		return pli_cli_usage_error(cli, "%s takes no arguments (did you mean --port %s?)",
		                           argv[0], argv[optind]);
	if ((a->baseline || a->save_baseline) && what != PL_SQ_LISTEN)
		return pli_cli_usage_error(cli, "--baseline and --save-baseline are for listen");
	if (a->listening && what != PL_SQ_LISTEN)
		return pli_cli_usage_error(cli, "-l: conns shows connections; listening sockets "
		                                "are 'portlens listen'");
	if (a->all && (a->baseline || a->save_baseline))
		return pli_cli_usage_error(cli, "-a: a baseline holds listeners only; drop -a");
	if (a->all)
		q->what = PL_SQ_LISTEN | PL_SQ_CONNS;
	if (q->raw && what != PL_SQ_LISTEN)
		return pli_cli_usage_error(cli,
		                           "--raw is for listen (raw and packet sockets do not "
		                           "connect to a port)");
	return PL_EXIT_OK;
}

/* Notes go to stderr, wrapped to the terminal's width when it is one (cli/colfit.c). */
static void
print_notes(struct pl_cli *cli, const struct pl_sockset *set)
{
	unsigned width = pli_colfit_width(cli->width_given, cli->err);
	struct pl_buf b;

	pli_buf_init(&b);
	for (size_t i = 0; i < set->n_notes; i++) {
		pli_buf_reset(&b);
		pli_buf_printf(&b, "%s: note: ", cli->prog);
		if (width)
			pli_colfit_wrap(&b, set->notes[i], b.len, 4, width);
		else
			pli_buf_printf(&b, "%s\n", set->notes[i]);
		if (!pli_buf_failed(&b)) /* a cut note would mislead; the table still stands */
			fputs(pli_buf_str(&b), cli->err);
	}
	pli_buf_cleanup(&b);
}

int
pli_cli_sockets_main(struct pl_cli *cli, int argc, char **argv, unsigned what)
{
	struct sockets_args a = {
	    .q = {.what = what, .port = -1, .uid = -1, .processes = 1, .annotate = 1}};
	struct pl_sock_query *q = &a.q;
	struct pl_baseline baseline = {0};
	struct pl_sockset *set = NULL;
	struct pl_err err = {0};
	struct pl_buf out;
	int rc, differs = PL_EXIT_OK;
	size_t n_shown;

	rc = parse_args(cli, argc, argv, what, &a);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pli_term_setup(cli);
	rc = pli_cli_load_registry(cli);
	if (rc == PL_EXIT_OK && a.baseline)
		rc = pli_cli_baseline_load(cli, a.baseline, &baseline);
	if (rc != PL_EXIT_OK)
		return rc;
	q->reg = cli->reg;
	q->kb = cli->kb;
	if ((rc = pl_sockets_collect(q, &set, &err)) != PL_OK) {
		pli_cli_print_err(cli, &err);
		pl_baseline_cleanup(&baseline);
		return pli_cli_exit_for((enum pl_rc)rc);
	}
	/* Saved before --baseline narrows the set: the file records what listens now. */
	if (a.save_baseline)
		rc = pli_cli_baseline_save(cli, a.save_baseline, set);
	if (a.baseline)
		differs = pli_cli_baseline_apply(set, &baseline, a.baseline);
	n_shown = set->n_socks;
	pli_buf_init(&out);
	if (rc == PL_EXIT_OK && cli->format == PL_FMT_JSON)
		pl_sockets_json(set, q->what, &out);
	else if (rc == PL_EXIT_OK && cli->format == PL_FMT_CSV)
		pli_render_sockets_csv(set, q->what, &out);
	else if (rc == PL_EXIT_OK)
		rc = pli_render_sockets_text(cli, set, q->what, a.show_netns, &out);
	if (rc == PL_EXIT_OK)
		rc = pli_cli_emit(cli, &out);
	/* Notes (stderr) follow the table, also when both go to one terminal or pipe. */
	fflush(cli->out);
	if (cli->format != PL_FMT_JSON)
		print_notes(cli, set);
	pli_buf_cleanup(&out);
	pl_sockset_free(set);
	pl_baseline_cleanup(&baseline);
	if (rc == PL_EXIT_OK && q->flagged_only && n_shown)
		rc = PL_EXIT_FAIL; /* --flagged found something: exit 1, as grep and audit */
	return rc != PL_EXIT_OK ? rc : differs;
}

int
pli_cmd_listen(struct pl_cli *cli, int argc, char **argv)
{
	return pli_cli_sockets_main(cli, argc, argv, PL_SQ_LISTEN);
}
