// SPDX-License-Identifier: MIT
/*
 * main.c - portlens entry point: picks the subcommand (a port or service name as the
 * first argument means `info`) and runs it with a fresh struct pl_cli.
 */
#include <stdio.h>
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
	};
	const char *name;
	int rc;

	if (argc < 2) {
		print_usage(stderr);
		return PL_EXIT_USAGE;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		print_usage(stdout);
		return PL_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("portlens %s\n", PL_VERSION);
		return PL_EXIT_OK;
	}
	for (size_t i = 0; i < pl_commands_count; i++) {
		if (strcmp(name, pl_commands[i].name) == 0) {
			rc = pl_commands[i].fn(&cli, argc - 1, argv + 1);
			goto out;
		}
	}
	/* Anything else is a port, a service name or an option of the implied `info`. */
	argv[0] = "info";
	rc = pl_cmd_info(&cli, argc, argv);
out:
	pl_registry_free(cli.owned_reg);
	if (fflush(stdout) != 0 && rc == PL_EXIT_OK)
		rc = PL_EXIT_FAIL;
	return rc;
}
