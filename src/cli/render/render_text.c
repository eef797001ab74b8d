// SPDX-License-Identifier: MIT
/*
 * render_text.c - the port page for a terminal: headed sections, wrapped to the width,
 * colored only when allowed (see term.c). Every fact is followed by its source. The
 * page is written in cli->lang with the web front end's strings (web/i18n_*.c),
 * so both say the same; in Arabic, commands and paths are isolated left-to-right.
 */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "portlens/sockets.h"
#include "web/i18n.h"

#define SGR_BOLD  "\033[1m"
#define SGR_DIM   "\033[2m"
#define SGR_RED   "\033[31m"
#define SGR_YEL   "\033[33m"
#define SGR_GRN   "\033[32m"
#define SGR_CYAN  "\033[36m"
#define SGR_RESET "\033[0m"

struct text_ctx {
	const struct pl_cli *cli;
	const struct pl_page *page;
	struct pl_buf *out;
	const struct web_lang *wl;
	int rtl;
};

static const char *
txt(const struct text_ctx *t, enum web_str id)
{
	return web_tr(t->wl, id);
}

/* Wraps text to the width after isolating its code spans (right-to-left languages). */
static void
wrap(const struct text_ctx *t, const char *text, unsigned indent)
{
	struct pl_buf iso;

	pli_buf_init(&iso);
	pl_page_isolate_code(&iso, text, t->rtl);
	pli_term_wrap(t->out, pli_buf_str(&iso), indent, t->cli->width);
	pli_buf_cleanup(&iso);
}

static const char *
sgr(const struct text_ctx *t, const char *code)
{
	return pli_term_sgr(t->cli, code);
}

static const char *
risk_color(enum pl_risk r)
{
	return r >= PL_RISK_HIGH ? SGR_RED : r == PL_RISK_MEDIUM ? SGR_YEL : SGR_GRN;
}

static void
heading(struct text_ctx *t, const char *title)
{
	/* One blank line before a heading, even when the last section ended with one. */
	if (!(t->out->len >= 2 && t->out->data[t->out->len - 1] == '\n' &&
	      t->out->data[t->out->len - 2] == '\n'))
		pli_buf_putc(t->out, '\n');
	pli_buf_printf(t->out, "%s%s%s\n", sgr(t, SGR_BOLD SGR_CYAN), title, sgr(t, SGR_RESET));
}

static void
field(struct text_ctx *t, const char *label, const char *value)
{
	struct pl_buf line;

	if (!*value)
		return;
	pli_buf_init(&line);
	/* Registry values are English and dates: in Arabic, a date after the label would
	 * take the label's direction and print its parts in reverse order. */
	if (t->rtl)
		pli_buf_printf(&line, "%s: \xe2\x81\xa6%s\xe2\x81\xa9", label, value);
	else
		pli_buf_printf(&line, "%s: %s", label, value);
	pli_term_wrap(t->out, pli_buf_str(&line), 10, t->cli->width);
	pli_buf_cleanup(&line);
}

static void
title_line(struct text_ctx *t)
{
	char summary[256];

	char n[8];

	pl_page_summary(t->page, summary, sizeof(summary));
	snprintf(n, sizeof(n), "%u", t->page->port);
	pli_buf_puts(t->out, sgr(t, SGR_BOLD));
	web_trf_text(t->out, t->wl, S_PORT_TITLE, n, NULL, NULL, NULL);
	pli_buf_printf(t->out, "%s — %s", sgr(t, SGR_RESET), summary);
	if (t->page->n_facts)
		pli_buf_printf(t->out, "   %s[%s: %s]%s", sgr(t, risk_color(t->page->risk)),
		               txt(t, S_RISK), pl_risk_label(t->page->risk, t->page->lang),
		               sgr(t, SGR_RESET));
	pli_buf_putc(t->out, '\n');
}

