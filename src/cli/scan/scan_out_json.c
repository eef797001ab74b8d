// SPDX-License-Identifier: MIT
/*
 * scan_out_json.c - JSON lines output of `portlens scan` (-oJ), schema
 * "portlens.scan/1": a "start" record, one "result" record per reported probe as it
 * finishes, a "host" record per up host (one that answered, open or closed; with the
 * ports not shown), and an "end" record with the totals (also after Ctrl-C, then
 * "interrupted": true). Each line is a complete JSON document, so a partial file is
 * still usable line by line.
 *
 * With --sV an open port's "result" record is followed at once by its "service"
 * record (host, port, proto, then the members `portlens probe --json` gives a result:
 * service, vendor, product, version, cpe, os, info, evidence, probe, confidence,
 * auth_required, starttls, tls, certificate, ...; or "error" when the probe could not
 * connect). Both are written when the probe has finished. Strings go through
 * pli_json_escape: control bytes as \uXXXX, bytes that are not UTF-8 as U+FFFD.
 */
#include "cli/audit/render_audit.h"
#include "cli/scan/scan_sink.h"
#include "core/jsonw.h"

static int
flush_line(struct scan_sink *s, struct pl_buf *b)
{
	int rc;

	pli_buf_putc(b, '\n');
	rc = scan_sink_put(s, s->fp, b);
	pli_buf_cleanup(b);
	return rc;
}

static int
json_begin(struct scan_sink *s, const struct scan_info *info)
{
	struct pl_buf b;
	struct pl_jsonw w;

	pli_buf_init(&b);
	pli_jsonw_init(&w, &b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "type", info->resumed ? "resume" : "start");
	pli_jsonw_kstr(&w, "schema", "portlens.scan/1");
	pli_jsonw_kstr(&w, "version", PL_VERSION);
	pli_jsonw_kstr(&w, "args", info->args);
	pli_jsonw_kstr(&w, "engine", info->engine);
	pli_jsonw_kint(&w, "start", (int64_t)info->start);
	pli_jsonw_kint(&w, "targets", (int64_t)info->n_targets);
	pli_jsonw_kint(&w, "ports", (int64_t)info->n_ports);
	pli_jsonw_kint(&w, "probes", (int64_t)info->space);
	pli_jsonw_end(&w);
	return flush_line(s, &b);
}

static void
service_record(struct pl_buf *b, const char *host, const struct pl_scan_result *r,
               const struct scan_sv_result *sv)
{
	struct pl_jsonw w;

	pli_jsonw_init(&w, b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "type", "service");
	pli_jsonw_kstr(&w, "host", host);
	pli_jsonw_kint(&w, "port", r->port);
	pli_jsonw_kstr(&w, "proto", pl_proto_name((enum pl_proto)r->proto));
	if (sv->rc != PL_OK)
		pli_jsonw_kstr(&w, "error", sv->errmsg);
	else
		pl_service_json(&w, sv->svc);
	pli_jsonw_end(&w);
}

/*
 * UDP: the answer's first 64 bytes as a JSON string of code points U+0000-U+00FF, one
 * per byte (escaped once, by JSON's own rules), so the bytes come back exactly with
 * Latin-1 (Python: rec["answer"].encode("latin-1")); "answer_bytes" is the full length.
 */
static void
answer_bytes(struct pl_jsonw *w, const uint8_t *a, uint32_t n)
{
	char u8[64 * 2];
	size_t k = 0;

	for (uint32_t i = 0; i < n && i < 64; i++) {
		if (a[i] < 0x80) {
			u8[k++] = (char)a[i];
		} else {
			u8[k++] = (char)(0xc0 | a[i] >> 6);
			u8[k++] = (char)(0x80 | (a[i] & 0x3f));
		}
	}
	pli_jsonw_key(w, "answer");
	pli_jsonw_strn(w, u8, k);
	pli_jsonw_kint(w, "answer_bytes", n);
}

