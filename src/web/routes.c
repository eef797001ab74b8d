// SPDX-License-Identifier: MIT
/*
 * routes.c - the URL table of `portlens serve` and the small handlers: static assets,
 * the API index, error pages. Path segments that carry numbers (/port/N, /scans/ID) are
 * parsed strictly (digits only, in range) so "/port/2323abc" or "/port/-1" are 404s,
 * never a different port; a /port/ segment that is no port number says so on its 404.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/strnum.h"
#include "web/assets.h"
#include "web/web_impl.h"

struct error_text {
	unsigned status;
	enum web_str text;
	const char *reason;
};

static const struct error_text errors[] = {
    {400, S_BAD_REQUEST, "bad request"},
    {401, S_UNAUTHORIZED, "access token required"},
    {403, S_FORBIDDEN, "forbidden"},
    {404, S_NOT_FOUND, "not found"},
    {405, S_BAD_REQUEST, "method not allowed"},
    {413, S_BAD_REQUEST, "request body too large"},
    {429, S_TOO_MANY, "too many requests"},
    {503, S_BAD_REQUEST, "service unavailable"},
};

int
web_wants_json(const struct web_req *rq)
{
	const char *accept = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Accept");

	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

int
web_is_api(const struct web_req *rq)
{
	return strncmp(rq->url, "/api/", 5) == 0 || strcmp(rq->url, "/api") == 0;
}

void
web_error(struct web_req *rq, struct web_resp *rs, unsigned status)
{
	const struct error_text *e = &errors[0];
	char title[16];

	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].status == status)
			e = &errors[i];
	pli_buf_reset(&rs->body);
	rs->status = status;
	rs->token_off = WEB_NO_TOKEN;
	free(rs->cache_key);
	rs->cache_key = NULL;
	if (web_is_api(rq) || web_wants_json(rq)) {
		struct pl_jsonw w;

		rs->ctype = "application/json";
		pli_jsonw_init(&w, &rs->body, 0);
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "error", e->reason);
		pli_jsonw_kint(&w, "status", status);
		if (rs->detail)
			pli_jsonw_kstr(&w, "detail", rs->detail);
		pli_jsonw_end(&w);
		pli_buf_putc(&rs->body, '\n');
		return;
	}
	/* The title is the status number: e->reason is English, and the page's language
	 * says the rest in the body. */
	snprintf(title, sizeof(title), "%u", status);
	html_begin(rq, rs, title);
	pli_buf_printf(&rs->body, "<h1 id=\"error\" data-status=\"%u\">%u</h1><p>", status, status);
	web_trs(&rs->body, rq, e->text);
	pli_buf_puts(&rs->body, "</p>");
	if (rs->detail) {
		pli_buf_puts(&rs->body, "<p class=\"meta\" id=\"error-detail\" dir=\"auto\">");
		html_esc(&rs->body, rs->detail);
		pli_buf_puts(&rs->body, "</p>");
	}
	html_end(rq, rs);
}

void
web_error_detail(struct web_req *rq, struct web_resp *rs, unsigned status, const char *detail)
{
	rs->detail = detail;
	web_error(rq, rs, status);
	rs->detail = NULL;
}

void
web_store_why(const struct web_req *rq, const struct pl_err *err, char *why, size_t size)
{
	snprintf(why, size, "database unreadable: %s", rq->web->store ? err->msg : rq->web->db_why);
}

int
web_post_allowed(struct web_req *rq, struct web_resp *rs)
{
	char csrf[WEB_CSRF_HEX + 8];

	if (rq->body_too_big) {
		web_error(rq, rs, 413);
		return 0;
	}
	if (!rq->visitor[0] || rq->cookie_new[0] ||
	    web_form_get(rq->body.data ? rq->body.data : "", rq->body.len, "csrf", csrf,
	                 sizeof(csrf)) != 1 ||
	    !web_csrf_check(&rq->web->guard, rq->visitor, csrf)) {
		web_error(rq, rs, 403);
		return 0;
	}
	return 1;
}

int
web_store_writable(struct web_req *rq, struct web_resp *rs)
{
	const struct pl_web *web = rq->web;

	if (web->db_state == PL_WEB_DB_OK)
		return 1;
	web_error_detail(rq, rs, 503,
	                 web->db_state == PL_WEB_DB_READONLY ? "the database is read-only"
	                                                     : "no database");
	return 0;
}

int
web_load_scan(struct web_req *rq, struct web_resp *rs, int64_t id, size_t limit,
              struct pl_store_scan *s, struct pl_store_result_row **rows, size_t *n)
{
	char why[600];
	struct pl_err err = {0};
	enum pl_rc rc;

