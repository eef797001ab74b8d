/* SPDX-License-Identifier: MIT */
/*
 * cli/opts.h - the option table of a subcommand (opts.c). Each option is described
 * once, in one row: its long and short names, its argument, the help text and what it
 * does. getopt_long's long options and short-option string, the --help text and the
 * dispatch of each option are all derived from the rows, so an option cannot be
 * accepted without being documented, documented without being accepted, or have two
 * names that do different things.
 *
 * Rows also carry the lines of the --help text that are no option (headings,
 * paragraphs), in the order the help shows them.
 */
#ifndef PL_CLI_OPTS_H
#define PL_CLI_OPTS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"

struct pl_cli_opt;
struct pl_cli_optset;

/* What a handler is called with: the run, the row that matched and the command's state. */
struct pl_cli_optctx {
	struct pl_cli *cli;
	const struct pl_cli_optset *set;
	const struct pl_cli_opt *row;
	unsigned variant; /* which command of the table (listen or conns) */
	void *ctx;        /* the command's own state */
	char **argv;
};

/* Applies one option; returns PL_EXIT_OK, an exit code after printing the error, or -1
 * to stop parsing successfully (--help). */
typedef int (*pl_cli_opt_fn)(const struct pl_cli_optctx *oc, const char *arg);

enum pl_cli_arg { PL_ARG_NONE = no_argument, PL_ARG_REQUIRED = required_argument };

struct pl_cli_opt {
	const char *name;    /* long name without dashes, or NULL */
	const char *alias;   /* a second long name for the same option (nmap's --max-rate) */
	int short_name;      /* the letter, or 0 */
	enum pl_cli_arg arg; /* takes a value */
	const char *metavar; /* the value's name in the help ("FILE") */
	const char *values;  /* the words the value may be, for completions ("never always auto") */
	/* The help text, lines separated by '\n' (no final newline); a text starting with
	 * '\n' starts below the names. NULL: the row is not listed (an alias, a letter
	 * accepted for another tool's habits), the text of the row it belongs to says it. */
	const char *help;
	/* The names as the help shows them when they are not "-s, --long METAVAR" (several
	 * options on one line, nmap's one-dash names). */
	const char *usage;
	pl_cli_opt_fn fn; /* NULL: a common option (common.c), with id set */
	int id;           /* a common option's PL_OPT_*; 0 for the command's own rows */
	/* For the generic handlers below: where in the command's state, and the range. */
	size_t field;
	unsigned long long min, max;
	int value;         /* handler-specific: which output, which protocol */
	unsigned help_for; /* variants whose help lists the row (bit mask); 0: all */
	const char *text;  /* not an option: these lines of help, as they are */
	int not_offered;   /* accepted only to say why not (listen -x): no completion */
};

struct pl_cli_optset {
	const struct pl_cli_opt *rows;
	size_t n;
	/* getopt ordering: "" permutes (options may follow arguments), "+" stops at the
	 * first argument, "-" hands each argument to positional in order. */
	const char *order;
	int long_only;                       /* nmap's one-dash long options (-iL, -oX) */
	unsigned help_col;                   /* column where help texts start */
	char metavar_sep;                    /* ' ' or '=' between a long name and its value */
	pl_cli_opt_fn positional;            /* order "-": each argument, in order */
	const struct pl_cli_refusal *refuse; /* common options the command refuses */
};

/* The number of rows of a table: .n = PL_CLI_NROWS(rows). */
#define PL_CLI_NROWS(rows_) (sizeof(rows_) / sizeof((rows_)[0]))

/*
 * Parses argv[1..] against the table: each option's row handler runs in command-line
 * order; common options go to pli_cli_common_option; an unknown option or a missing value
 * is one line naming it (pli_cli_other_option). Sets cli->refuse and optind (the first
 * argument not parsed). Returns PL_EXIT_OK, -1 after --help was printed, or an exit
 * code after printing the error.
 */
int pli_cli_parse_opts(struct pl_cli *cli, const struct pl_cli_optset *set, unsigned variant,
                       void *ctx, int argc, char **argv);

/* Writes the --help text of the table for variant (a bit; 0 when it has none). */
void pli_cli_opts_help(const struct pl_cli_optset *set, unsigned variant, FILE *out);

/*
 * Calls fn for every option the command accepts, for completions: its rows that name an
 * option (not those marked not_offered), then the common options it neither lists nor
 * refuses. fn gets a row as completions describe it: one listed under a combined help
 * line has that line's help; a common option has the common values and metavar.
 */
void pli_cli_opts_each(const struct pl_cli_optset *set,
                       void (*fn)(void *ctx, const struct pl_cli_optset *set,
                                  const struct pl_cli_opt *row),
                       void *ctx);
/* The first line of a row's help, into buf. */
const char *pli_cli_opt_summary(const struct pl_cli_opt *row, char *buf, size_t size);

/* Generic handlers, for rows that only store their value at .field of the state. */
int pli_cli_opt_help(const struct pl_cli_optctx *oc, const char *arg); /* prints help, -1 */
int pli_cli_opt_flag(const struct pl_cli_optctx *oc, const char *arg); /* int = 1 */
int pli_cli_opt_str(const struct pl_cli_optctx *oc, const char *arg);  /* const char * = arg */
/* unsigned in [min, max], "--NAME takes a number MIN-MAX, not 'ARG'" otherwise. */
int pli_cli_opt_uint(const struct pl_cli_optctx *oc, const char *arg);
int pli_cli_opt_ignore(const struct pl_cli_optctx *oc, const char *arg); /* accepted, no effect */

/* The state field a generic handler writes, typed by the caller. */
#define PL_CLI_OPT_FIELD(oc, type) ((type *)(void *)((char *)(oc)->ctx + (oc)->row->field))

/* The row's long name as the user would type it ("--rate"), for messages. */
const char *pli_cli_opt_display(const struct pl_cli_opt *row, char *buf, size_t size);

/* Each command's table (in its cmd_*.c; scan's in scan_opts.c; listen and conns share
 * sockets_optset). commands.c lists them beside the commands. */
extern const struct pl_cli_optset info_optset, search_optset, registry_optset, sockets_optset,
    scan_optset, probe_optset, audit_optset, diff_optset, import_optset, watch_optset, serve_optset,
    site_optset;

#endif
