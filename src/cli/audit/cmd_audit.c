// SPDX-License-Identifier: MIT
/*
 * cmd_audit.c - `portlens audit [TARGETS]`: findings with severity, evidence, why and
 * remedy.
 *
 * Without targets it audits this machine: its TCP listeners (the sockets module, as
 * `portlens listen` shows them) are probed on loopback (wildcard listeners via
 * 127.0.0.1 or ::1), and judged by where they can be reached from; its bound UDP
 * sockets are judged by port number, with the tests listen's flags use. With targets it
 * scans them (the scan module's connect engine, -p ports) and probes the open ports.
 * Optionally (--check-default-credentials) Telnet services on named hosts are tried
 * with the Mirai factory-default pairs. Exit: 0 no finding at or above --fail-on,
 * 1 such findings or a run-time failure (pli_cli_exit_for, as every command), 2 usage.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/audit/audit_cmd.h"
#include "cli/opts.h"
#include "core/strnum.h"

/* Common options audit does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal audit_refuse[] = {
    {.opt = PL_OPT_NO_LIVE,
     .why = "audit reads this machine's sockets or probes its "
            "targets: --no-live leaves nothing to audit"},
    {.opt = PL_OPT_LANG, .why = "audit speaks English only; --lang is for port pages"},
    {.opt = 0},
};

#define RUN(oc)  ((struct audit_run *)(oc)->ctx)
#define FIELD(f) offsetof(struct audit_run, f)

/* A number in [min, max] into an unsigned field: "--NAME takes MIN-MAX[ ms]" otherwise. */
static int
opt_number(const struct pl_cli_optctx *oc, const char *arg)
{
	char name[64];
	uint64_t v;

	if (pli_parse_u64(arg, oc->row->min, oc->row->max, &v, NULL) != PL_OK)
		return pli_cli_usage_error(oc->cli, "%s takes %llu-%llu%s",
		                           pli_cli_opt_display(oc->row, name, sizeof(name)),
		                           oc->row->min, oc->row->max,
		                           strcmp(oc->row->metavar, "MS") == 0 ? " ms" : "");
	*PL_CLI_OPT_FIELD(oc, unsigned) = (unsigned)v;
	return PL_EXIT_OK;
}

static int
opt_fail_on(const struct pl_cli_optctx *oc, const char *arg)
{
	enum pl_severity sev;

	if (pl_severity_parse(arg, &sev) != PL_OK)
		return pli_cli_usage_error(oc->cli,
		                           "--fail-on takes info, low, medium, high or critical, "
		                           "not '%s'",
		                           arg);
	RUN(oc)->fail_on = sev;
	return PL_EXIT_OK;
}