	pthread_mutex_lock(&rq->web->store_lock);
	rc = pl_store_scan_get(rq->web->store, id, s, &err);
	if (rc == PL_OK)
		rc = pl_store_scan_results(rq->web->store, id, limit, rows, n, &err);
	pthread_mutex_unlock(&rq->web->store_lock);
	if (rc == PL_OK)
		return 1;
	pl_store_scan_cleanup(s);
	web_store_why(rq, &err, why, sizeof(why));
	web_error_detail(rq, rs, rc == PL_ERR_NOTFOUND ? 404 : 503,
	                 rc == PL_ERR_NOTFOUND ? NULL : why);
	return 0;
}

/* Parses the digits of seg (up to '/' or end) into [0, max]; returns the rest or NULL. */
static const char *
number_segment(const char *seg, uint64_t max, uint64_t *out)
{
	size_t n = strcspn(seg, "/");

	if (n == 0 || n > 20 || pli_parse_u64n(seg, n, 0, max, out, NULL) != PL_OK)
		return NULL;
	return seg + n;
}

/*
 * /port/SEG where SEG is there but no port number ("70000", "abc", "-1"): a 404 that says
 * what was wrong, in the page's language (English in JSON, like every API message).
 * Returns 0, doing nothing, for a good number or an empty segment.
 */
static int
not_a_port(struct web_req *rq, struct web_resp *rs, const char *seg)
{
	const int json = web_is_api(rq) || web_wants_json(rq);
	const struct web_lang *l = json ? &web_langs[0] : rq->lang;
	char shown[WEB_SHOWN_MAX + 8], quoted[sizeof(shown) + 8];
	struct pl_buf why = {0};
	uint64_t n;

	if (seg[0] == '\0' || seg[0] == '/' || number_segment(seg, 65535, &n))
		return 0;
	web_shown_input(shown, sizeof(shown), seg, strcspn(seg, "/"));
	/* On a page the quoted input is isolated left-to-right (U+2066 .. U+2069), so "-1"
	 * stays "-1" inside Arabic text. */
	snprintf(quoted, sizeof(quoted), json ? "%s" : "\u2066%s\u2069", shown);
	web_trf_text(&why, l, S_NOT_A_PORT, quoted, NULL, NULL, NULL);
	web_error_detail(rq, rs, 404, why.data ? why.data : "");
	pli_buf_cleanup(&why);
	return 1;
}

static void
serve_asset(struct web_req *rq, struct web_resp *rs, const char *name)
{
	for (unsigned i = 0; i < web_assets_count; i++) {
		const struct web_asset *a = &web_assets[i];
		const char *inm;

		if (strcmp(a->name, name) != 0)
			continue;
		rs->ctype = a->mime;
		rs->etag = a->etag;
		rs->cache_control = "public, max-age=3600";
		inm = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "If-None-Match");
		if (inm && strcmp(inm, a->etag) == 0) {
			rs->status = 304;
			return;
		}
		pli_buf_append(&rs->body, a->data, a->len);
		return;
	}
	web_error(rq, rs, 404);
}

static void
api_index(struct web_resp *rs)
{
	static const char *const endpoints[][2] = {
	    {"/api/port/{N}", "the port page (portlens.port/1, as portlens info N --json)"},
	    {"/api/search?q={TERM}", "registry records matching TERM"},
	    {"/api/listen", "listening sockets on this machine"},
	    {"/api/scans", "saved scans, newest first"},
	    {"/api/scans/{ID}", "one saved scan with its results"},
	    {"/api/hosts", "the fleet: machines (watch --db) and scanned addresses"},
	    {"/api/timeline?host={NAME}", "what changed when on a host"},
	    {"/api/timeline?port={N}", "what changed when on a port, on every host"},
	};
	struct pl_jsonw w;

	rs->ctype = "application/json";
	pli_jsonw_init(&w, &rs->body, 1);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "schema", "portlens.api/1");
	pli_jsonw_kstr(&w, "docs", "docs/api.md");
	pli_jsonw_key(&w, "endpoints");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "path", endpoints[i][0]);
		pli_jsonw_kstr(&w, "what", endpoints[i][1]);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
	pli_buf_putc(&rs->body, '\n');
}

/* Nonzero when the request has no query arguments other than lang. */
static int
plain_request(const struct web_req *rq)
{
	int n = MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, NULL, NULL);

	/* An unknown ?lang= gets its own notice on the page: not the cached one. */
	return n == 0 || (n == 1 && web_arg(rq, "lang") != NULL && !rq->lang_unknown);
}

