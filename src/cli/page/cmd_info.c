// SPDX-License-Identifier: MIT
/*
 * cmd_info.c - `portlens [info] PORT[/PROTO]|SERVICE ...`: the port page.
 *
 * Each argument is a port ("2323", "2323/tcp") or a registered service name ("ssh",
 * "telnet/tcp"); names resolve through the registry to their port. All arguments are
 * validated before any page is printed, so a typo never yields half an answer.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/opts.h"

#define MAX_PORTS 256

// clang-format off
static const struct pl_cli_opt info_rows[] = {
    {.text = "usage: portlens [info] [OPTIONS] PORT[/PROTO]|SERVICE...\n"
             "\n"
             "Show what a port is: its IANA assignment per transport, its range, known\n"
             "unofficial uses and security notes with sources, how to check it, and answers\n"
             "to common questions. PROTO is tcp, udp, sctp or dccp. SERVICE is a registered\n"
             "service name, e.g. ssh.\n"
             "\n"
             "options:\n"},
    {.name = "json", .id = PL_OPT_JSON, .help = "JSON output (schema: docs/json-schema.md)"},
    {.name = "markdown", .id = PL_OPT_MARKDOWN, .help = "Markdown output"},
    {.name = "color", .arg = PL_ARG_REQUIRED, .metavar = "WHEN", .id = PL_OPT_COLOR,
     .help = "never, always or auto (default auto; NO_COLOR is honoured)"},
    {.name = "width", .arg = PL_ARG_REQUIRED, .metavar = "N", .id = PL_OPT_WIDTH,
     .help = "wrap text at N columns (default: terminal width)"},
    {.name = "registry", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .id = PL_OPT_REGISTRY,
     .help = "use this IANA registry CSV instead of the built-in one"},
    {.name = "no-live", .id = PL_OPT_NO_LIVE,
     .help = "do not read this machine's settings (/proc)"},
    {.name = "lang", .arg = PL_ARG_REQUIRED, .metavar = "LANG", .id = PL_OPT_LANG,
     .help = "page language: en, ko, ar or tr (default: from LC_ALL,\n"
             "LC_MESSAGES or LANG; English otherwise)"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
};
// clang-format on

const struct pl_cli_optset info_optset = {
    .rows = info_rows,
    .n = PL_CLI_NROWS(info_rows),
    .order = "",
    .help_col = 22,
    .metavar_sep = '=',
};

struct info_target {
	uint16_t port;
	unsigned protos; /* 0 = all */
};

