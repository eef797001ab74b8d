// SPDX-License-Identifier: MIT
/*
 * test_web.c - the web front end's pure parts (language tables and negotiation, form
 * parsing, HTML escaping and templates, visitor cookies, CSRF tokens, the rate bucket,
 * the default port being Unassigned) and a real server started in-process on
 * 127.0.0.1:0 with a real SQLite file, driven over TCP: port page sections, security
 * headers, /api/port/N identical to pl_page_json, the vote flow and its refusals, the
 * Host check, and the loopback-only rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portlens/knowledge.h"
#include "portlens/page.h"
#include "web/web_impl.h"

/* ---- pure parts ------------------------------------------------------------------- */

static void
placeholders(const char *s, char *out)
{
	memset(out, 0, 10);
	for (; *s; s++)
		if (s[0] == '{' && s[1] >= '1' && s[1] <= '9' && s[2] == '}')
			out[s[1] - '0']++;
}

static void
test_tables_complete(void **state)
{
	(void)state;
	assert_true(web_langs_count >= 4);
	for (size_t l = 0; l < web_langs_count; l++) {
		for (int i = 0; i < S_COUNT; i++) {
			char want[10], got[10];

			if (!web_langs[l].strings[i])
				fail_msg("language %s lacks string %d", web_langs[l].code, i);
			placeholders(web_langs[0].strings[i], want);
			placeholders(web_langs[l].strings[i], got);
			if (memcmp(want, got, 10) != 0)
				fail_msg("language %s string %d: placeholders differ from English",
				         web_langs[l].code, i);
		}
	}
	assert_non_null(web_lang_find("AR", 2));
	assert_true(web_lang_find("ar", 2)->rtl);
	assert_false(web_lang_find("ko", 2)->rtl);
	assert_null(web_lang_find("de", 2));
	assert_string_equal(web_tr(NULL, S_VOTE_YES), "Yes");
	assert_string_equal(web_tr(web_lang_find("tr", 2), S_VOTE_YES), "Evet");
	assert_string_equal(web_tr(NULL, (enum web_str)S_COUNT), "");
}

static const char *
nego(const char *h)
{
	const struct web_lang *l = web_lang_negotiate(h);

	return l ? l->code : "-";
}

static void
test_accept_language(void **state)
{
	char big[4096];

	(void)state;
	assert_string_equal(nego("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"), "ko");
	assert_string_equal(nego("fr-CH, fr;q=0.9, ar;q=0.5, *;q=0.1"), "ar");
	assert_string_equal(nego("tr;q=0, en"), "en");
	assert_string_equal(nego("en;q=0.2, tr;q=0.8"), "tr");
	assert_string_equal(nego("en;q=0.5, tr;q=0.5"), "en"); /* tie: earlier member */
	assert_string_equal(nego("TR"), "tr");
	assert_string_equal(nego("*"), "-");
	assert_string_equal(nego(""), "-");
	assert_string_equal(nego(NULL), "-");
	assert_string_equal(nego("de, fr"), "-");
	assert_string_equal(nego("ar;q=1.5, ko;q=0.3"), "ko"); /* bad weight ignored */
	assert_string_equal(nego("ar;q=abc"), "-");
	assert_string_equal(nego(" ,,;;q=,ko-;q=0.4"), "ko");
	assert_string_equal(nego("k\xc3\xb6, ko"), "ko");
	assert_string_equal(nego("toolonglanguagetag, tr"), "tr");
	/* Beyond 64 members nothing more is read. */
	big[0] = '\0';
	for (int i = 0; i < 70; i++)
		strcat(big, "de,");
	strcat(big, "ko");
	assert_string_equal(nego(big), "-");
}

