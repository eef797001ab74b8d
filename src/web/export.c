// SPDX-License-Identifier: MIT
/*
 * export.c - a saved scan downloaded as a file (/scans/ID/export.json, .csv, .xml) and
 * the store's counts for Prometheus (/metrics).
 *
 * The exports are the formats `portlens scan` writes, so they go back into portlens
 * (`diff`, `import`) and into other tools: JSON lines of schema portlens.scan/1 (a
 * "result" record per port, then a "service" record where detection found something),
 * CSV with scan -oC's columns (host,hostname,port,proto,state,reason,service,rtt_ms,
 * note,detected_service,product,version,cpe,evidence; every text field escaped with the
 * CSV rule and its formula guard), and nmap XML (nmaprun/host/ports/port/state/service,
 * method="probed" where a product or version was found). What the store does not keep
 * (reason, hostname, note) is left empty or "saved".
 *
 * /metrics is Prometheus's text format 0.0.4: gauges of saved scans by status, results,
 * hosts, events by kind, listeners by baseline verdict (the fleet's, as watch --db
 * pushed them) and this machine's listeners by flag (from the live snapshot, when
 * serve reads sockets), and whether the store could be read.
 */
#include <string.h>

#include "core/escape.h"
#include "core/jsonw.h"
#include "portlens/sockets.h"
#include "web/web_impl.h"

/* "ssl/http" -> tls 1, "http" */
static const char *
strip_tls(const char *service, int *tls)
{
	*tls = strncmp(service, "ssl/", 4) == 0;
	return *tls ? service + 4 : service;
}

static int
identified(const struct pl_store_result_row *r)
{
	return r->product[0] || r->version[0] || r->cpe[0];
}

static void
export_json(struct pl_buf *b, const struct pl_store_scan *s, const struct pl_store_result_row *r,
            size_t n)
{
	struct pl_jsonw w;

	pli_jsonw_init(&w, b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "type", "start");
	pli_jsonw_kstr(&w, "schema", "portlens.scan/1");
	pli_jsonw_kint(&w, "start", s->started_at);
	pli_jsonw_kint(&w, "saved_scan", s->id);
	pli_jsonw_kstr(&w, "targets", s->targets);
	pli_jsonw_kstr(&w, "ports", s->ports);
	pli_jsonw_end(&w);
	pli_buf_putc(b, '\n');
	for (size_t i = 0; i < n; i++) {
		int tls;
		const char *svc = strip_tls(r[i].service, &tls);

		pli_jsonw_init(&w, b, 0);
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "type", "result");
		pli_jsonw_kstr(&w, "host", r[i].addr);
		pli_jsonw_kint(&w, "port", r[i].port);
		pli_jsonw_kstr(&w, "proto", r[i].proto);
		pli_jsonw_kstr(&w, "state", r[i].state);
		pli_jsonw_kstr(&w, "reason", "saved");
		pli_jsonw_kint(&w, "rtt_us", r[i].rtt_us);
		pli_jsonw_kstr(&w, "service", r[i].service);
		pli_jsonw_end(&w);
		pli_buf_putc(b, '\n');
		if (!identified(&r[i]))
			continue;
		pli_jsonw_init(&w, b, 0);
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "type", "service");
		pli_jsonw_kstr(&w, "host", r[i].addr);
		pli_jsonw_kint(&w, "port", r[i].port);
		pli_jsonw_kstr(&w, "proto", r[i].proto);
		pli_jsonw_kstr(&w, "service", svc);
		pli_jsonw_kbool(&w, "tls", tls);
		pli_jsonw_kstr(&w, "product", r[i].product);
		pli_jsonw_kstr(&w, "version", r[i].version);
		pli_jsonw_kstr(&w, "cpe", r[i].cpe);
		pli_jsonw_kstr(&w, "evidence", r[i].banner);
		pli_jsonw_end(&w);
		pli_buf_putc(b, '\n');
	}
	pli_jsonw_init(&w, b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "type", "end");
	pli_jsonw_kint(&w, "results", (int64_t)n);
	pli_jsonw_end(&w);
	pli_buf_putc(b, '\n');
}

