// SPDX-License-Identifier: MIT
/*
 * render_text.c - the port page for a terminal: headed sections, wrapped to the width,
 * colored only when allowed (see term.c). Every fact is followed by its source.
 */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "portlens/sockets.h"

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
};

static const char *
sgr(const struct text_ctx *t, const char *code)
{
	return pl_term_sgr(t->cli, code);
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
		pl_buf_putc(t->out, '\n');
	pl_buf_printf(t->out, "%s%s%s\n", sgr(t, SGR_BOLD SGR_CYAN), title, sgr(t, SGR_RESET));
}

static void
field(struct text_ctx *t, const char *label, const char *value)
{
	struct pl_buf line;

	if (!*value)
		return;
	pl_buf_init(&line);
	pl_buf_printf(&line, "%s: %s", label, value);
	pl_term_wrap(t->out, pl_buf_str(&line), 10, t->cli->width);
	pl_buf_cleanup(&line);
}

static void
title_line(struct text_ctx *t)
{
	char summary[256];

	pl_page_summary(t->page, summary, sizeof(summary));
	pl_buf_printf(t->out, "%sPort %u%s — %s", sgr(t, SGR_BOLD), t->page->port,
	              sgr(t, SGR_RESET), summary);
	if (t->page->n_facts)
		pl_buf_printf(t->out, "   %s[%s risk]%s", sgr(t, risk_color(t->page->risk)),
		              pl_risk_name(t->page->risk), sgr(t, SGR_RESET));
	pl_buf_putc(t->out, '\n');
}

static void
registry_row(struct text_ctx *t, const struct pl_page_transport *tr, const struct pl_reg_entry *e)
{
	struct pl_buf line;

	pl_buf_init(&line);
	if (e->status == PL_REG_ASSIGNED && strcasecmp(e->service, e->description) == 0)
		pl_buf_printf(&line, "%s", e->service);
	else if (e->status == PL_REG_ASSIGNED)
		pl_buf_printf(&line, "%s — %s", e->service, e->description);
	else
		pl_buf_printf(&line, "%s%s%s", pl_reg_status_name(e->status),
		              *e->service ? " " : "", e->service);
	if (e->port_lo != e->port_hi)
		pl_buf_printf(&line, " (registered as the range %u-%u)", e->port_lo, e->port_hi);
	pl_buf_printf(t->out, "  %s%-5s%s ", sgr(t, SGR_BOLD), pl_proto_name(tr->proto),
	              sgr(t, SGR_RESET));
	/* The first line follows the transport label; continuation lines are indented. */
	{
		struct pl_buf wrapped;

		pl_buf_init(&wrapped);
		pl_term_wrap(&wrapped, pl_buf_str(&line), 8, t->cli->width);
		pl_buf_puts(t->out, pl_buf_str(&wrapped) + (wrapped.len > 8 ? 8 : 0));
		pl_buf_cleanup(&wrapped);
	}
	pl_buf_cleanup(&line);
	if (e->status == PL_REG_ASSIGNED && strcmp(e->description, "Unassigned") != 0) {
		field(t, "Assignee", e->assignee);
		if (strcmp(e->contact, e->assignee) != 0)
			field(t, "Contact", e->contact);
	}
	field(t, "Registered", e->registered);
	field(t, "Modified", e->modified);
	field(t, "Reference", e->reference);
	field(t, "Service code", e->service_code);
	field(t, "Unauthorized use reported", e->unauthorized_use);
	field(t, "Notes", e->notes);
}

static void
section_registry(struct text_ctx *t)
{
	const struct pl_page *p = t->page;
	char h[200];

	snprintf(h, sizeof(h), "What port %u is — IANA registry (data as of %s)", p->port,
	         p->registry_date);
	heading(t, h);
	for (size_t i = 0; i < p->n_transports; i++) {
		const struct pl_page_transport *tr = &p->transports[i];

		if (tr->n == 0)
			pl_buf_printf(t->out, "  %s%-5s%s no registry record for %u/%s\n",
			              sgr(t, SGR_BOLD), pl_proto_name(tr->proto), sgr(t, SGR_RESET),
			              p->port, pl_proto_name(tr->proto));
		for (size_t k = 0; k < tr->n; k++)
			registry_row(t, tr, tr->rows[k]);
	}
	pl_buf_printf(t->out,
	              "  %sSource: %s, https://www.iana.org/assignments/"
	              "service-names-port-numbers/%s\n",
	              sgr(t, SGR_DIM), p->registry_source, sgr(t, SGR_RESET));
}