static void
test_form(void **state)
{
	const char *b = "csrf=ab%20cd&choice=yes&x=%3Cscript%3E&e=&plus=a+b";
	char v[16];

	(void)state;
	assert_int_equal(web_form_get(b, strlen(b), "choice", v, sizeof(v)), 1);
	assert_string_equal(v, "yes");
	assert_int_equal(web_form_get(b, strlen(b), "csrf", v, sizeof(v)), 1);
	assert_string_equal(v, "ab cd");
	assert_int_equal(web_form_get(b, strlen(b), "x", v, sizeof(v)), 1);
	assert_string_equal(v, "<script>");
	assert_int_equal(web_form_get(b, strlen(b), "e", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	assert_int_equal(web_form_get(b, strlen(b), "plus", v, sizeof(v)), 1);
	assert_string_equal(v, "a b");
	assert_int_equal(web_form_get(b, strlen(b), "missing", v, sizeof(v)), 0);
	assert_int_equal(web_form_get("a=%4", 4, "a", v, sizeof(v)), -1);
	assert_int_equal(web_form_get("a=%zz", 5, "a", v, sizeof(v)), -1);
	assert_int_equal(web_form_get("a=%00x", 6, "a", v, sizeof(v)), -1);
	assert_int_equal(web_form_get("a=0123456789abcdefXYZ", 21, "a", v, sizeof(v)), -1);
	assert_int_equal(web_form_get("", 0, "a", v, sizeof(v)), 0);
	assert_int_equal(web_form_get("&&&a", 4, "a", v, sizeof(v)), 1);
	/* Only len bytes are read. */
	assert_int_equal(web_form_get("a=1&b=2", 3, "b", v, sizeof(v)), 0);
}

static void
test_escape_and_templates(void **state)
{
	struct pl_buf b;
	const char *args[] = {"<b>", "x&y"};

	(void)state;
	pli_buf_init(&b);
	html_esc(&b, "<script>alert(\"x\")</script>&'");
	assert_string_equal(pli_buf_str(&b),
	                    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
	pli_buf_reset(&b);
	html_escn(&b,
	          "a\xff"
	          "b\xc3(\0z",
	          7);
	assert_string_equal(pli_buf_str(&b), "a\xEF\xBF\xBD"
	                                     "b\xEF\xBF\xBD(\xEF\xBF\xBDz");
	pli_buf_reset(&b);
	/* Control bytes from outside are shown, never passed on: ESC as U+241B, BEL as
	 * U+2407, DEL as U+2421, a C1 CSI (U+009B) as U+FFFD; tab and newline stay. */
	html_esc(&b, "\x1b[31mred\x07\x7f\xc2\x9b"
	             "2J\tok\n\xc2\xa0");
	assert_string_equal(pli_buf_str(&b), "\xE2\x90\x9B[31mred\xE2\x90\x87\xE2\x90\xA1"
	                                     "\xEF\xBF\xBD"
	                                     "2J\tok\n\xc2\xa0");
	pli_buf_reset(&b);
	web_tmpl(&b, "{1} and {2}, {3} {x} <i>", args, 2);
	assert_string_equal(pli_buf_str(&b), "&lt;b&gt; and x&amp;y,  {x} &lt;i&gt;");
	pli_buf_reset(&b);
	web_urlenc(&b, "a b/é<");
	assert_string_equal(pli_buf_str(&b), "a%20b%2F%C3%A9%3C");
	pli_buf_reset(&b);
	html_source(&b, "rfc:854");
	assert_non_null(strstr(pli_buf_str(&b), "https://www.rfc-editor.org/rfc/rfc854"));
	pli_buf_reset(&b);
	html_source(&b, "javascript:alert(1)");
	assert_null(strstr(pli_buf_str(&b), "href"));
	pli_buf_cleanup(&b);
}

static void
test_guard(void **state)
{
	struct web_guard g;
	char id[WEB_VISITOR_HEX + 1], cookie[WEB_COOKIE_LEN + 1], back[WEB_VISITOR_HEX + 1];
	char tok[WEB_CSRF_HEX + 1];

	(void)state;
	assert_int_equal(web_guard_init(&g, 3, 60, "s3cret", NULL), PL_OK);
	assert_int_equal(web_visitor_new(&g, id, cookie, NULL), PL_OK);
	assert_int_equal(strlen(cookie), WEB_COOKIE_LEN);
	assert_true(web_visitor_check(&g, cookie, back, tok));
	assert_string_equal(back, id);
	cookie[3] = cookie[3] == 'a' ? 'b' : 'a'; /* forged id, old MAC */
	assert_false(web_visitor_check(&g, cookie, back, tok));
	assert_false(web_visitor_check(&g, "short", back, NULL));
	assert_false(web_visitor_check(&g, NULL, back, NULL));
	web_csrf_token(&g, id, tok);
	assert_true(web_csrf_check(&g, id, tok));
	tok[0] = tok[0] == '0' ? '1' : '0';
	assert_false(web_csrf_check(&g, id, tok));
	assert_false(web_csrf_check(&g, "", tok));
	assert_false(web_csrf_check(&g, id, "abc"));
	/* Burst of 3, then refused; one per second (60/min) comes back. */
	assert_true(web_rate_take(&g, "127.0.0.1", 1000));
	assert_true(web_rate_take(&g, "127.0.0.1", 1000));
	assert_true(web_rate_take(&g, "127.0.0.1", 1000));
	assert_false(web_rate_take(&g, "127.0.0.1", 1000));
	assert_true(web_rate_take(&g, "127.0.0.2", 1000)); /* another client */
	assert_false(web_rate_take(&g, "127.0.0.1", 1500));
	assert_true(web_rate_take(&g, "127.0.0.1", 2100));
	/* Many clients: the table evicts, never grows, never blocks newcomers. */
	for (int i = 0; i < 5000; i++) {
		char c[32];

		snprintf(c, sizeof(c), "10.0.%d.%d", i / 256, i % 256);
		assert_true(web_rate_take(&g, c, 3000 + i));
	}
	assert_true(web_token_ok(&g, "s3cret"));
	assert_false(web_token_ok(&g, "s3cre"));
	assert_false(web_token_ok(&g, NULL));
	web_guard_cleanup(&g);
}

static void
test_default_port_unassigned(void **state)
{
	const struct pl_registry *reg = pl_registry_builtin();
	size_t n;
	const uint32_t *idx = pl_registry_lookup(reg, PL_WEB_DEFAULT_PORT, &n);
	unsigned seen = 0;

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, idx[i]);

		assert_int_equal(e->status, PL_REG_UNASSIGNED);
		seen |= e->protos;
	}
	assert_true(seen & PL_PROTO_BIT(PL_PROTO_TCP));
}

/* ---- a real server ---------------------------------------------------------------- */

struct srv {
	char dir[64];
	char db[128];
	struct pl_web *web;
	struct pl_kb *kb; /* a test's own knowledge base, or NULL for the built-in one */
	uint16_t port;
};

/* Starts a server on 127.0.0.1 with a fresh database and the knowledge base kb (NULL:
 * built in), which the server then owns for srv_teardown to free. */
static int
srv_start(void **state, struct pl_kb *kb)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct pl_web_config cfg = {.vote_burst = 5, .vote_per_minute = 1, .live = 1, .kb = kb};
	struct sockaddr_in *a = (struct sockaddr_in *)(void *)&cfg.addr;
	struct pl_err err = {0};

	snprintf(s->dir, sizeof(s->dir), "/tmp/pl-web-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->db, sizeof(s->db), "%s/web.db", s->dir);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cfg.addr_len = sizeof(*a);
	cfg.db_path = s->db;
	if (pli_web_start(&cfg, &s->web, &err) != PL_OK)
		fail_msg("pli_web_start: %s", err.msg);
	s->port = pli_web_port(s->web);
	assert_true(s->port > 0);
	s->kb = kb;
	*state = s;
	return 0;
}

static int
srv_setup(void **state)
{
	return srv_start(state, NULL);
}

/* A knowledge base of two facts: one only in English, one with its Arabic text (a port
 * range and an option, which must keep their order inside Arabic). */
static int
srv_setup_own_kb(void **state)
{
	static const char kb_text[] =
	    "port: 40999/tcp\nkind: security-note\nrisk: low\n"
	    "title: A fact written only in English\ntext: No translation here.\nsource: rfc:793\n\n"
	    "port: 40998/tcp\nkind: security-note\nrisk: low\n"
	    "title: A translated fact\ntext: Ports 11740-11743 need --tlsverify.\n"
	    "title.ar: \xd8\xad\xd9\x82\xd9\x8a\xd9\x82\xd8\xa9 "
	    "\xd8\xb9\xd9\x86 TLS-ONLY\n"
	    "text.ar: \xd8\xa7\xd9\x84\xd9\x85\xd9\x86\xd8\xa7\xd9\x81\xd8\xb0 11740-11743 "
	    "\xd8\xaa\xd8\xad\xd8\xaa\xd8\xa7\xd8\xac --tlsverify.\nsource: rfc:793\n";
	struct pl_kb *kb = pl_kb_new();
	struct pl_err err = {0};

	assert_non_null(kb);
	if (pl_kb_parse(kb, kb_text, strlen(kb_text), "test.kb", &err) != PL_OK ||
	    pl_kb_finish(kb, &err) != PL_OK)
		fail_msg("test knowledge: %s", err.msg);
	return srv_start(state, kb);
}

static int
srv_teardown(void **state)
{
	struct srv *s = *state;
	char cmd[128];

	pli_web_stop(s->web);
	pl_kb_free(s->kb);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
	free(s);
	return 0;
}

/* Sends raw request bytes and reads the whole answer (the request says close). */
static char *
http_raw(uint16_t port, const char *req, size_t req_len)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct timeval tv = {.tv_sec = 10};
	struct pl_buf b;
	char chunk[4096];
	ssize_t got;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(write(fd, req, req_len), (ssize_t)req_len);
	pli_buf_init(&b);
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		pli_buf_append(&b, chunk, (size_t)got);
	close(fd);
	pli_buf_putc(&b, '\0');
	return pli_buf_steal(&b);
}