static void
export_csv(struct pl_buf *b, const struct pl_store_result_row *r, size_t n)
{
	pli_buf_puts(b, "host,hostname,port,proto,state,reason,service,rtt_ms,note,"
	                "detected_service,product,version,cpe,evidence\r\n");
	for (size_t i = 0; i < n; i++) {
		pli_esc_csv(b, r[i].addr, 1);
		pli_buf_printf(b, ",,%u,", r[i].port);
		pli_esc_csv(b, r[i].proto, 1);
		pli_buf_putc(b, ',');
		pli_esc_csv(b, r[i].state, 1);
		pli_buf_puts(b, ",saved,");
		pli_esc_csv(b, identified(&r[i]) ? "" : r[i].service, 1);
		if (r[i].rtt_us >= 0)
			pli_buf_printf(b, ",%.3f,,", r[i].rtt_us / 1000.0);
		else
			pli_buf_puts(b, ",,,");
		pli_esc_csv(b, identified(&r[i]) ? r[i].service : "", 1);
		pli_buf_putc(b, ',');
		pli_esc_csv(b, r[i].product, 1);
		pli_buf_putc(b, ',');
		pli_esc_csv(b, r[i].version, 1);
		pli_buf_putc(b, ',');
		pli_esc_csv(b, r[i].cpe, 1);
		pli_buf_putc(b, ',');
		pli_esc_csv(b, r[i].banner, 1);
		pli_buf_puts(b, "\r\n");
	}
}

static void
xml_attr(struct pl_buf *b, const char *name, const char *v)
{
	pli_buf_printf(b, " %s=\"", name);
	html_esc(b, v);
	pli_buf_putc(b, '"');
}

static void
export_xml(struct pl_buf *b, const struct pl_store_scan *s, const struct pl_store_result_row *r,
           size_t n)
{
	pli_buf_puts(b,
	             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<nmaprun scanner=\"portlens\"");
	xml_attr(b, "args", s->command);
	pli_buf_printf(b, " start=\"%lld\" xmloutputversion=\"1.05\">\n", (long long)s->started_at);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		pli_buf_puts(b, "<host><status state=\"up\" reason=\"saved\"/><address");
		xml_attr(b, "addr", r[i].addr);
		xml_attr(b, "addrtype", strchr(r[i].addr, ':') ? "ipv6" : "ipv4");
		pli_buf_puts(b, "/>\n<ports>\n");
		for (; j < n && strcmp(r[j].addr, r[i].addr) == 0; j++) {
			int tls;
			const char *svc = strip_tls(r[j].service, &tls);

			pli_buf_puts(b, "<port");
			xml_attr(b, "protocol", r[j].proto);
			pli_buf_printf(b, " portid=\"%u\"><state", r[j].port);
			xml_attr(b, "state", r[j].state);
			pli_buf_puts(b, " reason=\"saved\"/><service");
			xml_attr(b, "name", svc);
			if (r[j].product[0])
				xml_attr(b, "product", r[j].product);
			if (r[j].version[0])
				xml_attr(b, "version", r[j].version);
			if (tls)
				pli_buf_puts(b, " tunnel=\"ssl\"");
			pli_buf_printf(b, " method=\"%s\" conf=\"%d\"/></port>\n",
			               identified(&r[j]) ? "probed" : "table",
			               identified(&r[j]) ? 10 : 3);
		}
		pli_buf_puts(b, "</ports></host>\n");
		i = j;
	}
	pli_buf_printf(b, "<runstats><finished time=\"%lld\"/></runstats>\n</nmaprun>\n",
	               (long long)s->finished_at);
}