static void
section_range(struct text_ctx *t)
{
	const struct pl_page *p = t->page;
	struct pl_buf s;

	heading(t, "The range it lives in");
	pl_buf_init(&s);
	switch (p->range) {
	case PL_RANGE_SYSTEM:
		pl_buf_printf(&s,
		              "%u is a well-known (system) port, range 0-1023 (RFC 6335). "
		              "IANA assigns these only through IETF review. ",
		              p->port);
		break;
	case PL_RANGE_USER:
		pl_buf_printf(&s,
		              "%u is a registered (user) port, range 1024-49151 (RFC 6335). "
		              "IANA assigns these on request; any program may use one. ",
		              p->port);
		break;
	default:
		pl_buf_printf(&s,
		              "%u is a dynamic (private, ephemeral) port, range 49152-65535 "
		              "(RFC 6335). IANA never assigns these. ",
		              p->port);
		break;
	}
	if (p->port < p->ephemeral.unprivileged_start)
		pl_buf_printf(&s,
		              "On this system binding it needs root or CAP_NET_BIND_SERVICE "
		              "(unprivileged ports start at %u, %s). ",
		              p->ephemeral.unprivileged_start, p->ephemeral.unprivileged_source);
	else
		pl_buf_printf(&s,
		              "On this system any user may bind it (unprivileged ports "
		              "start at %u, %s). ",
		              p->ephemeral.unprivileged_start, p->ephemeral.unprivileged_source);
	pl_buf_printf(&s,
	              "Linux picks local ports for outgoing connections from %u-%u (%s); "
	              "%u is %s that range.",
	              p->ephemeral.lo, p->ephemeral.hi, p->ephemeral.source, p->port,
	              p->in_ephemeral ? "inside" : "outside");
	pl_term_wrap(t->out, pl_buf_str(&s), 2, t->cli->width);
	pl_buf_cleanup(&s);
}

static void
fact(struct text_ctx *t, const struct pl_kb_entry *f)
{
	struct pl_buf head;
	char protos[32] = "";
	size_t used = 0;

	pl_buf_init(&head);
	for (unsigned p = 0; p < PL_PROTO_COUNT; p++)
		if (f->protos & PL_PROTO_BIT(p))
			used += (size_t)snprintf(protos + used, sizeof(protos) - used, "%s%s",
			                         used ? "/" : "", pl_proto_name((enum pl_proto)p));
	if (f->protos == PL_PROTO_ALL)
		snprintf(protos, sizeof(protos), "any transport");
	/* Title on its own line (wrapped), then kind, transports and risk, then the text. */
	pl_buf_printf(&head, "%s", f->title);
	pl_buf_printf(t->out, "  %s•%s %s", sgr(t, risk_color((enum pl_risk)f->risk)),
	              sgr(t, SGR_RESET), sgr(t, SGR_BOLD));
	{
		struct pl_buf wrapped;

		pl_buf_init(&wrapped);
		pl_term_wrap(&wrapped, pl_buf_str(&head), 4, t->cli->width);
		/* Drop the first line's indent: the bullet already stands there. */
		wrapped.len = wrapped.len ? wrapped.len - 1 : 0; /* trailing newline */
		pl_buf_append(t->out, pl_buf_str(&wrapped) + 4,
		              wrapped.len > 4 ? wrapped.len - 4 : 0);
		pl_buf_cleanup(&wrapped);
	}
	pl_buf_printf(t->out, "%s\n    %s%s · %s · risk %s%s\n", sgr(t, SGR_RESET), sgr(t, SGR_DIM),
	              pl_kb_kind_label((enum pl_kb_kind)f->kind), protos,
	              pl_risk_name((enum pl_risk)f->risk), sgr(t, SGR_RESET));
	pl_term_wrap(t->out, f->text, 4, t->cli->width);
	for (uint32_t i = 0; i < f->n_sources; i++)
		pl_buf_printf(t->out, "    %sSource: %s%s\n", sgr(t, SGR_DIM), f->sources[i],
		              sgr(t, SGR_RESET));
	pl_buf_cleanup(&head);
}

static void
section_facts(struct text_ctx *t, int uses)
{
	const struct pl_page *p = t->page;
	size_t shown = 0;

	heading(t, uses ? "Known unofficial uses" : "Security notes");
	for (size_t i = 0; i < p->n_facts; i++) {
		if (pl_page_fact_is_use(p->facts[i]) != uses)
			continue;
		fact(t, p->facts[i]);
		shown++;
	}
	if (shown)
		return;
	if (p->n_facts == 0)
		pl_buf_printf(t->out,
		              "  portlens has no curated notes on port %u: nothing more "
		              "is known beyond the registry.\n",
		              p->port);
	else
		pl_buf_printf(t->out, "  None recorded.\n");
}

