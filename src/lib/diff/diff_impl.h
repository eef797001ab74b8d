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
int pl_scandoc_proto(const char *name);

#endif
