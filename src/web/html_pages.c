// SPDX-License-Identifier: MIT
/*
 * html_pages.c - the pages besides the port page: home (search, the three ranges, the
 * riskiest ports from the knowledge base, recent scans), search results, the live
 * listeners table, and saved scans (list and one scan with its results).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/search.h"
#include "core/strnum.h"
#include "web/web_impl.h"

#define RISKIEST_MAX   16
#define SEARCH_SHOWN   200
#define MAX_TERM_BYTES 200

/* A fact's title in the page language, its left-to-right runs isolated on a
 * right-to-left page (pl_page_isolate_ltr). */
static void
html_esc_title(struct pl_buf *b, const struct web_req *rq, const struct pl_kb_entry *f)
{
	struct pl_buf iso;

	pli_buf_init(&iso);
	pl_page_isolate_ltr(&iso, pl_kb_title(f, web_page_lang(rq), NULL), rq->lang->rtl);
	html_esc(b, pli_buf_str(&iso));
	pli_buf_cleanup(&iso);
}
static void
home_ranges(struct pl_buf *b, const struct web_req *rq)
{
	static const struct {
		enum web_str name, text;
		const char *span, *cls;
	} ranges[] = {
	    {S_RANGE_SYSTEM_NAME, S_RANGE_SYSTEM_TEXT, "0–1023", "well-known"},
	    {S_RANGE_USER_NAME, S_RANGE_USER_TEXT, "1024–49151", "registered"},
	    {S_RANGE_DYNAMIC_NAME, S_RANGE_DYNAMIC_TEXT, "49152–65535", "dynamic"},
	};

	pli_buf_puts(b, "<section id=\"ranges\"><h2>");
	web_trs(b, rq, S_RANGES_TITLE);
	pli_buf_puts(b, "</h2><div class=\"ranges\">");
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		pli_buf_printf(b, "<div data-range=\"%s\"><h3>", ranges[i].cls);
		web_trs(b, rq, ranges[i].name);
		pli_buf_printf(b, " <span class=\"mono\">%s</span></h3><p>", ranges[i].span);
		web_trs(b, rq, ranges[i].text);
		pli_buf_puts(b, "</p></div>");
	}
	pli_buf_puts(b, "</div><p class=\"source\">");
	web_trs(b, rq, S_SOURCE);
	pli_buf_puts(b, ": ");
	html_source(b, "rfc:6335");
	pli_buf_puts(b, "</p></section>\n");
}

/*
 * Every port whose own page says critical, then high-risk ones up to RISKIEST_MAX rows,
 * by port. The risk is the page's (the highest among the port's facts), so the list can
 * never disagree with the pages it links to. Neighbouring ports rated by the same fact
 * (VNC's 5900-5903) share one row.
 */
static void
home_riskiest(struct pl_buf *b, const struct web_req *rq)
{
	static const enum web_str cols[] = {S_PORT, S_RISK, S_DESCRIPTION};
	const struct pl_kb *kb = rq->web->cfg.kb ? rq->web->cfg.kb : pl_kb_builtin();
	size_t rows = 0;

	pli_buf_puts(b, "<section id=\"riskiest\"><h2>");
	web_trs(b, rq, S_RISKIEST_TITLE);
	pli_buf_puts(b, "</h2>");
	web_table_head(b, rq, NULL, cols, sizeof(cols) / sizeof(cols[0]));
	for (int want = PL_RISK_CRITICAL; want >= PL_RISK_HIGH; want--) {
		for (uint32_t p = 0; p <= 65535; p++) {
			const struct pl_kb_entry *f = pl_kb_top_fact(kb, (uint16_t)p, 65535);
			uint32_t last = p;
			const char *risk;

			if (!f || f->risk != want || (f->port_hi - f->port_lo) > 16)
				continue;
			if (want != PL_RISK_CRITICAL && rows >= RISKIEST_MAX)
				break;
			while (last < 65535 && pl_kb_top_fact(kb, (uint16_t)(last + 1), 65535) == f)
				last++;
			risk = pl_risk_name((enum pl_risk)want);
			pli_buf_printf(
			    b, "<tr data-risk=\"%s\"><td class=\"num\"><a href=\"/port/%u\">", risk,
			    p);
			if (last == p)
				pli_buf_printf(b, "%u</a>", p);
			else
				pli_buf_printf(b, "%u–%u</a>", p, last);
			pli_buf_printf(b, "</td><td><span class=\"badge risk-%s\">", risk);
			html_esc(b, pl_risk_label((enum pl_risk)want, web_page_lang(rq)));
			pli_buf_puts(b, "</span></td><td>");
			html_esc_title(b, rq, f);
			pli_buf_puts(b, "</td></tr>");
			rows++;
			p = last;
		}
	}
	pli_buf_puts(b, "</tbody></table></section>\n");
}

