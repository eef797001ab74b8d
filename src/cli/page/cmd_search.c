// SPDX-License-Identifier: MIT
/*
 * cmd_search.c - `portlens search TERM`: ports found by number, name, alias, registry
 * description or knowledge text, best matches first (pl_find_ports). One row per port
 * or range, transports merged ("23/tcp,udp"); a port found through the knowledge base
 * shows the title of the fact that matched.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render/colfit.h"
#include "cli/opts.h"
#include "portlens/search.h"
#include "core/jsonw.h"
#include "core/strnum.h"

/* Common options search does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal search_refuse[] = {
    {.opt = PL_OPT_MARKDOWN, .why = "search has no Markdown output; use --json"},
    {.opt = PL_OPT_LANG, .why = "search speaks English only; --lang is for port pages"},
    {.opt = 0},
};

/* What the command line sets. */
struct search_args {
	struct pl_find_opts so;
	uint64_t limit;
};

#define FIELD(f) offsetof(struct search_args, f)

/* -t, -u: row->value is the protocol. */
static int
opt_proto(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	((struct search_args *)oc->ctx)->so.protos |= PL_PROTO_BIT(oc->row->value);
	return PL_EXIT_OK;
}

static int
opt_limit(const struct pl_cli_optctx *oc, const char *arg)
{
	if (pli_parse_u64(arg, 0, 1000000, &((struct search_args *)oc->ctx)->limit, NULL) != PL_OK)
		return pli_cli_usage_error(oc->cli, "--limit takes a number, not '%s'", arg);
	return PL_EXIT_OK;
}

// clang-format off
static const struct pl_cli_opt search_rows[] = {
    {.text = "usage: portlens search [OPTIONS] TERM\n"
             "\n"
             "Find ports by number (2323, 8530-8531), service name or common name (dns, rdp,\n"
             "\"remote desktop\", smb, vnc, in English, Korean, Arabic or Turkish), registry\n"
             "description, the knowledge base's titles and texts, or assignee. Every word of TERM\n"
             "must occur in the same field (case-insensitive). Best matches first: port number,\n"
             "name or alias, name prefix, name, knowledge title, description, knowledge text,\n"
             "assignee; riskier ports first within each.\n"
             "\n"
             "options:\n"},
    {.name = "regex", .short_name = 'E', .fn = pli_cli_opt_flag, .field = FIELD(so.regex),
     .help = "TERM is a POSIX extended regular expression"},
    {.name = "tcp", .short_name = 't', .fn = opt_proto, .value = PL_PROTO_TCP,
     .usage = "-t, --tcp / -u, --udp", .help = "only records for that transport"},
    {.name = "udp", .short_name = 'u', .fn = opt_proto, .value = PL_PROTO_UDP},
    {.name = "limit", .short_name = 'n', .arg = PL_ARG_REQUIRED, .metavar = "N", .fn = opt_limit,
     .help = "show at most N rows (default 100, 0 = all)"},
    {.name = "all", .fn = pli_cli_opt_flag, .field = FIELD(so.with_unused),
     .help = "also match Unassigned and Reserved records"},
    {.name = "json", .id = PL_OPT_JSON,
     .help = "JSON output ({\"schema\": \"portlens.search/2\", ...})"},
    {.name = "color", .arg = PL_ARG_REQUIRED, .id = PL_OPT_COLOR,
     .usage = "--color=WHEN, --width=N, --registry=FILE", .help = "as for portlens info"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
};
// clang-format on

const struct pl_cli_optset search_optset = {
    .rows = search_rows,
    .n = PL_CLI_NROWS(search_rows),
    .order = "",
    .help_col = 22,
    .metavar_sep = '=',
    .refuse = search_refuse,
};

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
		pli_buf_putc(out, (unsigned char)*s < 0x20 ? ' ' : *s);
}

static void
render_text(struct pl_cli *cli, const struct pl_port_hit *hits, size_t n, size_t limit,
            struct pl_buf *out)
{
	size_t shown = limit && limit < n ? limit : n;
	/* Rows fit the terminal (or --width), cut with the marker as the other tables; the
	 * port and name columns come first, so only the description is ever cut (when the
	 * terminal leaves it at least 8 columns). */
	unsigned width = pli_colfit_width(cli->width_given, cli->out);
	struct pl_buf text;