static char *
http(const struct srv *s, const char *method, const char *path, const char *headers,
     const char *body)
{
	struct pl_buf r;
	char *out;

	pli_buf_init(&r);
	pli_buf_printf(&r, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n%s",
	               method, path, s->port, headers ? headers : "");
	if (body)
		pli_buf_printf(&r,
		               "Content-Type: application/x-www-form-urlencoded\r\n"
		               "Content-Length: %zu\r\n\r\n%s",
		               strlen(body), body);
	else
		pli_buf_puts(&r, "\r\n");
	out = http_raw(s->port, r.data, r.len);
	pli_buf_cleanup(&r);
	return out;
}

static int
status_of(const char *resp)
{
	int st = 0;

	if (sscanf(resp, "HTTP/1.1 %d", &st) != 1)
		return -1;
	return st;
}

static const char *
body_of(const char *resp)
{
	const char *p = strstr(resp, "\r\n\r\n");

	return p ? p + 4 : "";
}

/* Copies the value of the first header named name (case-insensitive) into out. */
static int
header_of(const char *resp, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);

	for (const char *p = resp; (p = strstr(p, "\r\n")) != NULL; p += 2) {
		if (p[2] == '\r')
			return 0;
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
			const char *v = p + 3 + n, *e = strstr(v, "\r\n");

			while (*v == ' ')
				v++;
			snprintf(out, size, "%.*s", (int)(e - v), v);
			return 1;
		}
	}
	return 0;
}

