// SPDX-License-Identifier: MIT
/*
 * main.c - portlens entry point: picks the subcommand (a port or service name as the
 * first argument means `info`) and runs it with a fresh struct pl_cli.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	    .argv0 = argv[0],
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
					return pli_cli_exec_full(help_argv);
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
		return pli_cli_exec_full(argv);
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
				return pli_cli_exec_full(argv);
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