static int
looks_like_name(const char *s)
{
	int letters = 0;

	for (; *s && *s != '/'; s++) {
		if (isalpha((unsigned char)*s))
			letters++;
		else if (!isdigit((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.' &&
		         *s != '+')
			return 0;
	}
	return letters > 0;
}

/* Resolves a service name to the lowest port registered under it. */
static int
resolve_name(struct pl_cli *cli, const char *arg, struct info_target *t)
{
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	int found = 0;

	t->protos = 0;
	if (slash) {
		enum pl_proto p;

		if (pl_proto_parse(slash + 1, &p) != PL_OK)
			return pli_cli_usage_error(cli,
			                           "unknown transport '%s' in '%s' (expected tcp, "
			                           "udp, sctp or dccp)",
			                           slash + 1, arg);
		t->protos = PL_PROTO_BIT(p);
	}
	for (size_t i = 0; i < pl_registry_count(cli->reg); i++) {
		const struct pl_reg_entry *e = pl_registry_entry(cli->reg, i);

		if (!e->has_port || strlen(e->service) != len ||
		    strncasecmp(e->service, arg, len) != 0)
			continue;
		if (t->protos && !(e->protos & t->protos))
			continue;
		if (!found || e->port_lo < t->port)
			t->port = e->port_lo;
		found = 1;
	}
	if (!found)
		return pli_cli_fail(cli,
		                    "no service named '%.*s' in the IANA registry (try: "
		                    "portlens search %.*s)",
		                    (int)len, arg, (int)len, arg);
	return PL_EXIT_OK;
}

static int
parse_target(struct pl_cli *cli, const char *arg, struct info_target *t)
{
	struct pl_port_spec spec;
	struct pl_err err = {0};

	if (*arg == '\0')
		return pli_cli_usage_error(cli, "empty argument: expected a port or service name");
	if (isdigit((unsigned char)*arg)) {
		if (pl_port_spec_parse(arg, &spec, &err) != PL_OK)
			return pli_cli_usage_error(cli, "%s", err.msg);
		t->port = spec.port;
		t->protos = spec.protos == PL_PROTO_ALL ? 0 : spec.protos;
		return PL_EXIT_OK;
	}
	if (looks_like_name(arg))
		return resolve_name(cli, arg, t);
	return pli_cli_usage_error(cli,
	                           "'%s' is not a port (0-65535, optionally /tcp, /udp, /sctp or "
	                           "/dccp) or a service name",
	                           arg);
}

static int
render_all(struct pl_cli *cli, const struct info_target *targets, size_t n)
{
	struct pl_buf out;
	int rc = PL_EXIT_OK;

	pli_buf_init(&out);
	if (cli->format == PL_FMT_JSON && n > 1)
		pli_buf_puts(&out, "[\n");
	for (size_t i = 0; i < n && rc == PL_EXIT_OK; i++) {
		struct pl_page_opts opts = {
		    .reg = cli->reg,
		    .kb = cli->kb,
		    .protos = targets[i].protos,
		    .read_proc = cli->live,
		    .live_sockets = cli->live,
		    .lang = cli->lang,
		};
		struct pl_page *page = NULL;
		struct pl_err err = {0};

		if (pl_page_build(targets[i].port, &opts, &page, &err) != PL_OK) {
			pli_cli_print_err(cli, &err);
			rc = PL_EXIT_FAIL;
			break;
		}
		switch (cli->format) {
		case PL_FMT_JSON: {
			char *json = NULL;

			if (pl_page_json(page, 1, &json) != PL_OK) {
				pl_page_free(page);
				rc = pli_cli_fail(cli, "out of memory");
				goto out;
			}
			pli_buf_puts(&out, json);
			pli_buf_puts(&out, i + 1 < n ? ",\n" : "\n");
			free(json);
			break;
		}
		case PL_FMT_MARKDOWN:
			if (i)
				pli_buf_puts(&out, "\n---\n\n");
			pli_render_page_markdown(page, &out);
			break;
		default:
			if (i)
				pli_buf_puts(&out, "\n");
			pli_render_page_text(cli, page, &out);
			break;
		}
		pl_page_free(page);
	}
	if (cli->format == PL_FMT_JSON && n > 1)
		pli_buf_puts(&out, "]\n");
out:
	if (rc == PL_EXIT_OK)
		rc = pli_cli_emit(cli, &out);
	pli_buf_cleanup(&out);
	return rc;
}

int
pli_cmd_info(struct pl_cli *cli, int argc, char **argv)
{
	struct info_target *targets = NULL;
	size_t n = 0;
	int rc;

	rc = pli_cli_parse_opts(cli, &info_optset, 0, NULL, argc, argv);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pli_term_setup(cli);
	if (optind >= argc)
		return pli_cli_usage_error(cli, "which port? e.g. portlens 2323 (see --help)");
	if (argc - optind > MAX_PORTS)
		return pli_cli_usage_error(cli, "at most %d ports at once", MAX_PORTS);
	rc = pli_cli_load_registry(cli);
	if (rc != PL_EXIT_OK)
		return rc;
	targets = calloc((size_t)(argc - optind), sizeof(*targets));
	if (!targets)
		return pli_cli_fail(cli, "out of memory");
	for (int i = optind; i < argc; i++) {
		rc = parse_target(cli, argv[i], &targets[n]);
		if (rc != PL_EXIT_OK)
			goto out;
		n++;
	}
	rc = render_all(cli, targets, n);
out:
	free(targets);
	return rc;
}
