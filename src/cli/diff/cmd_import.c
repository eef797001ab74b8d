// SPDX-License-Identifier: MIT
/*
 * cmd_import.c - `portlens import FILE...`: scans written by nmap, masscan or portlens
 * (any format `portlens diff` reads) saved into the store, each as one scan, so they
 * show in `portlens serve` (/scans) and can be compared by number with `portlens diff`.
 *
 * Each file is one transaction (pl_store_begin/commit): a file that fails to parse is
 * not started, and a crash mid-import leaves nothing of that file. Every listed port is
 * saved with its state, service, product and version; hosts nmap lists without ports
 * have nothing to save.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/diff/scan_load.h"
#include "portlens/store.h"

/* "198.19.0.1 198.19.0.2 ..." for a few hosts, "N hosts" beyond. */
static void
targets_text(struct pl_buf *b, const struct pl_scandoc *doc)
{
	if (doc->n_hosts > 8) {
		pli_buf_printf(b, "%zu hosts", doc->n_hosts);
		return;
	}
	for (size_t i = 0; i < doc->n_hosts; i++)
		pli_buf_printf(b, "%s%s", i ? " " : "", doc->hosts[i].addr);
}

/* Every listed port of doc as a store row (strings borrowed from doc). */
static enum pl_rc
import_rows(const struct pl_scandoc *doc, struct pl_store_result **out, size_t *n,
            struct pl_err *err)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < doc->n_hosts; i++)
		total += doc->hosts[i].n_ports;
	*out = calloc(total ? total : 1, sizeof(**out));
	if (!*out)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < doc->n_hosts; i++) {
		const struct pl_scandoc_host *h = &doc->hosts[i];

		for (size_t j = 0; j < h->n_ports; j++) {
			const struct pl_scandoc_port *p = &h->ports[j];

			(*out)[k++] = (struct pl_store_result){
			    .addr = h->addr,
			    .port = p->port,
			    .proto = (enum pl_proto)p->proto,
			    .state = p->state,
			    .service = p->service,
			    .product = p->product,
			    .version = p->version,
			    .rtt_us = -1,
			    .observed_at = doc->start,
			};
		}
	}
	*n = k;
	return PL_OK;
}

/* The scan record of an imported file (strings in targets and command). */
static void
import_meta(const char *file, const struct pl_scandoc *doc, struct pl_buf *targets,
            struct pl_buf *command, struct pl_store_scan_meta *meta)
{
	targets_text(targets, doc);
	pli_buf_printf(command, "portlens import %s (%s)", file, doc->format);
	memset(meta, 0, sizeof(*meta));
	meta->targets = pli_buf_str(targets);
	meta->ports = "";
	meta->engine = doc->scanner[0] ? doc->scanner : doc->format;
	meta->command = pli_buf_str(command);
	meta->started_at = doc->start;
}

/* Saves doc into the store st (SQLite or PostgreSQL) in one transaction. */
static enum pl_rc
save_doc(struct pl_store *st, const char *file, const struct pl_scandoc *doc, int64_t *id,
         size_t *rows, struct pl_err *err)
{
	struct pl_buf targets, command;
	struct pl_store_scan_meta meta;
	struct pl_store_result *rows_v = NULL;
	size_t n_rows = 0;
	enum pl_rc rc;

	pli_buf_init(&targets);
	pli_buf_init(&command);
	import_meta(file, doc, &targets, &command, &meta);
	rc = import_rows(doc, &rows_v, &n_rows, err);
	if (rc == PL_OK) {
		rc = pl_store_begin(st, err);
		if (rc == PL_OK)
			rc = pl_store_scan_begin(st, &meta, id, err);
		if (rc == PL_OK)
			rc = pl_store_scan_add_many(st, *id, rows_v, n_rows, err);
		if (rc == PL_OK)
			rc = pl_store_scan_finish(st, *id, "done", err);
		if (rc == PL_OK)
			rc = pl_store_commit(st, err);
		if (rc != PL_OK)
			pl_store_rollback(st);
	}
	if (rc == PL_OK)
		*rows = n_rows;
	free(rows_v);
	pli_buf_cleanup(&targets);
	pli_buf_cleanup(&command);
	return rc;
}

