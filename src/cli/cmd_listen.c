// SPDX-License-Identifier: MIT
/*
 * cmd_listen.c - `portlens listen`: every listening TCP socket and bound UDP socket,
 * with the processes holding it, their user and unit or container, the registered
 * service and flags worth a look. Also the option parsing and driver shared with
 * `portlens conns` (cmd_conns.c), which differs only in the sockets it asks for.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cli/colfit.h"
#include "cli/render_sockets.h"
#include "core/strnum.h"

enum {
	OPT_PORT = PL_OPT_FIRST_FREE,
	OPT_PID,
	OPT_USER,
	OPT_FLAGGED,
	OPT_ALL_NETNS,
	OPT_NO_PROCESSES,
	OPT_PROC,
	OPT_PROCESSES_FROM,
	OPT_BASELINE,
	OPT_SAVE_BASELINE,
	OPT_RAW,
};

/* What listen/conns were asked beyond the socket query. */
struct sockets_args {
	int show_netns;
	int listening, all;                   /* -l, -a (ss habits) */
	const char *baseline, *save_baseline; /* listen only */
};

static const char listen_help[] =
    "usage: portlens listen [OPTIONS]\n"
    "\n"
    "What is listening on this machine: every listening TCP socket and bound UDP\n"
    "socket (IPv4, IPv6; dual-stack sockets shown once as tcp46/udp46), the processes\n"
    "holding it, their user and systemd unit or container, the registered service,\n"
    "and flags worth a look (exposed, unassigned, malware, unexpected) with reasons.\n"
    "\n"
    "  --raw               raw IP sockets and packet sockets (capture: tcpdump, DHCP\n"
    "                      clients, sniffers and backdoors that ss -tulpn never shows);\n"
    "                      add -t/-u to list TCP/UDP too\n"
    "  --save-baseline=FILE  also write these listeners to FILE, one editable line each\n"
    "                      (PROTO ADDRESS PORT PROGRAM; '*' matches anything)\n"
    "  --baseline=FILE     show only listeners FILE does not cover, and note its lines\n"
    "                      that match nothing; exit 1 when anything differs\n";

static const char conns_help[] =
    "usage: portlens conns [OPTIONS]\n"
    "\n"
    "Who is connected: established and other non-listening TCP connections and\n"
    "connected UDP sockets, with both ends, state and the processes holding them.\n"
    "--port N shows who is connected to or from port N.\n";

static const char common_help[] =
    "\n"
    "options:\n"
    "  -t, --tcp / -u, --udp   only TCP / only UDP sockets\n"
    "  -4 / -6             only IPv4 / only IPv6 (dual-stack sockets match both)\n"
    "  -a                  listening and connected sockets together (as ss -a)\n"
    "  -l, -p, -n          accepted for ss habits (-tulpn): listen lists listeners,\n"
    "                      processes are shown and addresses numeric anyway\n"
    "  --port=N            only sockets whose local or remote port is N\n"
    "  --pid=PID           only sockets held by process PID\n"
    "  --user=USER         only sockets of USER (name or uid)\n"
    "  --flagged           only sockets with a flag; exit 1 when there is one\n"
    "  --all-netns         every network namespace on the machine (containers; root)\n"
    "  --no-processes      do not look up processes (faster)\n"
    "  --proc              read /proc/net instead of netlink sock_diag\n"
    "  --processes-from=SRC  where holders are read: auto (default), procfs\n"
    "                      (/proc/PID/fd) or bpf (the kernel's task_file iterator;\n"
    "                      root; auto picks it when many files are open)\n"
    "  --json, --csv       machine-readable output (docs/sockets.md)\n"
    "  --color=WHEN, --width=N, --registry=FILE   as for portlens info\n"
    "  -h, --help          this help\n"
    "\n"
    "Run as root to see every process; otherwise other users' sockets show no process.\n";

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

	if (pl_parse_u64(arg, 0, UINT32_MAX - 1, &v, NULL) == PL_OK) {
		*uid = (int64_t)v;
		return PL_EXIT_OK;
	}
	if (getpwnam_r(arg, &pw, tmp, sizeof(tmp), &res) != 0 || !res)
		return pl_cli_usage_error(cli, "--user: no user named '%s'", arg);
	*uid = res->pw_uid;
	return PL_EXIT_OK;
}

static int
parse_number(struct pl_cli *cli, const char *opt, const char *arg, uint64_t min, uint64_t max,
             uint64_t *v)
{
	struct pl_err err = {0};

	if (pl_parse_u64(arg, min, max, v, &err) != PL_OK)
		return pl_cli_usage_error(cli, "%s: %s", opt, err.msg);
	return PL_EXIT_OK;
}

