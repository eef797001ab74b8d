// SPDX-License-Identifier: MIT
/*
 * scan_outputs.c - the sinks of `portlens scan`: the facts every sink prints
 * (scan_info_fill), opening each requested sink (the store with --save, first; text on
 * stdout unless an -o option takes it, -oN/-oJ/-oX/-oG/-oC files, continued on
 * --resume: appended, or the XML cut before its runstats) and closing them with their
 * footers. The line outputs (text,
 * grepable, CSV) stream while the scan runs and are rewritten sorted by host and port
 * at the end (scan_sort.h); on stdout they are spooled and written once, sorted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/render/colfit.h"
#include "cli/scan/scan_cmd.h"
#include "core/atomic_file.h"

static FILE *
open_out(struct pl_cli *cli, const char *path, int kind, int append)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return cli->out;
	if (kind == SCAN_OUT_XML) {
		fp = append ? fopen(path, "r+") : NULL;
		return fp ? fp : fopen(path, "w+");
	}
	/* Readable too: the sorted table is copied back from it at the end (scan_sort.h). */
	return fopen(path, append ? "a+" : "w+");
}

int
scan_sink_put(struct scan_sink *s, FILE *fp, const struct pl_buf *b)
{
	enum pl_rc rc = pli_buf_write(b, fp);

	if (rc == PL_ERR_NOMEM)
		s->failed = 1;
	return rc == PL_OK ? 0 : -1;
}

void
scan_sink_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
                 const struct scan_sv_result *sv)
{
	FILE *real = s->fp;
	long n;

	if (!s->sorted) {
		s->ops->result(s, info, r, sv);
		return;
	}
	s->fp = s->mem;
	fseek(s->mem, 0, SEEK_SET);
	s->ops->result(s, info, r, sv);
	s->fp = real;
	n = ftell(s->mem);
	if (s->failed || n <= 0 || fflush(s->mem) != 0)
		return;
	fwrite(s->mem_buf, 1, (size_t)n, real);
	scan_sort_add(&s->sort, r, (long)s->off, n); /* for the sorted table at the end */
	s->off += (uint64_t)n;
}

/* The run stops before it started: closes the sinks opened so far, with no footer. */
static void
abandon_sinks(struct pl_cli *cli, struct scan_run *run)
{
	for (size_t i = 0; i < run->n_sinks; i++) {
		struct scan_sink *s = &run->sinks[i];

		if (s->ops->abandon)
			s->ops->abandon(s);
		else if (s->fp && s->fp != cli->out) /* nothing written yet */
			fclose(s->fp);
	}
	run->n_sinks = 0;
}

/* The targets as given, for the store's record of the scan (kept by both binaries:
 * scan_save.c is only in portlens-full). */
void
scan_save_add_target(struct scan_save *save, const char *spec)
{
	if (save->targets.len)
		pli_buf_putc(&save->targets, ' ');
	pli_buf_puts(&save->targets, spec);
}

void
scan_save_cleanup(struct scan_save *save)
{
	pli_buf_cleanup(&save->targets);
}

/*
 * --save: the store is the first sink, opened before any file: a store that cannot be
 * opened leaves no output file behind that looks like a finished scan.
 */
static int
open_store(struct scan_run *run)
{
	struct scan_sink *s = &run->sinks[run->n_sinks];

	if (!run->opt.save)
		return PL_EXIT_OK;
	run->save.db = run->opt.db;
	run->save.cli = run->cli;
	*s = (struct scan_sink){.ops = &scan_sink_store, .priv = &run->save};
	if (s->ops->begin(s, &run->info) != 0)
		return PL_EXIT_FAIL;
	run->n_sinks++;
	return PL_EXIT_OK;
}

int
scan_open_sinks(struct pl_cli *cli, struct scan_run *run)
{
	static const struct scan_sink_ops *const ops[SCAN_OUT_N] = {
	    [SCAN_OUT_NORMAL] = &scan_sink_text, [SCAN_OUT_JSON] = &scan_sink_json,
	    [SCAN_OUT_XML] = &scan_sink_xml,     [SCAN_OUT_GREP] = &scan_sink_grep,
	    [SCAN_OUT_CSV] = &scan_sink_csv,
	};
	int stdout_taken = 0;
	size_t first_file;

	if (open_store(run) != PL_EXIT_OK)
		return PL_EXIT_FAIL;
	first_file = run->n_sinks;
	for (int k = 0; k < SCAN_OUT_N; k++)
		stdout_taken |= run->opt.out_path[k] && strcmp(run->opt.out_path[k], "-") == 0;
	if (!stdout_taken)
		run->sinks[run->n_sinks++] = (struct scan_sink){
		    .ops = &scan_sink_text, .fp = cli->out, .reason = run->opt.reason};
	for (int k = 0; k < SCAN_OUT_N; k++) {
		struct scan_sink *s;
		int append = run->info.resumed &&
		             strcmp(run->opt.out_path[k] ? run->opt.out_path[k] : "-", "-") != 0;

		if (!run->opt.out_path[k])
			continue;
		s = &run->sinks[run->n_sinks];
		*s = (struct scan_sink){.ops = ops[k],
		                        .path = run->opt.out_path[k],
		                        .append = append,
		                        .reason = run->opt.reason};
		s->fp = open_out(cli, run->opt.out_path[k], k, append);
		if (!s->fp) {
			int ex = pli_cli_fail(cli, "cannot open %s: %s", run->opt.out_path[k],
			                      strerror(errno));

			abandon_sinks(cli, run);
			return ex;
		}
		run->n_sinks++;
	}
	for (size_t i = first_file; i < run->n_sinks; i++) {
		struct scan_sink *s = &run->sinks[i];

		s->sorted = s->ops == &scan_sink_text || s->ops == &scan_sink_grep ||
		            s->ops == &scan_sink_csv;
		/* Rows fit the terminal they end up on: asked now, while fp is still stdout
		 * (the spool is a file). Files (-oN) keep whole rows. */
		if (s->ops == &scan_sink_text && s->fp == cli->out)
			s->width = pli_colfit_width(0, cli->out);
		/* A line output on stdout is spooled and written sorted at the end. */
		if (s->sorted && s->fp == cli->out && (s->fp = tmpfile()) != NULL) {
			s->out = cli->out;
			if (s->ops == &scan_sink_text && isatty(fileno(cli->out)))
				run->live = cli->out;
		} else if (s->sorted && s->fp == NULL)
			s->fp = cli->out, s->sorted = 0; /* no spool: streamed as found */
		s->ops->begin(s, &run->info);
		fflush(s->fp);
		/* This run's records start at the end of what is there (a resumed file's
		 * earlier runs and this run's header stay first, as they are). */
		s->sort.region = s->sorted && fseek(s->fp, 0, SEEK_END) == 0 ? ftell(s->fp) : -1;
		s->sorted &= s->sort.region >= 0 &&
		             (s->mem = open_memstream(&s->mem_buf, &s->mem_len)) != NULL;
		s->off = s->sorted ? (uint64_t)s->sort.region : 0;
	}
	run->progress.fp = cli->err;
	run->progress.tty = !run->opt.no_progress && isatty(fileno(cli->err));
	run->progress.json_every = run->opt.stats_json;
	return PL_EXIT_OK;
}

