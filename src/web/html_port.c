// SPDX-License-Identifier: MIT
/*
 * html_port.c - the port page as HTML: a renderer of struct pl_page (the same model the
 * CLI's text and JSON come from), plus the live section and the feedback widget.
 *
 * Section ids are stable (#registry, #range, #uses, #security, #check, #faq, #live,
 * #helpful) so tests and links can address them. Every fact shows its sources; every
 * registry row names the registry file, date and CSV line it came from. Labels are
 * translated; registry and knowledge text are shown as published.
 *
 * The rendering is cached (cache.c) per port and language; the vote form's CSRF token is
 * left out of the cached bytes (rs->token_off marks its place).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/page.h"
#include "portlens/sockets.h"
#include "web/web_impl.h"

static void
kv(struct pl_buf *b, const struct web_req *rq, enum web_str label, const char *value)
{
	if (value && *value)
		web_kv(b, rq, label, " dir=\"auto\"", value);
}

static void
registry_row(struct pl_buf *b, const struct web_req *rq, const struct pl_page *p,
             const struct pl_reg_entry *e)
{
	char lo[8], hi[8], line[16];
	struct pl_buf origin;

	pli_buf_puts(b, "<dl class=\"kv\">");
	kv(b, rq, S_SERVICE, e->service);
	kv(b, rq, S_DESCRIPTION, e->description);
	kv(b, rq, S_STATUS, pl_page_status_label(p, e->status));
	kv(b, rq, S_ASSIGNEE, e->assignee);
	if (strcmp(e->contact, e->assignee) != 0)
		kv(b, rq, S_CONTACT, e->contact);
	kv(b, rq, S_REGISTERED, e->registered);
	kv(b, rq, S_MODIFIED, e->modified);
	kv(b, rq, S_REFERENCE, e->reference);
	kv(b, rq, S_SERVICE_CODE, e->service_code);
	kv(b, rq, S_UNAUTHORIZED_USE, e->unauthorized_use);
	kv(b, rq, S_NOTES, e->notes);
	pli_buf_puts(b, "</dl>");
	if (e->port_lo != e->port_hi) {
		snprintf(lo, sizeof(lo), "%u", e->port_lo);
		snprintf(hi, sizeof(hi), "%u", e->port_hi);
		pli_buf_puts(b, "<p class=\"meta\">");
		web_trf(b, rq, S_REG_RANGE, lo, hi, NULL, NULL);
		pli_buf_puts(b, "</p>");
	}
	snprintf(line, sizeof(line), "%u", e->line);
	pli_buf_init(&origin);
	pl_page_origin(p, p->registry_source, &origin);
	pli_buf_puts(b, "<p class=\"source\" data-source=\"iana\">");
	web_trf(b, rq, S_REG_SOURCE, pli_buf_str(&origin), line, NULL, NULL);
	pli_buf_cleanup(&origin);
	pli_buf_puts(b, " · <a rel=\"noopener noreferrer\" href=\"https://www.iana.org/assignments/"
	                "service-names-port-numbers/service-names-port-numbers.xhtml?search=");
	pli_buf_printf(b, "%u\">IANA</a></p>", p->port);
}

static void
section_registry(struct pl_buf *b, const struct web_req *rq, const struct pl_page *p)
{
	pli_buf_puts(b, "<section id=\"registry\"><h2>");
	web_trf(b, rq, S_SEC_REGISTRY, p->registry_date, NULL, NULL, NULL);
	pli_buf_puts(b, "</h2>");
	for (size_t i = 0; i < p->n_transports; i++) {
		const struct pl_page_transport *t = &p->transports[i];
		const char *proto = pl_proto_name(t->proto);

		pli_buf_printf(b, "<div class=\"transport\" data-transport=\"%s\"><h3>%s</h3>",
		               proto, proto);
		if (t->n == 0) {
			char what[32];

			snprintf(what, sizeof(what), "%u/%s", p->port, proto);
			pli_buf_puts(b, "<p>");
			web_trf(b, rq, S_NO_RECORD, what, NULL, NULL, NULL);
			pli_buf_puts(b, "</p>");
		}
		for (size_t k = 0; k < t->n; k++)
			registry_row(b, rq, p, t->rows[k]);
		pli_buf_puts(b, "</div>");
	}
	pli_buf_puts(b, "</section>\n");
}

static void
section_range(struct pl_buf *b, const struct web_req *rq, const struct pl_page *p)
{
	struct web_range_nums n;
	struct pl_buf origin;

	web_range_nums(p, &n);
	pli_buf_printf(b, "<section id=\"range\" data-range=\"%s\"><h2>", pl_range_name(p->range));
	web_trs(b, rq, S_SEC_RANGE);
	pli_buf_puts(b, "</h2><p>");
	web_trf(b, rq, S_RANGE_IS, n.port, web_tr(rq->lang, web_range_str(p->range)), n.lo, n.hi);
	pli_buf_puts(b, " ");
	web_trf(b, rq, p->port < p->ephemeral.unprivileged_start ? S_RANGE_PRIV : S_RANGE_UNPRIV,
	        n.unpriv, NULL, NULL, NULL);
	pli_buf_puts(b, "</p><p>");
	pli_buf_init(&origin);
	pl_page_origin(p, p->ephemeral.source, &origin);
	web_trf(b, rq, S_EPHEMERAL, n.eph_lo, n.eph_hi, pli_buf_str(&origin), NULL);
	pli_buf_reset(&origin);
	pli_buf_puts(b, " ");
	web_trs(b, rq, p->in_ephemeral ? S_EPH_INSIDE : S_EPH_OUTSIDE);
	pli_buf_puts(b, "</p><p class=\"source\">");
	web_trs(b, rq, S_SOURCE);
	pli_buf_puts(b, ": ");
	html_source(b, "rfc:6335");
	pli_buf_puts(b, ", ");
	pl_page_origin(p, p->ephemeral.unprivileged_source, &origin);
	html_esc(b, pli_buf_str(&origin));
	pli_buf_cleanup(&origin);
	pli_buf_puts(b, "</p></section>\n");
}

enum pl_lang
web_page_lang(const struct web_req *rq)
{
	enum pl_lang l = PL_LANG_EN;

	return pl_lang_parse(rq->lang->code, &l) == 0 ? l : PL_LANG_EN;
}

struct pl_page_opts
web_page_opts(const struct web_req *rq, enum pl_lang lang)
{
	struct pl_page_opts opts = {
	    .reg = rq->web->cfg.reg,
	    .kb = rq->web->cfg.kb,
	    .read_proc = rq->web->cfg.live,
	    .live_sockets = rq->web->cfg.live,
	    .lang = lang,
	};

	return opts;
}

/* A fact's title or text in the page language; shown in English, tagged lang="en" and
 * marked as such, when the knowledge file has no translation. The text is marked only
 * when its title was translated (an English title already carries the mark). */
