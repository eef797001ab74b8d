/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_load.h - how `portlens diff` and `portlens import` get a scan: a file in any
 * format the library reads (portlens/diff.h), "-" for standard input, or the id of a
 * scan saved in the store.
 */
#ifndef PL_CLI_SCAN_LOAD_H
#define PL_CLI_SCAN_LOAD_H

#include "cli/cli.h"
#include "portlens/diff.h"

/*
 * Reads the whole file at path ("-": standard input) into b, refusing more than max
 * bytes. what names the option or argument in messages. PL_EXIT_OK or PL_EXIT_USAGE
 * (message printed).
 */
int scan_load_file(struct pl_cli *cli, const char *what, const char *path, size_t max,
                   struct pl_buf *b);

/* Parses the scan file at path ("-": standard input) into doc. As scan_load. */
int scan_load_path(struct pl_cli *cli, const char *path, struct pl_scandoc *doc);

/*
 * Loads arg into doc (initialised by the caller; finished on success): a file, "-", or
 * a decimal saved-scan id when no file of that name exists, read from the store at db
 * (NULL: the default path). PL_EXIT_OK or PL_EXIT_USAGE (message printed).
 */
int scan_load(struct pl_cli *cli, const char *arg, const char *db, struct pl_scandoc *doc);

/* The options diff and import share (each command's table fills it). */
struct scan_load_args {
	const char *db; /* --db PATH|URL, or NULL for the default store */
	int quiet;      /* -q, --quiet */
};

#endif
