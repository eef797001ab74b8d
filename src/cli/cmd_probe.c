// SPDX-License-Identifier: MIT
/*
 * cmd_probe.c - `portlens probe HOST:PORT...`: identify the services behind the given
 * TCP ports from what they say (banner, protocol handshakes, TLS), in parallel, and
 * print service, product, version, CPE and the evidence in text, JSON or Markdown.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render_audit.h"
#include "core/strnum.h"

enum {
	OPT_TIMEOUT = PL_OPT_FIRST_FREE,
	OPT_BANNER,
	OPT_READ,
	OPT_CONNECT,
	OPT_NO_TLS,
	OPT_INTRUSIVE
};

/* Common options probe does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal probe_refuse[] = {
    {.opt = PL_OPT_NO_LIVE,
     .why = "probe talks to the services it is given: --no-live "
            "leaves nothing to do"},
    {.opt = PL_OPT_LANG, .why = "probe speaks English only; --lang is for port pages"},
    {.opt = 0},
};

static const char probe_help[] =
    "usage: portlens probe [OPTIONS] HOST:PORT[/udp]...\n"
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
    "options:\n"
    "  -j, --parallel=N      probe up to N ports at once (default 16)\n"
    "  --timeout=MS          time budget per port (default 15000)\n"
    "  --banner-wait=MS      wait for an unsolicited banner (default 2000)\n"
    "  --read-timeout=MS     wait for the answer to one probe (default 2000)\n"
    "  --connect-timeout=MS  (default 3000)\n"
    "  --no-tls              do not try TLS handshakes\n"
    "  --intrusive           also run the checks that prove exposures (see above)\n"
    "  --json, --markdown    output format (JSON schema \"portlens.probe/1\")\n"
    "  -h, --help            this help\n"
    "\n"
    "exit status: 0 all ports answered, 1 some could not be connected to, 2 usage error\n";

static int
parse_ms(struct pl_cli *cli, const char *opt, const char *arg, unsigned *out)
{
	uint64_t v;

	if (pl_parse_u64(arg, 1, 600000, &v, NULL) != PL_OK)
		return pl_cli_usage_error(cli, "%s takes milliseconds 1-600000, not '%s'", opt,
		                          arg);
	*out = (unsigned)v;
	return PL_EXIT_OK;
}

static void
render(struct pl_cli *cli, struct pl_probe_job *jobs, char **names, size_t n, struct pl_buf *out)
{
	struct pl_jsonw w;

	if (cli->format == PL_FMT_JSON) {
		pl_jsonw_init(&w, out, 1);
		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "schema", "portlens.probe/1");
		pl_jsonw_key(&w, "results");
		pl_jsonw_array(&w);
		for (size_t i = 0; i < n; i++) {
			pl_jsonw_object(&w);
			pl_jsonw_kstr(&w, "target", names[i]);
			pl_jsonw_kstr(&w, "state", jobs[i].rc == PL_OK ? "open" : "error");
			if (jobs[i].rc != PL_OK)
				pl_jsonw_kstr(&w, "error", jobs[i].errmsg);
			else
				pl_render_service_json(&w, &jobs[i].svc);
			pl_jsonw_end(&w);
		}
		pl_jsonw_end(&w);
		pl_jsonw_end(&w);
		pl_buf_putc(out, '\n');
		return;
	}
	if (cli->format == PL_FMT_MARKDOWN)
		pl_render_service_md_head(out);
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].rc != PL_OK)
			pl_buf_printf(out,
			              cli->format == PL_FMT_MARKDOWN ? "| %s | error: %s |\n"
			                                             : "%-24s error: %s\n",
			              names[i], jobs[i].errmsg);
		else if (cli->format == PL_FMT_MARKDOWN)
			pl_render_service_md_row(names[i], &jobs[i].svc, out);
		else
			pl_render_service_text(cli, names[i], &jobs[i].svc, out);
	}
}

static int
parse_args(struct pl_cli *cli, int argc, char **argv, struct pl_probe_opts *po, unsigned *parallel)
{
	static const struct option longopts[] = {
	    PL_CLI_COMMON_LONGOPTS,
	    {"parallel", required_argument, NULL, 'j'},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"banner-wait", required_argument, NULL, OPT_BANNER},
	    {"read-timeout", required_argument, NULL, OPT_READ},
	    {"connect-timeout", required_argument, NULL, OPT_CONNECT},
	    {"no-tls", no_argument, NULL, OPT_NO_TLS},
	    {"intrusive", no_argument, NULL, OPT_INTRUSIVE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int opt, r;

	opterr = 0;
	optind = 0; /* GNU: full re-initialisation, options may follow targets */
	cli->refuse = probe_refuse;
	while ((opt = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
		r = PL_EXIT_OK;
		switch (opt) {
		case 'h':
			fputs(probe_help, cli->out);
			return -1;
		case 'j':
			if (pl_parse_u64(optarg, 1, 64, &v, NULL) != PL_OK)
				return pl_cli_usage_error(cli, "--parallel takes 1-64, not '%s'",
				                          optarg);
			*parallel = (unsigned)v;
			continue;
		case OPT_TIMEOUT:
			r = parse_ms(cli, "--timeout", optarg, &po->total_ms);
			break;
		case OPT_BANNER:
			r = parse_ms(cli, "--banner-wait", optarg, &po->banner_ms);
			break;
		case OPT_READ:
			r = parse_ms(cli, "--read-timeout", optarg, &po->read_ms);
			break;
		case OPT_CONNECT:
			r = parse_ms(cli, "--connect-timeout", optarg, &po->connect_ms);
			break;
		case OPT_NO_TLS:
			po->no_tls = 1;
			break;
		case OPT_INTRUSIVE:
			po->intrusive = 1;
			break;
		default:
			r = pl_cli_other_option(cli, opt, optarg, argv);
		}
		if (r != PL_EXIT_OK)
			return r;
	}
	return PL_EXIT_OK;
}

int
pl_cmd_probe(struct pl_cli *cli, int argc, char **argv)
{
	struct pl_probe_opts po = {0};
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_job *jobs = NULL;
	struct pl_err err = {0};
	struct pl_buf out;
	unsigned parallel = 16;
	size_t n;
	int rc;

	rc = parse_args(cli, argc, argv, &po, &parallel);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pl_term_setup(cli);
	if (optind >= argc)
		return pl_cli_usage_error(cli, "probe needs at least one HOST:PORT; see --help");
	n = (size_t)(argc - optind);
	jobs = calloc(n, sizeof(*jobs));
	if (!jobs)
		return pl_cli_fail(cli, "out of memory");
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
		if (pl_cli_parse_hostport(spec, &jobs[i].addr, &jobs[i].addrlen, msg,
		                          sizeof(msg)) != 0) {
			free(jobs);
			return pl_cli_usage_error(cli, "%s", msg);
		}
	}
	if (pl_probe_ctx_new(&po, &ctx, &err) != PL_OK ||
	    pl_probe_many(ctx, jobs, n, parallel, &err) != PL_OK) {
		pl_cli_print_err(cli, &err);
		rc = PL_EXIT_FAIL;
		goto out;
	}
	pl_buf_init(&out);
	render(cli, jobs, argv + optind, n, &out);
	rc = pl_cli_emit(cli, &out);
	pl_buf_cleanup(&out);
	for (size_t i = 0; i < n && rc == PL_EXIT_OK; i++)
		if (jobs[i].rc != PL_OK)
			rc = PL_EXIT_FAIL;
out:
	pl_probe_ctx_free(ctx);
	free(jobs);
	return rc;
}
