// SPDX-License-Identifier: MIT
/*
 * render_audit.c - an audit report as text (one "SEVERITY: title" line per finding,
 * then evidence, why and remedy, wrapped), JSON ("portlens.audit/1": findings and the
 * observations behind them) or Markdown (a findings table and a services table).
 */
#include <ctype.h>
#include <string.h>

#include "cli/render/colfit.h"
#include "cli/audit/render_audit.h"
#include "core/escape.h"

static const char *
sev_color(enum pl_severity s)
{
	switch (s) {
	case PL_SEV_CRITICAL:
		return "\033[1;35m";
	case PL_SEV_HIGH:
		return "\033[1;31m";
	case PL_SEV_MEDIUM:
		return "\033[33m";
	default:
		return "\033[36m";
	}
}

static void
upper(const char *s, char *out, size_t size)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
}

/*
 * A finding's evidence for text and Markdown: the bytes as read, escaped once by the
 * probe's text rule (\r \n \\ \xNN, as probe and scan show a banner); the wrap and
 * the Markdown cell then find nothing left to escape in it.
 */
/* Room for a rule's evidence (at most 1023 bytes) at four characters per byte. */
enum { EV_TEXT_SIZE = 4 * 1024 + 8 };

static void
evidence_text(const struct pl_finding *f, char *buf, size_t size)
{
	pl_probe_escape((const unsigned char *)f->evidence, f->evidence_len, buf, size);
}

static void
counts(const struct pl_audit_report *r, size_t by[PL_SEV_COUNT])
{
	memset(by, 0, sizeof(size_t) * PL_SEV_COUNT);
	for (size_t i = 0; i < r->n; i++)
		by[r->findings[i].severity]++;
}

void
pl_render_audit_text(const struct pl_cli *cli, const struct pl_audit_report *r, const char *scope,
                     struct pl_buf *out)
{
	unsigned width = cli->width ? cli->width : 100;
	size_t by[PL_SEV_COUNT];
	int first = 1;

	counts(r, by);
	pl_buf_printf(out, "audit of %s: %zu finding%s", scope, r->n, r->n == 1 ? "" : "s");
	for (int s = PL_SEV_COUNT - 1; s >= 0; s--) {
		if (!by[s])
			continue;
		pl_buf_printf(out, "%s%zu %s", first ? " (" : ", ", by[s],
		              pl_severity_name((enum pl_severity)s));
		first = 0;
	}
	pl_buf_puts(out, first ? "\n" : ")\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct pl_finding *f = &r->findings[i];
		char sev[16], ev[EV_TEXT_SIZE];

		upper(pl_severity_name(f->severity), sev, sizeof(sev));
		pl_buf_printf(out, "\n%s%s%s: ", pl_term_sgr(cli, sev_color(f->severity)), sev,
		              pl_term_sgr(cli, "\033[0m"));
		/* Wrapped to the width like the rest (cli/colfit.c); escaped: a title may
		 * quote what a server or a process said. */
		pl_colfit_wrap(out, f->title, strlen(sev) + 2, 4, width);
		pl_buf_puts(out, "  evidence:\n");
		evidence_text(f, ev, sizeof(ev));
		pl_term_wrap(out, ev, 4, width);
		pl_buf_puts(out, "  why it matters:\n");
		pl_term_wrap(out, f->why, 4, width);
		pl_buf_puts(out, "  remedy:\n");
		pl_term_wrap(out, f->remedy, 4, width);
		pl_buf_printf(out, "  rule: %s\n", f->rule);
	}
	if (r->n == 0)
		pl_buf_puts(out, "no findings.\n");
}

