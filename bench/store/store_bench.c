// SPDX-License-Identifier: MIT
/*
 * store_bench.c - the store's own ingest rate, without reading any scan file: N results
 * (default 1,000,000; 198.19.x.y, ports 1-65535, open, a service name) made in memory
 * and written as one scan with pl_store_begin, pl_store_scan_begin,
 * pl_store_scan_add_many in batches of 10,000, pl_store_scan_finish, pl_store_commit:
 * what `portlens import` does after parsing. Prints wall seconds, CPU seconds of this
 * process and rows per wall second for the store given (an SQLite path or a
 * postgresql:// URL; a PostgreSQL server's own CPU is not counted here).
 * Usage: store_bench DB [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/strnum.h"
#include "portlens/store.h"

#define BATCH 10000

static double
now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct pl_store_scan_meta meta = {
	    .targets = "198.19.0.0/16", .ports = "1-65535", .engine = "bench"};
	struct pl_store_result *rows;
	struct pl_store *st = NULL;
	struct pl_err err = {0};
	char(*addr)[20];
	uint64_t n = 1000000;
	double w0, c0, w1, c1;
	int64_t id = 0;
	enum pl_rc rc;

	if (argc < 2 || (argc > 2 && pli_parse_u64(argv[2], 1, 100000000, &n, NULL) != PL_OK)) {
		fprintf(stderr, "usage: store_bench DB [N]\n");
		return 2;
	}
	rows = calloc(n, sizeof(*rows));
	addr = calloc(n, sizeof(*addr));
	if (!rows || !addr)
		return 1;
	for (uint64_t i = 0; i < n; i++) {
		snprintf(addr[i], sizeof(addr[i]), "198.19.%u.%u", (unsigned)(i >> 8 & 255),
		         (unsigned)(i & 255));
		rows[i] = (struct pl_store_result){.addr = addr[i],
		                                   .port = (uint16_t)(1 + i % 65535),
		                                   .proto = PL_PROTO_TCP,
		                                   .state = "open",
		                                   .service = "x",
		                                   .rtt_us = -1,
		                                   .observed_at = 1790000000};
	}
	if (pl_store_open(argv[1], PL_STORE_MKDIR, &st, &err) != PL_OK) {
		fprintf(stderr, "store_bench: %s\n", err.msg);
		return 1;
	}
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	rc = pl_store_begin(st, &err);
	if (rc == PL_OK)
		rc = pl_store_scan_begin(st, &meta, &id, &err);
	for (uint64_t i = 0; rc == PL_OK && i < n; i += BATCH)
		rc = pl_store_scan_add_many(st, id, rows + i, n - i < BATCH ? n - i : BATCH, &err);
	if (rc == PL_OK)
		rc = pl_store_scan_finish(st, id, "done", &err);
	if (rc == PL_OK)
		rc = pl_store_commit(st, &err);
	w1 = now_s(CLOCK_MONOTONIC);
	c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	if (rc != PL_OK) {
		fprintf(stderr, "store_bench: %s\n", err.msg);
		pl_store_rollback(st);
	} else {
		printf(
		    "%s: %llu rows in %.2f s wall, %.2f s CPU: %.0f rows/s wall, %.0f rows/s CPU\n",
		    pl_store_backend(st), (unsigned long long)n, w1 - w0, c1 - c0,
		    (double)n / (w1 - w0), (double)n / (c1 - c0));
	}
	pl_store_close(st);
	free(rows);
	free(addr);
	return rc == PL_OK ? 0 : 1;
}
