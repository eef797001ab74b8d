/* SPDX-License-Identifier: MIT */
/*
 * cli/commands.h - the table of subcommands (commands.c), one line per command.
 */
#ifndef PL_CLI_COMMANDS_H
#define PL_CLI_COMMANDS_H

#include <stddef.h>

#include "cli/cli.h"
#include "cli/opts.h"

struct pl_command {
	const char *name;
	pl_cli_cmd_fn fn; /* NULL: run by portlens-full (see commands.c) */
	const char *summary;
	const struct pl_cli_optset *opts; /* its option table (completions); NULL: none here */
};

extern const struct pl_command pl_commands[];
extern const size_t pl_commands_count;

#endif