static void
test_port_page(void **state)
{
	struct srv *s = *state;
	char *r = http(s, "GET", "/port/2323", NULL, NULL);
	char h[512];
	static const char *const sections[] = {"id=\"registry\"", "id=\"range\"",   "id=\"uses\"",
	                                       "id=\"security\"", "id=\"check\"",   "id=\"faq\"",
	                                       "id=\"live\"",     "id=\"helpful\"", "3d-nfsd",
	                                       "CSV line",        "name=\"csrf\"",  "dir=\"ltr\""};

	assert_int_equal(status_of(r), 200);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!strstr(body_of(r), sections[i]))
			fail_msg("port page lacks %s", sections[i]);
	assert_true(header_of(r, "Content-Security-Policy", h, sizeof(h)));
	assert_non_null(strstr(h, "default-src 'none'"));
	assert_null(strstr(h, "unsafe-inline"));
	assert_true(header_of(r, "X-Content-Type-Options", h, sizeof(h)));
	assert_true(header_of(r, "Set-Cookie", h, sizeof(h)));
	assert_non_null(strstr(h, "HttpOnly"));
	assert_non_null(strstr(h, "SameSite=Strict"));
	assert_null(strstr(body_of(r), "<script>")); /* only <script src=...> */
	free(r);

	r = http(s, "GET", "/port/2323?lang=ar", NULL, NULL);
	assert_non_null(strstr(r, "dir=\"rtl\""));
	assert_non_null(strstr(r, "lang=\"ar\""));
	assert_true(header_of(r, "Content-Language", h, sizeof(h)));
	assert_string_equal(h, "ar");
	free(r);
	r = http(s, "GET", "/port/23", "Accept-Language: ko-KR,ko;q=0.9\r\n", NULL);
	assert_non_null(strstr(r, "lang=\"ko\""));
	assert_non_null(strstr(r, "이 페이지가 도움이 되었나요?"));
	free(r);
	r = http(s, "GET", "/port/65536", NULL, NULL);
	assert_int_equal(status_of(r), 404);
	free(r);
	r = http(s, "GET", "/port/23x", NULL, NULL);
	assert_int_equal(status_of(r), 404);
	free(r);
	r = http(s, "GET", "/static/app.css", NULL, NULL);
	assert_int_equal(status_of(r), 200);
	assert_true(header_of(r, "ETag", h, sizeof(h)));
	free(r);
}