	pli_buf_init(&text);
	for (size_t i = 0; i < shown; i++) {
		const struct pl_port_hit *h = &hits[i];
		char port[48];

		const char *name = h->reg && *h->reg->service ? h->reg->service : "-";
		size_t used;

		format_port(port, sizeof(port), h);
		pli_buf_printf(out, "%s%-16s%s %-20s ", pli_term_sgr(cli, "\033[1m"), port,
		               pli_term_sgr(cli, "\033[0m"), name);
		used = (strlen(port) > 16 ? strlen(port) : 16) + 1 +
		       (strlen(name) > 20 ? strlen(name) : 20) + 1;
		pli_buf_reset(&text);
		put_one_line(&text, h->reg ? h->reg->description : "(not in the IANA registry)",
		             200);
		if (h->fact) {
			pli_buf_puts(&text, " \xc2\xb7 ");
			put_one_line(&text, h->fact->title, 200);
		}
		if (width && width >= used + 8)
			pli_colfit_put(out, text.data, text.len, width - used, 0);
		else if (text.len)
			pli_buf_append(out, text.data, text.len);
		if (pli_buf_failed(&text))
			pli_buf_set_failed(out);
		pli_buf_putc(out, '\n');
	}
	pli_buf_cleanup(&text);
	if (shown < n)
		pli_buf_printf(out, "... %zu more (use --limit 0 to list all)\n", n - shown);
}

static void
render_json(const char *term, const struct pl_port_hit *hits, size_t n, size_t limit,
            struct pl_buf *out)
{
	struct pl_jsonw w;
	size_t shown = limit && limit < n ? limit : n;

	pli_jsonw_init(&w, out, 1);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "schema", "portlens.search/2");
	pli_jsonw_kstr(&w, "term", term);
	pli_jsonw_kint(&w, "total", (int64_t)n);
	pli_jsonw_key(&w, "results");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < shown; i++) {
		const struct pl_port_hit *h = &hits[i];

		pli_jsonw_object(&w);
		pli_jsonw_kint(&w, "port_low", h->port_lo);
		pli_jsonw_kint(&w, "port_high", h->port_hi);
		pli_jsonw_key(&w, "transports");
		pli_jsonw_array(&w);
		for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
			if (h->protos & PL_PROTO_BIT(p))
				pli_jsonw_str(&w, pl_proto_name((enum pl_proto)p));
		pli_jsonw_end(&w);
		pli_jsonw_kstr(&w, "service", h->reg ? h->reg->service : "");
		pli_jsonw_kstr(&w, "description", h->reg ? h->reg->description : "");
		pli_jsonw_kstr(&w, "status",
		               h->reg ? pl_reg_status_name((enum pl_reg_status)h->reg->status)
		                      : "unregistered");
		pli_jsonw_kstr(&w, "matched", pl_found_how_name((enum pl_found_how)h->how));
		pli_jsonw_kstr(&w, "risk", pl_risk_name((enum pl_risk)h->risk));
		if (h->fact)
			pli_jsonw_kstr(&w, "knowledge_title", h->fact->title);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
	pli_buf_putc(out, '\n');
}

int
pli_cmd_search(struct pl_cli *cli, int argc, char **argv)
{
	struct search_args args = {.limit = 100};
	struct pl_find_opts *so = &args.so;
	struct pl_port_hit *hits = NULL;
	struct pl_err err = {0};
	struct pl_buf out;
	size_t n_hits = 0;
	enum pl_rc frc;
	int rc;

	rc = pli_cli_parse_opts(cli, &search_optset, 0, &args, argc, argv);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	pli_term_setup(cli);
	if (optind != argc - 1)
		return pli_cli_usage_error(cli, "search takes one TERM (quote it if it has "
		                                "spaces); see --help");
	so->term = argv[optind];
	rc = pli_cli_load_registry(cli);
	if (rc != PL_EXIT_OK)
		return rc;
	so->reg = cli->reg;
	frc = pl_find_ports(so, &hits, &n_hits, &err);
	if (frc != PL_OK) {
		pli_cli_print_err(cli, &err);
		return frc == PL_ERR_NOMEM ? PL_EXIT_FAIL : PL_EXIT_USAGE;
	}
	pli_buf_init(&out);
	if (cli->format == PL_FMT_JSON)
		render_json(so->term, hits, n_hits, (size_t)args.limit, &out);
	else if (n_hits == 0)
		fprintf(cli->err, "%s: no port matches '%s'\n", cli->prog, so->term);
	else
		render_text(cli, hits, n_hits, (size_t)args.limit, &out);
	rc = pli_cli_emit(cli, &out);
	if (rc == PL_EXIT_OK && n_hits == 0)
		rc = PL_EXIT_FAIL;
	pli_buf_cleanup(&out);
	free(hits);
	return rc;
}
