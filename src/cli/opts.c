// SPDX-License-Identifier: MIT
/*
 * opts.c - option tables (cli/opts.h): builds getopt_long's long options and short
 * string from a command's rows, runs getopt, dispatches each option to its row's
 * handler, and writes the --help text from the same rows.
 *
 * Ids: a row's letter is returned by getopt as itself; a long name gets its own id
 * (PL_OPT_FIRST_FREE + row index), also when the row has a letter, so a long option
 * missing its value is reported by its name ("option '--rate' needs a value") and a
 * letter by the letter. Common options (--color, --json, ...) keep their PL_OPT_* ids:
 * pli_cli_common_option and the commands' refusal lists know them by those. Every
 * common option is accepted by every command, whether or not its table lists it.
 *
 * Help layout: two spaces, the names, the text at the table's column; names too wide
 * for the column are followed by two spaces, three when the row writes its own names
 * (several options on one line: "-t, --tcp / -u, --udp"), so the eye finds where the
 * names end; a text starting with a newline starts below them.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"

/* The largest table (scan) has ~60 rows; a larger one is refused when parsing. */
#define OPTS_MAX 96
/* Long names: at most two per row (a name and its alias). */
#define LONG_MAX (2 * OPTS_MAX)

/* The common options every command accepts (common.c applies them). */
static const struct pl_cli_opt common_rows[] = {
    {.name = "color",
     .arg = PL_ARG_REQUIRED,
     .metavar = "WHEN",
     .values = "never always auto",
     .id = PL_OPT_COLOR,
     .help = "never, always or auto"},
    {.name = "registry",
     .arg = PL_ARG_REQUIRED,
     .metavar = "FILE",
     .id = PL_OPT_REGISTRY,
     .help = "use this IANA registry CSV"},
    {.name = "json", .id = PL_OPT_JSON, .help = "JSON output"},
    {.name = "markdown", .id = PL_OPT_MARKDOWN, .help = "Markdown output"},
    {.name = "no-live", .id = PL_OPT_NO_LIVE, .help = "do not read this machine's state"},
    {.name = "lang",
     .arg = PL_ARG_REQUIRED,
     .metavar = "LANG",
     .values = "en ko ar tr",
     .id = PL_OPT_LANG,
     .help = "page language"},
    {.name = "width",
     .arg = PL_ARG_REQUIRED,
     .metavar = "N",
     .id = PL_OPT_WIDTH,
     .help = "wrap text at N columns"},
};

#define N_COMMON (sizeof(common_rows) / sizeof(common_rows[0]))

static int
row_id(const struct pl_cli_optset *set, size_t i)
{
	return set->rows[i].id ? set->rows[i].id : PL_OPT_FIRST_FREE + (int)i;
}

static int
named_in(const struct pl_cli_optset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->rows[i].name && strcmp(set->rows[i].name, name) == 0)
			return 1;
	return 0;
}

/* Fills longopts (LONG_MAX + N_COMMON + 1 entries) and shortopts; -1 if too many. */
static int
build_getopt(const struct pl_cli_optset *set, struct option *lo, char *so, size_t so_size)
{
	size_t nl = 0, ns = 0;

	if (set->n > OPTS_MAX)
		return -1;
	for (const char *o = set->order; *o && ns + 1 < so_size; o++)
		so[ns++] = *o;
	for (size_t i = 0; i < set->n; i++) {
		const struct pl_cli_opt *r = &set->rows[i];

		if (r->name)
			lo[nl++] = (struct option){r->name, (int)r->arg, NULL, row_id(set, i)};
		if (r->alias)
			lo[nl++] = (struct option){r->alias, (int)r->arg, NULL, row_id(set, i)};
		if (r->short_name && ns + 3 < so_size) {
			so[ns++] = (char)r->short_name;
			if (r->arg == PL_ARG_REQUIRED)
				so[ns++] = ':';
		}
	}
	for (size_t i = 0; i < N_COMMON; i++)
		if (!named_in(set, common_rows[i].name))
			lo[nl++] = (struct option){common_rows[i].name, (int)common_rows[i].arg,
			                           NULL, common_rows[i].id};
	lo[nl] = (struct option){NULL, 0, NULL, 0};
	so[ns] = '\0';
	return 0;
}

