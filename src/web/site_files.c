// SPDX-License-Identifier: MIT
/*
 * site_files.c - the static site's other files and its driver (see site.c, web.h): which
 * ports are exported (every port with an assigned registry record or a knowledge entry,
 * unless a list is given), DIR/LANG/index.html, DIR/LANG/search-index.json (port, service,
 * description and the riskiest fact's title in that language, read by assets/site.js),
 * DIR/sitemap.xml with xhtml:link hreflang alternates, DIR/index.html and DIR/assets/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/search.h"
#include "core/jsonw.h"
#include "web/assets.h"
#include "web/site_impl.h"

/* The in-browser search: loads the language's index on first use, lists up to 50 ports
 * whose number equals the query or whose service, description or title contain it. */
static const char site_js[] =
    "(function(){var f=document.getElementById('site-search');if(!f)return;\n"
    "var i=f.querySelector('input'),o=document.getElementById('site-results'),\n"
    "b=f.getAttribute('data-base'),d=null;\n"
    "function show(){var q=i.value.trim().toLowerCase(),n=0;o.textContent='';\n"
    "if(!q||!d)return;for(var k=0;k<d.length&&n<50;k++){var e=d[k];\n"
    "var h=(e.s+' '+e.d+' '+(e.t||'')).toLowerCase();\n"
    "if(String(e.p)!==q&&h.indexOf(q)<0)continue;\n"
    "var li=document.createElement('li'),a=document.createElement('a');\n"
    "a.href=b+'port/'+e.p+'.html';a.textContent=e.p+' '+e.s+(e.t?' \\u2014 '+e.t:'');\n"
    "li.appendChild(a);o.appendChild(li);n++;}}\n"
    "function load(){if(d){show();return;}fetch(b+'search-index.json')\n"
    ".then(function(r){return r.json();}).then(function(j){d=j;show();});}\n"
    "i.addEventListener('input',load);\n"
    "f.addEventListener('submit',function(ev){ev.preventDefault();load();});})();\n";

enum pl_rc
site_sys_err(struct pl_err *err, int e, const char *what, const char *path)
{
	pl_err_set(err, PL_ERR_SYS, "%s %s: %s", what, path, strerror(e));
	if (err)
		err->sys_errno = e;
	return PL_ERR_SYS;
}

/* A port is exported when the registry assigns it or the knowledge base says something
 * about it in particular (not as part of a wide range). */
static int
has_data(const struct site *s, uint16_t port)
{
	return pl_registry_record_for(s->web.cfg.reg, port, 0) != NULL ||
	       pl_kb_top_fact(s->web.cfg.kb, port, 1024) != NULL;
}

/* DIR/LANG/index.html (every exported port) and DIR/LANG/search-index.json. */
static enum pl_rc
lang_files(struct site *s, const struct web_lang *l, const uint16_t *ports, size_t n)
{
	struct pl_buf html, json;
	struct pl_jsonw w;
	enum pl_lang lang = PL_LANG_EN;
	char path[4200];
	enum pl_rc rc;

	pl_lang_parse(l->code, &lang);
	pli_buf_init(&html);
	pli_buf_init(&json);
	pli_jsonw_init(&w, &json, 0);
	pli_jsonw_array(&w);
	site_frame_begin(s, &html, l, "portlens", "../", "index.html");
	pli_buf_puts(&html, "<ul class=\"ports\">\n");
	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_record_for(s->web.cfg.reg, ports[i], 0);
		const struct pl_kb_entry *f = pl_kb_top_fact(s->web.cfg.kb, ports[i], 1024);
		const char *title = f ? pl_kb_title(f, lang, NULL) : NULL;

		pli_buf_printf(&html, "<li><a href=\"port/%u.html\">%u</a> ", ports[i], ports[i]);
		html_esc(&html, e ? e->service : "");
		if (title) {
			struct pl_buf iso;

			pli_buf_puts(&html, " — ");
			pli_buf_init(&iso);
			pl_page_isolate_ltr(&iso, title,
			                    l->rtl); /* the search index keeps it plain */
			html_esc(&html, pli_buf_str(&iso));
			pli_buf_cleanup(&iso);
		}
		pli_buf_puts(&html, "</li>\n");
		pli_jsonw_object(&w);
		pli_jsonw_kint(&w, "p", ports[i]);
		pli_jsonw_kstr(&w, "s", e ? e->service : "");
		pli_jsonw_kstr(&w, "d", e ? e->description : "");
		if (title)
			pli_jsonw_kstr(&w, "t", title);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_buf_puts(&html, "</ul>\n");
	site_frame_end(s, &html, l);
	snprintf(path, sizeof(path), "%s/%s/index.html", s->dir, l->code);
	rc = html.data ? site_write(s, path, &html) : PL_ERR_NOMEM;
	snprintf(path, sizeof(path), "%s/%s/search-index.json", s->dir, l->code);
	if (rc == PL_OK)
		rc = json.data ? site_write(s, path, &json) : PL_ERR_NOMEM;
	pli_buf_cleanup(&html);
	pli_buf_cleanup(&json);
	return rc;
}

