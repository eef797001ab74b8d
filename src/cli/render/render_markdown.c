// SPDX-License-Identifier: MIT
/*
 * render_markdown.c - the port page as CommonMark, for wikis and tickets, in the page's
 * language with the same strings as the terminal and web pages (web/i18n_*.c). Data
 * from the registry and knowledge base is escaped so it can never turn into markup or HTML.
 */
#include <string.h>

#include "cli/cli.h"
#include "core/escape.h"
#include "web/i18n.h"

static void
md_escape(struct pl_buf *out, const char *s)
{
	struct pl_buf shown;

	/* Line breaks become spaces; every other control byte, C1 control and broken UTF-8
	 * goes through the terminal rule first (a process name or command line with an ESC
	 * in it reached the reader's terminal raw), then Markdown's own characters. */
	pli_buf_init(&shown);
	for (const char *p = s; *p; p++) {
		size_t n = strcspn(p, "\r\n");

		pli_esc_term_n(&shown, p, n);
		p += n;
		if (!*p)
			break;
		pli_buf_putc(&shown, ' ');
	}
	for (const char *p = pli_buf_str(&shown); *p; p++) {
		if (strchr("\\`*_[]<>|#!{}", *p))
			pli_buf_putc(out, '\\');
		pli_buf_putc(out, *p);
	}
	if (pli_buf_failed(&shown))
		pli_buf_set_failed(out);
	pli_buf_cleanup(&shown);
}

/* The page's strings (web/i18n_*.c) in the page's language. */
struct md_ctx {
	const struct pl_page *page;
	struct pl_buf *out;
	const struct web_lang *wl;
};

static const char *
md_tx(const struct md_ctx *m, enum web_str id)
{
	return web_tr(m->wl, id);
}

/* A fact's title or text: in Arabic (translated), its Latin words, numbers, ranges and
 * options isolated left-to-right (pl_page_isolate_ltr), then escaped. */
static void
md_escape_fact(const struct md_ctx *m, struct pl_buf *out, const char *s, int english)
{
	struct pl_buf iso;

	pli_buf_init(&iso);
	pl_page_isolate_ltr(&iso, s, m->wl->rtl && !english);
	md_escape(out, pli_buf_str(&iso));
	pli_buf_cleanup(&iso);
}

static void
md_field(const struct md_ctx *m, enum web_str label, const char *value)
{
	if (!*value)
		return;
	pli_buf_printf(m->out, "  - %s: ", md_tx(m, label));
	md_escape(m->out, value);
	pli_buf_putc(m->out, '\n');
}

static void
md_registry(const struct md_ctx *m)
{
	const struct pl_page *p = m->page;
	struct pl_buf *out = m->out;
	struct pl_buf origin;

	pli_buf_puts(out, "## ");
	web_trf_text(out, m->wl, S_SEC_REGISTRY, p->registry_date, NULL, NULL, NULL);
	pli_buf_puts(out, "\n\n");
	for (size_t i = 0; i < p->n_transports; i++) {
		const struct pl_page_transport *tr = &p->transports[i];
		char what[16];

		snprintf(what, sizeof(what), "%u/%s", p->port, pl_proto_name(tr->proto));
		if (tr->n == 0) {
			pli_buf_printf(out, "- **%s**: ", pl_proto_name(tr->proto));
			web_trf_text(out, m->wl, S_NO_RECORD, what, NULL, NULL, NULL);
			pli_buf_putc(out, '\n');
		}
		for (size_t k = 0; k < tr->n; k++) {
			const struct pl_reg_entry *e = tr->rows[k];

			pli_buf_printf(out, "- **%s**: ", pl_proto_name(tr->proto));
			if (e->status == PL_REG_ASSIGNED) {
				pli_buf_puts(out, "`");
				pli_buf_puts(out, e->service);
				pli_buf_puts(out, "` — ");
				md_escape(out, e->description);
			} else {
				pli_buf_puts(out, pl_page_status_label(p, e->status));
			}
			if (e->port_lo != e->port_hi) {
				char lo[8], hi[8];

				snprintf(lo, sizeof(lo), "%u", e->port_lo);
				snprintf(hi, sizeof(hi), "%u", e->port_hi);
				pli_buf_puts(out, ". ");
				web_trf_text(out, m->wl, S_REG_RANGE, lo, hi, NULL, NULL);
			}
			pli_buf_putc(out, '\n');
			md_field(m, S_ASSIGNEE, e->assignee);
			md_field(m, S_REGISTERED, e->registered);
			md_field(m, S_MODIFIED, e->modified);
			md_field(m, S_REFERENCE, e->reference);
			md_field(m, S_UNAUTHORIZED_USE, e->unauthorized_use);
			md_field(m, S_NOTES, e->notes);
		}
	}
	pli_buf_init(&origin);
	pl_page_origin(p, p->registry_source, &origin);
	pli_buf_printf(out, "\n%s: ", md_tx(m, S_SOURCE));
	md_escape(out, pli_buf_str(&origin));
	pli_buf_puts(out, ", <https://www.iana.org/assignments/service-names-port-numbers/>\n\n");
	pli_buf_cleanup(&origin);
}