static void
scans_table(struct pl_buf *b, const struct web_req *rq, const struct pl_store_scan *v, size_t n)
{
	static const enum web_str cols[] = {S_SCAN_TITLE, S_TARGETS, S_PORTS, S_STARTED,
	                                    S_STATUS,     S_RESULTS, S_OPEN};

	if (n == 0) {
		pli_buf_puts(b, "<p id=\"no-scans\">");
		web_trs(b, rq, S_NO_SCANS);
		pli_buf_puts(b, "</p>");
		return;
	}
	pli_buf_puts(b, "<table id=\"scans-table\"><thead><tr>");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		pli_buf_puts(b, "<th>");
		if (cols[i] == S_SCAN_TITLE)
			pli_buf_puts(b, "#");
		else
			web_trs(b, rq, cols[i]);
		pli_buf_puts(b, "</th>");
	}
	pli_buf_puts(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char when[40];

		web_time(when, sizeof(when), v[i].started_at);
		pli_buf_printf(b, "<tr><td class=\"num\"><a href=\"/scans/%lld\">%lld</a></td><td>",
		               (long long)v[i].id, (long long)v[i].id);
		html_esc(b, v[i].targets);
		pli_buf_puts(b, "</td><td>");
		html_esc(b, v[i].ports);
		pli_buf_printf(b, "</td><td class=\"ltr\">%s</td><td>", when);
		html_esc(b, v[i].status);
		pli_buf_printf(b,
		               "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
		               (long long)v[i].n_results, (long long)v[i].n_open);
	}
	pli_buf_puts(b, "</tbody></table>");
}

enum pl_rc
web_list_scans(struct web_req *rq, size_t limit, struct pl_store_scan **v, size_t *n, char *why,
               size_t why_size)
{
	struct pl_err err = {0};
	enum pl_rc rc;

	pthread_mutex_lock(&rq->web->store_lock);
	rc = pl_store_scans_list(rq->web->store, limit, v, n, &err);
	pthread_mutex_unlock(&rq->web->store_lock);
	if (rc != PL_OK)
		web_store_why(rq, &err, why, why_size);
	return rc;
}

void
web_page_home(struct web_req *rq, struct web_resp *rs)
{
	struct pl_buf *b = &rs->body;
	struct pl_store_scan *v = NULL;
	char why[600];
	size_t n = 0;

	html_begin(rq, rs, "portlens");
	pli_buf_puts(b, "<h1>portlens</h1><p class=\"lead\">");
	web_trs(b, rq, S_TAGLINE);
	pli_buf_puts(b, "</p><p>");
	web_trs(b, rq, S_HOME_INTRO);
	pli_buf_puts(b, "</p><form class=\"search-big\" role=\"search\" action=\"/search\" "
	                "method=\"get\"><input id=\"q\" type=\"search\" name=\"q\" aria-label=\"");
	web_search_field(b, rq, NULL, " autofocus");
	pli_buf_puts(b, "\n");
	home_ranges(b, rq);
	home_riskiest(b, rq);
	pli_buf_puts(b, "<section id=\"recent-scans\"><h2>");
	web_trs(b, rq, S_RECENT_SCANS_TITLE);
	pli_buf_puts(b, "</h2>");
	if (web_list_scans(rq, 5, &v, &n, why, sizeof(why)) == PL_OK) {
		scans_table(b, rq, v, n);
	} else {
		pli_buf_puts(b, "<p class=\"notice\" id=\"scans-error\" dir=\"auto\">");
		html_esc(b, why);
		pli_buf_puts(b, "</p>");
	}
	pl_store_scans_free(v, n);
	pli_buf_puts(b, "</section>\n");
	html_end(rq, rs);
}

