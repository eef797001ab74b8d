// SPDX-License-Identifier: MIT
/*
 * html_fleet.c - the fleet in `portlens serve`: /hosts (every machine that pushed its
 * listeners or events with `watch --db`, and every address of a saved scan), /hosts/NAME
 * (what it listens on and its timeline), /port/N/timeline (what changed on that port,
 * on every host), and deleting a saved scan (POST /scans/ID/delete, with the visitor's
 * CSRF token, like a vote).
 *
 * A timeline is a list, not a table: on a phone each change wraps within the screen's
 * width (time, kind, port, then the detail), where a table would scroll sideways.
 */
#include <string.h>

#include "web/web_impl.h"

#define HOSTS_MAX    1000
#define TIMELINE_MAX 500

/* A host name as it may appear in a URL: letters, digits, . : - _ (addresses, names). */
static int
host_ok(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == ':' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static void
store_failed(struct web_req *rq, struct web_resp *rs, enum pl_rc rc, const struct pl_err *err)
{
	char why[600];

	web_store_why(rq, err, why, sizeof(why));
	web_error_detail(rq, rs, rc == PL_ERR_NOTFOUND ? 404 : 503,
	                 rc == PL_ERR_NOTFOUND ? NULL : why);
}

static void
time_ms(char *buf, size_t size, int64_t ms)
{
	web_time(buf, size, ms / 1000);
}

void
web_page_hosts(struct web_req *rq, struct web_resp *rs)
{
	static const enum web_str cols[] = {S_HOST,      S_NAV_LISTEN, S_EVENTS,
	                                    S_NAV_SCANS, S_OPEN,       S_LAST_SEEN};
	struct pl_store_host *v = NULL;
	struct pl_err err = {0};
	struct pl_buf *b = &rs->body;
	size_t n = 0;
	enum pl_rc rc;

	pthread_mutex_lock(&rq->web->store_lock);
	rc = pl_store_hosts(rq->web->store, HOSTS_MAX, &v, &n, &err);
	pthread_mutex_unlock(&rq->web->store_lock);
	if (rc != PL_OK) {
		store_failed(rq, rs, rc, &err);
		return;
	}
	html_begin(rq, rs, web_tr(rq->lang, S_NAV_HOSTS));
	pli_buf_puts(b, "<h1>");
	web_trs(b, rq, S_NAV_HOSTS);
	pli_buf_puts(b, "</h1><p class=\"lead\">");
	web_trs(b, rq, S_HOSTS_LEAD);
	pli_buf_puts(b, "</p>");
	if (!n) {
		pli_buf_puts(b, "<p id=\"no-hosts\">");
		web_trs(b, rq, S_NO_HOSTS);
		pli_buf_puts(b, "</p>");
	} else {
		web_table_head(b, rq, "hosts", cols, sizeof(cols) / sizeof(cols[0]));
	}
	for (size_t i = 0; i < n; i++) {
		char when[40];

		time_ms(when, sizeof(when), v[i].last_ms);
		pli_buf_puts(b, "<tr><td class=\"mono\"><a href=\"/hosts/");
		web_urlenc(b, v[i].host);
		pli_buf_puts(b, "\">");
		html_esc(b, v[i].host);
		pli_buf_printf(b,
		               "</a></td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		               "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		               "<td class=\"ltr\">%s</td></tr>",
		               (long long)v[i].listeners, (long long)v[i].events,
		               (long long)v[i].scans, (long long)v[i].open_ports, when);
	}
	if (n)
		pli_buf_puts(b, "</tbody></table>");
	pl_store_hosts_free(v, n);
	html_end(rq, rs);
}

/* The timeline list; show_host for a port's timeline (changes of many hosts). */
static void
timeline_list(struct pl_buf *b, const struct web_req *rq, const struct pl_store_change *c, size_t n,
              int show_host)
{
	if (!n) {
		pli_buf_puts(b, "<p id=\"no-changes\">");
		web_trs(b, rq, S_NO_CHANGES);
		pli_buf_puts(b, "</p>");
		return;
	}
	pli_buf_puts(b, "<ol class=\"timeline\" id=\"timeline\">");
	for (size_t i = 0; i < n; i++) {
		char when[40];

		time_ms(when, sizeof(when), c[i].at_ms);
		pli_buf_puts(b, "<li class=\"change kind-");
		html_esc(b, c[i].kind);
		pli_buf_printf(b, "\"><time class=\"ltr\">%s</time> <span class=\"badge\">", when);
		html_esc(b, c[i].kind);
		pli_buf_puts(b, "</span> ");
		if (show_host) {
			pli_buf_puts(b, "<a class=\"mono\" href=\"/hosts/");
			web_urlenc(b, c[i].host);
			pli_buf_puts(b, "\">");
			html_esc(b, c[i].host);
			pli_buf_puts(b, "</a> ");
		}
		pli_buf_printf(b, "<a class=\"mono\" href=\"/port/%u/timeline\">%u</a>/", c[i].port,
		               c[i].port);
		html_esc(b, c[i].proto);
		if (c[i].scan_id)
			pli_buf_printf(b, " <a href=\"/scans/%lld\">#%lld</a>",
			               (long long)c[i].scan_id, (long long)c[i].scan_id);
		if (c[i].detail[0]) {
			pli_buf_puts(b, "<span class=\"detail mono\">");
			html_esc(b, c[i].detail);
			pli_buf_puts(b, "</span>");
		}
		pli_buf_puts(b, "</li>");
	}
	pli_buf_puts(b, "</ol>");
}

static void
listeners_table(struct pl_buf *b, const struct web_req *rq, const struct pl_store_listener_row *l,
                size_t n)
{
	static const enum web_str cols[] = {S_PROTO, S_ADDRESS, S_PORT, S_PROCESS, S_USER, S_UNIT};

	pli_buf_puts(b, "<h2>");
	web_trs(b, rq, S_LISTENING_NOW);
	pli_buf_puts(b, "</h2>");
	web_table_head(b, rq, "host-listeners", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n; i++) {
		pli_buf_printf(b, "<tr%s><td>", l[i].baseline == 0 ? " class=\"flagged\"" : "");
		html_esc(b, l[i].proto);
		pli_buf_puts(b, "</td><td class=\"mono\">");
		html_esc(b, l[i].addr);
		pli_buf_printf(b, "</td><td class=\"num\"><a href=\"/port/%u\">%u</a></td><td>",
		               l[i].port, l[i].port);
		html_esc(b, l[i].process);
		if (l[i].pid)
			pli_buf_printf(b, " (%lld)", (long long)l[i].pid);
		pli_buf_puts(b, "</td><td>");
		html_esc(b, l[i].user);
		pli_buf_puts(b, "</td><td>");
		html_esc(b, l[i].unit[0] ? l[i].unit : l[i].container);
		pli_buf_puts(b, "</td></tr>");
	}
	pli_buf_puts(b, "</tbody></table>");
}

void
web_page_host(struct web_req *rq, struct web_resp *rs, const char *host)
{
	struct pl_store_listener_row *l = NULL;
	struct pl_store_change *c = NULL;
	struct pl_err err = {0};
	size_t nl = 0, nc = 0;
	enum pl_rc rc;

	if (!host_ok(host)) {
		web_error(rq, rs, 404);
		return;
	}
	pthread_mutex_lock(&rq->web->store_lock);
	rc = pl_store_listeners_list(rq->web->store, host, &l, &nl, &err);
	if (rc == PL_OK)
		rc = pl_store_timeline(rq->web->store, host, 0, TIMELINE_MAX, &c, &nc, &err);
	pthread_mutex_unlock(&rq->web->store_lock);
	if (rc == PL_OK && !nl && !nc)
		rc = pl_err_set(&err, PL_ERR_NOTFOUND, "no such host");
	if (rc != PL_OK) {
		pl_store_listeners_free(l, nl);
		store_failed(rq, rs, rc, &err);
		return;
	}
	html_begin(rq, rs, host);
	pli_buf_puts(&rs->body, "<h1 id=\"host-title\" class=\"mono\">");
	web_trf(&rs->body, rq, S_HOST_TITLE, host, NULL, NULL, NULL);
	pli_buf_puts(&rs->body, "</h1>");
	if (nl)
		listeners_table(&rs->body, rq, l, nl);
	pli_buf_puts(&rs->body, "<h2>");
	web_trs(&rs->body, rq, S_TIMELINE_TITLE);
	pli_buf_puts(&rs->body, "</h2>");
	timeline_list(&rs->body, rq, c, nc, 0);
	html_end(rq, rs);
	pl_store_listeners_free(l, nl);
	pl_store_changes_free(c, nc);
}

void
web_page_port_timeline(struct web_req *rq, struct web_resp *rs, uint16_t port)
{
	struct pl_store_change *c = NULL;
	struct pl_err err = {0};
	char port_s[8];
	size_t n = 0;
	enum pl_rc rc;

	pthread_mutex_lock(&rq->web->store_lock);
	rc = port ? pl_store_timeline(rq->web->store, NULL, port, TIMELINE_MAX, &c, &n, &err)
	          : PL_ERR_NOTFOUND;
	pthread_mutex_unlock(&rq->web->store_lock);
	if (rc != PL_OK) {
		store_failed(rq, rs, rc, &err);
		return;
	}
	snprintf(port_s, sizeof(port_s), "%u", port);
	html_begin(rq, rs, port_s);
	pli_buf_puts(&rs->body, "<h1 id=\"timeline-title\">");
	web_trf(&rs->body, rq, S_PORT_TIMELINE_TITLE, port_s, NULL, NULL, NULL);
	pli_buf_puts(&rs->body, "</h1>");
	timeline_list(&rs->body, rq, c, n, 1);
	html_end(rq, rs);
	pl_store_changes_free(c, n);
}

void
web_scan_delete_post(struct web_req *rq, struct web_resp *rs, int64_t id)
{
	struct pl_web *web = rq->web;
	struct pl_err err = {0};
	enum pl_rc rc;

	if (!web_post_allowed(rq, rs))
		return;
	if (!web_store_writable(rq, rs))
		return;
	pthread_mutex_lock(&web->store_lock);
	rc = pl_store_scan_delete(web->store, id, &err);
	pthread_mutex_unlock(&web->store_lock);
	if (rc != PL_OK) {
		store_failed(rq, rs, rc, &err);
		return;
	}
	rs->status = 303;
	snprintf(rs->location, sizeof(rs->location), "/scans?lang=%s&deleted=%lld", rq->lang->code,
	         (long long)id);
}

void
web_scan_actions(struct pl_buf *b, struct web_req *rq, struct web_resp *rs, int64_t id)
{
	static const char *const formats[] = {"json", "csv", "xml"};

	pli_buf_puts(b, "<p class=\"actions\" id=\"scan-actions\">");
	web_trs(b, rq, S_EXPORT);
	pli_buf_puts(b, ":");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		pli_buf_printf(b, " <a href=\"/scans/%lld/export.%s\" download>%s</a>",
		               (long long)id, formats[i], formats[i]);
	pli_buf_puts(b, "</p>");
	if (rq->web->db_state != PL_WEB_DB_OK)
		return;
	pli_buf_printf(b, "<form method=\"post\" action=\"/scans/%lld/delete\" id=\"scan-delete\">",
	               (long long)id);
	pli_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	rs->token_off = b->len; /* the visitor's token goes here */
	pli_buf_puts(b, "\"><button type=\"submit\">");
	web_trs(b, rq, S_DELETE_SCAN);
	pli_buf_puts(b, "</button></form>");
}
