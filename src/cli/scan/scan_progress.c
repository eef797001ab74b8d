// SPDX-License-Identifier: MIT
/*
 * scan_progress.c - progress of `portlens scan` on stderr: on a terminal one status
 * line redrawn in place (percent done, probes per second, open found, ETA); with
 * --stats-json SECS a JSON line every SECS seconds ({"type":"stats",...}) for machines,
 * and a final {"type":"stats","final":true} line with the peak resident memory.
 */
#include <sys/resource.h>

#include "cli/scan/scan_sink.h"
#include "core/jsonw.h"

static double
rate_of(const struct pl_scan_progress *p)
{
	return p->elapsed_s > 0 ? (double)p->sent / p->elapsed_s : 0.0;
}

static double
eta_of(const struct pl_scan_progress *p)
{
	double r = p->elapsed_s > 0 ? (double)p->done / p->elapsed_s : 0.0;

	return r > 0 && p->total > p->done ? (double)(p->total - p->done) / r : 0.0;
}

static void
json_line(struct scan_progress *pr, const struct pl_scan_progress *p, int final, int interrupted)
{
	struct pl_buf b;
	struct pl_jsonw w;
	struct rusage ru;

	pli_buf_init(&b);
	pli_jsonw_init(&w, &b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "type", "stats");
	pli_jsonw_kint(&w, "elapsed_ms", (int64_t)(p->elapsed_s * 1000));
	pli_jsonw_kint(&w, "done", (int64_t)p->done);
	pli_jsonw_kint(&w, "total", (int64_t)p->total);
	pli_jsonw_kint(&w, "percent_x100",
	               p->total ? (int64_t)(10000.0 * (double)p->done / (double)p->total) : 10000);
	pli_jsonw_kint(&w, "sent", (int64_t)p->sent);
	pli_jsonw_kint(&w, "rate", (int64_t)rate_of(p));
	pli_jsonw_kint(&w, "found", (int64_t)p->found);
	pli_jsonw_kint(&w, "inflight", (int64_t)p->inflight);
	pli_jsonw_kint(&w, "eta_s", (int64_t)eta_of(p));
	if (final) {
		pli_jsonw_kbool(&w, "final", 1);
		pli_jsonw_kbool(&w, "interrupted", interrupted);
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			pli_jsonw_kint(&w, "maxrss_kb", ru.ru_maxrss);
	}
	pli_jsonw_end(&w);
	if (!pli_buf_failed(&b)) /* a cut status line would not parse: skip this one */
		fprintf(pr->fp, "%s\n", pli_buf_str(&b));
	fflush(pr->fp);
	pli_buf_cleanup(&b);
}

void
scan_progress_tick(struct scan_progress *pr, const struct pl_scan_progress *p)
{
	if (pr->json_every > 0 && p->elapsed_s - pr->last_json >= pr->json_every) {
		pr->last_json = p->elapsed_s;
		json_line(pr, p, 0, 0);
	}
	if (pr->tty) {
		double eta = eta_of(p);

		fprintf(pr->fp, "\r\033[K%5.1f%% %llu/%llu probes, %.0f/s, %llu open, ETA %d:%02d",
		        p->total ? 100.0 * (double)p->done / (double)p->total : 100.0,
		        (unsigned long long)p->done, (unsigned long long)p->total, rate_of(p),
		        (unsigned long long)p->found, (int)(eta / 60), (int)eta % 60);
		fflush(pr->fp);
		pr->drawn = 1;
	}
}

void
scan_progress_end(struct scan_progress *pr, const struct pl_scan_progress *p, int interrupted)
{
	if (pr->drawn)
		fputs("\r\033[K", pr->fp);
	if (pr->json_every > 0)
		json_line(pr, p, 1, interrupted);
	fflush(pr->fp);
}

void
scan_progress_sv(struct scan_progress *pr, size_t left)
{
	if (!pr->tty || left == 0)
		return;
	fprintf(pr->fp, "\r\033[Kservice detection: %zu open port%s left to probe", left,
	        left == 1 ? "" : "s");
	fflush(pr->fp);
	pr->drawn = 1;
}
