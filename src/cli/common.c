// SPDX-License-Identifier: MIT
/*
 * common.c - error printing, common options and registry selection shared by the
 * subcommands.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/datapath.h"
#include "core/strnum.h"

static void vmessage(struct pl_cli *cli, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vmessage(struct pl_cli *cli, const char *fmt, va_list ap)
{
	fprintf(cli->err, "%s: ", cli->prog);
	vfprintf(cli->err, fmt, ap);
	fputc('\n', cli->err);
}

int
pli_cli_exit_for(enum pl_rc rc)
{
	switch (rc) {
	case PL_OK:
		return PL_EXIT_OK;
	case PL_ERR_PARSE:
	case PL_ERR_ARG:
	case PL_ERR_LIMIT:
		return PL_EXIT_USAGE;
	case PL_ERR_INTERRUPTED:
		return 130;
	default:
		return PL_EXIT_FAIL;
	}
}

int
pli_cli_usage_error(struct pl_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cli, fmt, ap);
	va_end(ap);
	return PL_EXIT_USAGE;
}

int
pli_cli_uint_opt(struct pl_cli *cli, const char *name, const char *arg, uint64_t min, uint64_t max,
                 unsigned *out)
{
	uint64_t v;

	if (pli_parse_u64(arg, min, max, &v, NULL) != PL_OK)
		return pli_cli_usage_error(cli, "%s takes a number %llu-%llu, not '%s'", name,
		                           (unsigned long long)min, (unsigned long long)max, arg);
	*out = (unsigned)v;
	return PL_EXIT_OK;
}

int
pli_cli_fail(struct pl_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cli, fmt, ap);
	va_end(ap);
	return PL_EXIT_FAIL;
}

void
pli_cli_print_err(struct pl_cli *cli, const struct pl_err *err)
{
	if (err->source && err->line && err->column)
		fprintf(cli->err, "%s: %s:%u:%u: %s\n", cli->prog, err->source, err->line,
		        err->column, err->msg);
	else if (err->source && err->line)
		fprintf(cli->err, "%s: %s:%u: %s\n", cli->prog, err->source, err->line, err->msg);
	else
		fprintf(cli->err, "%s: %s\n", cli->prog, err->msg);
}

enum pl_lang
pli_cli_env_lang(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	enum pl_lang l = PL_LANG_EN;

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return pl_lang_parse(v, &l) == 0 ? l : PL_LANG_EN;
	}
	return PL_LANG_EN;
}

int
pli_cli_common_option(struct pl_cli *cli, int opt, const char *arg)
{
	uint64_t v;

	for (const struct pl_cli_refusal *r = cli->refuse; r && r->opt; r++) {
		if (r->opt == opt) {
			pli_cli_usage_error(cli, "%s", r->why);
			return -1;
		}
	}
	switch (opt) {
	case PL_OPT_COLOR:
		if (strcmp(arg, "always") == 0)
			cli->color_mode = 1;
		else if (strcmp(arg, "never") == 0)
			cli->color_mode = 0;
		else if (strcmp(arg, "auto") == 0)
			cli->color_mode = -1;
		else {
			pli_cli_usage_error(cli, "--color takes never, always or auto, not '%s'",
			                    arg);
			return -1;
		}
		return 1;
	case PL_OPT_REGISTRY:
		cli->registry_path = arg;
		return 1;
	case PL_OPT_JSON:
		cli->format = PL_FMT_JSON;
		return 1;
	case PL_OPT_MARKDOWN:
		cli->format = PL_FMT_MARKDOWN;
		return 1;
	case PL_OPT_CSV:
		cli->format = PL_FMT_CSV;
		return 1;
	case PL_OPT_NO_LIVE:
		cli->live = 0;
		return 1;
	case PL_OPT_LANG:
		if (pl_lang_parse(arg, &cli->lang) != 0) {
			pli_cli_usage_error(cli, "--lang takes en, ko, ar or tr, not '%s'", arg);
			return -1;
		}
		return 1;
	case PL_OPT_WIDTH:
		if (pli_parse_u64(arg, 40, 1000, &v, NULL) != PL_OK) {
			pli_cli_usage_error(
			    cli, "--width takes a number of columns 40-1000, not '%s'", arg);
			return -1;
		}
		cli->width = cli->width_given = (unsigned)v;
		return 1;
	default:
		return 0;
	}
}

/*
 * A short option getopt refused: unknown, or known and missing its value. getopt leaves
 * optind on the word it is reading while a cluster (-tulpz) has more letters, and past it
 * after the last letter, so the word holding the letter is argv[optind] or the one before;
 * the message names the letter and, for a cluster, the word.
 */
