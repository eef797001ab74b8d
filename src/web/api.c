// SPDX-License-Identifier: MIT
/*
 * api.c - the JSON API that mirrors the pages (docs/api.md):
 *   /api/port/N    pl_page_json, byte for byte what `portlens info N --json` prints
 *   /api/search?q= registry records matching q ("portlens.search-records/1")
 *   /api/listen    listening sockets ("portlens.web-listen/1", see live.c)
 *   /api/scans     saved scans, newest first ("portlens.scans/1")
 *   /api/scans/ID  one scan with its results ("portlens.scan/1")
 * Errors are JSON too: {"error": "...", "status": N}.
 */
#include <stdlib.h>
#include <string.h>

#include "portlens/page.h"
#include "portlens/search.h"
#include "core/jsonw.h"
#include "core/strnum.h"
#include "web/web_impl.h"

#define API_SEARCH_MAX 500

static void
json_begin(struct web_resp *rs, struct pl_jsonw *w, const char *schema)
{
	rs->ctype = "application/json";
	pli_jsonw_init(w, &rs->body, 1);
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "schema", schema);
}

static void
json_end(struct web_resp *rs, struct pl_jsonw *w)
{
	pli_jsonw_end(w);
	pli_buf_putc(&rs->body, '\n');
}

void
web_api_port(struct web_req *rq, struct web_resp *rs, uint16_t port)
{
	struct pl_page_opts opts = web_page_opts(rq, PL_LANG_EN);
	struct pl_page *page = NULL;
	char *json = NULL;

	if (pl_page_build(port, &opts, &page, NULL) != PL_OK ||
	    pl_page_json(page, 1, &json) != PL_OK) {
		pl_page_free(page);
		rs->oom = 1;
		return;
	}
	rs->ctype = "application/json";
	pli_buf_puts(&rs->body, json);
	pli_buf_putc(&rs->body, '\n');
	free(json);
	pl_page_free(page);
}

static void
json_record(struct pl_jsonw *w, const struct pl_reg_entry *e)
{
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "service", e->service);
	if (e->has_port) {
		pli_jsonw_kint(w, "port_low", e->port_lo);
		pli_jsonw_kint(w, "port_high", e->port_hi);
	}
	pli_jsonw_key(w, "transports");
	pli_jsonw_array(w);
	for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
		if (e->protos & PL_PROTO_BIT(p))
			pli_jsonw_str(w, pl_proto_name((enum pl_proto)p));
	pli_jsonw_end(w);
	pli_jsonw_kstr(w, "description", e->description);
	pli_jsonw_kstr(w, "assignee", e->assignee);
	pli_jsonw_kstr(w, "status", pl_reg_status_name((enum pl_reg_status)e->status));
	pli_jsonw_kint(w, "csv_line", e->line);
	pli_jsonw_end(w);
}

void
web_api_search(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_arg(rq, "q");
	const struct pl_registry *reg = rq->web->cfg.reg ? rq->web->cfg.reg : pl_registry_builtin();
	struct pl_search_opts so = {.term = q};
	struct pl_search_hit *hits = NULL;
	struct pl_jsonw w;
	size_t n = 0;

	if (!q || !*q || strlen(q) > 200) {
		web_error(rq, rs, 400);
		return;
	}
	if (pl_registry_search(reg, &so, &hits, &n, NULL) != PL_OK)
		n = 0;
	json_begin(rs, &w, "portlens.search-records/1");
	pli_jsonw_kstr(&w, "term", q);
	pli_jsonw_kint(&w, "total", (int64_t)n);
	pli_jsonw_key(&w, "results");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < n && i < API_SEARCH_MAX; i++)
		json_record(&w, pl_registry_entry(reg, hits[i].entry));
	pli_jsonw_end(&w);
	json_end(rs, &w);
	free(hits);
}

void
web_api_listen(struct web_req *rq, struct web_resp *rs)
{
	int status = web_live_listen_json(rq, &rs->body);

	if (status != 200) {
		web_error(rq, rs, (unsigned)status);
		return;
	}
	rs->ctype = "application/json";
}

static void
json_scan(struct pl_jsonw *w, const struct pl_store_scan *s)
{
	pli_jsonw_kint(w, "id", s->id);
	pli_jsonw_kstr(w, "targets", s->targets);
	pli_jsonw_kstr(w, "ports", s->ports);
	pli_jsonw_kstr(w, "engine", s->engine);
	pli_jsonw_kstr(w, "command", s->command);
	pli_jsonw_kstr(w, "status", s->status);
	pli_jsonw_kint(w, "started_at", s->started_at);
	pli_jsonw_kint(w, "finished_at", s->finished_at);
	pli_jsonw_kint(w, "results", s->n_results);
	pli_jsonw_kint(w, "open", s->n_open);
}

