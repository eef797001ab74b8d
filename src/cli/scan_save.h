/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_save.h - `portlens scan --save`: the SQLite sink of a scan (scan_save.c).
 * cmd_scan.c calls open before the run, result per reported result, close after it.
 */
#ifndef PL_CLI_SCAN_SAVE_H
#define PL_CLI_SCAN_SAVE_H

#include "cli/cli.h"
#include "cli/scan_sink.h"
#include "portlens/scan.h"
#include "portlens/store.h"
#include "core/buf.h"

struct scan_save {
	int on;                /* --save given */
	const char *db;        /* --db PATH, or NULL for the default path */
	struct pl_buf targets; /* target specs as given, space-joined */
	struct pl_store_sink *sink;
	int failed;         /* a write failed: saving stopped */
	struct pl_cli *cli; /* where errors go (set by open) */
};

/* Records a target spec as the user wrote it (only when saving). */
void scan_save_add_target(struct scan_save *save, const char *spec);
/* Opens the database and starts the scan record. PL_EXIT_OK or PL_EXIT_FAIL (printed). */
int scan_save_open(struct pl_cli *cli, struct scan_save *save, const struct scan_info *info);
/* Saves one result (committed on return), with what --sV found when probed != NULL. */
void scan_save_result(struct scan_save *save, const struct scan_info *info,
                      const struct pl_scan_result *r, const struct scan_sv_result *probed);
/* Marks the scan done or interrupted and closes. PL_EXIT_FAIL if any write failed. */
int scan_save_close(struct pl_cli *cli, struct scan_save *save, int interrupted);

#endif
