/* SPDX-License-Identifier: MIT */
/*
 * cli/render_sockets.h - shared by `portlens listen` and `portlens conns`: the option
 * parsing and driver (cmd_listen.c) and the renderers (render_sockets*.c).
 */
#ifndef PL_CLI_RENDER_SOCKETS_H
#define PL_CLI_RENDER_SOCKETS_H

#include "cli/cli.h"
#include "portlens/json.h"
#include "portlens/sockets.h"

/* Runs listen (what = PL_SQ_LISTEN) or conns (PL_SQ_CONNS) with argv. */
int pli_cli_sockets_main(struct pl_cli *cli, int argc, char **argv, unsigned what);

/* "127.0.0.1:22", "[::1]:22", "[::]:22". remote selects the peer. */
void pli_sock_endpoint(const struct pl_sock *s, int remote, char *buf, size_t size);

/* Writes the table to cli->out in chunks through out (what is left in out at the end,
 * at most one chunk, is the caller's to emit). Returns PL_EXIT_OK or the exit code of
 * a failed write or allocation (already reported). */
int pli_render_sockets_text(struct pl_cli *cli, const struct pl_sockset *set, unsigned what,
                            int show_netns, struct pl_buf *out);
void pli_render_sockets_csv(const struct pl_sockset *set, unsigned what, struct pl_buf *out);

/* listen --baseline / --save-baseline (listen_baseline.c). load: PL_EXIT_OK or the exit
 * code of an error it printed. apply: keeps in set only listeners b does not cover, adds
 * notes for lines that covered nothing; PL_EXIT_FAIL when anything differs. save: writes
 * the set's listeners to path (atomically); PL_EXIT_OK or PL_EXIT_FAIL (printed). */
int pli_cli_baseline_load(struct pl_cli *cli, const char *path, struct pl_baseline *b);
int pli_cli_baseline_apply(struct pl_sockset *set, struct pl_baseline *b, const char *path);
int pli_cli_baseline_save(struct pl_cli *cli, const char *path, const struct pl_sockset *set);

#endif