static int
json_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
            const struct scan_sv_result *sv)
{
	struct pl_buf b;
	struct pl_jsonw w;
	char host[64];
	const char *risk = NULL;
	const char *name = pl_targets_name_at(info->targets, r->target);
	char nbuf[256];
	const char *kb = scan_kb_note(info, r, sv, nbuf, sizeof(nbuf), &risk);

	if (info->ping)
		return 0; /* -sn: the up hosts are listed at the end */

	pli_buf_init(&b);
	pli_jsonw_init(&w, &b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "type", "result");
	pli_jsonw_kstr(&w, "host", pl_scan_addr_str(&r->addr, host, sizeof(host)));
	if (name)
		pli_jsonw_kstr(&w, "hostname", name);
	pli_jsonw_kint(&w, "port", r->port);
	pli_jsonw_kstr(&w, "proto", pl_proto_name((enum pl_proto)r->proto));
	pli_jsonw_kstr(&w, "state", pl_port_state_name(r->state));
	pli_jsonw_kstr(&w, "reason", pl_scan_reason_name(r->reason));
	pli_jsonw_kint(&w, "rtt_us", r->rtt_us);
	pli_jsonw_kint(&w, "attempts", r->attempts);
	pli_jsonw_kstr(&w, "service", scan_service_name(info, r->port, r->proto));
	if (kb) {
		pli_jsonw_kstr(&w, "note", kb);
		pli_jsonw_kstr(&w, "risk", risk);
	}
	if (r->answer)
		answer_bytes(&w, r->answer, r->answer_len);
	pli_jsonw_end(&w);
	if (sv) {
		pli_buf_putc(&b, '\n');
		service_record(&b, host, r, sv); /* flush_line ends it with a newline */
	}
	return flush_line(s, &b);
}

/* One "host" record per up host (answered open or closed), before the end record. */
static void
host_records(struct scan_sink *s, const struct scan_info *info)
{
	for (size_t i = 0; i < info->n_up; i++) {
		const struct scan_uphost *u = &info->up[i];
		struct scan_uphost_view v;
		struct pl_buf b;
		struct pl_jsonw w;

		scan_uphost_view(info, u, &v);
		pli_buf_init(&b);
		pli_jsonw_init(&w, &b, 0);
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "type", "host");
		pli_jsonw_kstr(&w, "host", v.host);
		if (v.name)
			pli_jsonw_kstr(&w, "hostname", v.name);
		pli_jsonw_kstr(&w, "state", "up");
		if (info->ping) { /* -sn: why it is up; no ports were scanned */
			pli_jsonw_kstr(&w, "reason",
			               pl_scan_reason_name((enum pl_scan_reason)u->reason));
			pli_jsonw_kint(&w, "rtt_us", u->rtt_us);
			pli_jsonw_end(&w);
			flush_line(s, &b);
			continue;
		}
		pli_jsonw_kint(&w, "open", u->open);
		pli_jsonw_kint(&w, "closed", u->closed);
		pli_jsonw_kint(&w, "closed_not_shown", (int64_t)v.closed);
		if (v.other >= 0)
			pli_jsonw_kint(&w, "filtered_not_shown", v.other);
		pli_jsonw_end(&w);
		flush_line(s, &b);
	}
}

static int
json_end(struct scan_sink *s, const struct scan_info *info)
{
	const struct pl_scan_progress *p = info->prog;
	struct pl_buf b;
	struct pl_jsonw w;

	host_records(s, info);

	pli_buf_init(&b);
	pli_jsonw_init(&w, &b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "type", "end");
	pli_jsonw_kbool(&w, "interrupted", info->interrupted);
	if (info->error)
		pli_jsonw_kstr(&w, "error", info->error);
	pli_jsonw_kint(&w, "end", (int64_t)info->end);
	pli_jsonw_kint(&w, "elapsed_ms", (int64_t)(p->elapsed_s * 1000));
	pli_jsonw_kint(&w, "done", (int64_t)p->done);
	pli_jsonw_kint(&w, "total", (int64_t)p->total);
	for (int st = 0; st < PL_PORT_STATE_COUNT; st++)
		pli_jsonw_kint(&w, pl_port_state_name((enum pl_port_state)st),
		               (int64_t)p->by_state[st]);
	pli_jsonw_kint(&w, "skipped", (int64_t)p->skipped);
	pli_jsonw_kint(&w, "hosts_up", (int64_t)info->hosts_up);
	if (info->n_skips) { /* never-probed addresses met, with why */
		pli_jsonw_key(&w, "never_probed");
		pli_jsonw_array(&w);
		for (size_t i = 0; i < info->n_skips; i++) {
			pli_jsonw_object(&w);
			pli_jsonw_kstr(&w, "host", info->skips[i].addr);
			pli_jsonw_kstr(&w, "why", info->skips[i].why);
			pli_jsonw_end(&w);
		}
		pli_jsonw_end(&w);
		pli_jsonw_kint(&w, "never_probed_more", (int64_t)info->skips_more);
	}
	pli_jsonw_end(&w);
	return flush_line(s, &b);
}

const struct scan_sink_ops scan_sink_json = {
    .name = "json",
    .begin = json_begin,
    .result = json_result,
    .end = json_end,
};