static void
md_range(const struct md_ctx *m)
{
	const struct pl_page *p = m->page;
	struct web_range_nums n;
	struct pl_buf src;

	web_range_nums(p, &n);
	pli_buf_init(&src);
	if (p->ephemeral.source[0] == '/')
		pli_buf_printf(&src, "`%s`", p->ephemeral.source);
	else
		pl_page_origin(p, p->ephemeral.source, &src);
	pli_buf_printf(m->out, "## %s\n\n", md_tx(m, S_SEC_RANGE));
	web_trf_text(m->out, m->wl, S_RANGE_IS, n.port, md_tx(m, web_range_str(p->range)), n.lo,
	             n.hi);
	pli_buf_putc(m->out, ' ');
	web_trf_text(m->out, m->wl,
	             p->port < p->ephemeral.unprivileged_start ? S_RANGE_PRIV : S_RANGE_UNPRIV,
	             n.unpriv, NULL, NULL, NULL);
	pli_buf_putc(m->out, ' ');
	web_trf_text(m->out, m->wl, S_EPHEMERAL, n.eph_lo, n.eph_hi, pli_buf_str(&src), NULL);
	pli_buf_printf(m->out, " %s\n\n", md_tx(m, p->in_ephemeral ? S_EPH_INSIDE : S_EPH_OUTSIDE));
	pli_buf_cleanup(&src);
}

static void
md_facts(const struct md_ctx *m, int uses)
{
	const struct pl_page *p = m->page;
	struct pl_buf *out = m->out;
	size_t shown = 0;

	pli_buf_printf(out, "## %s\n\n", md_tx(m, uses ? S_SEC_USES : S_SEC_SECURITY));
	for (size_t i = 0; i < p->n_facts; i++) {
		const struct pl_kb_entry *f = p->facts[i];
		int title_en = 0, text_en = 0;
		const char *title = pl_kb_title(f, p->lang, &title_en);
		const char *text = pl_kb_text(f, p->lang, &text_en);

		if (pl_page_fact_is_use(f) != uses)
			continue;
		shown++;
		pli_buf_puts(out, "- **");
		md_escape_fact(m, out, title, title_en);
		pli_buf_puts(out, "**");
		if (title_en || text_en)
			pli_buf_printf(out, " %s", md_tx(m, S_UNTRANSLATED));
		pli_buf_printf(
		    out, " (%s, %s: %s): ", pl_kb_kind_label_in((enum pl_kb_kind)f->kind, p->lang),
		    md_tx(m, S_RISK), pl_risk_label((enum pl_risk)f->risk, p->lang));
		md_escape_fact(m, out, text, text_en);
		pli_buf_printf(out, "\n  %s:", md_tx(m, S_SOURCES));
		for (uint32_t s = 0; s < f->n_sources; s++) {
			pli_buf_puts(out, s ? ", " : " ");
			if (strncmp(f->sources[s], "http", 4) == 0)
				pli_buf_printf(out, "<%s>", f->sources[s]);
			else
				md_escape(out, f->sources[s]);
		}
		pli_buf_putc(out, '\n');
	}
	if (!shown && p->n_facts) {
		pli_buf_printf(out, "%s\n", md_tx(m, S_NONE_RECORDED));
	} else if (!shown) {
		char port[8];

		snprintf(port, sizeof(port), "%u", p->port);
		web_trf_text(out, m->wl, S_NO_CURATED, port, NULL, NULL, NULL);
		pli_buf_putc(out, '\n');
	}
	pli_buf_putc(out, '\n');
}

