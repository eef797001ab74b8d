// SPDX-License-Identifier: MIT
/*
 * html.c - the HTML vocabulary of the web front end: escaping (every value that reaches
 * a page passes through html_escn), interface-string templates with escaped arguments,
 * source links, and the frame every page shares (head with the embedded stylesheet and
 * script, navigation, search box, language links, footer).
 *
 * Escaping covers the five characters that matter in text and in double-quoted
 * attributes (& < > " '), replaces bytes that are not valid UTF-8 with U+FFFD so a
 * hostile query string cannot produce an ill-formed document, and shows control
 * characters (ESC, BEL ... from banners, process names, stored scans) as visible
 * symbols instead of passing them on.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/markup.h"
#include "core/utf8.h"
#include "web/web_impl.h"

/* A control byte at s (n bytes left), other than tab, CR and LF: C0, DEL, or a C1 control
 * (U+0080-U+009F, two bytes in UTF-8). Returns its length in bytes, or 0. */
static size_t
control_at(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];

	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\0') || c == 0x7f)
		return 1;
	if (c == 0xC2 && n > 1 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9F)
		return 2;
	return 0;
}

/* Shows a control visibly: C0 and DEL as their Control Pictures (ESC is U+241B "␛"),
 * C1 as U+FFFD. Never the byte itself: a page copied into a terminal must not carry an
 * escape sequence from a banner or a process name. */
static void
put_control(struct pl_buf *b, const char *s, size_t len)
{
	unsigned char c = (unsigned char)s[0];
	char pic[4] = {(char)0xE2, (char)0x90, 0, 0};

	if (len == 2) {
		pli_buf_puts(b, "\xEF\xBF\xBD");
		return;
	}
	pic[2] = (char)(c == 0x7f ? 0xA1 : 0x80 + c);
	pli_buf_puts(b, pic);
}

void
html_escn(struct pl_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = i, bad, ctl = 0;

		while (run < n && s[run] != '&' && s[run] != '<' && s[run] != '>' &&
		       s[run] != '"' && s[run] != '\'' && s[run] != '\0' &&
		       !(ctl = control_at(s + run, n - run)))
			run++;
		/* Copy the run, replacing invalid UTF-8 sequences. */
		while (i < run) {
			bad = i + pli_utf8_invalid_at(s + i, run - i);
			pli_buf_append(b, s + i, bad - i);
			i = bad;
			if (i < run) {
				pli_buf_puts(b, "\xEF\xBF\xBD");
				i++;
			}
		}
		if (i >= n)
			break;
		if (ctl) {
			put_control(b, s + i, ctl);
			i += ctl;
			continue;
		}
		/* A markup character, or a NUL that ended the run: never let it through. */
		pli_buf_puts(b, pli_markup_entity(s[i]) ? pli_markup_entity(s[i]) : "\xEF\xBF\xBD");
		i++;
	}
}

void
html_esc(struct pl_buf *b, const char *s)
{
	if (s)
		html_escn(b, s, strlen(s));
}

void
web_tmpl(struct pl_buf *b, const char *tmpl, const char *const *args, size_t n)
{
	const char *p = tmpl;

	while (*p) {
		const char *open = strchr(p, '{');

		if (!open || open[1] < '1' || open[1] > '9' || open[2] != '}') {
			size_t upto = open ? (size_t)(open - p) + 1 : strlen(p);

			html_escn(b, p, upto);
			p += upto;
			continue;
		}
		html_escn(b, p, (size_t)(open - p));
		if ((size_t)(open[1] - '1') < n)
			html_esc(b, args[open[1] - '1']);
		p = open + 3;
	}
}

void
web_shown_input(char *out, size_t size, const char *s, size_t n)
{
	size_t keep = n < WEB_SHOWN_MAX ? n : WEB_SHOWN_MAX, len;

	if (!size)
		return;
	keep = pli_utf8_invalid_at(s, keep);
	if (keep > size - 1)
		keep = size - 1;
	for (len = 0; len < keep; len++)
		out[len] = (unsigned char)s[len] < 0x20 || s[len] == 0x7f ? '?' : s[len];
	out[len] = '\0';
	if (keep < n && len + sizeof("…") <= size)
		memcpy(out + len, "…", sizeof("…"));
}