static void
fact_string(struct pl_buf *b, const struct web_req *rq, const char *tag, const char *cls,
            const struct pl_kb_entry *f, int is_text)
{
	int en = 0, title_en = 0;
	enum pl_lang l = web_page_lang(rq);
	const char *s = is_text ? pl_kb_text(f, l, &en) : pl_kb_title(f, l, &en);

	if (is_text)
		(void)pl_kb_title(f, l, &title_en);
	pli_buf_printf(b, "<%s%s lang=\"%s\" dir=\"auto\">", tag, cls, en ? "en" : pl_lang_code(l));
	if (!en && rq->lang->rtl) {
		/* Latin words, numbers, ranges and options keep their order (pl_page_isolate_ltr).
		 */
		struct pl_buf iso;

		pli_buf_init(&iso);
		pl_page_isolate_ltr(&iso, s, 1);
		html_esc(b, pli_buf_str(&iso));
		pli_buf_cleanup(&iso);
	} else {
		html_esc(b, s);
	}
	if (en && (!is_text || !title_en)) {
		pli_buf_puts(b, " <small class=\"untranslated\">");
		web_trs(b, rq, S_UNTRANSLATED);
		pli_buf_puts(b, "</small>");
	}
	pli_buf_printf(b, "</%s>", tag);
}

static void
fact(struct pl_buf *b, const struct web_req *rq, const struct pl_kb_entry *f)
{
	const char *risk = pl_risk_name((enum pl_risk)f->risk);
	enum pl_lang l = web_page_lang(rq);

	pli_buf_printf(b, "<article class=\"fact risk-%s\" data-kind=\"%s\">", risk,
	               pl_kb_kind_name((enum pl_kb_kind)f->kind));
	fact_string(b, rq, "h3", "", f, 0);
	pli_buf_printf(b, "<p class=\"meta\"><span class=\"badge risk-%s\">", risk);
	web_trs(b, rq, S_RISK);
	pli_buf_puts(b, ": ");
	html_esc(b, pl_risk_label((enum pl_risk)f->risk, l));
	pli_buf_puts(b, "</span> · ");
	html_esc(b, pl_kb_kind_label_in((enum pl_kb_kind)f->kind, l));
	pli_buf_puts(b, " · <bdi dir=\"ltr\" class=\"mono\">");
	html_esc(b, f->port_spec);
	pli_buf_puts(b, "</bdi></p>");
	fact_string(b, rq, "p", "", f, 1);
	pli_buf_puts(b, "<p class=\"meta\">");
	web_trs(b, rq, S_SOURCES);
	pli_buf_puts(b, ":</p><ol class=\"sources\" dir=\"ltr\">");
	for (uint32_t i = 0; i < f->n_sources; i++) {
		pli_buf_puts(b, "<li>");
		html_source(b, f->sources[i]);
		pli_buf_puts(b, "</li>");
	}
	pli_buf_puts(b, "</ol></article>");
}

