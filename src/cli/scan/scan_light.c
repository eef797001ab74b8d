// SPDX-License-Identifier: MIT
/*
 * scan_light.c - what the light `portlens` binary (commands.c) links in place of
 * scan_probe.c (--sV's probe pool: OpenSSL) and scan_save.c (--save's store: SQLite,
 * libpq). Loading those libraries takes longer than a short scan does, so `portlens`
 * runs every other scan itself and hands a command line with --sV or --save (also one
 * saved in a --resume file) to portlens-full before it reads or opens anything
 * (scan_parse_command). These stand-ins are therefore never given work; they fail
 * politely if they ever are.
 */
#include <string.h>

#include "cli/scan/scan_probe.h"
#include "cli/scan/scan_save.h"

struct scan_probe *
scan_probe_new(const struct pl_probe_opts *opts, unsigned parallel, struct pl_err *err)
{
	(void)opts;
	(void)parallel;
	pl_err_set(err, PL_ERR_UNSUPPORTED, "--sV: service detection needs portlens-full");
	return NULL;
}

int
scan_probe_submit(struct scan_probe *sp, const struct pl_scan_result *r)
{
	(void)sp;
	(void)r;
	return 0;
}

size_t
scan_probe_drain(struct scan_probe *sp, int wait_ms, scan_probe_done_fn fn, void *ctx)
{
	(void)sp;
	(void)wait_ms;
	(void)fn;
	(void)ctx;
	return 0;
}

size_t
scan_probe_outstanding(struct scan_probe *sp)
{
	(void)sp;
	return 0;
}

size_t
scan_probe_running(struct scan_probe *sp)
{
	(void)sp;
	return 0;
}

size_t
scan_probe_cancel_queued(struct scan_probe *sp,
                         void (*fn)(void *ctx, const struct pl_scan_result *r), void *ctx)
{
	(void)sp;
	(void)fn;
	(void)ctx;
	return 0;
}

void
scan_probe_classify_udp(const struct pl_scan_result *r, struct pl_service *svc)
{
	(void)r;
	memset(svc, 0, sizeof(*svc));
}

void
scan_probe_free(struct scan_probe *sp)
{
	(void)sp;
}

static int
store_begin(struct scan_sink *s, const struct scan_info *info)
{
	struct scan_save *save = s->priv;

	(void)info;
	fprintf(save->cli->err, "%s: --save: the store needs portlens-full\n", save->cli->prog);
	return -1;
}

static int
store_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
             const struct scan_sv_result *sv)
{
	(void)s;
	(void)info;
	(void)r;
	(void)sv;
	return -1;
}

static int
store_end(struct scan_sink *s, const struct scan_info *info)
{
	(void)s;
	(void)info;
	return -1;
}

const struct scan_sink_ops scan_sink_store = {
    .name = "store",
    .begin = store_begin,
    .result = store_result,
    .end = store_end,
    .failed_msg = "--save failed: the store needs portlens-full",
};