/* "On this machine" (only when the page read sockets). */
static void
md_live(const struct md_ctx *m)
{
	const struct pl_page *p = m->page;
	const struct pl_page_live *live = p->live;
	struct pl_buf *out = m->out;
	char n[24];

	pli_buf_printf(out, "## %s\n\n", md_tx(m, S_SEC_LIVE));
	if (live->error[0]) {
		struct pl_buf why;

		pli_buf_init(&why);
		md_escape(&why, live->error);
		web_trf_text(out, m->wl, S_LIVE_UNAVAILABLE, pli_buf_str(&why), NULL, NULL, NULL);
		pli_buf_puts(out, "\n\n");
		pli_buf_cleanup(&why);
		return;
	}
	for (size_t i = 0; i < live->n_listeners; i++) {
		const struct pl_page_listener *l = &live->listeners[i];
		struct pl_buf proc, user;
		char pid[16];

		pli_buf_printf(out, "- %s%s `%s%s%s:%u`: ", pl_proto_name((enum pl_proto)l->proto),
		               l->dual_stack ? "46"
		               : l->ipv6     ? "6"
		                             : "4",
		               l->ipv6 ? "[" : "", l->address, l->ipv6 ? "]" : "", p->port);
		pli_buf_init(&proc);
		pli_buf_init(&user);
		md_escape(&proc, l->process);
		md_escape(&user, l->user);
		snprintf(pid, sizeof(pid), "%d", (int)l->pid);
		if (l->owner == 0)
			web_trf_text(out, m->wl, S_LIVE_PROC, pli_buf_str(&proc), pid,
			             pli_buf_str(&user), "");
		else if (l->owner == 1)
			web_trf_text(out, m->wl, S_LIVE_HIDDEN, pli_buf_str(&user), NULL, NULL,
			             NULL);
		else
			pli_buf_puts(out, md_tx(m, S_LIVE_KERNEL));
		pli_buf_putc(out, '\n');
		pli_buf_cleanup(&proc);
		pli_buf_cleanup(&user);
	}
	if (!live->n_listeners_total)
		pli_buf_printf(out, "%s\n", md_tx(m, S_LIVE_NOT_LISTENING));
	snprintf(n, sizeof(n), "%zu", live->n_conns);
	pli_buf_putc(out, '\n');
	web_trf_text(out, m->wl, S_LIVE_CONNS, n, NULL, NULL, NULL);
	pli_buf_putc(out, ' ');
	web_trf_text(out, m->wl, S_OBSERVED_VIA, live->source, NULL, NULL, NULL);
	pli_buf_puts(out, "\n\n");
}

void
pli_render_page_markdown(const struct pl_page *p, struct pl_buf *out)
{
	struct md_ctx m = {.page = p, .out = out};
	char summary[256], port[8];

	m.wl = web_lang_find(pl_lang_code(p->lang), 2);
	if (!m.wl)
		m.wl = &web_langs[0];
	pl_page_summary(p, summary, sizeof(summary));
	snprintf(port, sizeof(port), "%u", p->port);
	pli_buf_puts(out, "# ");
	web_trf_text(out, m.wl, S_PORT_TITLE, port, NULL, NULL, NULL);
	pli_buf_puts(out, " — ");
	md_escape(out, summary);
	pli_buf_printf(out, "\n\n%s: **%s**\n\n", md_tx(&m, S_RISK),
	               pl_risk_label(p->risk, p->lang));
	md_registry(&m);
	md_range(&m);
	if (p->live)
		md_live(&m);
	md_facts(&m, 1);
	md_facts(&m, 0);
	if (p->n_checks) /* none for port 0: nothing can listen there */
		pli_buf_printf(out, "## %s\n\n| %s | %s | %s |\n|---|---|---|\n",
		               md_tx(&m, S_SEC_CHECK), md_tx(&m, S_PLATFORM), md_tx(&m, S_PURPOSE),
		               md_tx(&m, S_COMMAND));
	for (size_t i = 0; i < p->n_checks; i++) {
		const char *c = p->checks[i].command;

		pli_buf_printf(out, "| %s | %s | `", p->checks[i].platform, p->checks[i].purpose);
		for (; *c; c++) {
			if (*c == '|')
				pli_buf_putc(out, '\\');
			pli_buf_putc(out, *c);
		}
		pli_buf_puts(out, "` |\n");
	}
	pli_buf_printf(out, "%s## %s\n\n", p->n_checks ? "\n" : "", md_tx(&m, S_SEC_FAQ));
	for (size_t i = 0; i < p->n_faq; i++)
		pli_buf_printf(out, "### %s\n\n%s\n\n", p->faq[i].question, p->faq[i].answer);
}