static void
section_facts(struct pl_buf *b, const struct web_req *rq, const struct pl_page *p, int uses)
{
	size_t shown = 0;
	char port[8];

	pli_buf_printf(b, "<section id=\"%s\"><h2>", uses ? "uses" : "security");
	web_trs(b, rq, uses ? S_SEC_USES : S_SEC_SECURITY);
	pli_buf_puts(b, "</h2>");
	for (size_t i = 0; i < p->n_facts; i++) {
		if (pl_page_fact_is_use(p->facts[i]) != uses)
			continue;
		fact(b, rq, p->facts[i]);
		shown++;
	}
	snprintf(port, sizeof(port), "%u", p->port);
	if (!shown) {
		pli_buf_puts(b, "<p>");
		if (p->n_facts == 0)
			web_trf(b, rq, S_NO_CURATED, port, NULL, NULL, NULL);
		else
			web_trs(b, rq, S_NONE_RECORDED);
		pli_buf_puts(b, "</p>");
	}
	pli_buf_puts(b, "</section>\n");
}

static void
section_checks(struct pl_buf *b, const struct web_req *rq, const struct pl_page *p)
{
	static const enum web_str cols[] = {S_PLATFORM, S_PURPOSE, S_COMMAND};

	if (p->n_checks == 0) /* port 0: nothing can listen there */
		return;
	pli_buf_puts(b, "<section id=\"check\"><h2>");
	web_trs(b, rq, S_SEC_CHECK);
	pli_buf_puts(b, "</h2>");
	web_table_head(b, rq, NULL, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < p->n_checks; i++) {
		pli_buf_puts(b, "<tr><td>");
		html_esc(b, p->checks[i].platform);
		pli_buf_puts(b, "</td><td>");
		html_esc(b, p->checks[i].purpose);
		pli_buf_puts(b, "</td><td><bdi dir=\"ltr\"><code>");
		html_esc(b, p->checks[i].command);
		pli_buf_puts(b, "</code></bdi></td></tr>");
	}
	pli_buf_puts(b, "</tbody></table></section>\n");
}

/* Escapes text for HTML, turning `code` spans (the FAQ answers' Markdown) into <code>
 * isolated left-to-right, so no backtick reaches the page and a command keeps its order
 * inside right-to-left text. An unmatched backtick is shown as it is. */
static void
html_inline_code(struct pl_buf *b, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *open = strchr(p, '`'), *close = open ? strchr(open + 1, '`') : NULL;

		if (!close) {
			html_esc(b, p);
			return;
		}
		html_escn(b, p, (size_t)(open - p));
		pli_buf_puts(b, "<bdi dir=\"ltr\"><code>");
		html_escn(b, open + 1, (size_t)(close - open - 1));
		pli_buf_puts(b, "</code></bdi>");
		p = close + 1;
	}
}

static void
section_faq(struct pl_buf *b, const struct web_req *rq, const struct pl_page *p)
{
	pli_buf_puts(b, "<section id=\"faq\"><h2>");
	web_trs(b, rq, S_SEC_FAQ);
	pli_buf_puts(b, "</h2>");
	for (size_t i = 0; i < p->n_faq; i++) {
		pli_buf_printf(b, "<details lang=\"%s\" id=\"faq-", pl_lang_code(p->lang));
		html_esc(b, p->faq[i].id);
		pli_buf_puts(b, "\" dir=\"auto\"><summary>");
		html_esc(b, p->faq[i].question);
		pli_buf_puts(b, "</summary><p>");
		html_inline_code(b, p->faq[i].answer);
		pli_buf_puts(b, "</p></details>");
	}
	pli_buf_puts(b, "</section>\n");
}

