// SPDX-License-Identifier: MIT
/*
 * cmd_probe.c - `portlens probe HOST:PORT...`: identify the services behind the given
 * TCP ports from what they say (banner, protocol handshakes, TLS), in parallel, and
 * print service, product, version, CPE and the evidence in text, JSON or Markdown.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "cli/audit/render_audit.h"
#include "core/strnum.h"

/* Common options probe does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal probe_refuse[] = {
    {.opt = PL_OPT_NO_LIVE,
     .why = "probe talks to the services it is given: --no-live "
            "leaves nothing to do"},
    {.opt = PL_OPT_LANG, .why = "probe speaks English only; --lang is for port pages"},
    {.opt = 0},
};

/* What the command line sets: the probe options and the parallelism. */
struct probe_args {
	struct pl_probe_opts po;
	unsigned parallel;
};

#define FIELD(f) offsetof(struct probe_args, f)

/* Milliseconds 1-600000 into an unsigned field. */
static int
opt_ms(const struct pl_cli_optctx *oc, const char *arg)
{
	char name[64];
	uint64_t v;

	if (pli_parse_u64(arg, 1, 600000, &v, NULL) != PL_OK)
		return pli_cli_usage_error(oc->cli, "%s takes milliseconds 1-600000, not '%s'",
		                           pli_cli_opt_display(oc->row, name, sizeof(name)), arg);
	*PL_CLI_OPT_FIELD(oc, unsigned) = (unsigned)v;
	return PL_EXIT_OK;
}

static int
opt_parallel(const struct pl_cli_optctx *oc, const char *arg)
{
	uint64_t v;

	if (pli_parse_u64(arg, 1, 64, &v, NULL) != PL_OK)
		return pli_cli_usage_error(oc->cli, "--parallel takes 1-64, not '%s'", arg);
	((struct probe_args *)oc->ctx)->parallel = (unsigned)v;
	return PL_EXIT_OK;
}

// clang-format off
static const struct pl_cli_opt probe_rows[] = {
    {.text = "usage: portlens probe [OPTIONS] HOST:PORT[/udp]...\n"
             "\n"
             "Identify the service on each TCP port from what it says, whatever the port number:\n"
             "wait for a banner, then send protocol probes in order of likelihood (Telnet, SSH,\n"
             "HTTP, TLS, SMTP, FTP, POP3, IMAP, Redis, Memcached, MySQL, PostgreSQL, MQTT, VNC,\n"
             "RDP, DNS, LDAP, rsync, SMB, ...). Products and versions come from Rapid7 Recog\n"
             "fingerprints. Handshake facts show exposures the service states itself (VNC\n"
             "without a password, SMBv1, SMB signing not required, RDP without NLA, ...).\n"
             "Checks that use the service as an outsider would (anonymous FTP login, a relay\n"
             "through an HTTP proxy, SMB guest share listing, anonymous LDAP search, opening an\n"
             "rsync module, DNS recursion, extra TLS handshakes for old protocols and weak\n"
             "ciphers) run only with --intrusive, as portlens audit runs them.\n"
             "IPv6 addresses are written [ADDRESS]:PORT. HOST:PORT/udp asks a UDP port instead\n"
             "(DNS, NTP, SNMP with community public, SSDP, memcached payloads).\n"
             "\n"
             "options:\n"},
    {.name = "parallel", .short_name = 'j', .arg = PL_ARG_REQUIRED, .metavar = "N",
     .fn = opt_parallel, .help = "probe up to N ports at once (default 16)"},
    {.name = "timeout", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = opt_ms,
     .field = FIELD(po.total_ms), .help = "time budget per port (default 15000)"},
    {.name = "banner-wait", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = opt_ms,
     .field = FIELD(po.banner_ms), .help = "wait for an unsolicited banner (default 2000)"},
    {.name = "read-timeout", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = opt_ms,
     .field = FIELD(po.read_ms), .help = "wait for the answer to one probe (default 2000)"},
    {.name = "connect-timeout", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = opt_ms,
     .field = FIELD(po.connect_ms), .help = "(default 3000)"},
    {.name = "no-tls", .fn = pli_cli_opt_flag, .field = FIELD(po.no_tls),
     .help = "do not try TLS handshakes"},
    {.name = "intrusive", .fn = pli_cli_opt_flag, .field = FIELD(po.intrusive),
     .help = "also run the checks that prove exposures (see above)"},
    {.name = "json", .id = PL_OPT_JSON, .usage = "--json, --markdown",
     .help = "output format (JSON schema \"portlens.probe/1\")"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
    {.text = "\n"
             "exit status: 0 all ports answered, 1 some could not be connected to, 2 usage error\n"},
};
// clang-format on

const struct pl_cli_optset probe_optset = {
    .rows = probe_rows,
    .n = PL_CLI_NROWS(probe_rows),
    .order = "", /* options may follow the targets */
    .help_col = 24,
    .metavar_sep = '=',
    .refuse = probe_refuse,
};

static void
render(struct pl_cli *cli, struct pl_probe_job *jobs, char **names, size_t n, struct pl_buf *out)
{
	struct pl_jsonw w;

	if (cli->format == PL_FMT_JSON) {
		pli_jsonw_init(&w, out, 1);
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "schema", "portlens.probe/1");
		pli_jsonw_key(&w, "results");
		pli_jsonw_array(&w);
		for (size_t i = 0; i < n; i++) {
			pli_jsonw_object(&w);
			pli_jsonw_kstr(&w, "target", names[i]);
			pli_jsonw_kstr(&w, "state", jobs[i].rc == PL_OK ? "open" : "error");
			if (jobs[i].rc != PL_OK)
				pli_jsonw_kstr(&w, "error", jobs[i].errmsg);
			else
				pl_service_json(&w, &jobs[i].svc);
			pli_jsonw_end(&w);
		}
		pli_jsonw_end(&w);
		pli_jsonw_end(&w);
		pli_buf_putc(out, '\n');
		return;
	}
	if (cli->format == PL_FMT_MARKDOWN)
		pli_render_service_md_head(out);
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].rc != PL_OK)
			pli_buf_printf(out,
			               cli->format == PL_FMT_MARKDOWN ? "| %s | error: %s |\n"
			                                              : "%-24s error: %s\n",
			               names[i], jobs[i].errmsg);
		else if (cli->format == PL_FMT_MARKDOWN)
			pli_render_service_md_row(names[i], &jobs[i].svc, out);
		else
			pli_render_service_text(cli, names[i], &jobs[i].svc, out);
	}
}