void
web_api_scans(struct web_req *rq, struct web_resp *rs)
{
	struct pl_store_scan *v = NULL;
	struct pl_jsonw w;
	char why[600];
	size_t n = 0;

	if (web_list_scans(rq, 200, &v, &n, why, sizeof(why)) != PL_OK) {
		web_error_detail(rq, rs, 503, why);
		return;
	}
	json_begin(rs, &w, "portlens.scans/1");
	pli_jsonw_key(&w, "scans");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < n; i++) {
		pli_jsonw_object(&w);
		json_scan(&w, &v[i]);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	json_end(rs, &w);
	pl_store_scans_free(v, n);
}

void
web_api_scan(struct web_req *rq, struct web_resp *rs, int64_t id)
{
	struct pl_store_scan s;
	struct pl_store_result_row *r = NULL;
	struct pl_jsonw w;
	size_t n = 0;

	if (!web_load_scan(rq, rs, id, 0, &s, &r, &n))
		return;
	json_begin(rs, &w, "portlens.scan/1");
	json_scan(&w, &s);
	pli_jsonw_key(&w, "results_list");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < n; i++) {
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "addr", r[i].addr);
		pli_jsonw_kint(&w, "port", r[i].port);
		pli_jsonw_kstr(&w, "proto", r[i].proto);
		pli_jsonw_kstr(&w, "state", r[i].state);
		pli_jsonw_kstr(&w, "service", r[i].service);
		pli_jsonw_kstr(&w, "banner", r[i].banner);
		pli_jsonw_kstr(&w, "product", r[i].product);
		pli_jsonw_kstr(&w, "version", r[i].version);
		pli_jsonw_kstr(&w, "cpe", r[i].cpe);
		pli_jsonw_kint(&w, "rtt_us", r[i].rtt_us);
		pli_jsonw_kint(&w, "observed_at", r[i].observed_at);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	json_end(rs, &w);
	pl_store_scan_cleanup(&s);
	pl_store_results_free(r, n);
}

void
web_api_hosts(struct web_req *rq, struct web_resp *rs)
{
	struct pl_store_host *v = NULL;
	struct pl_err err = {0};
	struct pl_jsonw w;
	char why[600];
	size_t n = 0;
	enum pl_rc rc;

	pthread_mutex_lock(&rq->web->store_lock);
	rc = pl_store_hosts(rq->web->store, 0, &v, &n, &err);
	pthread_mutex_unlock(&rq->web->store_lock);
	if (rc != PL_OK) {
		web_store_why(rq, &err, why, sizeof(why));
		web_error_detail(rq, rs, 503, why);
		return;
	}
	json_begin(rs, &w, "portlens.hosts/1");
	pli_jsonw_key(&w, "hosts");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < n; i++) {
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "host", v[i].host);
		pli_jsonw_kint(&w, "listeners", v[i].listeners);
		pli_jsonw_kint(&w, "events", v[i].events);
		pli_jsonw_kint(&w, "scans", v[i].scans);
		pli_jsonw_kint(&w, "open_ports", v[i].open_ports);
		pli_jsonw_kint(&w, "last_ms", v[i].last_ms);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	json_end(rs, &w);
	pl_store_hosts_free(v, n);
}

void
web_api_timeline(struct web_req *rq, struct web_resp *rs)
{
	const char *host = web_arg(rq, "host"), *port_s = web_arg(rq, "port");
	struct pl_store_change *c = NULL;
	struct pl_err err = {0};
	struct pl_jsonw w;
	uint64_t port = 0;
	char why[600];
	size_t n = 0;
	enum pl_rc rc;

	if ((!host || !host[0]) == (!port_s || !port_s[0]) ||
	    (port_s && port_s[0] && pli_parse_u64(port_s, 1, 65535, &port, NULL) != PL_OK)) {
		web_error_detail(rq, rs, 400, "give host=NAME or port=N (1-65535)");
		return;
	}
	pthread_mutex_lock(&rq->web->store_lock);
	rc = pl_store_timeline(rq->web->store, host && host[0] ? host : NULL, (uint16_t)port, 500,
	                       &c, &n, &err);
	pthread_mutex_unlock(&rq->web->store_lock);
	if (rc != PL_OK) {
		web_store_why(rq, &err, why, sizeof(why));
		web_error_detail(rq, rs, 503, why);
		return;
	}
	json_begin(rs, &w, "portlens.timeline/1");
	pli_jsonw_key(&w, "changes");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < n; i++) {
		pli_jsonw_object(&w);
		pli_jsonw_kint(&w, "time_ms", c[i].at_ms);
		pli_jsonw_kstr(&w, "kind", c[i].kind);
		pli_jsonw_kstr(&w, "host", c[i].host);
		pli_jsonw_kstr(&w, "proto", c[i].proto);
		pli_jsonw_kint(&w, "port", c[i].port);
		pli_jsonw_kint(&w, "scan", c[i].scan_id);
		pli_jsonw_kstr(&w, "detail", c[i].detail);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	json_end(rs, &w);
	pl_store_changes_free(c, n);
}
