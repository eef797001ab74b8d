// SPDX-License-Identifier: MIT
/*
 * main.c - portlens entry point: picks the subcommand (a port or service name as the
 * first argument means `info`) and runs it with a fresh struct pl_cli.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"

static void
print_usage(FILE *fp)
{
	fputs("usage: portlens PORT[/PROTO]... | SERVICE      the page of a port (same as info)\n"
	      "       portlens COMMAND [OPTIONS] [ARGS]\n\n"
	      "commands:\n",
	      fp);
	for (size_t i = 0; i < pl_commands_count; i++)
		fprintf(fp, "  %-10s %s\n", pl_commands[i].name, pl_commands[i].summary);
	fputs("\nRun 'portlens COMMAND --help' for a command's options, 'man portlens' for all.\n",
	      fp);
}

/*
 * Runs a command this binary was built without (see commands.c) by executing
 * portlens-full with the same arguments: next to this binary in a build tree, in
 * ../libexec/portlens/ when installed, or where PORTLENS_FULL points.
 */
static int
exec_full(char **argv)
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

int
main(int argc, char **argv)
{
	struct pl_cli cli = {
	    .out = stdout,
	    .err = stderr,
	    .prog = "portlens",
	    .live = 1,
	    .color_mode = -1,
	    .kb = pl_kb_builtin(),
	    .lang = pli_cli_env_lang(),
	};
	const char *name;
	int rc;

	if (argc < 2) {
		print_usage(stderr);
		return PL_EXIT_USAGE;
	}
	name = argv[1];
	/* `portlens help COMMAND` is `portlens COMMAND --help`. */
	if (strcmp(name, "help") == 0 && argc == 3) {
		for (size_t i = 0; i < pl_commands_count; i++) {
			if (strcmp(argv[2], pl_commands[i].name) == 0) {
				char *help_argv[] = {argv[0], argv[2], "--help", NULL};

				if (!pl_commands[i].fn)
					return exec_full(help_argv);
				return pl_commands[i].fn(&cli, 2, help_argv + 1);
			}
		}
		fprintf(stderr, "portlens: help: no command named '%s'\n", argv[2]);
		print_usage(stderr);
		return PL_EXIT_USAGE;
	}
	if (argc > 3 && strcmp(name, "help") == 0) {
		fputs("portlens: help takes one command name\n", stderr);
		return PL_EXIT_USAGE;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		print_usage(stdout);
		return PL_EXIT_OK;
	}
	/* Not listed among the commands: a script for the shell, not a question for portlens.
	 * It reads every command's option table, so it runs in portlens-full. */
	if (strcmp(name, "completion") == 0) {
#ifdef PL_CLI_LIGHT
		return exec_full(argv);
#else
		return pli_cmd_completion(&cli, argc - 1, argv + 1);
#endif
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("portlens %s\n", PL_VERSION);
		return PL_EXIT_OK;
	}
	for (size_t i = 0; i < pl_commands_count; i++) {
		if (strcmp(name, pl_commands[i].name) == 0) {
			if (!pl_commands[i].fn)
				return exec_full(argv);
			rc = pl_commands[i].fn(&cli, argc - 1, argv + 1);
			goto out;
		}
	}
	/* Anything else is a port, a service name or an option of the implied `info`. */
	argv[0] = "info";
	rc = pli_cmd_info(&cli, argc, argv);
out:
	pl_registry_free(cli.owned_reg);
	if (fflush(stdout) != 0 && rc == PL_EXIT_OK)
		rc = PL_EXIT_FAIL;
	return rc;
}
