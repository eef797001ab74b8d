// SPDX-License-Identifier: MIT
/*
 * cmd_site.c - `portlens site DIR`: writes the port pages as a static site in the four
 * page languages (pli_web_site_export, src/web/site.c) and says how much it wrote.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "core/strnum.h"
#include "web/web.h"

/* Common options site does not honour (common.c refuses them with these lines). --no-live
 * is honoured as it stands: the pages never carry live data. */
static const struct pl_cli_refusal site_refuse[] = {
    {.opt = PL_OPT_JSON, .why = "site writes web pages: --json does not apply"},
    {.opt = PL_OPT_MARKDOWN, .why = "site writes web pages: --markdown does not apply"},
    {.opt = PL_OPT_LANG,
     .why = "site writes every language (en, ko, ar, tr): --lang does not apply"},
    {.opt = PL_OPT_COLOR, .why = "site writes web pages: --color does not apply"},
    {.opt = PL_OPT_WIDTH, .why = "site writes web pages: --width does not apply"},
    {.opt = 0},
};

/* Parses "22,80,8000-8010" into a malloc'd list. Returns 0, or -1 after a message. */
static int
parse_ports(struct pl_cli *cli, const char *s, uint16_t **out, size_t *n)
{
	uint16_t *v = malloc(65536 * sizeof(*v));
	const char *p = s;

	*n = 0;
	if (!v) {
		pli_cli_fail(cli, "out of memory");
		return -1;
	}
	while (*p) {
		size_t len = strcspn(p, ","), dash = strcspn(p, "-");
		uint64_t lo, hi;

		if (dash < len) {
			if (pli_parse_u64n(p, dash, 0, 65535, &lo, NULL) != PL_OK ||
			    pli_parse_u64n(p + dash + 1, len - dash - 1, lo, 65535, &hi, NULL) !=
			        PL_OK)
				goto bad;
		} else if (pli_parse_u64n(p, len, 0, 65535, &lo, NULL) == PL_OK) {
			hi = lo;
		} else {
			goto bad;
		}
		for (uint64_t q = lo; q <= hi && *n < 65536; q++)
			v[(*n)++] = (uint16_t)q;
		p += len + (p[len] == ',');
	}
	if (*n == 0)
		goto bad;
	*out = v;
	return 0;
bad:
	free(v);
	pli_cli_usage_error(cli, "--ports takes ports and ranges like 22,80,8000-8010, not '%s'",
	                    s);
	return -1;
}

/* What the command line sets. */
struct site_args {
	struct pl_site_opts so;
	uint16_t *ports; /* --ports, malloc'd */
};

#define FIELD(f) offsetof(struct site_args, f)

static int
opt_ports(const struct pl_cli_optctx *oc, const char *arg)
{
	struct site_args *a = oc->ctx;

	free(a->ports);
	a->ports = NULL;
	return parse_ports(oc->cli, arg, &a->ports, &a->so.n_ports) != 0 ? PL_EXIT_USAGE
	                                                                 : PL_EXIT_OK;
}

// clang-format off
static const struct pl_cli_opt site_rows[] = {
    {.text = "usage: portlens site [OPTIONS] DIR\n"
             "\n"
             "Write the port pages as a static site anyone can host: DIR/LANG/port/N.html for\n"
             "LANG in en, ko, ar, tr (the same pages as portlens serve, without live data),\n"
             "DIR/LANG/index.html, a search index per language for the pages' search box,\n"
             "DIR/sitemap.xml with hreflang alternates, and DIR/assets/. Every port with an\n"
             "assigned registry record or a knowledge entry is exported unless --ports says.\n"
             "\n"
             "options:\n"},
    {.name = "ports", .arg = PL_ARG_REQUIRED, .metavar = "LIST", .fn = opt_ports,
     .help = "only these ports: 22,80,8000-8010"},
    {.name = "base-url", .arg = PL_ARG_REQUIRED, .metavar = "URL", .fn = pli_cli_opt_str,
     .field = FIELD(so.base_url),
     .help = "the site's public address, for canonical links and the\n"
             "sitemap (e.g. https://ports.example/); relative otherwise"},
    {.name = "feedback-url", .arg = PL_ARG_REQUIRED, .metavar = "URL", .fn = pli_cli_opt_str,
     .field = FIELD(so.feedback_url),
     .help = "a portlens serve instance: each page gets a \"was this\n"
             "helpful\" form that opens the port there; no form otherwise"},
    {.name = "registry", .arg = PL_ARG_REQUIRED, .metavar = "FILE", .id = PL_OPT_REGISTRY,
     .help = "use this IANA registry CSV instead of the built-in one"},
    {.name = "no-live", .id = PL_OPT_NO_LIVE, .help = "accepted: the pages never carry live data"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
};
// clang-format on

const struct pl_cli_optset site_optset = {
    .rows = site_rows,
    .n = PL_CLI_NROWS(site_rows),
    .order = "",
    .help_col = 22,
    .metavar_sep = ' ',
    .refuse = site_refuse,
};

int
pli_cmd_site(struct pl_cli *cli, int argc, char **argv)
{
	struct site_args args = {0};
	struct pl_site_opts *so = &args.so;
	struct pl_site_stats st = {0};
	struct pl_err err = {0};
	int rc;

	rc = pli_cli_parse_opts(cli, &site_optset, 0, &args, argc, argv);
	if (rc != PL_EXIT_OK) {
		free(args.ports);
		return rc < 0 ? PL_EXIT_OK : rc;
	}
	if (optind != argc - 1) {
		free(args.ports);
		return pli_cli_usage_error(cli, "site takes one output directory; see --help");
	}
	rc = pli_cli_load_registry(cli);
	if (rc != PL_EXIT_OK) {
		free(args.ports);
		return rc;
	}
	so->dir = argv[optind];
	so->reg = cli->reg;
	so->kb = cli->kb;
	so->ports = args.ports;
	if (pli_web_site_export(so, &st, &err) != PL_OK) {
		pli_cli_print_err(cli, &err);
		free(args.ports);
		return PL_EXIT_FAIL;
	}
	fprintf(cli->out, "%s: %zu ports, %zu pages, %zu files, %llu bytes in %s\n", cli->prog,
	        st.ports, st.pages, st.files, (unsigned long long)st.bytes, so->dir);
	free(args.ports);
	return PL_EXIT_OK;
}