static void
live_listener(struct pl_buf *b, const struct web_req *rq, const struct pl_page_listener *l,
              uint16_t port)
{
	pli_buf_printf(b, "<tr><td>%s%s</td><td class=\"mono\">",
	               pl_proto_name((enum pl_proto)l->proto),
	               l->ipv6 ? (l->dual_stack ? "46" : "6") : "4");
	pli_buf_puts(b, l->ipv6 ? "[" : "");
	html_esc(b, l->address);
	pli_buf_printf(b, "%s:%u</td><td>", l->ipv6 ? "]" : "", port);
	if (l->owner == 0) {
		html_esc(b, l->process);
		pli_buf_printf(b, " (pid %d)", l->pid);
	} else {
		web_trs(b, rq, l->owner == 1 ? S_OWNER_HIDDEN : S_OWNER_NONE);
	}
	pli_buf_puts(b, "</td><td>");
	html_esc(b, l->user);
	pli_buf_puts(b, "</td><td>");
	html_esc(b, l->unit);
	pli_buf_puts(b, "</td><td>");
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
		if (!(l->flags & (1u << f)))
			continue;
		pli_buf_puts(b, "<span class=\"flag\">");
		web_trs(b, rq, web_flag_str(1u << f));
		pli_buf_puts(b, "</span> ");
	}
	pli_buf_puts(b, "</td></tr>");
}

static void
live_conns(struct pl_buf *b, const struct web_req *rq, const struct pl_page_live *live)
{
	char n[24];

	snprintf(n, sizeof(n), "%zu", live->n_conns);
	pli_buf_printf(b, "<p data-connections=\"%zu\">", live->n_conns);
	web_trf(b, rq, S_LIVE_CONNS, n, NULL, NULL, NULL);
	for (unsigned st = 1, first = 1; st < 16; st++) {
		struct pl_sock tmp = {.state = (uint8_t)st};

		if (!live->conns_by_state[st])
			continue;
		pli_buf_printf(b, "%s%s %zu", first ? " <span class=\"meta\">" : ", ",
		               pl_sock_state_name(&tmp), live->conns_by_state[st]);
		first = 0;
	}
	pli_buf_puts(b, "</p>");
}

/* The page model's live section (struct pl_page_live), read when the page was built. */
static void
section_live(struct pl_buf *b, struct web_req *rq, const struct pl_page *p)
{
	static const enum web_str cols[] = {S_PROTO, S_LOCAL_ADDR, S_PROCESS,
	                                    S_USER,  S_UNIT,       S_FLAGS};
	const struct pl_page_live *live = p->live;
	char n[24];

	pli_buf_puts(b, "<section id=\"live\" data-refresh=\"5\"><h2>");
	web_trs(b, rq, S_SEC_LIVE);
	pli_buf_puts(b, "</h2><p>");
	if (!rq->web->cfg.live) {
		web_trs(b, rq, S_LIVE_OFF);
		pli_buf_puts(b, "</p></section>\n");
		return;
	}
	if (!live || live->error[0]) {
		web_trf(b, rq, S_LIVE_UNAVAILABLE, live ? live->error : "-", NULL, NULL, NULL);
		pli_buf_puts(b, "</p></section>\n");
		return;
	}
	snprintf(n, sizeof(n), "%zu", live->n_listeners_total);
	pli_buf_printf(b, "<span data-listening=\"%zu\">", live->n_listeners_total);
	if (live->n_listeners_total)
		web_trf(b, rq, S_LIVE_LISTENING, n, NULL, NULL, NULL);
	else
		web_trs(b, rq, S_LIVE_NOT_LISTENING);
	pli_buf_puts(b, "</span></p>");
	if (live->n_listeners) {
		web_table_head(b, rq, "live-listeners", cols, sizeof(cols) / sizeof(cols[0]));
		for (size_t i = 0; i < live->n_listeners; i++)
			live_listener(b, rq, &live->listeners[i], p->port);
		pli_buf_puts(b, "</tbody></table>");
	}
	live_conns(b, rq, live);
	pli_buf_puts(b, "<p class=\"source\">");
	web_trs(b, rq, S_SOURCE);
	pli_buf_puts(b, ": ");
	html_esc(b, live->source);
	pli_buf_puts(b, " · ");
	web_trs(b, rq, S_LIVE_REFRESH);
	pli_buf_puts(b, "</p></section>\n");
}

static void
vote_counts(struct web_req *rq, uint16_t port, int64_t counts[PL_VOTE_COUNT], int *mine)
{
	char key[32];

	snprintf(key, sizeof(key), "port/%u", port);
	pthread_mutex_lock(&rq->web->store_lock);
	if (pl_store_vote_counts(rq->web->store, key, rq->visitor[0] ? rq->visitor : NULL, counts,
	                         mine, NULL) != PL_OK) {
		memset(counts, 0, sizeof(int64_t) * PL_VOTE_COUNT);
		*mine = -1;
	}
	pthread_mutex_unlock(&rq->web->store_lock);
}