static void
registry_row(struct text_ctx *t, const struct pl_page_transport *tr, const struct pl_reg_entry *e)
{
	struct pl_buf line;

	pli_buf_init(&line);
	if (e->status == PL_REG_ASSIGNED && strcasecmp(e->service, e->description) == 0)
		pli_buf_printf(&line, "%s", e->service);
	else if (e->status == PL_REG_ASSIGNED)
		pli_buf_printf(&line, "%s — %s", e->service, e->description);
	else
		pli_buf_printf(&line, "%s%s%s", pl_page_status_label(t->page, e->status),
		               *e->service ? " " : "", e->service);
	if (e->port_lo != e->port_hi) {
		char lo[8], hi[8];

		snprintf(lo, sizeof(lo), "%u", e->port_lo);
		snprintf(hi, sizeof(hi), "%u", e->port_hi);
		pli_buf_puts(&line, ". ");
		web_trf_text(&line, t->wl, S_REG_RANGE, lo, hi, NULL, NULL);
	}
	pli_buf_printf(t->out, "  %s%-5s%s ", sgr(t, SGR_BOLD), pl_proto_name(tr->proto),
	               sgr(t, SGR_RESET));
	/* The first line follows the transport label; continuation lines are indented. */
	{
		struct pl_buf wrapped;

		pli_buf_init(&wrapped);
		pli_term_wrap(&wrapped, pli_buf_str(&line), 8, t->cli->width);
		pli_buf_puts(t->out, pli_buf_str(&wrapped) + (wrapped.len > 8 ? 8 : 0));
		pli_buf_cleanup(&wrapped);
	}
	pli_buf_cleanup(&line);
	if (e->status == PL_REG_ASSIGNED && strcmp(e->description, "Unassigned") != 0) {
		field(t, txt(t, S_ASSIGNEE), e->assignee);
		if (strcmp(e->contact, e->assignee) != 0)
			field(t, txt(t, S_CONTACT), e->contact);
	}
	field(t, txt(t, S_REGISTERED), e->registered);
	field(t, txt(t, S_MODIFIED), e->modified);
	field(t, txt(t, S_REFERENCE), e->reference);
	field(t, txt(t, S_SERVICE_CODE), e->service_code);
	field(t, txt(t, S_UNAUTHORIZED_USE), e->unauthorized_use);
	field(t, txt(t, S_NOTES), e->notes);
}

static void
section_registry(struct text_ctx *t)
{
	const struct pl_page *p = t->page;
	struct pl_buf h;

	pli_buf_init(&h);
	web_trf_text(&h, t->wl, S_SEC_REGISTRY, p->registry_date, NULL, NULL, NULL);
	heading(t, pli_buf_str(&h));
	pli_buf_cleanup(&h);
	for (size_t i = 0; i < p->n_transports; i++) {
		const struct pl_page_transport *tr = &p->transports[i];

		if (tr->n == 0) {
			char what[16];

			snprintf(what, sizeof(what), "%u/%s", p->port, pl_proto_name(tr->proto));
			pli_buf_printf(t->out, "  %s%-5s%s ", sgr(t, SGR_BOLD),
			               pl_proto_name(tr->proto), sgr(t, SGR_RESET));
			web_trf_text(t->out, t->wl, S_NO_RECORD, what, NULL, NULL, NULL);
			pli_buf_putc(t->out, '\n');
		}
		for (size_t k = 0; k < tr->n; k++)
			registry_row(t, tr, tr->rows[k]);
	}
	pli_buf_init(&h);
	pl_page_origin(p, p->registry_source, &h);
	pli_buf_printf(t->out,
	               "  %s%s: %s, https://www.iana.org/assignments/"
	               "service-names-port-numbers/%s\n",
	               sgr(t, SGR_DIM), txt(t, S_SOURCE), pli_buf_str(&h), sgr(t, SGR_RESET));
	pli_buf_cleanup(&h);
}

