// SPDX-License-Identifier: MIT
/*
 * render_markdown.c - the port page as CommonMark, for wikis and tickets. Data from the
 * registry and knowledge base is escaped so it can never turn into markup or HTML.
 */
#include <string.h>

#include "cli/cli.h"

static void
md_escape(struct pl_buf *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#!{}", *s))
			pl_buf_putc(out, '\\');
		if (*s == '\n' || *s == '\r')
			pl_buf_putc(out, ' ');
		else
			pl_buf_putc(out, *s);
	}
}

static void
md_field(struct pl_buf *out, const char *label, const char *value)
{
	if (!*value)
		return;
	pl_buf_printf(out, "  - %s: ", label);
	md_escape(out, value);
	pl_buf_putc(out, '\n');
}

static void
md_registry(const struct pl_page *p, struct pl_buf *out)
{
	pl_buf_printf(out,
	              "## What port %u is\n\nIANA Service Name and Transport Protocol Port "
	              "Number Registry, data as of %s (%s).\n\n",
	              p->port, p->registry_date, p->registry_source);
	for (size_t i = 0; i < p->n_transports; i++) {
		const struct pl_page_transport *tr = &p->transports[i];

		if (tr->n == 0)
			pl_buf_printf(out, "- **%s**: no registry record\n",
			              pl_proto_name(tr->proto));
		for (size_t k = 0; k < tr->n; k++) {
			const struct pl_reg_entry *e = tr->rows[k];

			pl_buf_printf(out, "- **%s**: ", pl_proto_name(tr->proto));
			if (e->status == PL_REG_ASSIGNED) {
				pl_buf_puts(out, "`");
				pl_buf_puts(out, e->service);
				pl_buf_puts(out, "` — ");
				md_escape(out, e->description);
			} else {
				pl_buf_puts(out, pl_reg_status_name((enum pl_reg_status)e->status));
			}
			if (e->port_lo != e->port_hi)
				pl_buf_printf(out, " (range %u-%u)", e->port_lo, e->port_hi);
			pl_buf_putc(out, '\n');
			md_field(out, "Assignee", e->assignee);
			md_field(out, "Registered", e->registered);
			md_field(out, "Modified", e->modified);
			md_field(out, "Reference", e->reference);
			md_field(out, "Unauthorized use reported", e->unauthorized_use);
			md_field(out, "Notes", e->notes);
		}
	}
	pl_buf_puts(out,
	            "\nSource: <https://www.iana.org/assignments/service-names-port-numbers/>\n\n");
}

static void
md_facts(const struct pl_page *p, struct pl_buf *out, int uses)
{
	size_t shown = 0;

	pl_buf_printf(out, "## %s\n\n", uses ? "Known unofficial uses" : "Security notes");
	for (size_t i = 0; i < p->n_facts; i++) {
		const struct pl_kb_entry *f = p->facts[i];

		if (pl_page_fact_is_use(f) != uses)
			continue;
		shown++;
		pl_buf_puts(out, "- **");
		md_escape(out, f->title);
		pl_buf_printf(out, "** (%s, risk %s): ", pl_kb_kind_label((enum pl_kb_kind)f->kind),
		              pl_risk_name((enum pl_risk)f->risk));
		md_escape(out, f->text);
		pl_buf_puts(out, "\n  Sources:");
		for (uint32_t s = 0; s < f->n_sources; s++) {
			pl_buf_puts(out, s ? ", " : " ");
			if (strncmp(f->sources[s], "http", 4) == 0)
				pl_buf_printf(out, "<%s>", f->sources[s]);
			else
				md_escape(out, f->sources[s]);
		}
		pl_buf_putc(out, '\n');
	}
	if (!shown)
		pl_buf_printf(out, "%s\n",
		              p->n_facts ? "None recorded."
		                         : "portlens has no curated notes on this "
		                           "port: nothing more is known beyond the "
		                           "registry.");
	pl_buf_putc(out, '\n');
}

/* "On this machine" (only when the page read sockets). */
static void
md_live(const struct pl_page *p, struct pl_buf *out)
{
	const struct pl_page_live *live = p->live;

	pl_buf_puts(out, "## On this machine\n\n");
	if (live->error[0]) {
		pl_buf_puts(out, "Could not read sockets: ");
		md_escape(out, live->error);
		pl_buf_puts(out, "\n\n");
		return;
	}
	for (size_t i = 0; i < live->n_listeners; i++) {
		const struct pl_page_listener *l = &live->listeners[i];

		pl_buf_printf(out, "- %s%s `%s` port %u: ", pl_proto_name((enum pl_proto)l->proto),
		              l->dual_stack ? "46"
		              : l->ipv6     ? "6"
		                            : "4",
		              l->address, p->port);
		if (l->owner == 0) {
			md_escape(out, l->process);
			pl_buf_printf(out, " (pid %d, user ", (int)l->pid);
			md_escape(out, l->user);
			pl_buf_puts(out, ")");
		} else {
			pl_buf_puts(out, l->owner == 1 ? "process hidden (run as root)"
			                               : "no process (kernel socket)");
		}
		pl_buf_putc(out, '\n');
	}
	if (!live->n_listeners_total)
		pl_buf_printf(out, "Nothing listens on port %u here.\n", p->port);
	pl_buf_printf(out, "\n%zu connection%s on the port. Observed through %s.\n\n",
	              live->n_conns, live->n_conns == 1 ? "" : "s", live->source);
}

void
pl_render_page_markdown(const struct pl_page *p, struct pl_buf *out)
{
	char summary[256];

	pl_page_summary(p, summary, sizeof(summary));
	pl_buf_printf(out, "# Port %u — ", p->port);
	md_escape(out, summary);
	pl_buf_printf(out, "\n\nRisk: **%s**\n\n", pl_risk_name(p->risk));
	md_registry(p, out);
	pl_buf_printf(out,
	              "## The range it lives in\n\n%u is in the %s range %u-%u (RFC 6335). "
	              "Linux ephemeral range: %u-%u (%s); port %u is %s it.\n\n",
	              p->port, pl_range_name(p->range), p->range_lo, p->range_hi, p->ephemeral.lo,
	              p->ephemeral.hi, p->ephemeral.source, p->port,
	              p->in_ephemeral ? "inside" : "outside");
	if (p->live)
		md_live(p, out);
	md_facts(p, out, 1);
	md_facts(p, out, 0);
	if (p->n_checks) /* none for port 0: nothing can listen there */
		pl_buf_puts(out,
		            "## How to check\n\n| Platform | Purpose | Command |\n|---|---|---|\n");
	for (size_t i = 0; i < p->n_checks; i++) {
		const char *c = p->checks[i].command;

		pl_buf_printf(out, "| %s | %s | `", p->checks[i].platform, p->checks[i].purpose);
		for (; *c; c++) {
			if (*c == '|')
				pl_buf_putc(out, '\\');
			pl_buf_putc(out, *c);
		}
		pl_buf_puts(out, "` |\n");
	}
	pl_buf_puts(out, p->n_checks ? "\n## Frequently asked questions\n\n"
	                             : "## Frequently asked questions\n\n");
	for (size_t i = 0; i < p->n_faq; i++)
		pl_buf_printf(out, "### %s\n\n%s\n\n", p->faq[i].question, p->faq[i].answer);
}