static void
search_results(struct pl_buf *b, const struct web_req *rq, const struct pl_port_hit *hits, size_t n)
{
	static const enum web_str cols[] = {S_PORT, S_TRANSPORT, S_SERVICE, S_DESCRIPTION};
	char shown_s[24], total_s[24];
	size_t shown = n < SEARCH_SHOWN ? n : SEARCH_SHOWN;

	snprintf(shown_s, sizeof(shown_s), "%zu", shown);
	snprintf(total_s, sizeof(total_s), "%zu", n);
	pli_buf_printf(b, "<p class=\"meta\" data-total=\"%zu\">", n);
	web_trf(b, rq, S_SEARCH_TOTAL, shown_s, total_s, NULL, NULL);
	pli_buf_puts(b, "</p>");
	web_table_head(b, rq, "results", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < shown; i++) {
		const struct pl_port_hit *h = &hits[i];

		pli_buf_printf(b, "<tr data-how=\"%s\"><td class=\"num\">",
		               pl_found_how_name((enum pl_found_how)h->how));
		if (h->port_lo == h->port_hi)
			pli_buf_printf(b, "<a href=\"/port/%u\">%u</a>", h->port_lo, h->port_lo);
		else
			pli_buf_printf(b, "<a href=\"/port/%u\">%u–%u</a>", h->port_lo, h->port_lo,
			               h->port_hi);
		pli_buf_puts(b, "</td><td>");
		for (unsigned p = 0, first = 1; p < PL_PROTO_COUNT; p++) {
			if (!(h->protos & PL_PROTO_BIT(p)))
				continue;
			pli_buf_printf(b, "%s%s", first ? "" : ", ",
			               pl_proto_name((enum pl_proto)p));
			first = 0;
		}
		pli_buf_puts(b, "</td><td>");
		html_esc(b, h->reg ? h->reg->service : "");
		pli_buf_puts(b, "</td><td>");
		html_esc(b, h->reg ? h->reg->description : "");
		if (h->fact) {
			pli_buf_puts(b, "<br><span class=\"fact\">");
			html_esc_title(b, rq, h->fact);
			pli_buf_puts(b, "</span>");
		}
		pli_buf_puts(b, "</td></tr>");
	}
	pli_buf_puts(b, "</tbody></table>");
}

void
web_page_search(struct web_req *rq, struct web_resp *rs)
{
	const char *q = web_arg(rq, "q");
	const struct pl_registry *reg = rq->web->cfg.reg ? rq->web->cfg.reg : pl_registry_builtin();
	struct pl_find_opts so = {.term = q, .reg = reg, .kb = rq->web->cfg.kb};
	struct pl_port_hit *hits = NULL;
	size_t n = 0;
	uint64_t port;
	enum pl_rc rc;

	if (!q || !*q) {
		rs->status = 303;
		snprintf(rs->location, sizeof(rs->location), "/?lang=%s", rq->lang->code);
		return;
	}
	if (strlen(q) > MAX_TERM_BYTES) {
		web_error(rq, rs, 400);
		return;
	}
	if (pli_parse_u64(q, 0, 65535, &port, NULL) == PL_OK) {
		rs->status = 303;
		snprintf(rs->location, sizeof(rs->location), "/port/%u?lang=%s", (unsigned)port,
		         rq->lang->code);
		return;
	}
	rc = pl_find_ports(&so, &hits, &n, NULL);
	html_begin(rq, rs, q);
	pli_buf_puts(&rs->body, "<h1 id=\"search-title\">");
	web_trf(&rs->body, rq, S_SEARCH_TITLE, q, NULL, NULL, NULL);
	pli_buf_puts(&rs->body, "</h1>");
	if (rc != PL_OK || n == 0) {
		pli_buf_puts(&rs->body, "<p id=\"no-results\">");
		web_trs(&rs->body, rq, S_SEARCH_NONE);
		pli_buf_puts(&rs->body, "</p>");
	} else {
		search_results(&rs->body, rq, hits, n);
	}
	free(hits);
	html_end(rq, rs);
}

void
web_page_listen(struct web_req *rq, struct web_resp *rs)
{
	struct pl_buf *b = &rs->body;

	html_begin(rq, rs, web_tr(rq->lang, S_LISTEN_TITLE));
	pli_buf_puts(b, "<h1>");
	web_trs(b, rq, S_LISTEN_TITLE);
	pli_buf_puts(b, "</h1><p class=\"lead\">");
	web_trs(b, rq, S_LISTEN_LEAD);
	pli_buf_puts(b, "</p><p class=\"live-note\">");
	web_trs(b, rq, S_LIVE_REFRESH);
	pli_buf_puts(b, " <span id=\"refreshed\"></span></p>");
	web_live_listen_html(rq, b);
	html_end(rq, rs);
}

