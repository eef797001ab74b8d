// SPDX-License-Identifier: MIT
/*
 * cmd_registry.c - `portlens registry [info|import FILE|reset]`: which IANA registry is
 * in use, installing a newer official CSV for later runs (validated first, then copied
 * atomically into the user's data directory), and going back to the built-in copy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "core/atomic_file.h"
#include "core/datapath.h"
#include "core/jsonw.h"

// clang-format off
static const struct pl_cli_opt registry_rows[] = {
    {.text = "usage: portlens registry [info]            show the registry in use and its date\n"
             "       portlens registry import FILE       check FILE (an IANA service-names-port-\n"
             "                                           numbers.csv) and use it from now on\n"
             "       portlens registry reset             go back to the built-in registry\n"
             "       portlens registry dump              one line per port and transport:\n"
             "                                           PORT TRANSPORT STATUS SERVICE CSV-LINE\n"
             "\n"
             "The imported copy lives in $XDG_DATA_HOME/portlens/ (default ~/.local/share/portlens/).\n"
             "--registry=FILE on any command uses FILE for that run only.\n"
             "registry info --json: {\"schema\": \"portlens.registry/1\", \"source\", \"date\", ...}\n"},
    {.name = "help", .short_name = 'h', .fn = pli_cli_opt_help},
};
// clang-format on

/* Common options registry does not honour (common.c refuses them with these lines). */
static const struct pl_cli_refusal registry_refuse[] = {
    {.opt = PL_OPT_MARKDOWN, .why = "registry has no Markdown output; registry info takes --json"},
    {.opt = PL_OPT_NO_LIVE, .why = "registry reads nothing live: --no-live does not apply"},
    {.opt = PL_OPT_LANG, .why = "registry speaks English only; --lang is for port pages"},
    {.opt = 0},
};

static int
show_info(struct pl_cli *cli)
{
	const struct pl_registry *reg = cli->reg;
	size_t assigned = 0, with_port = 0;

	for (size_t i = 0; i < pl_registry_count(reg); i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, i);

		with_port += e->has_port;
		assigned += e->has_port && e->status == PL_REG_ASSIGNED;
	}
	if (cli->format == PL_FMT_JSON) {
		struct pl_buf out;
		struct pl_jsonw w;
		int rc;

		pli_buf_init(&out);
		pli_jsonw_init(&w, &out, 1);
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "schema", "portlens.registry/1");
		pli_jsonw_kstr(&w, "source", pl_registry_source(reg));
		pli_jsonw_kstr(&w, "date", pl_registry_date(reg));
		pli_jsonw_kint(&w, "records", (int64_t)pl_registry_count(reg));
		pli_jsonw_kint(&w, "records_with_port", (int64_t)with_port);
		pli_jsonw_kint(&w, "assigned", (int64_t)assigned);
		pli_jsonw_end(&w);
		pli_buf_putc(&out, '\n');
		rc = pli_cli_emit(cli, &out);
		pli_buf_cleanup(&out);
		return rc;
	}
	fprintf(cli->out,
	        "source:   %s\ndate:     %s (newest registration or modification date in it)\n"
	        "records:  %zu (%zu with a port, %zu of them assigned)\n",
	        pl_registry_source(reg), pl_registry_date(reg), pl_registry_count(reg), with_port,
	        assigned);
	return PL_EXIT_OK;
}

/* Flattens the registry to one tab-separated line per (port, transport, record), in
 * port order: the shape scripts and the registry walk test need. */
static int
dump(struct pl_cli *cli)
{
	const struct pl_registry *reg = cli->reg;
	struct pl_buf out;
	int rc;

	pli_buf_init(&out);
	for (uint32_t port = 0; port <= 65535; port++) {
		size_t n;
		const uint32_t *idx = pl_registry_lookup(reg, (uint16_t)port, &n);

		for (size_t i = 0; i < n; i++) {
			const struct pl_reg_entry *e = pl_registry_entry(reg, idx[i]);

			for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
				if (e->protos & PL_PROTO_BIT(p))
					pli_buf_printf(
					    &out, "%u\t%s\t%s\t%s\t%u\n", port,
					    pl_proto_name((enum pl_proto)p),
					    pl_reg_status_name((enum pl_reg_status)e->status),
					    e->service, e->line);
		}
	}
	rc = pli_cli_emit(cli, &out);
	pli_buf_cleanup(&out);
	return rc;
}