static enum pl_rc
sitemap(struct site *s, const uint16_t *ports, size_t n)
{
	struct pl_buf b;
	char path[4200];
	enum pl_rc rc;

	pli_buf_init(&b);
	pli_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "
	                 "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
	                 "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < web_langs_count; k++) {
			pli_buf_puts(&b, "<url><loc>");
			html_esc(&b, s->base);
			pli_buf_printf(&b, "%s/port/%u.html</loc>", web_langs[k].code, ports[i]);
			for (size_t m = 0; m < web_langs_count; m++) {
				pli_buf_printf(
				    &b, "<xhtml:link rel=\"alternate\" hreflang=\"%s\" href=\"",
				    web_langs[m].code);
				html_esc(&b, s->base);
				pli_buf_printf(&b, "%s/port/%u.html\"/>", web_langs[m].code,
				               ports[i]);
			}
			pli_buf_puts(&b, "</url>\n");
		}
	pli_buf_puts(&b, "</urlset>\n");
	snprintf(path, sizeof(path), "%s/sitemap.xml", s->dir);
	rc = b.data ? site_write(s, path, &b) : PL_ERR_NOMEM;
	pli_buf_cleanup(&b);
	return rc;
}

static enum pl_rc
assets_and_root(struct site *s)
{
	struct pl_buf b;
	char path[4200];
	enum pl_rc rc = PL_OK;

	snprintf(path, sizeof(path), "%s/assets", s->dir);
	if (site_mkdir(path, s->err) != PL_OK)
		return PL_ERR_SYS;
	for (unsigned i = 0; i < web_assets_count && rc == PL_OK; i++) {
		struct pl_buf a = {0};

		pli_buf_init(&a);
		pli_buf_append(&a, web_assets[i].data, web_assets[i].len);
		snprintf(path, sizeof(path), "%s/assets/%s", s->dir, web_assets[i].name);
		rc = site_write(s, path, &a);
		pli_buf_cleanup(&a);
	}
	pli_buf_init(&b);
	pli_buf_append(&b, site_js, sizeof(site_js) - 1);
	snprintf(path, sizeof(path), "%s/assets/site.js", s->dir);
	if (rc == PL_OK)
		rc = site_write(s, path, &b);
	pli_buf_reset(&b);
	pli_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	                 "<title>portlens</title>\n</head>\n<body>\n<ul>\n");
	for (size_t i = 0; i < web_langs_count; i++)
		pli_buf_printf(
		    &b, "<li><a href=\"%s/index.html\" hreflang=\"%s\" lang=\"%s\">%s</a></li>\n",
		    web_langs[i].code, web_langs[i].code, web_langs[i].code, web_langs[i].name);
	pli_buf_puts(&b, "</ul>\n</body>\n</html>\n");
	snprintf(path, sizeof(path), "%s/index.html", s->dir);
	if (rc == PL_OK)
		rc = site_write(s, path, &b);
	pli_buf_cleanup(&b);
	return rc;
}

static int
url_ok(const char *u)
{
	return !u || !*u || strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

static enum pl_rc
site_init(struct site *s, const struct pl_site_opts *o, struct pl_err *err)
{
	size_t n;

	memset(s, 0, sizeof(*s));
	s->err = err;
	if (!o->dir || !*o->dir)
		return pl_err_set(err, PL_ERR_ARG, "site: no output directory");
	if (!url_ok(o->base_url) || !url_ok(o->feedback_url))
		return pl_err_set(err, PL_ERR_ARG,
		                  "site: URLs must start with http:// or https://");
	s->dir = o->dir;
	s->web.cfg.reg = o->reg ? o->reg : pl_registry_builtin();
	s->web.cfg.kb = o->kb ? o->kb : pl_kb_builtin();
	if (o->base_url && *o->base_url)
		snprintf(s->base, sizeof(s->base), "%s%s", o->base_url,
		         o->base_url[strlen(o->base_url) - 1] == '/' ? "" : "/");
	if (o->feedback_url && *o->feedback_url) {
		snprintf(s->feedback, sizeof(s->feedback), "%s", o->feedback_url);
		n = strlen(s->feedback);
		while (n && s->feedback[n - 1] == '/')
			s->feedback[--n] = '\0';
	}
	return PL_OK;
}

enum pl_rc
pli_web_site_export(const struct pl_site_opts *o, struct pl_site_stats *stats, struct pl_err *err)
{
	struct site s;
	uint16_t *all = NULL;
	const uint16_t *ports = o->ports;
	size_t n = o->n_ports;
	char path[4200];
	enum pl_rc rc = site_init(&s, o, err);

	if (rc != PL_OK)
		return rc;
	if (!ports) {
		all = malloc(65536 * sizeof(*all));
		if (!all)
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		n = 0;
		for (uint32_t p = 0; p <= 65535; p++)
			if (has_data(&s, (uint16_t)p))
				all[n++] = (uint16_t)p;
		ports = all;
	}
	s.stats.ports = n;
	rc = site_mkdir(o->dir, err);
	for (size_t k = 0; k < web_langs_count && rc == PL_OK; k++) {
		snprintf(path, sizeof(path), "%s/%s", o->dir, web_langs[k].code);
		rc = site_mkdir(path, err);
		snprintf(path, sizeof(path), "%s/%s/port", o->dir, web_langs[k].code);
		if (rc == PL_OK)
			rc = site_mkdir(path, err);
		for (size_t i = 0; i < n && rc == PL_OK; i++)
			rc = site_port_page(&s, &web_langs[k], ports[i]);
		if (rc == PL_OK)
			rc = lang_files(&s, &web_langs[k], ports, n);
	}
	if (rc == PL_OK)
		rc = sitemap(&s, ports, n);
	if (rc == PL_OK)
		rc = assets_and_root(&s);
	if (stats)
		*stats = s.stats;
	free(all);
	return rc;
}
