// SPDX-License-Identifier: MIT
/*
 * cmd_search.c - `portlens search TERM`: registry records whose service name,
 * description or assignee match, best matches first. Records that differ only by
 * transport (telnet 23/tcp and 23/udp) are shown as one row ("23/tcp,udp").
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "portlens/search.h"
#include "shared/jsonw.h"
#include "shared/strnum.h"

enum { OPT_REGEX = PL_OPT_FIRST_FREE, OPT_LIMIT, OPT_ALL };

static const char search_help[] =
    "usage: portlens search [OPTIONS] TERM\n"
    "\n"
    "Find ports whose registered service name, description or assignee contains TERM\n"
    "(case-insensitive). Exact and prefix name matches come first.\n"
    "\n"
    "options:\n"
    "  -E, --regex         TERM is a POSIX extended regular expression\n"
    "  -t, --tcp / -u, --udp   only records for that transport\n"
    "  -n, --limit=N       show at most N rows (default 100, 0 = all)\n"
    "  --all               include Unassigned and Reserved records\n"
    "  --json              JSON output ({\"schema\": \"portlens.search/1\", ...})\n"
    "  --color=WHEN, --width=N, --registry=FILE   as for portlens info\n"
    "  -h, --help          this help\n";

/* One output row: records merged across transports. */
struct search_row {
	const struct pl_reg_entry *first;
	unsigned protos;
	uint8_t rank;
};

static const char *const rank_names[] = {
    [PL_MATCH_NAME_EXACT] = "name",   [PL_MATCH_NAME_PREFIX] = "name-prefix",
    [PL_MATCH_NAME] = "name",         [PL_MATCH_DESCRIPTION] = "description",
    [PL_MATCH_ASSIGNEE] = "assignee",
};

static size_t
merge_rows(const struct pl_registry *reg, const struct pl_search_hit *hits, size_t n,
           struct search_row *rows)
{
	size_t n_rows = 0;

	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, hits[i].entry);
		size_t k;

		for (k = 0; k < n_rows; k++) {
			const struct pl_reg_entry *f = rows[k].first;

			if (f->port_lo == e->port_lo && f->port_hi == e->port_hi &&
			    f->has_port == e->has_port && strcmp(f->service, e->service) == 0 &&
			    strcmp(f->description, e->description) == 0)
				break;
		}
		if (k == n_rows)
			rows[n_rows++] =
			    (struct search_row){.first = e, .protos = 0, .rank = hits[i].rank};
		rows[k].protos |= e->protos;
	}
	return n_rows;
}

static void
format_port(char *buf, size_t size, const struct search_row *r)
{
	const struct pl_reg_entry *e = r->first;
	size_t used;

	if (!e->has_port)
		used = (size_t)snprintf(buf, size, "-");
	else if (e->port_lo == e->port_hi)
		used = (size_t)snprintf(buf, size, "%u", e->port_lo);
	else
		used = (size_t)snprintf(buf, size, "%u-%u", e->port_lo, e->port_hi);
	for (unsigned p = 0, first = 1; p < PL_PROTO_COUNT && used < size; p++) {
		if (!(r->protos & PL_PROTO_BIT(p)))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", first ? "/" : ",",
		                         pl_proto_name((enum pl_proto)p));
		first = 0;
	}
}

static void
render_text(struct pl_cli *cli, const struct search_row *rows, size_t n, size_t limit,
            struct pl_buf *out)
{
	size_t shown = limit && limit < n ? limit : n;

	for (size_t i = 0; i < shown; i++) {
		char port[48];
		struct pl_buf line;

		format_port(port, sizeof(port), &rows[i]);
		pl_buf_printf(out, "%s%-16s%s %-20s ", pl_term_sgr(cli, "\033[1m"), port,
		              pl_term_sgr(cli, "\033[0m"),
		              *rows[i].first->service ? rows[i].first->service : "-");
		pl_buf_init(&line);
		pl_buf_puts(&line, rows[i].first->description);
		/* Descriptions can hold line breaks; keep one row per record. */
		for (size_t k = 0; k < line.len; k++)
			if (line.data[k] == '\n' || line.data[k] == '\r' ||
			    (unsigned char)line.data[k] < 0x20)
				line.data[k] = ' ';
		if (line.len > 200)
			line.data[200] = '\0';
		pl_buf_printf(out, "%s\n", pl_buf_str(&line));
		pl_buf_cleanup(&line);
	}
	if (shown < n)
		pl_buf_printf(out, "... %zu more (use --limit 0 to list all)\n", n - shown);
}

static void
render_json(const char *term, const struct search_row *rows, size_t n, size_t limit,
            struct pl_buf *out)
{
	struct pl_jsonw w;
	size_t shown = limit && limit < n ? limit : n;

	pl_jsonw_init(&w, out, 1);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "schema", "portlens.search/1");
	pl_jsonw_kstr(&w, "term", term);
	pl_jsonw_kint(&w, "total", (int64_t)n);
	pl_jsonw_key(&w, "results");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < shown; i++) {
		const struct pl_reg_entry *e = rows[i].first;

		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "service", e->service);
		if (e->has_port) {
			pl_jsonw_kint(&w, "port_low", e->port_lo);
			pl_jsonw_kint(&w, "port_high", e->port_hi);
		}
		pl_jsonw_key(&w, "transports");
		pl_jsonw_array(&w);
		for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
			if (rows[i].protos & PL_PROTO_BIT(p))
				pl_jsonw_str(&w, pl_proto_name((enum pl_proto)p));
		pl_jsonw_end(&w);
		pl_jsonw_kstr(&w, "description", e->description);
		pl_jsonw_kstr(&w, "assignee", e->assignee);
		pl_jsonw_kstr(&w, "status", pl_reg_status_name((enum pl_reg_status)e->status));
		pl_jsonw_kstr(&w, "matched", rank_names[rows[i].rank]);
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
	struct pl_search_opts so = {0};
	struct pl_search_hit *hits = NULL;
	struct search_row *rows = NULL;
	struct pl_err err = {0};
	struct pl_buf out;
	uint64_t limit = 100;
	size_t n_hits = 0, n_rows;
	int opt, rc;

	opterr = 0;
	optind = 1;
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
	if (pl_registry_search(cli->reg, &so, &hits, &n_hits, &err) != PL_OK) {
		pl_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	rows = calloc(n_hits ? n_hits : 1, sizeof(*rows));
	if (!rows) {
		free(hits);
		return pl_cli_fail(cli, "out of memory");
	}
	n_rows = merge_rows(cli->reg, hits, n_hits, rows);
	pl_buf_init(&out);
	if (cli->format == PL_FMT_JSON)
		render_json(so.term, rows, n_rows, (size_t)limit, &out);
	else if (n_rows == 0)
		fprintf(cli->err, "%s: no registered service matches '%s'\n", cli->prog, so.term);
	else
		render_text(cli, rows, n_rows, (size_t)limit, &out);
	rc = pl_cli_emit(cli, &out);
	if (rc == PL_EXIT_OK && n_rows == 0)
		rc = PL_EXIT_FAIL;
	pl_buf_cleanup(&out);
	free(rows);
	free(hits);
	return rc;
}