static int
short_option_error(struct pl_cli *cli, int c, char **argv)
{
	const char *word = argv[optind - 1];

	if (argv[optind] && argv[optind][0] == '-' && argv[optind][1] != '-' &&
	    strchr(argv[optind] + 1, c))
		word = argv[optind];
	/* The letter ends the last word: it may be a known option whose value is missing. */
	if (!argv[optind] && word[strlen(word) - 1] == c)
		return strlen(word) > 2
		           ? pli_cli_usage_error(cli,
		                                 "option '-%c' (in '%s') is unknown or needs a "
		                                 "value (see --help)",
		                                 c, word)
		           : pli_cli_usage_error(
		                 cli, "option '-%c' is unknown or needs a value (see --help)", c);
	if (strlen(word) > 2 && word[0] == '-')
		return pli_cli_usage_error(cli, "unknown option '-%c' in '%s' (see --help)", c,
		                           word);
	return pli_cli_usage_error(cli, "unknown option '-%c' (see --help)", c);
}

int
pli_cli_other_option(struct pl_cli *cli, int opt, const char *arg, char **argv)
{
	const char *word = argv[optind - 1];

	if (opt != '?') {
		int r = pli_cli_common_option(cli, opt, arg);

		if (r > 0)
			return PL_EXIT_OK;
		if (r < 0)
			return PL_EXIT_USAGE;
	}
	if (optopt > 0 && optopt < 0x100 && isdigit(optopt))
		return pli_cli_usage_error(cli,
		                           "unknown option '-%c' (a negative number is not a port; "
		                           "see --help)",
		                           optopt);
	/* getopt sets optopt to the option's value when its required value is missing. */
	if (optopt >= 0x100 || (opt == '?' && optopt && strncmp(word, "--", 2) == 0))
		return pli_cli_usage_error(cli, "option '%s' needs a value (see --help)", word);
	if (optopt == 0)
		return pli_cli_usage_error(cli, "unknown option '%s' (see --help)", word);
	return short_option_error(cli, optopt, argv);
}

int
pli_cli_imported_registry_path(char *buf, size_t size)
{
	return pli_data_path("service-names-port-numbers.csv", buf, size, NULL) == PL_OK ? 0 : -1;
}

int
pli_cli_load_registry(struct pl_cli *cli)
{
	char imported[1024];
	const char *path = cli->registry_path;
	struct pl_err err = {0};

	if (!path && pli_cli_imported_registry_path(imported, sizeof(imported)) == 0 &&
	    access(imported, R_OK) == 0)
		path = imported;
	if (!path) {
		cli->reg = pl_registry_builtin();
		return PL_EXIT_OK;
	}
	if (pl_registry_load_file(path, &cli->owned_reg, &err) != PL_OK) {
		pli_cli_print_err(cli, &err);
		return cli->registry_path ? PL_EXIT_USAGE : PL_EXIT_FAIL;
	}
	cli->reg = cli->owned_reg;
	return PL_EXIT_OK;
}

int
pli_cli_emit(struct pl_cli *cli, const struct pl_buf *b)
{
	/* A renderer's append failed (out of memory): print nothing rather than a document
	 * cut short, which a JSON reader could take for the whole answer. */
	if (pli_buf_failed(b))
		return pli_cli_fail(cli, "out of memory: output not written");
	if (b->len && fwrite(b->data, 1, b->len, cli->out) != b->len)
		return pli_cli_fail(cli, "cannot write output");
	return PL_EXIT_OK;
}

/*
 * Runs a command this binary was built without (see commands.c), or a scan that needs
 * what only portlens-full links, by executing portlens-full with the same arguments:
 * next to this binary in a build tree, in ../libexec/portlens/ when installed, or where
 * PORTLENS_FULL points.
 */
int
pli_cli_exec_full(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	const char *env = getenv("PORTLENS_FULL");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (env && *env) {
		execv(env, argv);
		fprintf(stderr, "portlens: cannot run %s: %s\n", env, strerror(errno));
		return PL_EXIT_FAIL;
	}
	if (n <= 0 || !(slash = (self[n] = '\0', strrchr(self, '/')))) {
		fprintf(stderr, "portlens: cannot find my own location to run '%s'\n", argv[1]);
		return PL_EXIT_FAIL;
	}
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/portlens-full", self);
	execv(path, argv);
	snprintf(path, sizeof(path), "%s/../libexec/portlens/portlens-full", self);
	execv(path, argv);
	fprintf(stderr,
	        "portlens: '%s' needs portlens-full, not found next to %s or in "
	        "%s/../libexec/portlens/ (set PORTLENS_FULL)\n",
	        argv[1], self, self);
	return PL_EXIT_FAIL;
}