void
web_trf(struct pl_buf *b, const struct web_req *rq, enum web_str id, const char *a1, const char *a2,
        const char *a3, const char *a4)
{
	const char *args[4] = {a1, a2, a3, a4};

	web_tmpl(b, web_tr(rq->lang, id), args, 4);
}

void
web_trs(struct pl_buf *b, const struct web_req *rq, enum web_str id)
{
	html_esc(b, web_tr(rq->lang, id));
}

void
web_urlenc(struct pl_buf *b, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			pli_buf_putc(b, (char)c);
		} else {
			pli_buf_putc(b, '%');
			pli_buf_putc(b, hexd[c >> 4]);
			pli_buf_putc(b, hexd[c & 15]);
		}
	}
}

void
web_time(char *buf, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, size, "—");
}

void
html_source(struct pl_buf *b, const char *src)
{
	if (strncmp(src, "https://", 8) == 0 || strncmp(src, "http://", 7) == 0) {
		pli_buf_puts(b, "<a rel=\"noopener noreferrer\" href=\"");
		html_esc(b, src);
		pli_buf_puts(b, "\">");
		html_esc(b, src);
		pli_buf_puts(b, "</a>");
	} else if (strncmp(src, "rfc:", 4) == 0) {
		pli_buf_puts(
		    b, "<a rel=\"noopener noreferrer\" href=\"https://www.rfc-editor.org/rfc/rfc");
		web_urlenc(b, src + 4);
		pli_buf_puts(b, "\">RFC ");
		html_esc(b, src + 4);
		pli_buf_puts(b, "</a>");
	} else if (strncmp(src, "cve:", 4) == 0) {
		pli_buf_puts(
		    b, "<a rel=\"noopener noreferrer\" href=\"https://www.cve.org/CVERecord?id=");
		web_urlenc(b, src + 4);
		pli_buf_puts(b, "\">");
		html_esc(b, src + 4);
		pli_buf_puts(b, "</a>");
	} else {
		html_esc(b, src);
	}
}

static void
nav_link(struct pl_buf *b, const struct web_req *rq, const char *href, enum web_str label)
{
	int here = strcmp(rq->url, href) == 0 ||
	           (strcmp(href, "/") != 0 && strncmp(rq->url, href, strlen(href)) == 0);

	pli_buf_printf(b, "<a href=\"%s\"%s>", href, here ? " aria-current=\"page\"" : "");
	web_trs(b, rq, label);
	pli_buf_puts(b, "</a>");
}

static void
lang_links(struct pl_buf *b, const struct web_req *rq)
{
	const char *q = web_arg(rq, "q");

	pli_buf_puts(b, "<div class=\"langs\" id=\"langs\"><span>");
	web_trs(b, rq, S_LANGUAGE);
	pli_buf_puts(b, ":</span>");
	for (size_t i = 0; i < web_langs_count; i++) {
		const struct web_lang *l = &web_langs[i];

		pli_buf_puts(b, "<a href=\"");
		html_esc(b, rq->url);
		pli_buf_printf(b, "?lang=%s", l->code);
		if (q) {
			pli_buf_puts(b, "&amp;q=");
			web_urlenc(b, q);
		}
		pli_buf_printf(b, "\" lang=\"%s\" hreflang=\"%s\" data-lang=\"%s\"%s>", l->code,
		               l->code, l->code, l == rq->lang ? " aria-current=\"true\"" : "");
		html_esc(b, l->name);
		pli_buf_puts(b, "</a>");
	}
	pli_buf_puts(b, "</div>");
}

/* Every page says when the store is read-only or missing, so nobody votes into a void
 * or reads "no saved scans" off a file that could not be read. */
static void
db_notice(struct pl_buf *b, const struct web_req *rq, const struct pl_web *web)
{
	if (web->db_state == PL_WEB_DB_OK)
		return;
	pli_buf_printf(b, "<p class=\"notice\" id=\"db-notice\" data-db=\"%s\" role=\"status\">",
	               web->db_state == PL_WEB_DB_READONLY ? "read-only" : "unavailable");
	web_trs(b, rq, web->db_state == PL_WEB_DB_READONLY ? S_DB_READONLY : S_DB_UNAVAILABLE);
	/* The reason is the library's error message (technical, English), kept as
	 * written so it can be searched for; it reads left-to-right in any page. */
	pli_buf_puts(b, " <span class=\"meta\" dir=\"ltr\" lang=\"en\">");
	html_esc(b, web->db_why);
	pli_buf_puts(b, "</span></p>\n");
}