static void
section_range(struct text_ctx *t)
{
	const struct pl_page *p = t->page;
	struct web_range_nums n;
	char src[160];
	struct pl_buf s;

	web_range_nums(p, &n);
	heading(t, txt(t, S_SEC_RANGE));
	/* Paths are code: isolated left-to-right in Arabic (whose sentence isolates its
	 * placeholder already); "Linux default" is a word of the page's language. */
	if (p->ephemeral.source[0] == '/' && !pl_lang_rtl(p->lang)) {
		snprintf(src, sizeof(src), "`%s`", p->ephemeral.source);
	} else {
		struct pl_buf o;

		pli_buf_init(&o);
		pl_page_origin(p, p->ephemeral.source, &o);
		snprintf(src, sizeof(src), "%s", pli_buf_str(&o));
		pli_buf_cleanup(&o);
	}
	pli_buf_init(&s);
	web_trf_text(&s, t->wl, S_RANGE_IS, n.port, txt(t, web_range_str(p->range)), n.lo, n.hi);
	pli_buf_putc(&s, ' ');
	web_trf_text(&s, t->wl,
	             p->port < p->ephemeral.unprivileged_start ? S_RANGE_PRIV : S_RANGE_UNPRIV,
	             n.unpriv, NULL, NULL, NULL);
	pli_buf_putc(&s, ' ');
	web_trf_text(&s, t->wl, S_EPHEMERAL, n.eph_lo, n.eph_hi, src, NULL);
	pli_buf_putc(&s, ' ');
	pli_buf_puts(&s, txt(t, p->in_ephemeral ? S_EPH_INSIDE : S_EPH_OUTSIDE));
	wrap(t, pli_buf_str(&s), 2);
	pli_buf_cleanup(&s);
}

static void
fact(struct text_ctx *t, const struct pl_kb_entry *f)
{
	struct pl_buf head;
	char protos[32] = "";
	size_t used = 0;

	pli_buf_init(&head);
	for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
		if (f->protos & PL_PROTO_BIT(p))
			used += (size_t)snprintf(protos + used, sizeof(protos) - used, "%s%s",
			                         used ? "/" : "", pl_proto_name((enum pl_proto)p));
	const enum pl_lang lang = t->page->lang;
	int title_en = 0, text_en = 0;
	const char *title = pl_kb_title(f, lang, &title_en), *text = pl_kb_text(f, lang, &text_en);

	if (f->protos == PL_PROTO_ALL)
		snprintf(protos, sizeof(protos), "%s", txt(t, S_ANY_TRANSPORT));
	/* Title on its own line (wrapped), then kind, transports and risk, then the text. */
	pl_page_isolate_ltr(&head, title, t->rtl && !title_en);
	if (title_en)
		pli_buf_printf(&head, " %s", txt(t, S_UNTRANSLATED));
	pli_buf_printf(t->out, "  %s•%s %s", sgr(t, risk_color((enum pl_risk)f->risk)),
	               sgr(t, SGR_RESET), sgr(t, SGR_BOLD));
	{
		struct pl_buf wrapped;

		pli_buf_init(&wrapped);
		pli_term_wrap(&wrapped, pli_buf_str(&head), 4, t->cli->width);
		/* Drop the first line's indent: the bullet already stands there. */
		wrapped.len = wrapped.len ? wrapped.len - 1 : 0; /* trailing newline */
		pli_buf_append(t->out, pli_buf_str(&wrapped) + 4,
		               wrapped.len > 4 ? wrapped.len - 4 : 0);
		pli_buf_cleanup(&wrapped);
	}
	pli_buf_printf(t->out, "%s\n    %s%s · %s · %s: %s%s\n", sgr(t, SGR_RESET), sgr(t, SGR_DIM),
	               pl_kb_kind_label_in((enum pl_kb_kind)f->kind, lang), protos, txt(t, S_RISK),
	               pl_risk_label((enum pl_risk)f->risk, lang), sgr(t, SGR_RESET));
	{
		struct pl_buf iso;

		pli_buf_init(&iso);
		pl_page_isolate_ltr(&iso, text, t->rtl && !text_en);
		pli_term_wrap(t->out, pli_buf_str(&iso), 4, t->cli->width);
		pli_buf_cleanup(&iso);
	}
	if (text_en && !title_en)
		pli_buf_printf(t->out, "    %s%s%s\n", sgr(t, SGR_DIM), txt(t, S_UNTRANSLATED),
		               sgr(t, SGR_RESET));
	for (uint32_t i = 0; i < f->n_sources; i++)
		pli_buf_printf(t->out, "    %s%s: %s%s\n", sgr(t, SGR_DIM), txt(t, S_SOURCE),
		               f->sources[i], sgr(t, SGR_RESET));
	pli_buf_cleanup(&head);
}