static void
section_helpful(struct web_req *rq, struct web_resp *rs, uint16_t port, int thanks)
{
	static const enum web_str labels[PL_VOTE_COUNT] = {S_VOTE_YES, S_VOTE_PARTLY, S_VOTE_NO};
	struct pl_buf *b = &rs->body;
	int64_t counts[PL_VOTE_COUNT];
	char c[PL_VOTE_COUNT][24];
	int mine = -1;

	vote_counts(rq, port, counts, &mine);
	pli_buf_puts(b, "<section id=\"helpful\" class=\"helpful\"><form method=\"post\" "
	                "action=\"");
	pli_buf_printf(b, "/port/%u/vote?lang=%s\"><span id=\"helpful-q\">", port, rq->lang->code);
	web_trs(b, rq, S_HELPFUL_Q);
	pli_buf_puts(b, "</span><input type=\"hidden\" name=\"csrf\" value=\"");
	rs->token_off = b->len; /* the visitor's token goes here */
	pli_buf_puts(b, "\">");
	for (int i = 0; i < PL_VOTE_COUNT; i++) {
		pli_buf_printf(b, "<button type=\"submit\" name=\"choice\" value=\"%s\"%s>",
		               pl_vote_name((enum pl_vote)i),
		               thanks && mine == i ? " aria-pressed=\"true\"" : "");
		web_trs(b, rq, labels[i]);
		pli_buf_puts(b, "</button>");
	}
	pli_buf_puts(b, "</form>");
	if (thanks && mine >= 0) {
		pli_buf_puts(b, "<p class=\"thanks\" role=\"status\">");
		web_trs(b, rq, S_VOTE_THANKS);
		pli_buf_puts(b, "</p>");
	}
	for (int i = 0; i < PL_VOTE_COUNT; i++)
		snprintf(c[i], sizeof(c[i]), "%lld", (long long)counts[i]);
	pli_buf_printf(b, "<p class=\"counts\" data-yes=\"%s\" data-partly=\"%s\" data-no=\"%s\">",
	               c[0], c[1], c[2]);
	web_trf(b, rq, S_VOTE_COUNTS, c[0], c[1], c[2], NULL);
	pli_buf_puts(b, "</p></section>\n");
}

void
web_port_sections(struct pl_buf *b, struct web_req *rq, const struct pl_page *page, int live)
{
	char summary[256], port_s[8];

	snprintf(port_s, sizeof(port_s), "%u", page->port);
	pl_page_summary(page, summary, sizeof(summary));
	pli_buf_puts(b, "<h1>");
	web_trf(b, rq, S_PORT_TITLE, port_s, NULL, NULL, NULL);
	pli_buf_puts(b, " — ");
	html_esc(b, summary);
	pli_buf_puts(b, "</h1>");
	if (page->n_facts) {
		const char *risk = pl_risk_name(page->risk);

		pli_buf_printf(b, "<p class=\"lead\"><span class=\"badge risk-%s\" id=\"risk\">",
		               risk);
		web_trs(b, rq, S_RISK);
		pli_buf_puts(b, ": ");
		html_esc(b, pl_risk_label(page->risk, web_page_lang(rq)));
		pli_buf_puts(b, "</span></p>");
	}
	section_registry(b, rq, page);
	section_range(b, rq, page);
	/* What is on this port here and now, right after what the port is: the question
	 * people come with, answered before the background. */
	if (live)
		section_live(b, rq, page);
	section_facts(b, rq, page, 1);
	section_facts(b, rq, page, 0);
	section_checks(b, rq, page);
	section_faq(b, rq, page);
}

void
web_page_port(struct web_req *rq, struct web_resp *rs, uint16_t port)
{
	struct pl_page_opts opts = web_page_opts(rq, web_page_lang(rq));
	struct pl_page *page = NULL;
	struct pl_buf *b = &rs->body;
	char title[64];
	int thanks = web_arg(rq, "voted") != NULL;

	if (pl_page_build(port, &opts, &page, NULL) != PL_OK) {
		rs->oom = 1;
		return;
	}
	snprintf(title, sizeof(title), "%u", port);
	html_begin(rq, rs, title);
	pli_buf_printf(b, "<article class=\"port\" data-port=\"%u\">", port);
	web_port_sections(b, rq, page, 1);
	section_helpful(rq, rs, port, thanks);
	pli_buf_puts(b, "</article>\n");
	html_end(rq, rs);
	pl_page_free(page);
}
