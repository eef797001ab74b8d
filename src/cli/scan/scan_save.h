/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_save.h - `portlens scan --save`: the SQLite store as one more sink of a scan,
 * beside the file formats (scan_save.c).
 */
#ifndef PL_CLI_SCAN_SAVE_H
#define PL_CLI_SCAN_SAVE_H

#include "cli/cli.h"
#include "cli/scan/scan_sink.h"
#include "portlens/scan.h"
#include "portlens/store.h"
#include "core/buf.h"

/* The store sink's state; the sink (scan_sink_store) points at it through priv. */
struct scan_save {
	const char *db;        /* --db PATH, or NULL for the default path */
	struct pl_buf targets; /* target specs as given, space-joined */
	struct pl_store_sink *sink;
	int failed;         /* a write failed: saving stopped */
	struct pl_cli *cli; /* where messages go */
};

/*
 * The store as a sink: begin opens the database and starts the scan record (fails,
 * printed, when it cannot: the scan does not start), result saves one result
 * (committed on return, with what --sV found), end marks the scan done or interrupted
 * and fails if any write failed, abandon marks it interrupted.
 */
extern const struct scan_sink_ops scan_sink_store;

/* Records a target spec as the user wrote it. */
void scan_save_add_target(struct scan_save *save, const char *spec);
/* Frees what scan_save_add_target gathered. */
void scan_save_cleanup(struct scan_save *save);

#endif