static void
section_facts(struct text_ctx *t, int uses)
{
	const struct pl_page *p = t->page;
	size_t shown = 0;

	heading(t, txt(t, uses ? S_SEC_USES : S_SEC_SECURITY));
	for (size_t i = 0; i < p->n_facts; i++) {
		if (pl_page_fact_is_use(p->facts[i]) != uses)
			continue;
		fact(t, p->facts[i]);
		shown++;
	}
	if (shown)
		return;
	if (p->n_facts == 0) {
		char n[8];
		struct pl_buf line;

		snprintf(n, sizeof(n), "%u", p->port);
		pli_buf_init(&line);
		web_trf_text(&line, t->wl, S_NO_CURATED, n, NULL, NULL, NULL);
		wrap(t, pli_buf_str(&line), 2);
		pli_buf_cleanup(&line);
	} else {
		pli_buf_printf(t->out, "  %s\n", txt(t, S_NONE_RECORDED));
	}
}

static void
section_checks(struct text_ctx *t)
{
	const struct pl_page *p = t->page;

	if (p->n_checks == 0) /* port 0: nothing can listen there */
		return;
	heading(t, txt(t, S_SEC_CHECK));
	for (size_t i = 0; i < p->n_checks; i++) {
		const struct pl_page_check *c = &p->checks[i];
		size_t wp = pli_term_columns(c->platform), wu = pli_term_columns(c->purpose);

		/* Pad by columns, not bytes: labels are UTF-8 in other languages. */
		pli_buf_printf(t->out, "  %s%*s %s%*s %s%s%s%s%s\n", c->platform,
		               (int)(wp < 9 ? 9 - wp : 0), "", c->purpose,
		               (int)(wu < 28 ? 28 - wu : 0), "", sgr(t, SGR_BOLD),
		               t->rtl ? "\xe2\x81\xa6" : "", c->command,
		               t->rtl ? "\xe2\x81\xa9" : "", sgr(t, SGR_RESET));
	}
}

static void
section_faq(struct text_ctx *t)
{
	const struct pl_page *p = t->page;

	heading(t, txt(t, S_SEC_FAQ));
	for (size_t i = 0; i < p->n_faq; i++) {
		pli_buf_printf(t->out, "  %s%s%s\n", sgr(t, SGR_BOLD), p->faq[i].question,
		               sgr(t, SGR_RESET));
		wrap(t, p->faq[i].answer, 4);
	}
}

/* "On this machine": the live section (only when the page read sockets). */
static void
live_listener(struct text_ctx *t, const struct pl_page_listener *l)
{
	const struct pl_page *p = t->page;
	struct pl_buf line;

	pli_buf_init(&line);
	pli_buf_printf(&line, "%s%s  %s%s%s:%u  ", pl_proto_name((enum pl_proto)l->proto),
	               l->dual_stack ? "46"
	               : l->ipv6     ? "6"
	                             : "4",
	               l->ipv6 ? "[" : "", l->address, l->ipv6 ? "]" : "", p->port);
	if (l->owner == 0) {
		char pid[16], unit[sizeof(l->unit) + 2];

		snprintf(pid, sizeof(pid), "%d", (int)l->pid);
		snprintf(unit, sizeof(unit), "%s%s", l->unit[0] ? ", " : "", l->unit);
		web_trf_text(&line, t->wl, S_LIVE_PROC, l->process, pid, l->user, unit);
	} else if (l->owner == 1) {
		web_trf_text(&line, t->wl, geteuid() != 0 ? S_LIVE_HIDDEN : S_LIVE_INVISIBLE,
		             l->user, NULL, NULL, NULL);
	} else {
		pli_buf_puts(&line, txt(t, S_LIVE_KERNEL));
	}
	if (strcmp(l->netns, "host") != 0) {
		pli_buf_putc(&line, ' ');
		web_trf_text(&line, t->wl, S_LIVE_NETNS, l->netns, NULL, NULL, NULL);
	}
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++)
		if (l->flags & (1u << f))
			pli_buf_printf(&line, " [%s]", txt(t, web_flag_str(1u << f)));
	pli_term_wrap(t->out, pli_buf_str(&line), 2, t->cli->width);
	if (l->owner == 0 && l->cmdline && *l->cmdline) {
		/* Any local user chooses a command line: it goes through the terminal rule
		 * like the rest of the page (an ESC in it reached the reader's terminal raw)
		 * and is wrapped to the width, never cut. */
		size_t start;

		pli_buf_puts(t->out, sgr(t, SGR_DIM));
		start = t->out->len;
		pli_term_wrap(t->out, l->cmdline, 4, t->cli->width);
		if (t->out->len > start && *sgr(t, SGR_RESET)) {
			t->out->len--; /* the reset before the newline */
			pli_buf_printf(t->out, "%s\n", sgr(t, SGR_RESET));
		} else if (t->out->len == start) {
			t->out->len -= strlen(sgr(t, SGR_DIM));
		}
	}
	pli_buf_cleanup(&line);
}