// clang-format off
static const struct pl_cli_opt audit_rows[] = {
    {.text = "usage: portlens audit [OPTIONS] [TARGETS...]\n"
             "\n"
             "Without TARGETS, audit this machine: every TCP listener is probed on loopback and\n"
             "judged by where it can be reached from, every bound UDP socket is judged by its\n"
             "port (malware and unassigned ports, as listen flags them), and every packet\n"
             "socket (sniffers) and raw IP socket is reported with its holder. With TARGETS\n"
             "(addresses, CIDR blocks, ranges as for portlens scan), scan them and probe the\n"
             "open ports. Findings come with severity, evidence, why it matters and the remedy.\n"
             "The audit proves exposures by using each service as an outsider would: anonymous\n"
             "FTP login and LIST, a relay through an HTTP proxy back to portlens, SMB guest share\n"
             "listing, anonymous LDAP search, opening rsync modules, DNS recursion, and extra TLS\n"
             "handshakes for old protocols and weak ciphers (scan --sV and probe do not).\n"
             "\n"
             "options:\n"},
    {.name = "ports", .short_name = 'p', .arg = PL_ARG_REQUIRED, .metavar = "SPEC",
     .fn = pli_cli_opt_str, .field = FIELD(ports_spec),
     .help = "ports to scan on TARGETS (default: the top 1000)"},
    {.name = "udp", .arg = PL_ARG_REQUIRED, .metavar = "PORTS", .fn = pli_cli_opt_str,
     .field = FIELD(udp_spec),
     .help = "also ask these UDP ports of TARGETS (DNS, NTP, SNMP public,\n"
             "SSDP, memcached payloads); those that answer are audited:\n"
             "open recursion, SNMP public, amplification factor"},
    {.name = "fail-on", .arg = PL_ARG_REQUIRED, .metavar = "SEVERITY", .fn = opt_fail_on,
     .values = "info low medium high critical",
     .help = "exit 1 when a finding is at or above SEVERITY: info, low,\n"
             "medium, high (default), critical"},
    {.name = "check-default-credentials", .fn = pli_cli_opt_flag, .field = FIELD(check_creds),
     .help = "\ntry the 61 Mirai factory-default pairs on Telnet services\n"
             "of the named TARGETS (one connection at a time, a pause\n"
             "between tries, stop at the first success). Only for hosts\n"
             "you are allowed to test; refused for more than 256\n"
             "addresses (a /24) unless --force"},
    {.name = "force", .fn = pli_cli_opt_flag, .field = FIELD(force)}, /* in the text above */
    {.name = "cred-delay", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = opt_number,
     .field = FIELD(cred_opts.delay_ms), .min = 1, .max = 60000,
     .help = "pause between credential tries (default 1000)"},
    {.name = "cred-max", .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_number,
     .field = FIELD(cred_opts.max_tries), .min = 1, .max = 1000,
     .help = "try at most N pairs per service (default all 61)"},
    {.name = "yes-large", .fn = pli_cli_opt_flag, .field = FIELD(yes_large),
     .help = "allow TARGETS x ports above 65536 probes (a /16 worth);\n"
             "broadcast, multicast and 0.0.0.0/8 are never probed"},
    {.name = "no-probe", .fn = pli_cli_opt_flag, .field = FIELD(no_probe),
     .help = "judge by port numbers only, do not talk to the services"},
    {.name = "parallel", .short_name = 'j', .arg = PL_ARG_REQUIRED, .metavar = "N",
     .fn = opt_number, .field = FIELD(parallel), .min = 1, .max = 64,
     .help = "probe up to N ports at once (default 16)"},
    {.name = "timeout", .arg = PL_ARG_REQUIRED, .metavar = "MS", .fn = opt_number,
     .field = FIELD(probe_opts.total_ms), .min = 100, .max = 600000,
     .help = "time budget per probed port (default 15000)"},
    {.name = "json", .id = PL_OPT_JSON, .usage = "--json, --markdown",
     .help = "output format (JSON schema \"portlens.audit/1\")"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
    {.text = "\n"
             "exit status: 0 no finding at or above --fail-on; 1 findings, or the audit could not\n"
             "run (a message on stderr says why); 2 bad arguments or input\n"},
};
// clang-format on

const struct pl_cli_optset audit_optset = {
    .rows = audit_rows,
    .n = PL_CLI_NROWS(audit_rows),
    .order = "", /* options may follow the targets */
    .help_col = 25,
    .metavar_sep = '=',
    .refuse = audit_refuse,
};

/* A --udp port that answered nothing we recognise proved nothing: no observation. (A
 * local bound UDP socket, not probed, stays: it is a fact about this machine.) */
static void
drop_silent_udp(struct audit_run *run)
{
	size_t w = 0;

	for (size_t i = 0; i < run->n_obs; i++) {
		if (run->obs[i].kind == PL_OBS_PORT && run->obs[i].proto == PL_PROTO_UDP &&
		    run->probe_at[i].family && (!run->obs[i].probed || !run->obs[i].svc.service[0]))
			continue;
		if (w != i) {
			run->obs[w] = run->obs[i];
			run->probe_at[w] = run->probe_at[i];
		}
		w++;
	}
	run->n_obs = w;
}

/* Probes every observation that has a probe address, in parallel. */
static int
probe_all(struct pl_cli *cli, struct audit_run *run)
{
	struct pl_probe_job *jobs;
	struct pl_err err = {0};
	size_t n = 0;
	int rc = PL_EXIT_OK;

	if (run->no_probe || run->n_obs == 0)
		return PL_EXIT_OK;
	jobs = calloc(run->n_obs, sizeof(*jobs));
	if (!jobs)
		return pli_cli_fail(cli, "out of memory");
	for (size_t i = 0; i < run->n_obs; i++) {
		jobs[n].addrlen = pl_addr_to_sockaddr(&run->probe_at[i], &jobs[n].addr);
		jobs[n].udp = run->obs[i].proto == PL_PROTO_UDP;
		n += jobs[n].addrlen > 0;
	}
	{
		enum pl_rc prc = pl_probe_ctx_new(&run->probe_opts, &run->probe_ctx, &err);

		if (prc == PL_OK)
			prc = pl_probe_many(run->probe_ctx, jobs, n, run->parallel, &err);
		if (prc != PL_OK) {
			pli_cli_print_err(cli, &err);
			rc = pli_cli_exit_for(prc);
			goto out;
		}
	}
	for (size_t i = 0, k = 0; i < run->n_obs; i++) {
		if (!run->probe_at[i].family)
			continue;
		if (jobs[k].rc == PL_OK) {
			run->obs[i].probed = 1;
			run->obs[i].svc = jobs[k].svc;
		}
		k++;
	}
	drop_silent_udp(run);
out:
	free(jobs);
	return rc;
}

/*
 * Tries the default pairs on every Telnet service found. A success is a finding; every
 * other outcome is said on stderr: how many pairs were tried and that none was
 * accepted, or where and why the check stopped early.
 */
static int
check_creds(struct pl_cli *cli, struct audit_run *run)
{
	unsigned all = (unsigned)pl_default_creds_count();

	for (size_t i = 0; i < run->n_obs; i++) {
		struct pl_audit_obs *o = &run->obs[i];
		struct pl_err err = {0};
		struct sockaddr_storage ss;
		socklen_t salen;
		unsigned planned;
		enum pl_rc rc;

		if (!o->probed || strcmp(o->svc.service, "telnet") != 0 || !run->probe_at[i].family)
			continue;
		planned = run->cred_opts.max_tries && run->cred_opts.max_tries < all
		              ? run->cred_opts.max_tries
		              : all;
		salen = pl_addr_to_sockaddr(&run->probe_at[i], &ss);
		rc = pl_probe_telnet_default_creds((struct sockaddr *)&ss, salen, &run->cred_opts,
		                                   &o->creds, &err);
		o->creds_checked = 1;
		if (o->creds.accepted)
			continue;
		if (rc != PL_OK)
			fprintf(
			    cli->err,
			    "%s: %s:%u: default-credential check stopped after %u of %u pair%s: "
			    "%s; none was accepted\n",
			    cli->prog, o->addr, o->port, o->creds.tried, planned,
			    planned == 1 ? "" : "s", err.msg);
		else
			fprintf(cli->err,
			        "%s: %s:%u: default credentials: %u of %u pair%s tried%s, none was "
			        "accepted\n",
			        cli->prog, o->addr, o->port, o->creds.tried, all,
			        all == 1 ? "" : "s", planned < all ? " (--cred-max)" : "");
	}
	return PL_EXIT_OK;
}

static int
report(struct pl_cli *cli, struct audit_run *run)
{
	struct pl_audit_report rep;
	struct pl_audit_opts ao = {.reg = cli->reg, .kb = cli->kb};
	struct pl_err err = {0};
	struct pl_buf out;
	int rc, max;

	enum pl_rc arc = pl_audit_run(run->obs, run->n_obs, &ao, &rep, &err);

	if (arc != PL_OK) {
		pli_cli_print_err(cli, &err);
		return pli_cli_exit_for(arc);
	}
	pli_buf_init(&out);
	if (cli->format == PL_FMT_JSON)
		pli_render_audit_json(&rep, run->obs, run->n_obs, run->scope, &out);
	else if (cli->format == PL_FMT_MARKDOWN)
		pli_render_audit_markdown(&rep, run->obs, run->n_obs, run->scope, &out);
	else
		pli_render_audit_text(cli, &rep, run->scope, &out);
	rc = pli_cli_emit(cli, &out);
	pli_buf_cleanup(&out);
	max = pl_audit_max_severity(&rep);
	pl_audit_report_cleanup(&rep);
	if (rc != PL_EXIT_OK)
		return rc;
	return max >= (int)run->fail_on ? PL_EXIT_FAIL : PL_EXIT_OK;
}

static void
run_cleanup(struct audit_run *run)
{
	pl_probe_ctx_free(run->probe_ctx);
	free(run->obs);
	free(run->probe_at);
}

int
pli_cmd_audit(struct pl_cli *cli, int argc, char **argv)
{
	/* The audit proves exposures: the probes' intrusive checks run (docs/audit.md). */
	struct audit_run run = {
	    .fail_on = PL_SEV_HIGH, .parallel = 16, .probe_opts = {.intrusive = 1}};
	int rc;

	rc = pli_cli_parse_opts(cli, &audit_optset, 0, &run, argc, argv);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pli_term_setup(cli);
	rc = pli_cli_load_registry(cli);
	if (rc != PL_EXIT_OK)
		return PL_EXIT_USAGE;
	if (optind == argc && run.check_creds)
		return pli_cli_usage_error(cli, "--check-default-credentials needs explicitly "
		                                "named TARGETS (hosts you may test)");
	if (optind == argc && run.udp_spec)
		return pli_cli_usage_error(cli, "--udp needs TARGETS");
	if (optind == argc)
		rc = audit_gather_local(cli, &run);
	else
		rc = audit_gather_targets(cli, &run, argc - optind, argv + optind);
	if (rc == PL_EXIT_OK)
		rc = probe_all(cli, &run);
	if (rc == PL_EXIT_OK && run.check_creds)
		rc = check_creds(cli, &run);
	if (rc == PL_EXIT_OK)
		rc = report(cli, &run);
	run_cleanup(&run);
	return rc;
}