/* Common options import does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal import_refuse[] = {
    {.opt = PL_OPT_JSON,
     .why = "import has no JSON output (--json); it prints one line per file saved"},
    {.opt = PL_OPT_MARKDOWN,
     .why = "import has no Markdown output (--markdown); it prints one line per file saved"},
    {.opt = PL_OPT_NO_LIVE,
     .why = "import reads scan files and nothing live: --no-live does not apply"},
    {.opt = PL_OPT_LANG, .why = "import speaks English only; --lang is for port pages"},
    {.opt = PL_OPT_COLOR, .why = "import prints no colour: --color does not apply"},
    {.opt = PL_OPT_WIDTH, .why = "import prints one line per file: --width does not apply"},
    {.opt = PL_OPT_REGISTRY,
     .why = "import saves the names the scans recorded and reads no registry: "
            "--registry does not apply"},
    {.opt = 0},
};

#define FIELD(f) offsetof(struct scan_load_args, f)

// clang-format off
static const struct pl_cli_opt import_opts[] = {
    {.text = "usage: portlens import [OPTIONS] FILE...\n"
             "\n"
             "Save scans from files into the store, one saved scan per file, so they show in\n"
             "portlens serve (/scans) and compare by number with portlens diff. Reads what\n"
             "portlens diff reads: nmap XML (nmap, portlens or masscan -oX), portlens JSON lines\n"
             "(-oJ), masscan JSON (-oJ) and list output (-oL). Each file is saved whole or not\n"
             "at all.\n"
             "\n"
             "options:\n"},
    {.name = "db", .arg = PL_ARG_REQUIRED, .metavar = "PATH|URL", .fn = pli_cli_opt_str,
     .field = FIELD(db),
     .help = "the store: an SQLite file (default\n"
             "$XDG_DATA_HOME/portlens/portlens.db) or postgresql://..."},
    {.name = "quiet", .short_name = 'q', .fn = pli_cli_opt_flag, .field = FIELD(quiet),
     .help = "do not print what was imported"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help, .help = "this help"},
};
// clang-format on

const struct pl_cli_optset import_optset = {
    .rows = import_opts,
    .n = PL_CLI_NROWS(import_opts),
    .order = "+",
    .help_col = 22,
    .metavar_sep = ' ',
    .refuse = import_refuse,
};

int
pli_cmd_import(struct pl_cli *cli, int argc, char **argv)
{
	struct pl_store *st = NULL;
	struct pl_err err = {0};
	struct scan_load_args args = {0};
	const char *db;
	char path[4096];
	int quiet, rc;

	rc = pli_cli_parse_opts(cli, &import_optset, 0, &args, argc, argv);
	if (rc == PL_EXIT_OK && optind >= argc)
		rc = pli_cli_usage_error(cli, "import needs at least one FILE (see --help)");
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	db = args.db;
	quiet = args.quiet;
	if (!db) {
		if (pl_store_default_path(path, sizeof(path), &err) != PL_OK) {
			pli_cli_print_err(cli, &err);
			return PL_EXIT_FAIL;
		}
		db = path;
	}
	if (pl_store_open(db, PL_STORE_MKDIR, &st, &err) != PL_OK) {
		pli_cli_print_err(cli, &err);
		return PL_EXIT_FAIL;
	}
	for (int i = optind; i < argc && rc == PL_EXIT_OK; i++) {
		struct pl_scandoc doc;
		int64_t id = 0;
		size_t rows = 0;

		pl_scandoc_init(&doc);
		rc = scan_load_path(cli, argv[i], &doc);
		if (rc == PL_EXIT_OK && save_doc(st, argv[i], &doc, &id, &rows, &err) != PL_OK)
			rc = pli_cli_fail(cli, "import %s: %s", argv[i], err.msg);
		if (rc == PL_EXIT_OK && !quiet)
			fprintf(cli->out,
			        "%s: saved as scan #%lld (%s, %zu host%s, %zu result%s)\n", argv[i],
			        (long long)id, doc.format, doc.n_hosts, doc.n_hosts == 1 ? "" : "s",
			        rows, rows == 1 ? "" : "s");
		pl_scandoc_cleanup(&doc);
	}
	pl_store_close(st);
	return rc;
}