static void
test_api_matches_library(void **state)
{
	struct srv *s = *state;
	struct pl_page_opts opts = {.read_proc = 1};
	struct pl_page *page = NULL;
	char *json = NULL, *r;
	size_t n;

	/* The library's bytes for the page without live data; the API adds the "live"
	 * member (sockets change between two readings) as the last key, like the CLI. */
	assert_int_equal(pl_page_build(2323, &opts, &page, NULL), PL_OK);
	assert_int_equal(pl_page_json(page, 1, &json), PL_OK);
	n = strlen(json);
	assert_string_equal(json + n - 2, "\n}");
	r = http(s, "GET", "/api/port/2323", NULL, NULL);
	assert_int_equal(status_of(r), 200);
	assert_int_equal(strncmp(body_of(r), json, n - 2), 0);
	assert_int_equal(strncmp(body_of(r) + n - 2, ",\n  \"live\": {", 13), 0);
	assert_string_equal(body_of(r) + strlen(body_of(r)) - 3, "\n}\n");
	free(json);
	pl_page_free(page);
	free(r);
	r = http(s, "GET", "/api/search?q=telnet", NULL, NULL);
	assert_int_equal(status_of(r), 200);
	assert_non_null(strstr(body_of(r), "\"service\": \"telnet\""));
	free(r);
	r = http(s, "GET", "/api/scans", NULL, NULL);
	assert_non_null(strstr(body_of(r), "\"scans\": []"));
	free(r);
	r = http(s, "GET", "/api/scans/77", NULL, NULL);
	assert_int_equal(status_of(r), 404);
	assert_non_null(strstr(body_of(r), "\"error\""));
	free(r);
}

static void
test_vote_flow(void **state)
{
	struct srv *s = *state;
	char cookie[128], hdr[512], body[128], tok[64];
	char *r = http(s, "GET", "/port/2323", NULL, NULL);
	const char *p;

	assert_true(header_of(r, "Set-Cookie", cookie, sizeof(cookie)));
	*strchr(cookie, ';') = '\0';
	p = strstr(r, "name=\"csrf\" value=\"");
	assert_non_null(p);
	snprintf(tok, sizeof(tok), "%.32s", p + 19);
	free(r);

	snprintf(hdr, sizeof(hdr), "Cookie: %s\r\n", cookie);
	snprintf(body, sizeof(body), "csrf=%s&choice=yes", tok);
	/* No cookie, bad token, foreign origin, cross-site fetch: all refused. */
	r = http(s, "POST", "/port/2323/vote", NULL, body);
	assert_int_equal(status_of(r), 403);
	free(r);
	r = http(s, "POST", "/port/2323/vote", hdr,
	         "csrf=00000000000000000000000000000000&choice=yes");
	assert_int_equal(status_of(r), 403);
	free(r);
	snprintf(hdr, sizeof(hdr), "Cookie: %s\r\nOrigin: http://evil.example\r\n", cookie);
	r = http(s, "POST", "/port/2323/vote", hdr, body);
	assert_int_equal(status_of(r), 403);
	free(r);
	snprintf(hdr, sizeof(hdr), "Cookie: %s\r\nSec-Fetch-Site: cross-site\r\n", cookie);
	r = http(s, "POST", "/port/2323/vote", hdr, body);
	assert_int_equal(status_of(r), 403);
	free(r);
	snprintf(hdr, sizeof(hdr), "Cookie: %s\r\n", cookie);
	r = http(s, "POST", "/port/2323/vote", hdr, "csrf=x&choice=maybe");
	assert_int_equal(status_of(r), 403);
	free(r);

	/* The real thing: 303 back to the page, which counts it. */
	snprintf(hdr, sizeof(hdr), "Cookie: %s\r\nOrigin: http://127.0.0.1:%u\r\n", cookie,
	         s->port);
	r = http(s, "POST", "/port/2323/vote", hdr, body);
	assert_int_equal(status_of(r), 303);
	free(r);
	snprintf(body, sizeof(body), "csrf=%s&choice=no", tok);
	r = http(s, "POST", "/port/2323/vote", hdr, body); /* changes the vote, still one */
	assert_int_equal(status_of(r), 303);
	free(r);
	r = http(s, "GET", "/port/2323", NULL, NULL);
	assert_non_null(strstr(r, "data-yes=\"0\" data-partly=\"0\" data-no=\"1\""));
	free(r);
	/* The JSON answer for scripts. */
	snprintf(hdr, sizeof(hdr), "Cookie: %s\r\nAccept: application/json\r\n", cookie);
	snprintf(body, sizeof(body), "csrf=%s&choice=partly", tok);
	r = http(s, "POST", "/port/2323/vote", hdr, body);
	assert_int_equal(status_of(r), 200);
	assert_non_null(strstr(r, "\"schema\": \"portlens.vote/1\""));
	assert_non_null(strstr(r, "\"partly\": 1"));
	free(r);
	snprintf(hdr, sizeof(hdr), "Cookie: %s\r\nOrigin: http://127.0.0.1:%u\r\n", cookie,
	         s->port);
	/* Burst of 5 (srv_setup): two more pass, then 429. */
	for (int i = 0; i < 2; i++) {
		r = http(s, "POST", "/port/2323/vote", hdr, body);
		assert_int_equal(status_of(r), 303);
		free(r);
	}
	r = http(s, "POST", "/port/2323/vote", hdr, body);
	assert_int_equal(status_of(r), 429);
	assert_true(header_of(r, "Retry-After", body, sizeof(body)));
	free(r);
}