/* The row getopt's answer opt stands for, or NULL (a common option the table does not
 * list, or an error). */
static const struct pl_cli_opt *
find_row(const struct pl_cli_optset *set, int opt)
{
	if (opt > 0 && opt < 0x100) {
		for (size_t i = 0; i < set->n; i++)
			if (set->rows[i].short_name == opt)
				return &set->rows[i];
		return NULL;
	}
	if (opt >= PL_OPT_FIRST_FREE && (size_t)(opt - PL_OPT_FIRST_FREE) < set->n)
		return &set->rows[opt - PL_OPT_FIRST_FREE];
	for (size_t i = 0; i < set->n; i++)
		if (set->rows[i].id == opt)
			return &set->rows[i];
	return NULL;
}

int
pli_cli_parse_opts(struct pl_cli *cli, const struct pl_cli_optset *set, unsigned variant, void *ctx,
                   int argc, char **argv)
{
	struct option lo[LONG_MAX + N_COMMON + 1];
	char so[2 * OPTS_MAX + 4];
	struct pl_cli_optctx oc = {
	    .cli = cli, .set = set, .variant = variant, .ctx = ctx, .argv = argv};
	int opt;

	if (build_getopt(set, lo, so, sizeof(so)) != 0)
		return pli_cli_fail(cli, "internal error: option table too large");
	opterr = 0;
	optind = 0; /* GNU: full re-initialisation (a resumed scan parses twice) */
	cli->refuse = set->refuse;
	while ((opt = set->long_only ? getopt_long_only(argc, argv, so, lo, NULL)
	                             : getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct pl_cli_opt *row = opt == '?' ? NULL : find_row(set, opt);
		int r;

		if (opt == 1 && set->positional) {
			oc.row = NULL;
			r = set->positional(&oc, optarg);
		} else if (row && row->fn) {
			oc.row = row;
			r = row->fn(&oc, optarg);
		} else {
			r = pli_cli_other_option(cli, opt, optarg, argv);
		}
		if (r != PL_EXIT_OK)
			return r;
	}
	return PL_EXIT_OK;
}

static void
put_spaces(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

/* "-s, --long METAVAR" (or the row's own usage) into buf. */
static const char *
row_usage(const struct pl_cli_optset *set, const struct pl_cli_opt *r, char *buf, size_t size)
{
	size_t n = 0;

	if (r->usage)
		return r->usage;
	buf[0] = '\0';
	if (r->short_name)
		n += (size_t)snprintf(buf + n, size - n, "-%c%s", r->short_name,
		                      r->name ? ", " : "");
	if (r->name && n < size)
		n += (size_t)snprintf(buf + n, size - n, "--%s", r->name);
	if (r->metavar && n < size)
		snprintf(buf + n, size - n, "%c%s", r->name ? set->metavar_sep : ' ', r->metavar);
	return buf;
}

static void
help_row(const struct pl_cli_optset *set, const struct pl_cli_opt *r, FILE *out)
{
	char buf[128];
	const char *usage = row_usage(set, r, buf, sizeof(buf));
	const char *text = r->help;
	size_t used = 2 + strlen(usage);

	fprintf(out, "  %s", usage);
	if (*text == '\n') {
		fputc('\n', out);
		put_spaces(out, set->help_col);
		text++;
	} else if (used + 2 <= set->help_col) {
		put_spaces(out, set->help_col - used);
	} else {
		put_spaces(out, r->usage ? 3 : 2);
	}
	for (const char *nl; (nl = strchr(text, '\n')) != NULL; text = nl + 1) {
		fwrite(text, 1, (size_t)(nl - text + 1), out);
		put_spaces(out, set->help_col);
	}
	fprintf(out, "%s\n", text);
}

void
pli_cli_opts_help(const struct pl_cli_optset *set, unsigned variant, FILE *out)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct pl_cli_opt *r = &set->rows[i];

		if (r->help_for && !(r->help_for & variant))
			continue;
		if (r->text)
			fputs(r->text, out);
		else if (r->help)
			help_row(set, r, out);
	}
}

