// SPDX-License-Identifier: MIT
/*
 * site.c - `portlens site DIR` (see pli_web_site_export in web.h): the port pages as static
 * files. Each page is the server's port page (web_port_sections, the same page model)
 * inside a frame of its own: relative links only, so DIR can be served from any path;
 * <link rel=alternate hreflang> to the page in every other language; a search box that
 * filters the language's search-index.json in the browser. The index pages, sitemap,
 * search indexes and assets are written by site_files.c.
 *
 * A request structure stands in for the server's (only its language and configuration
 * are read by the section renderers), so nothing here opens a socket or a database.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "web/site_impl.h"

enum pl_rc
site_mkdir(const char *path, struct pl_err *err)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return PL_OK;
	return site_sys_err(err, errno, "cannot create directory", path);
}

enum pl_rc
site_write(struct site *s, const char *path, const struct pl_buf *b)
{
	FILE *fp;
	int saved;

	/* A page whose rendering ran out of memory is incomplete: never write it. */
	if (pli_buf_failed(b))
		return pl_err_set(s->err, PL_ERR_NOMEM, "out of memory rendering %s", path);
	fp = fopen(path, "w");
	if (!fp)
		return site_sys_err(s->err, errno, "cannot write", path);
	if (b->len && fwrite(b->data, 1, b->len, fp) != b->len) {
		saved = errno;
		fclose(fp);
		return site_sys_err(s->err, saved, "cannot write", path);
	}
	if (fclose(fp) != 0)
		return site_sys_err(s->err, errno, "cannot write", path);
	s->stats.files++;
	s->stats.bytes += b->len;
	return PL_OK;
}

/* The head and the header of a page: up is the way back to DIR ("../../" for a port page),
 * path the page's own path under a language ("port/22.html", "index.html"). */
void
site_frame_begin(struct site *s, struct pl_buf *b, const struct web_lang *l, const char *title,
                 const char *up, const char *path)
{
	struct web_req rq = {.web = &s->web, .lang = l, .url = "/"};

	pli_buf_printf(b,
	               "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
	               "<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<title>",
	               l->code, l->rtl ? "rtl" : "ltr");
	html_esc(b, title);
	pli_buf_printf(
	    b, " · portlens</title>\n<link rel=\"stylesheet\" href=\"%sassets/app.css\">\n", up);
	if (s->base[0]) {
		pli_buf_puts(b, "<link rel=\"canonical\" href=\"");
		html_esc(b, s->base);
		pli_buf_printf(b, "%s/%s\">\n", l->code, path);
	}
	for (size_t i = 0; i < web_langs_count; i++)
		pli_buf_printf(b, "<link rel=\"alternate\" hreflang=\"%s\" href=\"%s%s/%s\">\n",
		               web_langs[i].code, up, web_langs[i].code, path);
	pli_buf_printf(b,
	               "<link rel=\"alternate\" hreflang=\"x-default\" href=\"%sen/%s\">\n"
	               "<script src=\"%sassets/site.js\" defer></script>\n</head>\n<body>\n"
	               "<header class=\"site\"><a class=\"brand\" href=\"%s%s/index.html\">"
	               "portlens</a><form role=\"search\" id=\"site-search\" data-base=\"%s%s/\">"
	               "<input type=\"search\" name=\"q\" aria-label=\"",
	               up, path, up, up, l->code, up, l->code);
	web_search_field(b, &rq, NULL, "");
	pli_buf_puts(b, "<nav class=\"langs\">");
	for (size_t i = 0; i < web_langs_count; i++)
		pli_buf_printf(b, "<a href=\"%s%s/%s\" hreflang=\"%s\" lang=\"%s\"%s>%s</a> ", up,
		               web_langs[i].code, path, web_langs[i].code, web_langs[i].code,
		               &web_langs[i] == l ? " class=\"current\"" : "", web_langs[i].name);
	pli_buf_puts(b, "</nav></header>\n<main>\n<ul id=\"site-results\"></ul>\n");
}

void
site_frame_end(struct site *s, struct pl_buf *b, const struct web_lang *l)
{
	struct web_req rq = {.web = &s->web, .lang = l, .url = "/"};

	pli_buf_puts(b, "</main>\n<footer class=\"site\"><p>");
	web_trs(b, &rq, S_FOOTER);
	pli_buf_printf(b, "</p><p>portlens %s</p></footer>\n</body>\n</html>\n", PL_VERSION);
}

/* "Was this page helpful?": readers answer on the serve instance's page for the port (its
 * votes need that page's own form token, which a static page cannot carry). */
static void
feedback(struct site *s, struct pl_buf *b, const struct web_lang *l, uint16_t port)
{
	struct web_req rq = {.web = &s->web, .lang = l, .url = "/"};

	if (!s->feedback[0])
		return;
	pli_buf_puts(b, "<section id=\"helpful\" class=\"helpful\"><form method=\"get\" action=\"");
	html_esc(b, s->feedback);
	pli_buf_printf(b, "/port/%u\"><input type=\"hidden\" name=\"lang\" value=\"%s\">", port,
	               l->code);
	web_trs(b, &rq, S_HELPFUL_Q);
	pli_buf_puts(b, " <button type=\"submit\">");
	web_trs(b, &rq, S_VOTE_YES);
	pli_buf_puts(b, " / ");
	web_trs(b, &rq, S_VOTE_PARTLY);
	pli_buf_puts(b, " / ");
	web_trs(b, &rq, S_VOTE_NO);
	pli_buf_puts(b, "</button></form></section>\n");
}

enum pl_rc
site_port_page(struct site *s, const struct web_lang *l, uint16_t port)
{
	struct pl_page_opts po = {.reg = s->web.cfg.reg, .kb = s->web.cfg.kb};
	struct web_req rq = {.web = &s->web, .lang = l, .url = "/"};
	struct pl_page *page = NULL;
	struct pl_buf b;
	char path[64], file[4200], title[16];
	enum pl_rc rc;

	if (pl_lang_parse(l->code, &po.lang) != 0)
		po.lang = PL_LANG_EN;
	if (pl_page_build(port, &po, &page, s->err) != PL_OK)
		return PL_ERR_NOMEM;
	snprintf(path, sizeof(path), "port/%u.html", port);
	snprintf(title, sizeof(title), "%u", port);
	pli_buf_init(&b);
	site_frame_begin(s, &b, l, title, "../../", path);
	pli_buf_printf(&b, "<article class=\"port\" data-port=\"%u\">", port);
	web_port_sections(&b, &rq, page, 0);
	feedback(s, &b, l, port);
	pli_buf_puts(&b, "</article>\n");
	site_frame_end(s, &b, l);
	snprintf(file, sizeof(file), "%s/%s/%s", s->dir, l->code, path);
	rc = b.data ? site_write(s, file, &b) : PL_ERR_NOMEM;
	if (rc == PL_OK)
		s->stats.pages++;
	pli_buf_cleanup(&b);
	pl_page_free(page);
	return rc;
}
