/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_sort.h - the final, sorted table of the line outputs (text, grepable, CSV).
 *
 * Those sinks stream: each result is written (and flushed) as it is known, so a killed
 * scan leaves a usable file. Each record's place in the file and its sort key (address,
 * transport, port) are noted; at the end the records of this run are written again in
 * order, after the file's header, into a fresh file that replaces the streamed one
 * (mkstemp + rename), or onto stdout from a spool file for outputs written to '-'.
 * Records are copied back with pread, so memory is the index: 32 bytes a record.
 */
#ifndef PL_CLI_SCAN_SORT_H
#define PL_CLI_SCAN_SORT_H

#include <stdint.h>
#include <stdio.h>

#include "portlens/scan.h"

/* Above this many records the output keeps its streamed order (and says so). */
#define SCAN_SORT_MAX (1u << 22)

struct scan_sort {
	struct scan_sort_rec {
		uint8_t key[20]; /* family, address (16), transport, port (big-endian) */
		uint32_t len;
		uint64_t off;
	} * v;
	size_t n, cap;
	long region;  /* where this run's records start (after the header) */
	int given_up; /* too many records, or out of memory: left as streamed */
};

/* Notes one record: len bytes at off, written for result r. */
void scan_sort_add(struct scan_sort *ss, const struct pl_scan_result *r, long off, long len);
/*
 * Writes the bytes [0, region) of in (the header, and earlier runs of a resumed file),
 * then the records in order, to out. Returns 0, or -1 on a read or write error.
 */
int scan_sort_copy(struct scan_sort *ss, FILE *in, FILE *out);
void scan_sort_cleanup(struct scan_sort *ss);

#endif