int
pli_cmd_probe(struct pl_cli *cli, int argc, char **argv)
{
	struct probe_args args = {.parallel = 16};
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_job *jobs = NULL;
	struct pl_err err = {0};
	struct pl_buf out;
	size_t n;
	int rc;

	rc = pli_cli_parse_opts(cli, &probe_optset, 0, &args, argc, argv);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pli_term_setup(cli);
	if (optind >= argc)
		return pli_cli_usage_error(cli, "probe needs at least one HOST:PORT; see --help");
	n = (size_t)(argc - optind);
	jobs = calloc(n, sizeof(*jobs));
	if (!jobs)
		return pli_cli_fail(cli, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char msg[300], spec[300];
		const char *a = argv[optind + (int)i];
		size_t len = strlen(a);

		if (len >= 4 &&
		    (strcmp(a + len - 4, "/udp") == 0 || strcmp(a + len - 4, "/tcp") == 0)) {
			jobs[i].udp = a[len - 3] == 'u';
			len -= 4;
		}
		snprintf(spec, sizeof(spec), "%.*s", (int)len, a);
		if (pli_cli_parse_hostport(spec, &jobs[i].addr, &jobs[i].addrlen, msg,
		                           sizeof(msg)) != 0) {
			free(jobs);
			return pli_cli_usage_error(cli, "%s", msg);
		}
	}
	if (pl_probe_ctx_new(&args.po, &ctx, &err) != PL_OK ||
	    pl_probe_many(ctx, jobs, n, args.parallel, &err) != PL_OK) {
		pli_cli_print_err(cli, &err);
		rc = PL_EXIT_FAIL;
		goto out;
	}
	pli_buf_init(&out);
	render(cli, jobs, argv + optind, n, &out);
	rc = pli_cli_emit(cli, &out);
	pli_buf_cleanup(&out);
	for (size_t i = 0; i < n && rc == PL_EXIT_OK; i++)
		if (jobs[i].rc != PL_OK)
			rc = PL_EXIT_FAIL;
out:
	pl_probe_ctx_free(ctx);
	free(jobs);
	return rc;
}
