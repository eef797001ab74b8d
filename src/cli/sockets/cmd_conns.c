// SPDX-License-Identifier: MIT
/*
 * cmd_conns.c - `portlens conns`: established and other non-listening connections with
 * both ends, state and the holding processes. Options and output are shared with
 * `portlens listen` (cmd_listen.c, render_sockets*.c).
 */
#include "cli/sockets/render_sockets.h"

int
pli_cmd_conns(struct pl_cli *cli, int argc, char **argv)
{
	return pli_cli_sockets_main(cli, argc, argv, PL_SQ_CONNS);
}
