/* SPDX-License-Identifier: MIT */
/*
 * cli/cli.h - what the portlens command-line front end shares between subcommands:
 * the run context (streams, color, width, registry in use) and the renderers.
 * Only src/cli prints or decides exit codes.
 */
#ifndef PL_CLI_H
#define PL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "portlens/knowledge.h"
#include "portlens/page.h"
#include "portlens/registry.h"
#include "core/buf.h"

/* Exit codes, documented in portlens(1). */
enum {
	PL_EXIT_OK = 0,
	PL_EXIT_FAIL = 1,  /* the command ran but failed, or found what --fail-on names */
	PL_EXIT_USAGE = 2, /* bad arguments or input */
};

enum pl_format { PL_FMT_TEXT, PL_FMT_JSON, PL_FMT_MARKDOWN, PL_FMT_CSV };

/* A common option a command does not honour, and the one line that says why. */
struct pl_cli_refusal {
	int opt;         /* PL_OPT_* */
	const char *why; /* "registry import has no JSON output" */
};

struct pl_cli {
	FILE *out;
	FILE *err;
	const char *prog;
	int color_mode;       /* --color: -1 auto, 0 never, 1 always */
	int color;            /* emit ANSI colors on out (decided by pli_term_setup) */
	unsigned width;       /* wrap width for text output */
	unsigned width_given; /* --width N, or 0: tables fit the terminal (cli/colfit.h) */
	enum pl_format format;
	int live; /* read live data (/proc, sockets); off for reproducible output */
	const char *registry_path;     /* --registry FILE, or NULL */
	struct pl_registry *owned_reg; /* loaded from registry_path or the imported copy */
	const struct pl_registry *reg;
	const struct pl_kb *kb;
	enum pl_lang lang; /* language of page text: --lang, else LC_ALL/LC_MESSAGES/LANG */
	/* The common options this command refuses (ends with opt 0), or NULL: every common
	 * option is refused clearly rather than silently ignored. Set before parsing. */
	const struct pl_cli_refusal *refuse;
	const char *argv0; /* the program as started (kept when portlens-full takes over) */
};

/* A subcommand: argv[0] is the subcommand's name. Returns an exit code. */
typedef int (*pl_cli_cmd_fn)(struct pl_cli *cli, int argc, char **argv);

int pli_cmd_info(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_search(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_registry(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_serve(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_site(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_listen(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_conns(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_scan(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_probe(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_audit(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_diff(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_import(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_watch(struct pl_cli *cli, int argc, char **argv);
int pli_cmd_completion(struct pl_cli *cli, int argc, char **argv);

/*
 * The exit status for a library failure, the one mapping every command uses: PL_OK 0;
 * bad input (PL_ERR_PARSE, PL_ERR_ARG, PL_ERR_LIMIT) PL_EXIT_USAGE (2); stopped by a
 * signal (PL_ERR_INTERRUPTED) 130; anything else -- the command ran and failed: out of
 * memory, I/O, permissions, no kernel support, time-out, not found -- PL_EXIT_FAIL (1).
 */
int pli_cli_exit_for(enum pl_rc rc);
/* Prints "portlens: message" on the error stream; returns PL_EXIT_USAGE. */
int pli_cli_usage_error(struct pl_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Parses a numeric option value NAME=ARG in [min, max] into *out. Returns PL_EXIT_OK, or
 * prints "NAME takes a number MIN-MAX, not 'ARG'" and returns PL_EXIT_USAGE.
 */
int pli_cli_uint_opt(struct pl_cli *cli, const char *name, const char *arg, uint64_t min,
                     uint64_t max, unsigned *out);
/* Prints "portlens: message" on the error stream; returns PL_EXIT_FAIL. */
int pli_cli_fail(struct pl_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints an error from the library, with FILE:LINE:COL when err has a position. */
void pli_cli_print_err(struct pl_cli *cli, const struct pl_err *err);

/* Common options every subcommand accepts. Returns 1 if opt was one (consumed), 0 if
 * not, -1 on a bad value (message printed). */
int pli_cli_common_option(struct pl_cli *cli, int opt, const char *optarg);
/*
 * What every subcommand does with an option its own switch did not take: a common option
 * (returns PL_EXIT_OK), else one line naming the problem -- an unknown option, a missing
 * value, a negative number taken for an option -- and PL_EXIT_USAGE. Call it right after
 * getopt_long returned opt (it reads optind, optopt and argv).
 */
int pli_cli_other_option(struct pl_cli *cli, int opt, const char *optarg, char **argv);
/* Loads the registry chosen by --registry or an imported copy; built-in otherwise.
 * Returns PL_EXIT_OK or an exit code after printing the error. */
int pli_cli_load_registry(struct pl_cli *cli);
/* Path of the imported registry copy in the data directory (core/datapath.h); 0 or -1. */
int pli_cli_imported_registry_path(char *buf, size_t size);
/* Writes the buffer to out; returns PL_EXIT_OK, or PL_EXIT_FAIL on a write error or when
 * an append to b failed (then nothing is written: never a truncated document). */
int pli_cli_emit(struct pl_cli *cli, const struct pl_buf *b);

/* The page language from the environment: the first of LC_ALL, LC_MESSAGES, LANG that
 * is set and not empty (POSIX precedence); English when it names no page language. */
enum pl_lang pli_cli_env_lang(void);

/* Executes portlens-full with argv (argv[0] the program as started, argv[1] the command,
 * NULL-terminated): next to this binary, in ../libexec/portlens/, or $PORTLENS_FULL.
 * Returns only on failure, with PL_EXIT_FAIL after printing why. */
int pli_cli_exec_full(char **argv);

/* Terminal helpers (term.c). */
/* Decides color and width from the options, the environment and the terminal. */
void pli_term_setup(struct pl_cli *cli);
const char *pli_term_sgr(const struct pl_cli *cli, const char *code); /* "" when no color */
/* Appends text word-wrapped to width, every line prefixed by indent spaces. */
void pli_term_wrap(struct pl_buf *out, const char *text, unsigned indent, unsigned width);
/* Number of terminal columns a UTF-8 string takes (code points; no East Asian width). */
size_t pli_term_columns(const char *s);

/* Page renderers (render_*.c). Append one page to out. */
void pli_render_page_text(const struct pl_cli *cli, const struct pl_page *page, struct pl_buf *out);
void pli_render_page_markdown(const struct pl_page *page, struct pl_buf *out);

/* Ids of the common options (values above any short option; cli/opts.c). */
enum {
	PL_OPT_COLOR = 0x100,
	PL_OPT_REGISTRY,
	PL_OPT_JSON,
	PL_OPT_MARKDOWN,
	PL_OPT_CSV,
	PL_OPT_NO_LIVE,
	PL_OPT_WIDTH,
	PL_OPT_LANG,
	PL_OPT_FIRST_FREE, /* a command's own long options are numbered from here */
};

#endif