static int
refused(const struct pl_cli_optset *set, int id)
{
	for (const struct pl_cli_refusal *r = set->refuse; r && r->opt; r++)
		if (r->opt == id)
			return 1;
	return 0;
}

static const struct pl_cli_opt *
common_row(int id)
{
	for (size_t i = 0; id && i < N_COMMON; i++)
		if (common_rows[i].id == id)
			return &common_rows[i];
	return NULL;
}

/*
 * The row as completions see it: a row the help lists under a combined line above it
 * ("-t, --tcp / -u, --udp") takes that line's text; a common option takes what the
 * table does not say (its values, metavar, help) from common_rows.
 */
static struct pl_cli_opt
described(const struct pl_cli_optset *set, size_t i)
{
	struct pl_cli_opt r = set->rows[i];
	const struct pl_cli_opt *c = common_row(r.id);

	for (size_t j = i; !r.help && j > 0 && !set->rows[j - 1].text; j--)
		if (set->rows[j - 1].help && set->rows[j - 1].usage)
			r.help = set->rows[j - 1].help;
	if (c) {
		r.help = r.help ? r.help : c->help;
		r.values = r.values ? r.values : c->values;
		r.metavar = r.metavar ? r.metavar : c->metavar;
	}
	return r;
}

void
pli_cli_opts_each(const struct pl_cli_optset *set,
                  void (*fn)(void *ctx, const struct pl_cli_optset *set,
                             const struct pl_cli_opt *row),
                  void *ctx)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct pl_cli_opt *r = &set->rows[i];
		struct pl_cli_opt d;

		if (!(r->name || r->short_name) || r->not_offered || (r->id && refused(set, r->id)))
			continue;
		d = described(set, i);
		fn(ctx, set, &d);
	}
	for (size_t i = 0; i < N_COMMON; i++)
		if (!named_in(set, common_rows[i].name) && !refused(set, common_rows[i].id))
			fn(ctx, set, &common_rows[i]);
}

const char *
pli_cli_opt_summary(const struct pl_cli_opt *row, char *buf, size_t size)
{
	const char *h = row->help ? row->help : "";

	if (*h == '\n')
		h++;
	snprintf(buf, size, "%.*s", (int)strcspn(h, "\n"), h);
	return buf;
}

const char *
pli_cli_opt_display(const struct pl_cli_opt *row, char *buf, size_t size)
{
	if (row->name)
		snprintf(buf, size, "--%s", row->name);
	else
		snprintf(buf, size, "-%c", row->short_name);
	return buf;
}

int
pli_cli_opt_help(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	pli_cli_opts_help(oc->set, oc->variant, oc->cli->out);
	return -1;
}

int
pli_cli_opt_flag(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)arg;
	*PL_CLI_OPT_FIELD(oc, int) = 1;
	return PL_EXIT_OK;
}

int
pli_cli_opt_str(const struct pl_cli_optctx *oc, const char *arg)
{
	*PL_CLI_OPT_FIELD(oc, const char *) = arg;
	return PL_EXIT_OK;
}

int
pli_cli_opt_uint(const struct pl_cli_optctx *oc, const char *arg)
{
	char name[64];

	return pli_cli_uint_opt(oc->cli, pli_cli_opt_display(oc->row, name, sizeof(name)), arg,
	                        oc->row->min, oc->row->max, PL_CLI_OPT_FIELD(oc, unsigned));
}

int
pli_cli_opt_ignore(const struct pl_cli_optctx *oc, const char *arg)
{
	(void)oc;
	(void)arg;
	return PL_EXIT_OK;
}