static void
section_live(struct text_ctx *t)
{
	const struct pl_page_live *live = t->page->live;
	size_t shown = 0;

	if (!live)
		return;
	heading(t, txt(t, S_SEC_LIVE));
	if (live->error[0]) {
		struct pl_buf line;

		pli_buf_init(&line);
		web_trf_text(&line, t->wl, S_LIVE_UNAVAILABLE, live->error, NULL, NULL, NULL);
		wrap(t, pli_buf_str(&line), 2);
		pli_buf_cleanup(&line);
		return;
	}
	for (size_t i = 0; i < live->n_listeners; i++)
		live_listener(t, &live->listeners[i]);
	if (live->n_listeners_total > live->n_listeners) {
		char more[24], cmd[48];

		snprintf(more, sizeof(more), "%zu", live->n_listeners_total - live->n_listeners);
		snprintf(cmd, sizeof(cmd), "portlens listen --port %u", t->page->port);
		pli_buf_puts(t->out, "  ");
		web_trf_text(t->out, t->wl, S_MORE_LISTENERS, more, cmd, NULL, NULL);
		pli_buf_putc(t->out, '\n');
	}
	if (!live->n_listeners_total)
		pli_buf_printf(t->out, "  %s\n", txt(t, S_LIVE_NOT_LISTENING));
	if (live->n_conns) {
		char n[24], port[8];

		snprintf(n, sizeof(n), "%zu", live->n_conns);
		snprintf(port, sizeof(port), "%u", t->page->port);
		pli_buf_puts(t->out, "  ");
		web_trf_text(t->out, t->wl,
		             live->n_conns == 1 ? S_LIVE_CONNS_ONE : S_LIVE_CONNS_MANY, n, port,
		             NULL, NULL);
		for (unsigned st = 1; st < 16; st++) {
			struct pl_sock tmp = {.state = (uint8_t)st};

			if (live->conns_by_state[st])
				pli_buf_printf(t->out, "%s %zu %s", shown++ ? "," : "",
				               live->conns_by_state[st], pl_sock_state_name(&tmp));
		}
		pli_buf_printf(t->out, " (portlens conns --port %u)\n", t->page->port);
	}
	if (!live->processes_complete && geteuid() != 0)
		wrap(t, txt(t, S_HIDDEN_PROCS), 2);
	pli_buf_printf(t->out, "  %s", sgr(t, SGR_DIM));
	web_trf_text(t->out, t->wl, S_OBSERVED_VIA, live->source, NULL, NULL, NULL);
	pli_buf_printf(t->out, "%s\n", sgr(t, SGR_RESET));
}

void
pli_render_page_text(const struct pl_cli *cli, const struct pl_page *page, struct pl_buf *out)
{
	struct text_ctx t = {.cli = cli, .page = page, .out = out};

	t.wl = web_lang_find(pl_lang_code(page->lang), 2);
	if (!t.wl)
		t.wl = &web_langs[0];
	t.rtl = t.wl->rtl;

	title_line(&t);
	section_registry(&t);
	section_range(&t);
	section_live(&t);
	section_facts(&t, 1);
	section_facts(&t, 0);
	section_checks(&t);
	section_faq(&t);
}