/* Validates file, then copies it into the user's data directory through a fresh
 * temporary file renamed over the copy (core/atomic_file.c: never a planted file). */
static int
import_file(struct pl_cli *cli, const char *file)
{
	struct pl_registry *reg = NULL;
	struct pl_atomic_file af = {0};
	struct pl_err err = {0};
	char dest[1024];
	FILE *in = NULL;
	char chunk[65536];
	size_t n;
	int rc = PL_EXIT_FAIL;

	if (pl_registry_load_file(file, &reg, &err) != PL_OK) {
		pli_cli_print_err(cli, &err);
		return PL_EXIT_USAGE;
	}
	if (pli_cli_imported_registry_path(dest, sizeof(dest)) != 0) {
		pl_registry_free(reg);
		return pli_cli_fail(cli, "cannot tell where to keep the registry: set HOME or "
		                         "XDG_DATA_HOME");
	}
	if (pli_data_make_parent(dest, NULL) != PL_OK || !(in = fopen(file, "rb"))) {
		rc = pli_cli_fail(cli, "cannot copy %s to %s: %s", file, dest, strerror(errno));
		goto out;
	}
	if (pli_atomic_open(dest, &af, &err) != PL_OK) {
		rc = pli_cli_fail(cli, "%s", err.msg);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, n, af.fp) != n)
			break;
	if (ferror(in)) {
		pli_atomic_abort(&af);
		rc = pli_cli_fail(cli, "cannot read %s: %s", file, strerror(errno));
		goto out;
	}
	if (pli_atomic_commit(&af, &err) != PL_OK) {
		rc = pli_cli_fail(cli, "%s", err.msg);
		goto out;
	}
	fprintf(cli->out, "imported %s: %zu records, data as of %s\nnow used by default from %s\n",
	        file, pl_registry_count(reg), pl_registry_date(reg), dest);
	rc = PL_EXIT_OK;
out:
	if (in)
		fclose(in);
	pl_registry_free(reg);
	return rc;
}

const struct pl_cli_optset registry_optset = {
    .rows = registry_rows,
    .n = PL_CLI_NROWS(registry_rows),
    .order = "",
    .refuse = registry_refuse,
};

int
pli_cmd_registry(struct pl_cli *cli, int argc, char **argv)
{
	const char *action;
	char dest[1024];
	int rc;

	rc = pli_cli_parse_opts(cli, &registry_optset, 0, NULL, argc, argv);
	if (rc != PL_EXIT_OK)
		return rc < 0 ? PL_EXIT_OK : rc;
	action = optind < argc ? argv[optind] : "info";
	if (cli->format == PL_FMT_JSON && strcmp(action, "info") != 0)
		return pli_cli_usage_error(
		    cli, "registry %s has no JSON output (registry info has)", action);
	if (strcmp(action, "import") == 0) {
		if (optind + 2 != argc)
			return pli_cli_usage_error(cli, "usage: portlens registry import FILE");
		return import_file(cli, argv[optind + 1]);
	}
	if (strcmp(action, "reset") == 0) {
		if (pli_cli_imported_registry_path(dest, sizeof(dest)) == 0 && unlink(dest) == 0)
			fprintf(cli->out, "removed %s; using the built-in registry\n", dest);
		else
			fprintf(cli->out, "no imported registry; using the built-in one\n");
		return PL_EXIT_OK;
	}
	if ((strcmp(action, "info") != 0 && strcmp(action, "dump") != 0) || optind + 1 < argc)
		return pli_cli_usage_error(
		    cli, "unknown registry action '%s' (info, import, reset, dump)", action);
	rc = pli_cli_load_registry(cli);
	if (rc != PL_EXIT_OK)
		return rc;
	return strcmp(action, "dump") == 0 ? dump(cli) : show_info(cli);
}