static void
test_hostile_basics(void **state)
{
	struct srv *s = *state;
	char *r, *big;
	size_t n = 100000;

	static const char rebind[] =
	    "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n";

	r = http_raw(s->port, rebind, strlen(rebind));
	assert_int_equal(status_of(r), 403); /* DNS rebinding defence */
	free(r);
	r = http(s, "GET", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%FF", NULL, NULL);
	assert_int_equal(status_of(r), 200);
	assert_null(strstr(r, "<script>alert"));
	assert_non_null(strstr(r, "&lt;script&gt;alert(1)&lt;/script&gt;\xEF\xBF\xBD"));
	free(r);
	r = http(s, "GET", "/search?q=2323", NULL, NULL);
	assert_int_equal(status_of(r), 303);
	free(r);
	big = malloc(n + 64);
	snprintf(big, n + 64, "GET /search?q=");
	memset(big + 14, 'a', n);
	snprintf(big + 14 + n, 50, " HTTP/1.1\r\nHost: x\r\n\r\n");
	r = http_raw(s->port, big, strlen(big));
	assert_true(status_of(r) == 414 || status_of(r) == 431 || status_of(r) == -1);
	free(r);
	free(big);
	r = http(s, "DELETE", "/port/22", NULL, NULL);
	assert_int_equal(status_of(r), 405);
	free(r);
	r = http(s, "GET", "/", NULL, NULL); /* still answering */
	assert_int_equal(status_of(r), 200);
	free(r);
}

/* A server with an access token (as --allow-remote runs it), here on loopback. */
static void
test_access_token(void **state)
{
	struct srv s = {0};
	struct pl_web_config cfg = {.token = "tok-123-456789abcdef", .live = 0};
	struct sockaddr_in *a = (struct sockaddr_in *)(void *)&cfg.addr;
	char h[256], *r;

	(void)state;
	snprintf(s.dir, sizeof(s.dir), "/tmp/pl-web-XXXXXX");
	assert_non_null(mkdtemp(s.dir));
	snprintf(s.db, sizeof(s.db), "%s/web.db", s.dir);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cfg.db_path = s.db;
	assert_int_equal(pli_web_start(&cfg, &s.web, NULL), PL_OK);
	s.port = pli_web_port(s.web);
	r = http(&s, "GET", "/port/22", NULL, NULL);
	assert_int_equal(status_of(r), 401);
	free(r);
	r = http(&s, "GET", "/api/port/22", "Authorization: Bearer wrong\r\n", NULL);
	assert_int_equal(status_of(r), 401);
	free(r);
	r = http(&s, "GET", "/api/port/22", "Authorization: Bearer tok-123-456789abcdef\r\n", NULL);
	assert_int_equal(status_of(r), 200);
	free(r);
	/* ?token= once: a cookie, and a redirect that drops the token from the URL. */
	r = http(&s, "GET", "/port/22?token=tok-123-456789abcdef", NULL, NULL);
	assert_int_equal(status_of(r), 303);
	assert_true(header_of(r, "Location", h, sizeof(h)));
	assert_string_equal(h, "/port/22");
	assert_non_null(strstr(r, "plt=tok-123-456789abcdef; Path=/; HttpOnly; SameSite=Strict"));
	free(r);
	r = http(&s, "GET", "/port/22", "Cookie: plt=tok-123-456789abcdef\r\n", NULL);
	assert_int_equal(status_of(r), 200);
	assert_non_null(strstr(r, "Live data is turned off"));
	free(r);
	pli_web_stop(s.web);
	snprintf(h, sizeof(h), "rm -rf '%s'", s.dir);
	assert_int_equal(system(h), 0);
}

static void
test_remote_needs_token(void **state)
{
	struct pl_web_config cfg = {.db_path = "/nonexistent/never-opened.db"};
	struct sockaddr_in *a = (struct sockaddr_in *)(void *)&cfg.addr;
	struct pl_web *web = NULL;
	struct pl_err err = {0};

	(void)state;
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_ANY);
	assert_int_equal(pli_web_start(&cfg, &web, &err), PL_ERR_ARG);
	cfg.allow_remote = 1;
	assert_int_equal(pli_web_start(&cfg, &web, &err), PL_ERR_ARG); /* still no token */
	/* Empty and short tokens are refused, with the minimum named. */
	cfg.token = "";
	assert_int_equal(pli_web_start(&cfg, &web, &err), PL_ERR_ARG);
	assert_non_null(strstr(err.msg, "at least 16"));
	cfg.token = "a";
	assert_int_equal(pli_web_start(&cfg, &web, &err), PL_ERR_ARG);
	cfg.token = "0123456789abcde"; /* 15 */
	assert_int_equal(pli_web_start(&cfg, &web, &err), PL_ERR_ARG);
	assert_null(web);
}