void
pl_render_audit_json(const struct pl_audit_report *r, const struct pl_audit_obs *obs, size_t n_obs,
                     const char *scope, struct pl_buf *out)
{
	struct pl_jsonw w;
	size_t by[PL_SEV_COUNT];

	counts(r, by);
	pl_jsonw_init(&w, out, 1);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "schema", "portlens.audit/1");
	pl_jsonw_kstr(&w, "scope", scope);
	pl_jsonw_key(&w, "summary");
	pl_jsonw_object(&w);
	for (int s = PL_SEV_COUNT - 1; s >= 0; s--)
		pl_jsonw_kint(&w, pl_severity_name((enum pl_severity)s), (int64_t)by[s]);
	pl_jsonw_end(&w);
	pl_jsonw_key(&w, "findings");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct pl_finding *f = &r->findings[i];

		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "severity", pl_severity_name(f->severity));
		pl_jsonw_kstr(&w, "rule", f->rule);
		pl_jsonw_kstr(&w, "where", f->where);
		pl_jsonw_kstr(&w, "title", f->title);
		pl_json_bytes(&w, "evidence", f->evidence, f->evidence_len);
		pl_jsonw_kstr(&w, "why", f->why);
		pl_jsonw_kstr(&w, "remedy", f->remedy);
		pl_jsonw_end(&w);
	}
	pl_jsonw_end(&w);
	pl_jsonw_key(&w, "observations");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < n_obs; i++) {
		const struct pl_audit_obs *o = &obs[i];

		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "kind",
		              o->kind == PL_OBS_CAPTURE ? "packet"
		              : o->kind == PL_OBS_RAW   ? "raw"
		                                        : pl_proto_name(o->proto));
		pl_jsonw_kstr(&w, "address", o->addr);
		pl_jsonw_kint(&w, "port", o->port);
		if (o->kind != PL_OBS_PORT)
			pl_jsonw_kstr(&w, "protocol", o->proto_name[0] ? o->proto_name : NULL);
		pl_jsonw_kstr(&w, "reach", o->reach == PL_REACH_LOOPBACK ? "loopback" : "network");
		if (o->process[0])
			pl_jsonw_kstr(&w, "process", o->process);
		pl_jsonw_kbool(&w, "probed", o->probed);
		if (o->probed) {
			pl_jsonw_key(&w, "service");
			pl_jsonw_object(&w);
			pl_service_json(&w, &o->svc);
			pl_jsonw_end(&w);
		}
		if (o->creds_checked) {
			pl_jsonw_key(&w, "default_credentials");
			pl_jsonw_object(&w);
			pl_jsonw_kint(&w, "tried", o->creds.tried);
			pl_jsonw_kbool(&w, "accepted", o->creds.accepted);
			if (o->creds.accepted) {
				pl_jsonw_kstr(&w, "username", o->creds.username);
				pl_jsonw_kstr(&w, "password", o->creds.password);
			}
			pl_jsonw_end(&w);
		}
		pl_jsonw_end(&w);
	}
	pl_jsonw_end(&w);
	pl_jsonw_end(&w);
	pl_buf_putc(out, '\n');
}

void
pl_render_audit_markdown(const struct pl_audit_report *r, const struct pl_audit_obs *obs,
                         size_t n_obs, const char *scope, struct pl_buf *out)
{
	pl_buf_puts(out, "# portlens audit: ");
	pl_md_cell(out, scope);
	pl_buf_printf(out, "\n\n%zu finding%s.\n\n", r->n, r->n == 1 ? "" : "s");
	if (r->n) {
		pl_buf_puts(out, "| severity | finding | evidence | why it matters | remedy |\n"
		                 "|---|---|---|---|---|\n");
		for (size_t i = 0; i < r->n; i++) {
			const struct pl_finding *f = &r->findings[i];
			char ev[EV_TEXT_SIZE];
			const char *cells[] = {f->title, ev, f->why, f->remedy};

			evidence_text(f, ev, sizeof(ev));
			pl_buf_printf(out, "| **%s** |", pl_severity_name(f->severity));
			for (size_t k = 0; k < 4; k++) {
				pl_buf_puts(out, " ");
				pl_md_cell(out, cells[k]);
				pl_buf_puts(out, " |");
			}
			pl_buf_puts(out, "\n");
		}
		pl_buf_puts(out, "\n");
	}
	pl_buf_puts(out, "## Services\n\n");
	pl_render_service_md_head(out);
	for (size_t i = 0; i < n_obs; i++) {
		char where[96];
		struct pl_service none;

		if (obs[i].kind != PL_OBS_PORT)
			continue; /* no service to show: the finding says what it is */
		snprintf(where, sizeof(where), strchr(obs[i].addr, ':') ? "[%s]:%u%s" : "%s:%u%s",
		         obs[i].addr, obs[i].port, obs[i].proto == PL_PROTO_UDP ? "/udp" : "");
		if (!obs[i].probed) {
			memset(&none, 0, sizeof(none));
			pl_render_service_md_row(where, &none, out);
		} else {
			pl_render_service_md_row(where, &obs[i].svc, out);
		}
	}
}
