// SPDX-License-Identifier: MIT
/*
 * render_service.c - one probe result (struct pl_service) as text or a Markdown row
 * (its JSON members are the library's: pl_service_json, src/lib/page/json_service.c),
 * and HOST:PORT parsing for the commands that take addresses. Every string
 * a server chose (product, version, CPE, evidence, TLS subject, issuer, SANs) goes
 * through the terminal or Markdown rule of core/escape.h.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "cli/audit/render_audit.h"
#include "core/escape.h"
#include "core/utf8.h"
#include "portlens/addr.h"

static const char *
tri(enum pl_tri t, const char *yes, const char *no)
{
	return t == PL_TRI_YES ? yes : t == PL_TRI_NO ? no : NULL;
}

/* "    LABEL VALUE[SUFFIX]\n", VALUE through the terminal rule: it came from the server. */
static void
put_field(struct pl_buf *out, const char *label, const char *value, const char *suffix)
{
	pli_buf_puts(out, label);
	pli_esc_term(out, value);
	pli_buf_puts(out, suffix);
	pli_buf_putc(out, '\n');
}

void
pli_render_service_text(const struct pl_cli *cli, const char *where, const struct pl_service *s,
                        struct pl_buf *out)
{
	char sum[200], name[32];
	const char *a, *t;

	pl_service_summary(s, sum, sizeof(sum));
	snprintf(name, sizeof(name), "%s%s", s->tls ? "tls/" : "",
	         s->service[0] ? s->service : "unknown");
	pli_buf_printf(out, "%s%-24s%s %s%-10s%s ", pli_term_sgr(cli, "\033[1m"), where,
	               pli_term_sgr(cli, "\033[0m"), pli_term_sgr(cli, "\033[32m"), name,
	               pli_term_sgr(cli, "\033[0m"));
	put_field(out, "", sum, "");
	if (s->vendor[0] && strcmp(s->vendor, s->product) != 0)
		put_field(out, "    vendor:   ", s->vendor, "");
	if (s->cpe[0])
		put_field(out, "    cpe:      ", s->cpe, "");
	if (s->evidence[0])
		put_field(out, "    evidence: ", s->evidence, "");
	if (s->info[0])
		put_field(out, "    info:     ", s->info, "");
	a = tri(s->auth_required, "required", "none (answered without credentials)");
	t = tri(s->starttls, "offered", "not offered");
	if (a)
		pli_buf_printf(out, "    auth:     %s\n", a);
	if (t)
		pli_buf_printf(out, "    starttls: %s\n", t);
	if (s->tls) {
		const struct pl_tls_info *ti = &s->tls_info;

		pli_buf_puts(out, "    tls:      ");
		pli_esc_term(out, ti->version);
		put_field(out, " ", ti->cipher, "");
		if (ti->subject[0])
			put_field(out, "    subject:  ", ti->subject, "");
		if (ti->issuer[0])
			put_field(out, "    issuer:   ", ti->issuer,
			          ti->self_signed ? " (self-signed)" : "");
		if (ti->sans[0])
			put_field(out, "    sans:     ", ti->sans, "");
		if (ti->not_after[0]) {
			pli_buf_puts(out, "    valid:    ");
			pli_esc_term(out, ti->not_before);
			put_field(out, " to ", ti->not_after, ti->expired ? " (EXPIRED)" : "");
		}
	}
	if (s->exposures) {
		pli_buf_puts(out, "    exposed: ");
		for (unsigned b = 0; b < 32; b++)
			if ((s->exposures & (1u << b)) && pl_exposure_name(1u << b))
				pli_buf_printf(out, " %s", pl_exposure_name(1u << b));
		pli_buf_puts(out, "\n");
	}
	if (s->udp && s->udp_request_bytes && s->udp_answer_bytes)
		pli_buf_printf(out, "    udp:      %u bytes asked, %u bytes answered (x%.1f)\n",
		               s->udp_request_bytes, s->udp_answer_bytes,
		               (double)s->udp_answer_bytes / s->udp_request_bytes);
	pli_buf_printf(out, "    probe:    %s, confidence %u, %u ms, %u bytes%s\n",
	               s->probe[0] ? s->probe : "-", s->confidence, s->elapsed_ms, s->bytes_read,
	               s->truncated ? " (answer cut at 16 KiB)" : "");
}

/* A Markdown table cell: the Markdown rule (core/escape.h) -- no control byte, no
 * markup, no extra column from what a server sent. */
void
pli_md_cell(struct pl_buf *out, const char *s)
{
	pli_esc_markdown(out, s);
}

void
pli_render_service_md_head(struct pl_buf *out)
{
	pli_buf_puts(out, "| port | service | product | version | cpe | evidence |\n"
	                  "|---|---|---|---|---|---|\n");
}

void
pli_render_service_md_row(const char *where, const struct pl_service *s, struct pl_buf *out)
{
	const char *cells[] = {where,      s->service[0] ? s->service : "unknown",
	                       s->product, s->version,
	                       s->cpe,     s->evidence};

	pli_buf_puts(out, "|");
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		pli_buf_puts(out, " ");
		if (i == 1 && s->tls)
			pli_buf_puts(out, "tls/");
		pli_md_cell(out, cells[i]);
		pli_buf_puts(out, " |");
	}
	pli_buf_puts(out, "\n");
}

int
pli_cli_parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *msg,
                       size_t msg_size)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
	struct pl_err err = {0};
	char host[256], port[8];
	uint16_t pnum;
	int rc;

	if (pl_hostport_split(s, host, sizeof(host), &pnum, &err) != PL_OK) {
		snprintf(msg, msg_size, "%s", err.msg);
		return -1;
	}
	snprintf(port, sizeof(port), "%u", (unsigned)pnum);
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(msg, msg_size, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}
