// SPDX-License-Identifier: MIT
/*
 * cmd_search.c - `portlens search TERM`: ports found by number, name, alias, registry
 * description or knowledge text, best matches first (pl_find_ports). One row per port
 * or range, transports merged ("23/tcp,udp"); a port found through the knowledge base
 * shows the title of the fact that matched.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "portlens/search.h"
#include "core/jsonw.h"
#include "core/strnum.h"

enum { OPT_REGEX = PL_OPT_FIRST_FREE, OPT_LIMIT, OPT_ALL };

/* Common options search does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal search_refuse[] = {
    {.opt = PL_OPT_MARKDOWN, .why = "search has no Markdown output; use --json"},
    {.opt = PL_OPT_LANG, .why = "search speaks English only; --lang is for port pages"},
    {.opt = 0},
};

static const char search_help[] =
    "usage: portlens search [OPTIONS] TERM\n"
    "\n"
    "Find ports by number (2323, 8530-8531), service name or common name (dns, rdp,\n"
    "\"remote desktop\", smb, vnc, in English, Korean, Arabic or Turkish), registry\n"
    "description, the knowledge base's titles and texts, or assignee. Every word of TERM\n"
    "must occur in the same field (case-insensitive). Best matches first: port number,\n"
    "name or alias, name prefix, name, knowledge title, description, knowledge text,\n"
    "assignee; riskier ports first within each.\n"
    "\n"
    "options:\n"
    "  -E, --regex         TERM is a POSIX extended regular expression\n"
    "  -t, --tcp / -u, --udp   only records for that transport\n"
    "  -n, --limit=N       show at most N rows (default 100, 0 = all)\n"
    "  --all               also match Unassigned and Reserved records\n"
    "  --json              JSON output ({\"schema\": \"portlens.search/2\", ...})\n"
    "  --color=WHEN, --width=N, --registry=FILE   as for portlens info\n"
    "  -h, --help          this help\n";

static void
format_port(char *buf, size_t size, const struct pl_port_hit *h)
{
	size_t used;

	if (h->port_lo == h->port_hi)
		used = (size_t)snprintf(buf, size, "%u", h->port_lo);
	else
		used = (size_t)snprintf(buf, size, "%u-%u", h->port_lo, h->port_hi);
	for (unsigned p = 0, first = 1; p < PL_PROTO_COUNT && used < size; p++) {
		if (!(h->protos & PL_PROTO_BIT(p)))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", first ? "/" : ",",
		                         pl_proto_name((enum pl_proto)p));
		first = 0;
	}
}

/* Registry descriptions can hold line breaks; one row per port. */
static void
put_one_line(struct pl_buf *out, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && n < max; s++, n++)
		pl_buf_putc(out, (unsigned char)*s < 0x20 ? ' ' : *s);
}

static void
render_text(struct pl_cli *cli, const struct pl_port_hit *hits, size_t n, size_t limit,
            struct pl_buf *out)
{
	size_t shown = limit && limit < n ? limit : n;

	for (size_t i = 0; i < shown; i++) {
		const struct pl_port_hit *h = &hits[i];
		char port[48];

		format_port(port, sizeof(port), h);
		pl_buf_printf(out, "%s%-16s%s %-20s ", pl_term_sgr(cli, "\033[1m"), port,
		              pl_term_sgr(cli, "\033[0m"),
		              h->reg && *h->reg->service ? h->reg->service : "-");
		put_one_line(out, h->reg ? h->reg->description : "(not in the IANA registry)", 200);
		if (h->fact) {
			pl_buf_puts(out, " \xc2\xb7 ");
			put_one_line(out, h->fact->title, 200);
		}
		pl_buf_putc(out, '\n');
	}
	if (shown < n)
		pl_buf_printf(out, "... %zu more (use --limit 0 to list all)\n", n - shown);
}

static void
render_json(const char *term, const struct pl_port_hit *hits, size_t n, size_t limit,
            struct pl_buf *out)
{
	struct pl_jsonw w;
	size_t shown = limit && limit < n ? limit : n;