void
scan_info_fill(struct pl_cli *cli, struct scan_run *run)
{
	run->info.args = run->args_str;
	run->info.services = run->services_str;
	run->info.engine = run->opt.engine->name;
	run->info.scan_type = run->opt.engine->nmap_type;
	run->info.protocol = run->opt.engine == &pl_scan_engine_udp ? "udp" : "tcp";
	run->info.ping = run->opt.engine == &pl_scan_engine_ping;
	for (uint32_t i = 0; run->opt.engine == &pl_scan_engine_mix && i < run->opt.ports.n; i++)
		run->info.n_udp += (run->opt.ports.items[i] >> 16) == PL_PROTO_UDP;
	run->info.n_targets = pl_targets_count(run->targets);
	run->info.n_ports = run->opt.ports.n;
	run->info.reg = cli->reg ? cli->reg : pl_registry_builtin();
	run->info.kb = cli->kb ? cli->kb : pl_kb_builtin();
	run->info.targets = run->targets;
}

/*
 * Before the footer: the records of this run in order (scan_sort.h). A spooled sink
 * goes to stdout; a file is rewritten into a fresh temporary file next to it, which
 * replaces it once the footer is in (the sink's fp points there meanwhile).
 */
static int
sort_sink(struct pl_cli *cli, struct scan_sink *s)
{
	struct pl_atomic_file af;
	struct pl_err err = {0};

	if (s->out) {
		int bad = scan_sort_copy(&s->sort, s->fp, s->out) != 0;

		fclose(s->fp);
		s->fp = s->out;
		return bad ? pli_cli_fail(cli, "cannot write the sorted table to stdout")
		           : PL_EXIT_OK;
	}
	if (!s->path || s->sort.given_up)
		return PL_EXIT_OK; /* left as streamed */
	if (pli_atomic_open(s->path, &af, &err) != PL_OK) {
		fprintf(cli->err, "%s: %s; %s stays in the order found\n", cli->prog, err.msg,
		        s->path);
		return PL_EXIT_OK;
	}
	if (scan_sort_copy(&s->sort, s->fp, af.fp) != 0) {
		pli_atomic_abort(&af);
		return pli_cli_fail(cli, "cannot sort %s", s->path);
	}
	fclose(s->fp);
	s->fp = af.fp;
	s->af = af;
	return PL_EXIT_OK;
}

int
scan_close_sinks(struct pl_cli *cli, struct scan_run *run)
{
	int ex = PL_EXIT_OK;

	for (size_t i = 0; i < run->n_sinks; i++) {
		struct scan_sink *s = &run->sinks[i];

		if (!s->fp) { /* the store: closed first, so a failure is in the files' footers */
			if (s->ops->end(s, &run->info) != 0) {
				ex = PL_EXIT_FAIL;
				if (!run->info.error)
					run->info.error = s->ops->failed_msg;
			}
			continue;
		}
		if (s->sorted && sort_sink(cli, s) != PL_EXIT_OK)
			ex = PL_EXIT_FAIL;
		s->ops->end(s, &run->info);
		if (s->failed) { /* never leave an incomplete output looking complete */
			ex = pli_cli_fail(cli, "out of memory writing %s",
			                  s->path ? s->path : "output");
			pli_atomic_abort(&s->af);
		}
		if (s->af.fp) { /* the sorted copy replaces the streamed file */
			struct pl_err err = {0};

			if (ferror(s->af.fp) || pli_atomic_commit(&s->af, &err) != PL_OK)
				ex = pli_cli_fail(cli, "cannot write %s", s->path);
			pli_atomic_abort(&s->af);
			s->fp = NULL;
		} else {
			if (fflush(s->fp) != 0 || ferror(s->fp))
				ex = pli_cli_fail(cli, "cannot write %s",
				                  s->path ? s->path : "output");
			if (s->fp != cli->out && fclose(s->fp) != 0)
				ex = pli_cli_fail(cli, "cannot write %s", s->path);
		}
		scan_sort_cleanup(&s->sort);
		if (s->mem)
			fclose(s->mem);
		free(s->mem_buf);
		s->mem = NULL;
		s->mem_buf = NULL;
	}
	run->n_sinks = 0;
	return ex;
}
