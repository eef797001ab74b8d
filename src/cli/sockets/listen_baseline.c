// SPDX-License-Identifier: MIT
/*
 * listen_baseline.c - `portlens listen --save-baseline FILE` and `--baseline FILE`: write
 * the listeners a machine has now as an editable text file, and later show only the
 * listeners that file does not cover, plus the lines that no longer match anything.
 * The format and the matching live in the library (src/lib/sockets/baseline.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/sockets/render_sockets.h"
#include "core/atomic_file.h"
#include "core/buf.h"
#include "core/datapath.h"

#define BASELINE_MAX_BYTES (16u * 1024u * 1024u)

int
pli_cli_baseline_load(struct pl_cli *cli, const char *path, struct pl_baseline *b)
{
	struct pl_err err = {0};
	struct pl_buf text;
	char chunk[8192];
	size_t n;
	FILE *in = fopen(path, "rb");
	int rc = PL_EXIT_OK;

	if (!in)
		return pli_cli_usage_error(cli, "--baseline: cannot open %s: %s", path,
		                           strerror(errno));
	pli_buf_init(&text);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		if (text.len + n > BASELINE_MAX_BYTES) {
			rc = pli_cli_usage_error(cli, "--baseline: %s is larger than 16 MiB", path);
			goto out;
		}
		pli_buf_append(&text, chunk, n);
	}
	if (ferror(in)) {
		rc = pli_cli_usage_error(cli, "--baseline: cannot read %s: %s", path,
		                         strerror(errno));
		goto out;
	}
	if (pli_buf_failed(&text)) {
		rc = pli_cli_fail(cli, "--baseline: out of memory reading %s", path);
		goto out;
	}
	if (pl_baseline_parse(pli_buf_str(&text), text.len, path, b, &err) != PL_OK) {
		pli_cli_print_err(cli, &err);
		rc = PL_EXIT_USAGE;
	}
out:
	fclose(in);
	pli_buf_cleanup(&text);
	return rc;
}

int
pli_cli_baseline_apply(struct pl_sockset *set, struct pl_baseline *b, const char *path)
{
	size_t kept = 0, gone = 0;
	char port[12];

	for (size_t i = 0; i < set->n_socks; i++)
		if (!pl_baseline_covers(b, set, &set->socks[i]))
			set->socks[kept++] = set->socks[i];
	for (size_t i = 0; i < b->n; i++) {
		const struct pl_baseline_entry *e = &b->v[i];

		if (e->matched)
			continue;
		gone++;
		if (e->port >= 0)
			snprintf(port, sizeof(port), "%d", (int)e->port);
		/* One note per line, distinct by line number: no search for duplicates. */
		pl_sockset_note_distinct(
		    set, "%s:%u: %s %s %s %s is in the baseline but not listening", path, e->line,
		    e->proto, e->addr, e->port >= 0 ? port : "*", e->program);
	}
	pl_sockset_note(set, "baseline %s: %zu listener%s not in it, %zu line%s not listening",
	                path, kept, kept == 1 ? "" : "s", gone, gone == 1 ? "" : "s");
	set->n_socks = kept;
	return kept || gone ? PL_EXIT_FAIL : PL_EXIT_OK;
}

int
pli_cli_baseline_save(struct pl_cli *cli, const char *path, const struct pl_sockset *set)
{
	struct pl_err err = {0};
	struct pl_buf text;
	char line[160], prev[160], when[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	pli_buf_init(&text);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&now, &tm));
	pli_buf_printf(
	    &text,
	    "# portlens listen baseline, written %s.\n"
	    "# One expected listener per line: PROTO ADDRESS PORT PROGRAM. PROTO is\n"
	    "# tcp4/tcp6/tcp46/udp4/udp6/udp46, or tcp/udp for any family; ADDRESS and\n"
	    "# PORT may be '*'; PROGRAM is the process name, '*' for any, '-' for none.\n"
	    "# Check with: portlens listen --baseline FILE\n",
	    when);
	prev[0] = '\0';
	for (size_t i = 0; i < set->n_socks; i++) {
		/* Rows are sorted, so a repeated line (the same listener in two namespaces)
		 * follows its twin. */
		pl_baseline_line(set, &set->socks[i], line, sizeof(line));
		if (strcmp(line, prev) == 0)
			continue;
		pli_buf_printf(&text, "%s\n", line);
		memcpy(prev, line, sizeof(prev));
	}
	/* A fresh temporary file renamed over FILE (core/atomic_file.c): never a file or
	 * symlink someone planted at FILE.tmp. Its directory is made when missing (the
	 * README's /etc/portlens/listeners on a fresh machine), as install -D would. */
	if (pli_buf_failed(&text))
		rc = pli_cli_fail(cli, "out of memory");
	else if (pli_make_parent_mode(path, 0755, &err) != PL_OK)
		rc = pli_cli_fail(cli, "--save-baseline: %s", err.msg);
	else if (pli_atomic_write(path, text.data, text.len, &err) != PL_OK)
		rc = pli_cli_fail(cli, "--save-baseline: %s", err.msg);
	else
		rc = PL_EXIT_OK;
	pli_buf_cleanup(&text);
	return rc;
}