static void
section_checks(struct text_ctx *t)
{
	const struct pl_page *p = t->page;

	if (p->n_checks == 0) /* port 0: nothing can listen there */
		return;
	heading(t, "How to check");
	for (size_t i = 0; i < p->n_checks; i++) {
		const struct pl_page_check *c = &p->checks[i];

		pl_buf_printf(t->out, "  %-9s %-28s %s%s%s\n", c->platform, c->purpose,
		              sgr(t, SGR_BOLD), c->command, sgr(t, SGR_RESET));
	}
}

static void
section_faq(struct text_ctx *t)
{
	const struct pl_page *p = t->page;

	heading(t, "Frequently asked questions");
	for (size_t i = 0; i < p->n_faq; i++) {
		pl_buf_printf(t->out, "  %s%s%s\n", sgr(t, SGR_BOLD), p->faq[i].question,
		              sgr(t, SGR_RESET));
		pl_term_wrap(t->out, p->faq[i].answer, 4, t->cli->width);
	}
}

/* "On this machine": the live section (only when the page read sockets). */
static void
live_listener(struct text_ctx *t, const struct pl_page_listener *l)
{
	const struct pl_page *p = t->page;
	struct pl_buf line;

	pl_buf_init(&line);
	pl_buf_printf(&line, "%s%s  %s%s%s:%u  ", pl_proto_name((enum pl_proto)l->proto),
	              l->dual_stack ? "46"
	              : l->ipv6     ? "6"
	                            : "4",
	              l->ipv6 ? "[" : "", l->address, l->ipv6 ? "]" : "", p->port);
	if (l->owner == 0)
		pl_buf_printf(&line, "%s (pid %d, user %s%s%s)", l->process, (int)l->pid, l->user,
		              l->unit[0] ? ", " : "", l->unit);
	else if (l->owner == 1 && geteuid() != 0)
		pl_buf_printf(&line, "process hidden (user %s): run as root to see it", l->user);
	else if (l->owner == 1)
		pl_buf_printf(&line, "process not visible even to root (user %s)", l->user);
	else
		pl_buf_printf(&line, "no process holds it (kernel socket)");
	if (strcmp(l->netns, "host") != 0)
		pl_buf_printf(&line, " in namespace %s", l->netns);
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++)
		if (l->flags & (1u << f))
			pl_buf_printf(&line, " [%s]",
			              pl_sock_flag_name((enum pl_sock_flag)(1u << f)));
	pl_term_wrap(t->out, pl_buf_str(&line), 2, t->cli->width);
	if (l->owner == 0 && l->cmdline && *l->cmdline)
		pl_buf_printf(t->out, "    %s%s%s\n", sgr(t, SGR_DIM), l->cmdline,
		              sgr(t, SGR_RESET));
	pl_buf_cleanup(&line);
}

static void
section_live(struct text_ctx *t)
{
	const struct pl_page_live *live = t->page->live;
	size_t shown = 0;

	if (!live)
		return;
	heading(t, "On this machine");
	if (live->error[0]) {
		pl_buf_printf(t->out, "  Could not read sockets: %s\n", live->error);
		return;
	}
	for (size_t i = 0; i < live->n_listeners; i++)
		live_listener(t, &live->listeners[i]);
	if (live->n_listeners_total > live->n_listeners)
		pl_buf_printf(t->out, "  ... and %zu more (portlens listen --port %u)\n",
		              live->n_listeners_total - live->n_listeners, t->page->port);
	if (!live->n_listeners_total)
		pl_buf_printf(t->out, "  Nothing listens on port %u here.\n", t->page->port);
	if (live->n_conns) {
		pl_buf_printf(t->out, "  %zu connection%s on port %u:", live->n_conns,
		              live->n_conns == 1 ? "" : "s", t->page->port);
		for (unsigned st = 1; st < 16; st++) {
			struct pl_sock tmp = {.state = (uint8_t)st};

			if (live->conns_by_state[st])
				pl_buf_printf(t->out, "%s %zu %s", shown++ ? "," : "",
				              live->conns_by_state[st], pl_sock_state_name(&tmp));
		}
		pl_buf_printf(t->out, " (portlens conns --port %u)\n", t->page->port);
	}
	if (!live->processes_complete && geteuid() != 0)
		pl_buf_puts(t->out, "  Some processes belong to other users and are hidden; run as "
		                    "root to see them.\n");
	pl_buf_printf(t->out, "  %sObserved now through %s.%s\n", sgr(t, SGR_DIM), live->source,
	              sgr(t, SGR_RESET));
}

void
pl_render_page_text(const struct pl_cli *cli, const struct pl_page *page, struct pl_buf *out)
{
	struct text_ctx t = {.cli = cli, .page = page, .out = out};

	title_line(&t);
	section_registry(&t);
	section_range(&t);
	section_live(&t);
	section_facts(&t, 1);
	section_facts(&t, 0);
	section_checks(&t);
	section_faq(&t);
}
