/* SPDX-License-Identifier: MIT */
/*
 * diff/diff_impl.h - internals shared by the scan-file parsers of src/lib/diff.
 */
#ifndef PL_DIFF_IMPL_H
#define PL_DIFF_IMPL_H

#include "portlens/diff.h"

/* Largest scan file the parsers take (a guard against runaway input, not a format rule). */
#define PL_SCANDOC_MAX_BYTES ((size_t)1 << 31)

/* Maps a transport name from a scan file ("tcp", "udp", "sctp"); -1 when unknown. */
int pli_scandoc_proto(const char *name);

/* Handles one line (without its newline); fills err (column optional) on failure. */
typedef enum pl_rc (*pl_scandoc_line_fn)(const char *s, size_t n, struct pl_scandoc *doc, void *ud,
                                         struct pl_err *err);

/*
 * Calls fn for each line of data, stopping at the first failure, whose err then names
 * source and the line (column 1 unless fn set one). PL_ERR_LIMIT beyond 2 GiB.
 */
enum pl_rc pli_scandoc_each_line(const char *data, size_t len, const char *source,
                                 struct pl_scandoc *doc, pl_scandoc_line_fn fn, void *ud,
                                 struct pl_err *err);

#endif