	pl_jsonw_init(&w, out, 1);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "schema", "portlens.search/2");
	pl_jsonw_kstr(&w, "term", term);
	pl_jsonw_kint(&w, "total", (int64_t)n);
	pl_jsonw_key(&w, "results");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < shown; i++) {
		const struct pl_port_hit *h = &hits[i];

		pl_jsonw_object(&w);
		pl_jsonw_kint(&w, "port_low", h->port_lo);
		pl_jsonw_kint(&w, "port_high", h->port_hi);
		pl_jsonw_key(&w, "transports");
		pl_jsonw_array(&w);
		for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
			if (h->protos & PL_PROTO_BIT(p))
				pl_jsonw_str(&w, pl_proto_name((enum pl_proto)p));
		pl_jsonw_end(&w);
		pl_jsonw_kstr(&w, "service", h->reg ? h->reg->service : "");
		pl_jsonw_kstr(&w, "description", h->reg ? h->reg->description : "");
		pl_jsonw_kstr(&w, "status",
		              h->reg ? pl_reg_status_name((enum pl_reg_status)h->reg->status)
		                     : "unregistered");
		pl_jsonw_kstr(&w, "matched", pl_found_how_name((enum pl_found_how)h->how));
		pl_jsonw_kstr(&w, "risk", pl_risk_name((enum pl_risk)h->risk));
		if (h->fact)
			pl_jsonw_kstr(&w, "knowledge_title", h->fact->title);
		pl_jsonw_end(&w);
	}
	pl_jsonw_end(&w);
	pl_jsonw_end(&w);
	pl_buf_putc(out, '\n');
}

int
pl_cmd_search(struct pl_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    PL_CLI_COMMON_LONGOPTS,
	    {"regex", no_argument, NULL, 'E'},
	    {"tcp", no_argument, NULL, 't'},
	    {"udp", no_argument, NULL, 'u'},
	    {"limit", required_argument, NULL, 'n'},
	    {"all", no_argument, NULL, OPT_ALL},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct pl_find_opts so = {0};
	struct pl_port_hit *hits = NULL;
	struct pl_err err = {0};
	struct pl_buf out;
	uint64_t limit = 100;
	size_t n_hits = 0;
	enum pl_rc frc;
	int opt, rc;

	opterr = 0;
	optind = 1;
	cli->refuse = search_refuse;
	while ((opt = getopt_long(argc, argv, "hEtun:", longopts, NULL)) != -1) {
		int r;

		switch (opt) {
		case 'h':
			fputs(search_help, cli->out);
			return PL_EXIT_OK;
		case 'E':
			so.regex = 1;
			continue;
		case 't':
			so.protos |= PL_PROTO_BIT(PL_PROTO_TCP);
			continue;
		case 'u':
			so.protos |= PL_PROTO_BIT(PL_PROTO_UDP);
			continue;
		case 'n':
			if (pl_parse_u64(optarg, 0, 1000000, &limit, NULL) != PL_OK)
				return pl_cli_usage_error(cli, "--limit takes a number, not '%s'",
				                          optarg);
			continue;
		case OPT_ALL:
			so.with_unused = 1;
			continue;
		}
		r = pl_cli_other_option(cli, opt, optarg, argv);
		if (r != PL_EXIT_OK)
			return r;
	}
	pl_term_setup(cli);
	if (optind != argc - 1)
		return pl_cli_usage_error(cli, "search takes one TERM (quote it if it has "
		                               "spaces); see --help");
	so.term = argv[optind];
	rc = pl_cli_load_registry(cli);
	if (rc != PL_EXIT_OK)
		return rc;
	so.reg = cli->reg;
	frc = pl_find_ports(&so, &hits, &n_hits, &err);
	if (frc != PL_OK) {
		pl_cli_print_err(cli, &err);
		return frc == PL_ERR_NOMEM ? PL_EXIT_FAIL : PL_EXIT_USAGE;
	}
	pl_buf_init(&out);
	if (cli->format == PL_FMT_JSON)
		render_json(so.term, hits, n_hits, (size_t)limit, &out);
	else if (n_hits == 0)
		fprintf(cli->err, "%s: no port matches '%s'\n", cli->prog, so.term);
	else
		render_text(cli, hits, n_hits, (size_t)limit, &out);
	rc = pl_cli_emit(cli, &out);
	if (rc == PL_EXIT_OK && n_hits == 0)
		rc = PL_EXIT_FAIL;
	pl_buf_cleanup(&out);
	free(hits);
	return rc;
}