/* Handles one option of listen/conns; returns PL_EXIT_OK, an exit code, or -1 for help. */
static int
sockets_option(struct pl_cli *cli, int opt, struct pl_sock_query *q, struct sockets_args *a)
{
	uint64_t v;

	switch (opt) {
	case 't':
		q->protos |= PL_PROTO_BIT(PL_PROTO_TCP);
		return PL_EXIT_OK;
	case 'u':
		q->protos |= PL_PROTO_BIT(PL_PROTO_UDP);
		return PL_EXIT_OK;
	case '4':
		q->families |= PL_FAM_V4;
		return PL_EXIT_OK;
	case '6':
		q->families |= PL_FAM_V6;
		return PL_EXIT_OK;
	case 'p': /* ss habits: processes are shown anyway, addresses always numeric */
	case 'n':
		return PL_EXIT_OK;
	case 'l':
		a->listening = 1;
		return PL_EXIT_OK;
	case 'a':
		a->all = 1;
		return PL_EXIT_OK;
	case 'x':
		return pl_cli_usage_error(cli, "unknown option '-x': portlens shows TCP, UDP, raw "
		                               "and packet sockets, not Unix sockets (ss -x does)");
	case OPT_PORT:
		if (parse_number(cli, "--port", optarg, 1, 65535, &v) != PL_EXIT_OK)
			return PL_EXIT_USAGE;
		q->port = (int)v;
		return PL_EXIT_OK;
	case OPT_PID:
		if (parse_number(cli, "--pid", optarg, 1, 0x7fffffff, &v) != PL_EXIT_OK)
			return PL_EXIT_USAGE;
		q->pid = (int32_t)v;
		return PL_EXIT_OK;
	case OPT_USER:
		return parse_user(cli, optarg, &q->uid);
	case OPT_FLAGGED:
		q->flagged_only = 1;
		return PL_EXIT_OK;
	case OPT_ALL_NETNS:
		q->all_netns = 1;
		a->show_netns = 1;
		return PL_EXIT_OK;
	case OPT_NO_PROCESSES:
		q->processes = 0;
		return PL_EXIT_OK;
	case OPT_PROC:
		q->use_proc = 1;
		return PL_EXIT_OK;
	case OPT_PROCESSES_FROM:
		if (strcmp(optarg, "auto") == 0)
			q->owner_source = PL_OWNERS_AUTO;
		else if (strcmp(optarg, "procfs") == 0)
			q->owner_source = PL_OWNERS_PROCFS;
		else if (strcmp(optarg, "bpf") == 0)
			q->owner_source = PL_OWNERS_BPF;
		else
			return pl_cli_usage_error(
			    cli, "--processes-from: '%s' is not auto, procfs or bpf", optarg);
		return PL_EXIT_OK;
	case OPT_BASELINE:
		a->baseline = optarg;
		return PL_EXIT_OK;
	case OPT_SAVE_BASELINE:
		a->save_baseline = optarg;
		return PL_EXIT_OK;
	case OPT_RAW:
		q->raw = 1;
		return PL_EXIT_OK;
	}
	return -2;
}