void
web_scan_export(struct web_req *rq, struct web_resp *rs, int64_t id, const char *format)
{
	struct pl_store_scan s;
	struct pl_store_result_row *r = NULL;
	size_t n = 0;

	if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "xml") != 0) {
		web_error(rq, rs, 404);
		return;
	}
	if (!web_load_scan(rq, rs, id, 0, &s, &r, &n))
		return;
	if (format[0] == 'j') {
		rs->ctype = "application/x-ndjson";
		export_json(&rs->body, &s, r, n);
	} else if (format[0] == 'c') {
		rs->ctype = "text/csv; charset=utf-8";
		export_csv(&rs->body, r, n);
	} else {
		rs->ctype = "application/xml";
		export_xml(&rs->body, &s, r, n);
	}
	pl_store_scan_cleanup(&s);
	pl_store_results_free(r, n);
}

static void
gauge(struct pl_buf *b, const char *name, const char *help)
{
	pli_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* This machine's listeners by flag, from the live snapshot (live.c). */
static void
live_flags(struct web_req *rq, struct pl_buf *b)
{
	static const enum pl_sock_flag flags[] = {PL_SFLAG_EXPOSED, PL_SFLAG_UNASSIGNED,
	                                          PL_SFLAG_MALWARE, PL_SFLAG_UNEXPECTED};
	int64_t counts[4] = {0}, total = 0;

	if (!web_live_flag_counts(rq->web, flags, 4, counts, &total))
		return;
	gauge(b, "portlens_local_listeners", "Listeners on the machine serve runs on.");
	pli_buf_printf(b, "portlens_local_listeners %lld\n", (long long)total);
	gauge(b, "portlens_local_listeners_flagged",
	      "Listeners on the machine serve runs on, by flag (one listener may have several).");
	for (int i = 0; i < 4; i++)
		pli_buf_printf(b, "portlens_local_listeners_flagged{flag=\"%s\"} %lld\n",
		               pl_sock_flag_name(flags[i]), (long long)counts[i]);
}

void
web_metrics(struct web_req *rq, struct web_resp *rs)
{
	static const char *const status[] = {"done", "running", "interrupted", "other"};
	static const char *const kinds[] = {"new", "gone", "opened", "closed", "changed", "other"};
	static const char *const verdicts[] = {"expected", "unexpected", "no_baseline"};
	struct pl_store_counts c;
	struct pl_err err = {0};
	struct pl_buf *b = &rs->body;
	enum pl_rc rc;

	pthread_mutex_lock(&rq->web->store_lock);
	rc = pl_store_counts(rq->web->store, &c, &err);
	pthread_mutex_unlock(&rq->web->store_lock);
	rs->ctype = "text/plain; version=0.0.4; charset=utf-8";
	gauge(b, "portlens_store_up", "1 when the store could be read for these figures.");
	pli_buf_printf(b, "portlens_store_up %d\n", rc == PL_OK);
	if (rc == PL_OK) {
		gauge(b, "portlens_scans", "Saved scans by status.");
		for (int i = 0; i < 4; i++)
			pli_buf_printf(b, "portlens_scans{status=\"%s\"} %lld\n", status[i],
			               (long long)c.scans_by_status[i]);
		gauge(b, "portlens_scan_results", "Saved scan results (ports) in the store.");
		pli_buf_printf(b, "portlens_scan_results %lld\n", (long long)c.results);
		gauge(b, "portlens_hosts",
		      "Hosts in the store: watch machines and scanned addresses.");
		pli_buf_printf(b, "portlens_hosts %lld\n", (long long)c.hosts);
		gauge(b, "portlens_events", "Watch events in the store by kind.");
		for (int i = 0; i < 6; i++)
			pli_buf_printf(b, "portlens_events{kind=\"%s\"} %lld\n", kinds[i],
			               (long long)c.events_by_kind[i]);
		gauge(b, "portlens_listeners",
		      "Listeners the fleet's watch instances last reported, by baseline verdict.");
		for (int i = 0; i < 3; i++)
			pli_buf_printf(b, "portlens_listeners{baseline=\"%s\"} %lld\n", verdicts[i],
			               (long long)c.listeners_by_flag[i]);
	}
	live_flags(rq, b);
}