/* Issue 15, item 4: what the port page and the home page must (not) show. */
static void
test_page_order_and_markup(void **state)
{
	struct srv *s = *state;
	char *r = http(s, "GET", "/port/2323", NULL, NULL);
	const char *b = body_of(r), *live, *uses, *faq, *faq_end;
	static const char *const critical[] = {"/port/445\"", "/port/2323\"", "/port/3389\"",
	                                       "/port/11211\"", "/port/27017\""};

	assert_int_equal(status_of(r), 200);
	/* No internal knowledge-file names reach the page. */
	assert_null(strstr(b, ".kb"));
	/* "On this machine, now" comes before the background sections, not last. */
	live = strstr(b, "<section id=\"live\"");
	uses = strstr(b, "<section id=\"uses\"");
	assert_non_null(live);
	assert_non_null(uses);
	assert_true(live < uses);
	/* FAQ answers: Markdown code spans become <code>, no backtick is left. */
	faq = strstr(b, "<section id=\"faq\"");
	assert_non_null(faq);
	faq_end = strstr(faq, "</section>");
	assert_non_null(faq_end);
	assert_true(memchr(faq, '`', (size_t)(faq_end - faq)) == NULL);
	assert_non_null(strstr(faq, "<bdi dir=\"ltr\"><code>portlens listen --port 2323</code>"));
	free(r);
	/* Port 0: no commands that look for a listener on it. */
	r = http(s, "GET", "/port/0", NULL, NULL);
	assert_int_equal(status_of(r), 200);
	assert_null(strstr(body_of(r), "<section id=\"check\""));
	assert_null(strstr(body_of(r), ":0'"));
	free(r);
	/* The home page's riskiest ports include every port its own page rates critical. */
	r = http(s, "GET", "/", NULL, NULL);
	assert_int_equal(status_of(r), 200);
	for (size_t i = 0; i < sizeof(critical) / sizeof(critical[0]); i++)
		if (!strstr(strstr(body_of(r), "id=\"riskiest\""), critical[i]))
			fail_msg("home page riskiest list lacks %s", critical[i]);
	free(r);
}

/* Issue 15, item 5: the port page's own words and its facts in the reader's language. */
static void
test_page_languages(void **state)
{
	struct srv *s = *state;
	char *r = http(s, "GET", "/port/2323?lang=ko", NULL, NULL);
	const char *b = body_of(r);

	assert_int_equal(status_of(r), 200);
	assert_non_null(strstr(b, "포트 2323은(는) 위험한가요?"));       /* FAQ */
	assert_non_null(strstr(b, "Mirai는 Telnet 스캔 탐침 열 개 중")); /* fact title */
	assert_non_null(strstr(b, "치명적"));                            /* severity */
	assert_non_null(strstr(b, "봇넷 표적"));                         /* kind */
	assert_non_null(strstr(b, "수신 대기 중인 것"));                 /* check label */
	assert_null(strstr(b, "untranslated"));
	free(r);
	/* Arabic: commands are code isolated left-to-right inside the right-to-left text. */
	r = http(s, "GET", "/port/2323?lang=ar", NULL, NULL);
	b = body_of(r);
	assert_non_null(strstr(b, "هل المنفذ 2323 خطير؟"));
	assert_non_null(strstr(b, "<bdi dir=\"ltr\"><code>sudo ufw deny 2323/tcp</code></bdi>"));
	free(r);
	/* A fact without a translation: test_untranslated_and_isolated, on its own facts. */
}

