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
pli_render_audit_text(const struct pl_cli *cli, const struct pl_audit_report *r, const char *scope,
                      struct pl_buf *out)
{
	unsigned width = cli->width ? cli->width : 100;
	size_t by[PL_SEV_COUNT];
	int first = 1;

	counts(r, by);
	pli_buf_printf(out, "audit of %s: %zu finding%s", scope, r->n, r->n == 1 ? "" : "s");
	for (int s = PL_SEV_COUNT - 1; s >= 0; s--) {
		if (!by[s])
			continue;
		pli_buf_printf(out, "%s%zu %s", first ? " (" : ", ", by[s],
		               pl_severity_name((enum pl_severity)s));
		first = 0;
	}
	pli_buf_puts(out, first ? "\n" : ")\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct pl_finding *f = &r->findings[i];
		char sev[16], ev[EV_TEXT_SIZE];

		upper(pl_severity_name(f->severity), sev, sizeof(sev));
		pli_buf_printf(out, "\n%s%s%s: ", pli_term_sgr(cli, sev_color(f->severity)), sev,
		               pli_term_sgr(cli, "\033[0m"));
		/* Wrapped to the width like the rest (cli/colfit.c); escaped: a title may
		 * quote what a server or a process said. */
		pli_colfit_wrap(out, f->title, strlen(sev) + 2, 4, width);
		pli_buf_puts(out, "  evidence:\n");
		evidence_text(f, ev, sizeof(ev));
		pli_term_wrap(out, ev, 4, width);
		pli_buf_puts(out, "  why it matters:\n");
		pli_term_wrap(out, f->why, 4, width);
		pli_buf_puts(out, "  remedy:\n");
		pli_term_wrap(out, f->remedy, 4, width);
		pli_buf_printf(out, "  rule: %s\n", f->rule);
	}
	if (r->n == 0)
		pli_buf_puts(out, "no findings.\n");
}

void
pli_render_audit_json(const struct pl_audit_report *r, const struct pl_audit_obs *obs, size_t n_obs,
                      const char *scope, struct pl_buf *out)
{
	struct pl_jsonw w;
	size_t by[PL_SEV_COUNT];

	counts(r, by);
	pli_jsonw_init(&w, out, 1);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "schema", "portlens.audit/1");
	pli_jsonw_kstr(&w, "scope", scope);
	pli_jsonw_key(&w, "summary");
	pli_jsonw_object(&w);
	for (int s = PL_SEV_COUNT - 1; s >= 0; s--)
		pli_jsonw_kint(&w, pl_severity_name((enum pl_severity)s), (int64_t)by[s]);
	pli_jsonw_end(&w);
	pli_jsonw_key(&w, "findings");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct pl_finding *f = &r->findings[i];

		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "severity", pl_severity_name(f->severity));
		pli_jsonw_kstr(&w, "rule", f->rule);
		pli_jsonw_kstr(&w, "where", f->where);
		pli_jsonw_kstr(&w, "title", f->title);
		pl_json_bytes(&w, "evidence", f->evidence, f->evidence_len);
		pli_jsonw_kstr(&w, "why", f->why);
		pli_jsonw_kstr(&w, "remedy", f->remedy);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_jsonw_key(&w, "observations");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < n_obs; i++) {
		const struct pl_audit_obs *o = &obs[i];

		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "kind",
		               o->kind == PL_OBS_CAPTURE ? "packet"
		               : o->kind == PL_OBS_RAW   ? "raw"
		                                         : pl_proto_name(o->proto));
		pli_jsonw_kstr(&w, "address", o->addr);
		pli_jsonw_kint(&w, "port", o->port);
		if (o->kind != PL_OBS_PORT)
			pli_jsonw_kstr(&w, "protocol", o->proto_name[0] ? o->proto_name : NULL);
		pli_jsonw_kstr(&w, "reach", o->reach == PL_REACH_LOOPBACK ? "loopback" : "network");
		if (o->process[0])
			pli_jsonw_kstr(&w, "process", o->process);
		pli_jsonw_kbool(&w, "probed", o->probed);
		if (o->probed) {
			pli_jsonw_key(&w, "service");
			pli_jsonw_object(&w);
			pl_service_json(&w, &o->svc);
			pli_jsonw_end(&w);
		}
		if (o->creds_checked) {
			pli_jsonw_key(&w, "default_credentials");
			pli_jsonw_object(&w);
			pli_jsonw_kint(&w, "tried", o->creds.tried);
			pli_jsonw_kbool(&w, "accepted", o->creds.accepted);
			if (o->creds.accepted) {
				pli_jsonw_kstr(&w, "username", o->creds.username);
				pli_jsonw_kstr(&w, "password", o->creds.password);
			}
			pli_jsonw_end(&w);
		}
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
	pli_buf_putc(out, '\n');
}

void
pli_render_audit_markdown(const struct pl_audit_report *r, const struct pl_audit_obs *obs,
                          size_t n_obs, const char *scope, struct pl_buf *out)
{
	pli_buf_puts(out, "# portlens audit: ");
	pli_md_cell(out, scope);
	pli_buf_printf(out, "\n\n%zu finding%s.\n\n", r->n, r->n == 1 ? "" : "s");
	if (r->n) {
		pli_buf_puts(out, "| severity | finding | evidence | why it matters | remedy |\n"
		                  "|---|---|---|---|---|\n");
		for (size_t i = 0; i < r->n; i++) {
			const struct pl_finding *f = &r->findings[i];
			char ev[EV_TEXT_SIZE];
			const char *cells[] = {f->title, ev, f->why, f->remedy};

			evidence_text(f, ev, sizeof(ev));
			pli_buf_printf(out, "| **%s** |", pl_severity_name(f->severity));
			for (size_t k = 0; k < 4; k++) {
				pli_buf_puts(out, " ");
				pli_md_cell(out, cells[k]);
				pli_buf_puts(out, " |");
			}
			pli_buf_puts(out, "\n");
		}
		pli_buf_puts(out, "\n");
	}
	pli_buf_puts(out, "## Services\n\n");
	pli_render_service_md_head(out);
	for (size_t i = 0; i < n_obs; i++) {
		char where[96];
		struct pl_service none;

		if (obs[i].kind != PL_OBS_PORT)
			continue; /* no service to show: the finding says what it is */
		snprintf(where, sizeof(where), strchr(obs[i].addr, ':') ? "[%s]:%u%s" : "%s:%u%s",
		         obs[i].addr, obs[i].port, obs[i].proto == PL_PROTO_UDP ? "/udp" : "");
		if (!obs[i].probed) {
			memset(&none, 0, sizeof(none));
			pli_render_service_md_row(where, &none, out);
		} else {
			pli_render_service_md_row(where, &obs[i].svc, out);
		}
	}
}