static void
port_page(struct web_req *rq, struct web_resp *rs, uint16_t port)
{
	char key[64];
	size_t len = 0;
	char *hit;

	snprintf(key, sizeof(key), "port/%u|%s", port, rq->lang->code);
	if (plain_request(rq)) {
		hit = web_cache_get(&rq->web->cache, key, rq->csrf, &len, &rs->ctype);
		if (hit) {
			pli_buf_cleanup(&rs->body);
			rs->body.data = hit;
			rs->body.len = len;
			rs->body.cap = len + 1;
			rs->token_off = WEB_NO_TOKEN;
			return;
		}
		rs->cache_key = strdup(key);
	}
	web_page_port(rq, rs, port);
}

static void
dispatch_api(struct web_req *rq, struct web_resp *rs, const char *rest)
{
	uint64_t n;
	const char *tail;

	if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0)
		api_index(rs);
	else if (strncmp(rest, "/port/", 6) == 0 && (tail = number_segment(rest + 6, 65535, &n)) &&
	         *tail == '\0')
		web_api_port(rq, rs, (uint16_t)n);
	else if (strcmp(rest, "/search") == 0)
		web_api_search(rq, rs);
	else if (strcmp(rest, "/listen") == 0)
		web_api_listen(rq, rs);
	else if (strcmp(rest, "/scans") == 0)
		web_api_scans(rq, rs);
	else if (strncmp(rest, "/scans/", 7) == 0 &&
	         (tail = number_segment(rest + 7, INT64_MAX, &n)) && *tail == '\0')
		web_api_scan(rq, rs, (int64_t)n);
	else if (strcmp(rest, "/hosts") == 0)
		web_api_hosts(rq, rs);
	else if (strcmp(rest, "/timeline") == 0)
		web_api_timeline(rq, rs);
	else if (strncmp(rest, "/port/", 6) != 0 || !not_a_port(rq, rs, rest + 6))
		web_error(rq, rs, 404);
}

void
web_dispatch(struct web_req *rq, struct web_resp *rs)
{
	const char *u = rq->url, *tail;
	uint64_t n;

	if (rq->method == WEB_POST) {
		if (strncmp(u, "/port/", 6) == 0 && (tail = number_segment(u + 6, 65535, &n)) &&
		    strcmp(tail, "/vote") == 0)
			web_vote_post(rq, rs, (uint16_t)n);
		else if (strncmp(u, "/scans/", 7) == 0 &&
		         (tail = number_segment(u + 7, INT64_MAX, &n)) &&
		         strcmp(tail, "/delete") == 0)
			web_scan_delete_post(rq, rs, (int64_t)n);
		else
			web_error(rq, rs, 405);
		return;
	}
	if (rq->method != WEB_GET && rq->method != WEB_HEAD) {
		web_error(rq, rs, 405);
		return;
	}
	if (strcmp(u, "/") == 0)
		web_page_home(rq, rs);
	else if (strncmp(u, "/port/", 6) == 0 && (tail = number_segment(u + 6, 65535, &n)) &&
	         *tail == '\0')
		port_page(rq, rs, (uint16_t)n);
	else if (strncmp(u, "/port/", 6) == 0 && (tail = number_segment(u + 6, 65535, &n)) &&
	         strcmp(tail, "/timeline") == 0)
		web_page_port_timeline(rq, rs, (uint16_t)n);
	else if (strcmp(u, "/search") == 0)
		web_page_search(rq, rs);
	else if (strcmp(u, "/listen") == 0)
		web_page_listen(rq, rs);
	else if (strcmp(u, "/scans") == 0)
		web_page_scans(rq, rs);
	else if (strncmp(u, "/scans/", 7) == 0 && (tail = number_segment(u + 7, INT64_MAX, &n)) &&
	         *tail == '\0')
		web_page_scan(rq, rs, (int64_t)n);
	else if (strncmp(u, "/scans/", 7) == 0 && (tail = number_segment(u + 7, INT64_MAX, &n)) &&
	         strncmp(tail, "/export.", 8) == 0)
		web_scan_export(rq, rs, (int64_t)n, tail + 8);
	else if (strcmp(u, "/hosts") == 0)
		web_page_hosts(rq, rs);
	else if (strncmp(u, "/hosts/", 7) == 0)
		web_page_host(rq, rs, u + 7);
	else if (strcmp(u, "/metrics") == 0)
		web_metrics(rq, rs);
	else if (strncmp(u, "/api", 4) == 0 && (u[4] == '\0' || u[4] == '/'))
		dispatch_api(rq, rs, u + 4);
	else if (strncmp(u, "/static/", 8) == 0)
		serve_asset(rq, rs, u + 8);
	else if (strcmp(u, "/favicon.ico") == 0)
		serve_asset(rq, rs, "favicon.svg");
	else if (strncmp(u, "/port/", 6) != 0 || !not_a_port(rq, rs, u + 6))
		web_error(rq, rs, 404);
}
