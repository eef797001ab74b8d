// SPDX-License-Identifier: MIT
/*
 * scan_outputs.c - the outputs of `portlens scan`: the facts every sink prints
 * (scan_info_fill), opening each requested sink (text on stdout unless an -o option
 * takes it, -oN/-oJ/-oX/-oG/-oC files, continued on --resume: appended, or the XML cut
 * before its runstats) and closing them with their footers.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/scan_cmd.h"

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
	return fopen(path, append ? "a" : "w");
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

	for (int k = 0; k < SCAN_OUT_N; k++)
		stdout_taken |= run->out_path[k] && strcmp(run->out_path[k], "-") == 0;
	if (!stdout_taken)
		run->sinks[run->n_sinks++] = (struct scan_sink){
		    .ops = &scan_sink_text, .fp = cli->out, .reason = run->reason};
	for (int k = 0; k < SCAN_OUT_N; k++) {
		struct scan_sink *s;
		int append = run->info.resumed &&
		             strcmp(run->out_path[k] ? run->out_path[k] : "-", "-") != 0;

		if (!run->out_path[k])
			continue;
		s = &run->sinks[run->n_sinks];
		*s = (struct scan_sink){.ops = ops[k],
		                        .path = run->out_path[k],
		                        .append = append,
		                        .reason = run->reason};
		s->fp = open_out(cli, run->out_path[k], k, append);
		if (!s->fp) {
			int ex = pl_cli_fail(cli, "cannot open %s: %s", run->out_path[k],
			                     strerror(errno));

			for (size_t i = 0; i < run->n_sinks; i++) /* nothing written yet */
				if (run->sinks[i].fp != cli->out)
					fclose(run->sinks[i].fp);
			run->n_sinks = 0;
			return ex;
		}
		run->n_sinks++;
	}
	for (size_t i = 0; i < run->n_sinks; i++) {
		run->sinks[i].ops->begin(&run->sinks[i], &run->info);
		fflush(run->sinks[i].fp);
	}
	run->progress.fp = cli->err;
	run->progress.tty = !run->no_progress && isatty(fileno(cli->err));
	run->progress.json_every = run->stats_json;
	return PL_EXIT_OK;
}

void
scan_info_fill(struct pl_cli *cli, struct scan_run *run)
{
	run->info.args = run->args_str;
	run->info.services = run->services_str;
	run->info.engine = run->engine->name;
	run->info.scan_type = run->engine->nmap_type;
	run->info.protocol = run->engine == &pl_scan_engine_udp ? "udp" : "tcp";
	run->info.n_targets = pl_targets_count(run->targets);
	run->info.n_ports = run->ports.n;
	run->info.reg = cli->reg ? cli->reg : pl_registry_builtin();
	run->info.kb = cli->kb ? cli->kb : pl_kb_builtin();
	run->info.targets = run->targets;
}

int
scan_close_sinks(struct pl_cli *cli, struct scan_run *run)
{
	int ex = PL_EXIT_OK;

	for (size_t i = 0; i < run->n_sinks; i++) {
		struct scan_sink *s = &run->sinks[i];

		s->ops->end(s, &run->info);
		if (fflush(s->fp) != 0 || ferror(s->fp))
			ex = pl_cli_fail(cli, "cannot write %s", s->path ? s->path : "output");
		if (s->fp != cli->out && fclose(s->fp) != 0)
			ex = pl_cli_fail(cli, "cannot write %s", s->path);
	}
	run->n_sinks = 0;
	return ex;
}
