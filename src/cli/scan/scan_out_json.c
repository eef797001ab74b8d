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
 * pl_json_escape: control bytes as \uXXXX, bytes that are not UTF-8 as U+FFFD.
 */
#include "cli/audit/render_audit.h"
#include "cli/scan/scan_sink.h"
#include "core/jsonw.h"

static int
flush_line(struct scan_sink *s, struct pl_buf *b)
{
	int rc;

	pl_buf_putc(b, '\n');
	rc = scan_sink_put(s, s->fp, b);
	pl_buf_cleanup(b);
	return rc;
}

static int
json_begin(struct scan_sink *s, const struct scan_info *info)
{
	struct pl_buf b;
	struct pl_jsonw w;

	pl_buf_init(&b);
	pl_jsonw_init(&w, &b, 0);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "type", info->resumed ? "resume" : "start");
	pl_jsonw_kstr(&w, "schema", "portlens.scan/1");
	pl_jsonw_kstr(&w, "version", PL_VERSION);
	pl_jsonw_kstr(&w, "args", info->args);
	pl_jsonw_kstr(&w, "engine", info->engine);
	pl_jsonw_kint(&w, "start", (int64_t)info->start);
	pl_jsonw_kint(&w, "targets", (int64_t)info->n_targets);
	pl_jsonw_kint(&w, "ports", (int64_t)info->n_ports);
	pl_jsonw_kint(&w, "probes", (int64_t)info->space);
	pl_jsonw_end(&w);
	return flush_line(s, &b);
}

static void
service_record(struct pl_buf *b, const char *host, const struct pl_scan_result *r,
               const struct scan_sv_result *sv)
{
	struct pl_jsonw w;

	pl_jsonw_init(&w, b, 0);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "type", "service");
	pl_jsonw_kstr(&w, "host", host);
	pl_jsonw_kint(&w, "port", r->port);
	pl_jsonw_kstr(&w, "proto", pl_proto_name((enum pl_proto)r->proto));
	if (sv->rc != PL_OK)
		pl_jsonw_kstr(&w, "error", sv->errmsg);
	else
		pl_service_json(&w, sv->svc);
	pl_jsonw_end(&w);
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
	pl_jsonw_key(w, "answer");
	pl_jsonw_strn(w, u8, k);
	pl_jsonw_kint(w, "answer_bytes", n);
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

	pl_buf_init(&b);
	pl_jsonw_init(&w, &b, 0);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "type", "result");
	pl_jsonw_kstr(&w, "host", pl_scan_addr_str(&r->addr, host, sizeof(host)));
	if (name)
		pl_jsonw_kstr(&w, "hostname", name);
	pl_jsonw_kint(&w, "port", r->port);
	pl_jsonw_kstr(&w, "proto", pl_proto_name((enum pl_proto)r->proto));
	pl_jsonw_kstr(&w, "state", pl_port_state_name(r->state));
	pl_jsonw_kstr(&w, "reason", pl_scan_reason_name(r->reason));
	pl_jsonw_kint(&w, "rtt_us", r->rtt_us);
	pl_jsonw_kint(&w, "attempts", r->attempts);
	pl_jsonw_kstr(&w, "service", scan_service_name(info, r->port, r->proto));
	if (kb) {
		pl_jsonw_kstr(&w, "note", kb);
		pl_jsonw_kstr(&w, "risk", risk);
	}
	if (r->answer)
		answer_bytes(&w, r->answer, r->answer_len);
	pl_jsonw_end(&w);
	if (sv) {
		pl_buf_putc(&b, '\n');
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
		pl_buf_init(&b);
		pl_jsonw_init(&w, &b, 0);
		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "type", "host");
		pl_jsonw_kstr(&w, "host", v.host);
		if (v.name)
			pl_jsonw_kstr(&w, "hostname", v.name);
		pl_jsonw_kstr(&w, "state", "up");
		if (info->ping) { /* -sn: why it is up; no ports were scanned */
			pl_jsonw_kstr(&w, "reason",
			              pl_scan_reason_name((enum pl_scan_reason)u->reason));
			pl_jsonw_kint(&w, "rtt_us", u->rtt_us);
			pl_jsonw_end(&w);
			flush_line(s, &b);
			continue;
		}
		pl_jsonw_kint(&w, "open", u->open);
		pl_jsonw_kint(&w, "closed", u->closed);
		pl_jsonw_kint(&w, "closed_not_shown", (int64_t)v.closed);
		if (v.other >= 0)
			pl_jsonw_kint(&w, "filtered_not_shown", v.other);
		pl_jsonw_end(&w);
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

	pl_buf_init(&b);
	pl_jsonw_init(&w, &b, 0);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "type", "end");
	pl_jsonw_kbool(&w, "interrupted", info->interrupted);
	if (info->error)
		pl_jsonw_kstr(&w, "error", info->error);
	pl_jsonw_kint(&w, "end", (int64_t)info->end);
	pl_jsonw_kint(&w, "elapsed_ms", (int64_t)(p->elapsed_s * 1000));
	pl_jsonw_kint(&w, "done", (int64_t)p->done);
	pl_jsonw_kint(&w, "total", (int64_t)p->total);
	for (int st = 0; st < PL_PORT_STATE_COUNT; st++)
		pl_jsonw_kint(&w, pl_port_state_name((enum pl_port_state)st),
		              (int64_t)p->by_state[st]);
	pl_jsonw_kint(&w, "skipped", (int64_t)p->skipped);
	pl_jsonw_kint(&w, "hosts_up", (int64_t)info->hosts_up);
	if (info->n_skips) { /* never-probed addresses met, with why */
		pl_jsonw_key(&w, "never_probed");
		pl_jsonw_array(&w);
		for (size_t i = 0; i < info->n_skips; i++) {
			pl_jsonw_object(&w);
			pl_jsonw_kstr(&w, "host", info->skips[i].addr);
			pl_jsonw_kstr(&w, "why", info->skips[i].why);
			pl_jsonw_end(&w);
		}
		pl_jsonw_end(&w);
		pl_jsonw_kint(&w, "never_probed_more", (int64_t)info->skips_more);
	}
	pl_jsonw_end(&w);
	return flush_line(s, &b);
}

const struct scan_sink_ops scan_sink_json = {
    .name = "json",
    .begin = json_begin,
    .result = json_result,
    .end = json_end,
};
