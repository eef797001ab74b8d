// SPDX-License-Identifier: MIT
/*
 * scan_load.c - a scan for `portlens diff` and `portlens import`, from a file (format
 * recognised by the library), standard input, or the store (a saved scan's id).
 *
 * A saved scan's rows carry no "identified by probing" flag (schema 3), so a row with a
 * product, version or CPE counts as identified: that is what --sV saves and a table
 * name never has.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/diff/scan_load.h"
#include "portlens/store.h"
#include "core/strnum.h"

#define SCAN_FILE_MAX ((size_t)1 << 31)

int
scan_load_file(struct pl_cli *cli, const char *what, const char *path, size_t max, struct pl_buf *b)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = PL_EXIT_OK;

	if (!in)
		return pli_cli_usage_error(cli, "%s: cannot open %s: %s", what, path,
		                           strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		if (b->len + n > max) {
			rc = pli_cli_usage_error(cli, "%s: %s is larger than %zu MiB", what, path,
			                         max >> 20);
			goto out;
		}
		if (pli_buf_append(b, chunk, n) != PL_OK) {
			rc = pli_cli_usage_error(cli, "%s: out of memory reading %s", what, path);
			goto out;
		}
	}
	if (ferror(in))
		rc =
		    pli_cli_usage_error(cli, "%s: cannot read %s: %s", what, path, strerror(errno));
out:
	if (in != stdin)
		fclose(in);
	return rc;
}

static int
load_saved(struct pl_cli *cli, int64_t id, const char *db, struct pl_scandoc *doc)
{
	char path[4096];
	struct pl_err err = {0};
	struct pl_store *st = NULL;
	struct pl_store_scan meta = {0};
	struct pl_store_result_row *rows = NULL;
	size_t n = 0;
	int rc = PL_EXIT_USAGE;

	if (!db) {
		if (pl_store_default_path(path, sizeof(path), &err) != PL_OK)
			goto fail;
		db = path;
	}
	if (pl_store_open(db, PL_STORE_READONLY, &st, &err) != PL_OK ||
	    pl_store_scan_get(st, id, &meta, &err) != PL_OK ||
	    pl_store_scan_results(st, id, 0, &rows, &n, &err) != PL_OK) {
		goto fail;
	}
	snprintf(doc->format, sizeof(doc->format), "saved-scan");
	doc->no_extrainfo = 1; /* the store has no column for it */
	snprintf(doc->scanner, sizeof(doc->scanner), "%s", meta.engine);
	doc->start = meta.started_at;
	for (size_t i = 0; i < n; i++) {
		const struct pl_store_result_row *r = &rows[i];
		int proto = -1;
		enum pl_proto p;
		struct pl_scandoc_entry e = {
		    .addr = r->addr,
		    .port = r->port,
		    .state = r->state,
		    .service = r->service,
		    .product = r->product,
		    .version = r->version,
		    .detected = r->product[0] || r->version[0] || r->cpe[0],
		};

		if (strcmp(r->state, "up") == 0) { /* a -sn scan's up host (scan_save.c) */
			if (pl_scandoc_add_host(doc, r->addr, NULL, &err) != PL_OK)
				goto fail;
			continue;
		}
		if (pl_proto_parse(r->proto, &p) == PL_OK)
			proto = (int)p;
		if (proto < 0) {
			doc->n_skipped++;
			continue;
		}
		e.proto = p;
		if (pl_scandoc_add(doc, &e, &err) != PL_OK)
			goto fail;
	}
	if (pl_scandoc_finish(doc, &err) != PL_OK)
		goto fail;
	rc = PL_EXIT_OK;
	goto out;
fail:
	pli_cli_usage_error(cli, "saved scan %lld in %s: %s", (long long)id, db ? db : "the store",
	                    err.msg);
out:
	pl_store_results_free(rows, n);
	pl_store_scan_cleanup(&meta);
	pl_store_close(st);
	return rc;
}

int
scan_load_path(struct pl_cli *cli, const char *path, struct pl_scandoc *doc)
{
	struct pl_buf data;
	struct pl_err err = {0};
	int rc;

	pli_buf_init(&data);
	rc = scan_load_file(cli, "scan file", path, SCAN_FILE_MAX, &data);
	if (rc == PL_EXIT_OK &&
	    pl_scandoc_parse(pli_buf_str(&data), data.len, path, doc, &err) != PL_OK) {
		if (!err.line)
			pli_cli_usage_error(cli, "%s: %s", path, err.msg);
		else
			pli_cli_print_err(cli, &err);
		rc = PL_EXIT_USAGE;
	}
	pli_buf_cleanup(&data);
	return rc;
}

int
scan_load(struct pl_cli *cli, const char *arg, const char *db, struct pl_scandoc *doc)
{
	struct stat sb;
	uint64_t id;

	if (strcmp(arg, "-") != 0 && stat(arg, &sb) != 0 && errno == ENOENT &&
	    pli_parse_u64(arg, 1, INT64_MAX, &id, NULL) == PL_OK)
		return load_saved(cli, (int64_t)id, db, doc);
	return scan_load_path(cli, arg, doc);
}