static int
parse_args(struct pl_cli *cli, int argc, char **argv, unsigned what, struct pl_sock_query *q,
           struct sockets_args *a)
{
	static const struct option longopts[] = {
	    PL_CLI_COMMON_LONGOPTS,
	    {"csv", no_argument, NULL, PL_OPT_CSV},
	    {"tcp", no_argument, NULL, 't'},
	    {"udp", no_argument, NULL, 'u'},
	    {"port", required_argument, NULL, OPT_PORT},
	    {"pid", required_argument, NULL, OPT_PID},
	    {"user", required_argument, NULL, OPT_USER},
	    {"flagged", no_argument, NULL, OPT_FLAGGED},
	    {"all-netns", no_argument, NULL, OPT_ALL_NETNS},
	    {"no-processes", no_argument, NULL, OPT_NO_PROCESSES},
	    {"proc", no_argument, NULL, OPT_PROC},
	    {"processes-from", required_argument, NULL, OPT_PROCESSES_FROM},
	    {"baseline", required_argument, NULL, OPT_BASELINE},
	    {"save-baseline", required_argument, NULL, OPT_SAVE_BASELINE},
	    {"raw", no_argument, NULL, OPT_RAW},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	opterr = 0;
	optind = 1;
	cli->refuse = sockets_refuse;
	while ((opt = getopt_long(argc, argv, "+htu46lpnax", longopts, NULL)) != -1) {
		int r;

		if (opt == 'h') {
			fputs(what == PL_SQ_LISTEN ? listen_help : conns_help, cli->out);
			fputs(common_help, cli->out);
			return -1;
		}
		r = sockets_option(cli, opt, q, a);
		if (r != -2) {
			if (r != PL_EXIT_OK)
				return r;
			continue;
		}
		r = pl_cli_other_option(cli, opt, optarg, argv);
		if (r != PL_EXIT_OK)
			return r;
	}
	if (optind < argc)
		return pl_cli_usage_error(cli, "%s takes no arguments (did you mean --port %s?)",
		                          argv[0], argv[optind]);
	if ((a->baseline || a->save_baseline) && what != PL_SQ_LISTEN)
		return pl_cli_usage_error(cli, "--baseline and --save-baseline are for listen");
	if (a->listening && what != PL_SQ_LISTEN)
		return pl_cli_usage_error(cli, "-l: conns shows connections; listening sockets "
		                               "are 'portlens listen'");
	if (a->all && (a->baseline || a->save_baseline))
		return pl_cli_usage_error(cli, "-a: a baseline holds listeners only; drop -a");
	if (a->all)
		q->what = PL_SQ_LISTEN | PL_SQ_CONNS;
	if (q->raw && what != PL_SQ_LISTEN)
		return pl_cli_usage_error(cli, "--raw is for listen (raw and packet sockets do not "
		                               "connect to a port)");
	return PL_EXIT_OK;
}

/* Notes go to stderr, wrapped to the terminal's width when it is one (cli/colfit.c). */
static void
print_notes(struct pl_cli *cli, const struct pl_sockset *set)
{
	unsigned width = pl_colfit_width(cli->width_given, cli->err);
	struct pl_buf b;

	pl_buf_init(&b);
	for (size_t i = 0; i < set->n_notes; i++) {
		pl_buf_reset(&b);
		pl_buf_printf(&b, "%s: note: ", cli->prog);
		if (width)
			pl_colfit_wrap(&b, set->notes[i], b.len, 4, width);
		else
			pl_buf_printf(&b, "%s\n", set->notes[i]);
		if (!pl_buf_failed(&b)) /* a cut note would mislead; the table still stands */
			fputs(pl_buf_str(&b), cli->err);
	}
	pl_buf_cleanup(&b);
}

int
pl_cli_sockets_main(struct pl_cli *cli, int argc, char **argv, unsigned what)
{
	struct pl_sock_query q = {
	    .what = what, .port = -1, .uid = -1, .processes = 1, .annotate = 1};
	struct sockets_args a = {0};
	struct pl_baseline baseline = {0};
	struct pl_sockset *set = NULL;
	struct pl_err err = {0};
	struct pl_buf out;
	int rc, differs = PL_EXIT_OK;
	size_t n_shown;

	rc = parse_args(cli, argc, argv, what, &q, &a);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pl_term_setup(cli);
	rc = pl_cli_load_registry(cli);
	if (rc == PL_EXIT_OK && a.baseline)
		rc = pl_cli_baseline_load(cli, a.baseline, &baseline);
	if (rc != PL_EXIT_OK)
		return rc;
	q.reg = cli->reg;
	q.kb = cli->kb;
	if ((rc = pl_sockets_collect(&q, &set, &err)) != PL_OK) {
		pl_cli_print_err(cli, &err);
		pl_baseline_cleanup(&baseline);
		return pl_cli_exit_for((enum pl_rc)rc);
	}
	/* Saved before --baseline narrows the set: the file records what listens now. */
	if (a.save_baseline)
		rc = pl_cli_baseline_save(cli, a.save_baseline, set);
	if (a.baseline)
		differs = pl_cli_baseline_apply(set, &baseline, a.baseline);
	n_shown = set->n_socks;
	pl_buf_init(&out);
	if (rc == PL_EXIT_OK && cli->format == PL_FMT_JSON)
		pl_render_sockets_json(set, q.what, &out);
	else if (rc == PL_EXIT_OK && cli->format == PL_FMT_CSV)
		pl_render_sockets_csv(set, q.what, &out);
	else if (rc == PL_EXIT_OK)
		rc = pl_render_sockets_text(cli, set, q.what, a.show_netns, &out);
	if (rc == PL_EXIT_OK)
		rc = pl_cli_emit(cli, &out);
	/* Notes (stderr) follow the table, also when both go to one terminal or pipe. */
	fflush(cli->out);
	if (cli->format != PL_FMT_JSON)
		print_notes(cli, set);
	pl_buf_cleanup(&out);
	pl_sockset_free(set);
	pl_baseline_cleanup(&baseline);
	if (rc == PL_EXIT_OK && q.flagged_only && n_shown)
		rc = PL_EXIT_FAIL; /* --flagged found something: exit 1, as grep and audit */
	return rc != PL_EXIT_OK ? rc : differs;
}

int
pl_cmd_listen(struct pl_cli *cli, int argc, char **argv)
{
	return pl_cli_sockets_main(cli, argc, argv, PL_SQ_LISTEN);
}