void
web_page_scans(struct web_req *rq, struct web_resp *rs)
{
	struct pl_store_scan *v = NULL;
	char why[600];
	size_t n = 0;

	/* A database that cannot be read is a 503 here and on /api/scans alike, never an
	 * empty list that looks like "no scans saved". */
	if (web_list_scans(rq, 200, &v, &n, why, sizeof(why)) != PL_OK) {
		web_error_detail(rq, rs, 503, why);
		return;
	}
	html_begin(rq, rs, web_tr(rq->lang, S_SCANS_TITLE));
	pli_buf_puts(&rs->body, "<h1>");
	web_trs(&rs->body, rq, S_SCANS_TITLE);
	pli_buf_puts(&rs->body, "</h1>");
	scans_table(&rs->body, rq, v, n);
	pl_store_scans_free(v, n);
	html_end(rq, rs);
}

static void
scan_meta(struct pl_buf *b, const struct web_req *rq, const struct pl_store_scan *s)
{
	char started[40], finished[40];

	web_time(started, sizeof(started), s->started_at);
	web_time(finished, sizeof(finished), s->finished_at);
	pli_buf_puts(b, "<dl class=\"kv\" id=\"scan-meta\">");
	web_kv(b, rq, S_TARGETS, " class=\"mono\"", s->targets);
	web_kv(b, rq, S_PORTS, " class=\"mono\"", s->ports);
	web_kv(b, rq, S_ENGINE, "", s->engine);
	web_kv(b, rq, S_STATUS, " id=\"scan-status\"", s->status);
	web_kv(b, rq, S_STARTED, " class=\"ltr\"", started);
	web_kv(b, rq, S_FINISHED, " class=\"ltr\"", finished);
	pli_buf_puts(b, "<dt>");
	web_trs(b, rq, S_COMMAND);
	pli_buf_puts(b, "</dt><dd><code>");
	html_esc(b, s->command);
	pli_buf_puts(b, "</code></dd></dl>");
}

static void
results_table(struct pl_buf *b, const struct web_req *rq, const struct pl_store_result_row *r,
              size_t n)
{
	static const enum web_str cols[] = {S_ADDRESS, S_PORT,    S_PROTO,  S_STATE,
	                                    S_SERVICE, S_PRODUCT, S_BANNER, S_RTT};

	web_table_head(b, rq, "results", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n; i++) {
		pli_buf_printf(b, "<tr class=\"state-%s\"><td class=\"mono\">",
		               strcmp(r[i].state, "open") == 0 ? "open" : "other");
		html_esc(b, r[i].addr);
		pli_buf_printf(b, "</td><td class=\"num\"><a href=\"/port/%u\">%u</a></td><td>",
		               r[i].port, r[i].port);
		html_esc(b, r[i].proto);
		pli_buf_puts(b, "</td><td>");
		html_esc(b, r[i].state);
		pli_buf_puts(b, "</td><td>");
		html_esc(b, r[i].service);
		pli_buf_puts(b, "</td><td class=\"product\">");
		html_esc(b, r[i].product);
		if (*r[i].version) {
			pli_buf_puts(b, " ");
			html_esc(b, r[i].version);
		}
		if (*r[i].cpe) {
			pli_buf_puts(b, "<br><code class=\"cpe\">");
			html_esc(b, r[i].cpe);
			pli_buf_puts(b, "</code>");
		}
		pli_buf_puts(b, "</td><td class=\"mono\">");
		html_esc(b, r[i].banner);
		pli_buf_puts(b, "</td><td class=\"num\">");
		if (r[i].rtt_us >= 0)
			pli_buf_printf(b, "%lld", (long long)r[i].rtt_us);
		pli_buf_puts(b, "</td></tr>");
	}
	pli_buf_puts(b, "</tbody></table>");
}

void
web_page_scan(struct web_req *rq, struct web_resp *rs, int64_t id)
{
	struct pl_store_scan s;
	struct pl_store_result_row *r = NULL;
	size_t n = 0;
	char id_s[24];

	if (!web_load_scan(rq, rs, id, 10000, &s, &r, &n))
		return;
	snprintf(id_s, sizeof(id_s), "%lld", (long long)id);
	html_begin(rq, rs, id_s);
	pli_buf_printf(&rs->body, "<h1 id=\"scan-title\" data-scan=\"%lld\">", (long long)id);
	web_trf(&rs->body, rq, S_SCAN_TITLE, id_s, NULL, NULL, NULL);
	pli_buf_puts(&rs->body, "</h1>");
	scan_meta(&rs->body, rq, &s);
	web_scan_actions(&rs->body, rq, rs, id);
	results_table(&rs->body, rq, r, n);
	html_end(rq, rs);
	pl_store_scan_cleanup(&s);
	pl_store_results_free(r, n);
}