/* With the server's own knowledge base: a fact without a translation is shown in
 * English, tagged lang="en" and marked; an Arabic text keeps its port range and option
 * left-to-right (isolated), and so does its title in the heading, the FAQ answer and the
 * search results, while the English page shows them as written. */
static void
test_untranslated_and_isolated(void **state)
{
	struct srv *s = *state;
	char *r = http(s, "GET", "/port/40999?lang=tr", NULL, NULL);
	const char *b = body_of(r);

	assert_int_equal(status_of(r), 200);
	assert_non_null(strstr(b, "A fact written only in English"));
	assert_non_null(strstr(b, "lang=\"en\""));
	assert_non_null(strstr(b, "class=\"untranslated\""));
	free(r);
	r = http(s, "GET", "/port/40998?lang=ar", NULL, NULL);
	b = body_of(r);
	assert_int_equal(status_of(r), 200);
	assert_non_null(strstr(b, "\xe2\x81\xa6"
	                          "11740-11743"
	                          "\xe2\x81\xa9"));
	assert_non_null(strstr(b, "\xe2\x81\xa6--tlsverify\xe2\x81\xa9."));
	/* The title, isolated in its heading and again where the FAQ answer lists it. */
	{
		int seen = 0;

		for (const char *q = b; (q = strstr(q, "\xe2\x81\xa6TLS-ONLY\xe2\x81\xa9")) != NULL;
		     q++)
			seen++;
		assert_true(seen >= 2);
	}
	free(r);
	r = http(s, "GET", "/search?q=TLS-ONLY&lang=ar", NULL, NULL);
	assert_non_null(strstr(body_of(r), "\xe2\x81\xa6TLS-ONLY\xe2\x81\xa9"));
	free(r);
	r = http(s, "GET", "/port/40998?lang=en", NULL, NULL);
	b = body_of(r);
	assert_non_null(strstr(b, "Ports 11740-11743 need --tlsverify."));
	assert_null(strstr(b, "\xe2\x81\xa6--tlsverify"));
	free(r);
}

/* A page whose buffer ran out of memory part way (injected with the buffer's limit) is
 * answered 500 with a short message: none of the page, no CSRF splice, not cached. A
 * complete page is left alone. */
static void
test_failed_body_is_500(void **state)
{
	struct web_resp rs = {.status = 200, .token_off = 5, .ctype = "text/html"};

	(void)state;
	pli_buf_init(&rs.body);
	rs.cache_key = strdup("/port/22");
	assert_non_null(rs.cache_key);
	pli_buf_puts(&rs.body, "<p>ok</p>");
	web_resp_settle(&rs);
	assert_int_equal(rs.status, 200);
	assert_string_equal(pli_buf_str(&rs.body), "<p>ok</p>");
	assert_non_null(rs.cache_key);
	pli_buf_set_limit(&rs.body, 32);
	html_esc(&rs.body, "<b>a long title that does not fit in the buffer's limit</b>");
	assert_true(pli_buf_failed(&rs.body));
	web_resp_settle(&rs);
	assert_int_equal(rs.status, 500);
	assert_false(pli_buf_failed(&rs.body));
	assert_string_equal(pli_buf_str(&rs.body), "out of memory\n");
	assert_string_equal(rs.ctype, "text/plain; charset=utf-8");
	assert_null(rs.cache_key);
	assert_true(rs.token_off == WEB_NO_TOKEN);
	pli_buf_cleanup(&rs.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tables_complete),
	    cmocka_unit_test(test_accept_language),
	    cmocka_unit_test(test_form),
	    cmocka_unit_test(test_escape_and_templates),
	    cmocka_unit_test(test_guard),
	    cmocka_unit_test(test_default_port_unassigned),
	    cmocka_unit_test(test_remote_needs_token),
	    cmocka_unit_test(test_access_token),
	    cmocka_unit_test(test_failed_body_is_500),
	    cmocka_unit_test_setup_teardown(test_port_page, srv_setup, srv_teardown),
	    cmocka_unit_test_setup_teardown(test_page_order_and_markup, srv_setup, srv_teardown),
	    cmocka_unit_test_setup_teardown(test_page_languages, srv_setup, srv_teardown),
	    cmocka_unit_test_setup_teardown(test_untranslated_and_isolated, srv_setup_own_kb,
	                                    srv_teardown),
	    cmocka_unit_test_setup_teardown(test_api_matches_library, srv_setup, srv_teardown),
	    cmocka_unit_test_setup_teardown(test_vote_flow, srv_setup, srv_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_basics, srv_setup, srv_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
