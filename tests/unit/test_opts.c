// SPDX-License-Identifier: MIT
/*
 * test_opts.c - the CLI's option tables (src/cli/opts.c): the --help text laid out from
 * the rows (column, overflowing names, combined lines, text starting below, hidden
 * rows, rows of one variant), and parsing through getopt built from the same rows
 * (long names, aliases, letters in clusters, values after '=' or in the next word,
 * arguments in order, common options, refused ones, unknown options and missing
 * values named in one line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "cli/opts.h"

struct state {
	int flag, letter;
	unsigned count;
	const char *name;
	char seen[256]; /* the positional arguments, space-joined */
};

#define FIELD(f) offsetof(struct state, f)

static int
positional(const struct pl_cli_optctx *oc, const char *arg)
{
	struct state *st = oc->ctx;
	size_t n = strlen(st->seen);

	snprintf(st->seen + n, sizeof(st->seen) - n, "%s%s", n ? " " : "", arg);
	return PL_EXIT_OK;
}

static const struct pl_cli_refusal refuse[] = {
    {.opt = PL_OPT_MARKDOWN, .why = "no Markdown here"},
    {.opt = 0},
};

// clang-format off
static const struct pl_cli_opt rows[] = {
    {.text = "usage: t [OPTIONS]\n\noptions:\n"},
    {.name = "flag", .short_name = 'f', .fn = pli_cli_opt_flag, .field = FIELD(flag),
     .help = "a flag"},
    {.name = "count", .alias = "max-count", .arg = PL_ARG_REQUIRED, .metavar = "N",
     .fn = pli_cli_opt_uint, .field = FIELD(count), .min = 1, .max = 10,
     .help = "how many (1-10;\n--max-count too)"},
    {.name = "a-rather-long-name", .arg = PL_ARG_REQUIRED, .metavar = "VALUE",
     .fn = pli_cli_opt_str, .field = FIELD(name), .help = "two spaces after the names"},
    {.name = "tcp", .short_name = 't', .fn = pli_cli_opt_flag, .field = FIELD(letter),
     .usage = "-t, --tcp / -u, --udp", .help = "three spaces after several names"},
    {.name = "udp", .short_name = 'u', .fn = pli_cli_opt_flag, .field = FIELD(letter)},
    {.name = "below", .fn = pli_cli_opt_ignore, .help = "\nstarts below the names\nand goes on"},
    {.name = "only-two", .fn = pli_cli_opt_ignore, .help_for = 2, .help = "in variant 2 only"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
    {.text = "\nthe end\n"},
};
// clang-format on

static const struct pl_cli_optset set = {
    .rows = rows,
    .n = PL_CLI_NROWS(rows),
    .order = "-",
    .help_col = 16,
    .metavar_sep = '=',
    .positional = positional,
    .refuse = refuse,
};

static const char help_1[] = "usage: t [OPTIONS]\n"
                             "\n"
                             "options:\n"
                             "  -f, --flag    a flag\n"
                             "  --count=N     how many (1-10;\n"
                             "                --max-count too)\n"
                             "  --a-rather-long-name=VALUE  two spaces after the names\n"
                             "  -t, --tcp / -u, --udp   three spaces after several names\n"
                             "  --below\n"
                             "                starts below the names\n"
                             "                and goes on\n"
                             "  -h, --help    this help\n"
                             "\n"
                             "the end\n";

/* A run with its streams in memory. */
struct run {
	struct pl_cli cli;
	char *out, *err;
	size_t out_len, err_len;
};

static void
run_open(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->cli.out = open_memstream(&r->out, &r->out_len);
	r->cli.err = open_memstream(&r->err, &r->err_len);
	r->cli.prog = "portlens";
	r->cli.live = 1;
	assert_non_null(r->cli.out);
	assert_non_null(r->cli.err);
}

static void
run_close(struct run *r)
{
	fclose(r->cli.out);
	fclose(r->cli.err);
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int
parse(struct run *r, struct state *st, int argc, char **argv)
{
	int rc;

	run_open(r);
	memset(st, 0, sizeof(*st));
	rc = pli_cli_parse_opts(&r->cli, &set, 1, st, argc, argv);
	run_close(r);
	return rc;
}

static void
test_help_layout(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	pli_cli_opts_help(&set, 1, fp);
	fclose(fp);
	assert_string_equal(buf, help_1);
	free(buf);
	/* Variant 2 also lists its own row, in its place. */
	fp = open_memstream(&buf, &len);
	pli_cli_opts_help(&set, 2, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "  --below\n                starts below the names\n"
	                            "                and goes on\n"
	                            "  --only-two    in variant 2 only\n"
	                            "  -h, --help"));
	free(buf);
}

static void
test_parse_options(void **state)
{
	char *argv[] = {"t",   "one",     "-fu",     "--max-count", "7",
	                "two", "--a-r=x", "--width", "50",          NULL};
	struct state st;
	struct run r;

	(void)state;
	assert_int_equal(parse(&r, &st, 9, argv), PL_EXIT_OK);
	assert_int_equal(st.flag, 1);
	assert_int_equal(st.letter, 1);
	assert_int_equal(st.count, 7);           /* the alias sets the row's field */
	assert_string_equal(st.name, "x");       /* an unambiguous prefix, its value after '=' */
	assert_string_equal(st.seen, "one two"); /* arguments in order, between options */
	assert_int_equal(r.cli.width, 50);       /* a common option the table does not list */
	assert_int_equal(r.err_len, 0);
	run_free(&r);
}

static void
test_parse_errors(void **state)
{
	char *unknown[] = {"t", "--bogus", NULL};
	char *cluster[] = {"t", "-fz", NULL};
	char *missing[] = {"t", "--max-count", NULL};
	char *range[] = {"t", "--count=11", NULL};
	char *refused[] = {"t", "--markdown", NULL};
	char *help[] = {"t", "-f", "-h", "--bogus", NULL};
	struct state st;
	struct run r;

	(void)state;
	assert_int_equal(parse(&r, &st, 2, unknown), PL_EXIT_USAGE);
	assert_string_equal(r.err, "portlens: unknown option '--bogus' (see --help)\n");
	run_free(&r);
	assert_int_equal(parse(&r, &st, 2, cluster), PL_EXIT_USAGE);
	assert_string_equal(r.err, "portlens: option '-z' (in '-fz') is unknown or needs a value "
	                           "(see --help)\n");
	run_free(&r);
	/* Named as typed, the alias. */
	assert_int_equal(parse(&r, &st, 2, missing), PL_EXIT_USAGE);
	assert_string_equal(r.err, "portlens: option '--max-count' needs a value (see --help)\n");
	run_free(&r);
	/* A value out of range is named by the row's own name. */
	assert_int_equal(parse(&r, &st, 2, range), PL_EXIT_USAGE);
	assert_string_equal(r.err, "portlens: --count takes a number 1-10, not '11'\n");
	run_free(&r);
	assert_int_equal(parse(&r, &st, 2, refused), PL_EXIT_USAGE);
	assert_string_equal(r.err, "portlens: no Markdown here\n");
	run_free(&r);
	/* --help stops parsing: what follows is not looked at. */
	assert_int_equal(parse(&r, &st, 4, help), -1);
	assert_string_equal(r.out, help_1);
	assert_int_equal(r.err_len, 0);
	run_free(&r);
}

/* What completions are given: every option row, then the common options not refused. */
static void
collect(void *ctx, const struct pl_cli_optset *s, const struct pl_cli_opt *row)
{
	char *names = ctx;
	size_t n = strlen(names);
	char summary[64];

	(void)s;
	pli_cli_opt_summary(row, summary, sizeof(summary));
	snprintf(names + n, 1024 - n, "%s[%s] ", row->name ? row->name : "?", summary);
}

static void
test_each(void **state)
{
	char names[1024] = "";

	(void)state;
	pli_cli_opts_each(&set, collect, names);
	assert_string_equal(names, "flag[a flag] count[how many (1-10;] "
	                           "a-rather-long-name[two spaces after the names] "
	                           "tcp[three spaces after several names] "
	                           "udp[three spaces after several names] "
	                           "below[starts below the names] only-two[in variant 2 only] "
	                           "help[this help] color[never, always or auto] "
	                           "registry[use this IANA registry CSV] json[JSON output] "
	                           "no-live[do not read this machine's state] lang[page language] "
	                           "width[wrap text at N columns] ");
}

UNIT_MAIN(cmocka_unit_test(test_help_layout), cmocka_unit_test(test_parse_options),
          cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_each))