/* ?lang= named a language portlens has no text for: say so, and which it has, rather than
 * answer in another language without a word (the language links in the header are the
 * way out). */
static void
lang_notice(struct pl_buf *b, const struct web_req *rq)
{
	char asked[WEB_SHOWN_MAX + 8], codes[64] = "";
	size_t used = 0;

	if (!rq->lang_unknown)
		return;
	web_shown_input(asked, sizeof(asked), rq->lang_unknown, strlen(rq->lang_unknown));
	for (size_t i = 0; i < web_langs_count && used < sizeof(codes); i++)
		used += (size_t)snprintf(codes + used, sizeof(codes) - used, "%s%s", i ? ", " : "",
		                         web_langs[i].code);
	pli_buf_puts(b, "<p class=\"notice\" id=\"lang-notice\" role=\"status\">");
	web_trf(b, rq, S_LANG_UNKNOWN, asked, rq->lang->name, codes, NULL);
	pli_buf_puts(b, "</p>\n");
}

void
html_begin(struct web_req *rq, struct web_resp *rs, const char *title)
{
	struct pl_buf *b = &rs->body;
	const char *q = web_arg(rq, "q");

	rs->ctype = "text/html; charset=utf-8";
	pli_buf_printf(b,
	               "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
	               "<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>",
	               rq->lang->code, rq->lang->rtl ? "rtl" : "ltr");
	html_esc(b, title);
	pli_buf_puts(b, " · portlens</title>\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
	                "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
	                "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n"
	                "<header class=\"site\"><a class=\"brand\" href=\"/\">portlens</a><nav>");
	nav_link(b, rq, "/", S_NAV_HOME);
	nav_link(b, rq, "/listen", S_NAV_LISTEN);
	nav_link(b, rq, "/scans", S_NAV_SCANS);
	nav_link(b, rq, "/hosts", S_NAV_HOSTS);
	pli_buf_puts(b, "</nav><form role=\"search\" action=\"/search\" method=\"get\">"
	                "<input type=\"search\" name=\"q\" aria-label=\"");
	web_search_field(b, rq, q && strncmp(rq->url, "/search", 7) == 0 ? q : "", "");
	lang_links(b, rq);
	pli_buf_puts(b, "</header>\n<main>\n");
	lang_notice(b, rq);
	db_notice(b, rq, rq->web);
}

void
html_end(struct web_req *rq, struct web_resp *rs)
{
	struct pl_buf *b = &rs->body;

	pli_buf_puts(b, "</main>\n<footer class=\"site\"><p>");
	web_trs(b, rq, S_FOOTER);
	pli_buf_printf(b, "</p><p>portlens %s · <a href=\"/api\">", PL_VERSION);
	web_trs(b, rq, S_NAV_API);
	pli_buf_puts(b, "</a></p></footer>\n</body>\n</html>\n");
}

void
web_search_field(struct pl_buf *b, const struct web_req *rq, const char *value, const char *attrs)
{
	web_trs(b, rq, S_SEARCH_LABEL);
	pli_buf_puts(b, "\" placeholder=\"");
	web_trs(b, rq, S_SEARCH_PLACEHOLDER);
	if (value) {
		pli_buf_puts(b, "\" value=\"");
		html_esc(b, value);
	}
	pli_buf_printf(b, "\"%s><button type=\"submit\">", attrs);
	web_trs(b, rq, S_SEARCH_BUTTON);
	pli_buf_puts(b, "</button></form>");
}

void
web_table_head(struct pl_buf *b, const struct web_req *rq, const char *id, const enum web_str *cols,
               size_t n)
{
	if (id)
		pli_buf_printf(b, "<table id=\"%s\"><thead><tr>", id);
	else
		pli_buf_puts(b, "<table><thead><tr>");
	for (size_t i = 0; i < n; i++) {
		pli_buf_puts(b, "<th>");
		web_trs(b, rq, cols[i]);
		pli_buf_puts(b, "</th>");
	}
	pli_buf_puts(b, "</tr></thead><tbody>");
}

void
web_kv(struct pl_buf *b, const struct web_req *rq, enum web_str label, const char *dd_attrs,
       const char *value)
{
	pli_buf_puts(b, "<dt>");
	web_trs(b, rq, label);
	pli_buf_printf(b, "</dt><dd%s>", dd_attrs);
	html_esc(b, value);
	pli_buf_puts(b, "</dd>");
}
