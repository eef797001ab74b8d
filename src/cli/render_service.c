// SPDX-License-Identifier: MIT
/*
 * render_service.c - one probe result (struct pl_service) as text, JSON members or a
 * Markdown row, and HOST:PORT parsing for the commands that take addresses. Every string
 * a server chose (product, version, CPE, evidence, TLS subject, issuer, SANs) goes
 * through the terminal or Markdown rule of core/escape.h.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "cli/render_audit.h"
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
	pl_buf_puts(out, label);
	pl_esc_term(out, value);
	pl_buf_puts(out, suffix);
	pl_buf_putc(out, '\n');
}

void
pl_render_service_text(const struct pl_cli *cli, const char *where, const struct pl_service *s,
                       struct pl_buf *out)
{
	char sum[200], name[32];
	const char *a, *t;

	pl_service_summary(s, sum, sizeof(sum));
	snprintf(name, sizeof(name), "%s%s", s->tls ? "tls/" : "",
	         s->service[0] ? s->service : "unknown");
	pl_buf_printf(out, "%s%-24s%s %s%-10s%s ", pl_term_sgr(cli, "\033[1m"), where,
	              pl_term_sgr(cli, "\033[0m"), pl_term_sgr(cli, "\033[32m"), name,
	              pl_term_sgr(cli, "\033[0m"));
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
		pl_buf_printf(out, "    auth:     %s\n", a);
	if (t)
		pl_buf_printf(out, "    starttls: %s\n", t);
	if (s->tls) {
		const struct pl_tls_info *ti = &s->tls_info;

		pl_buf_puts(out, "    tls:      ");
		pl_esc_term(out, ti->version);
		put_field(out, " ", ti->cipher, "");
		if (ti->subject[0])
			put_field(out, "    subject:  ", ti->subject, "");
		if (ti->issuer[0])
			put_field(out, "    issuer:   ", ti->issuer,
			          ti->self_signed ? " (self-signed)" : "");
		if (ti->sans[0])
			put_field(out, "    sans:     ", ti->sans, "");
		if (ti->not_after[0]) {
			pl_buf_puts(out, "    valid:    ");
			pl_esc_term(out, ti->not_before);
			put_field(out, " to ", ti->not_after, ti->expired ? " (EXPIRED)" : "");
		}
	}
	if (s->exposures) {
		pl_buf_puts(out, "    exposed: ");
		for (unsigned b = 0; b < 32; b++)
			if ((s->exposures & (1u << b)) && pl_exposure_name(1u << b))
				pl_buf_printf(out, " %s", pl_exposure_name(1u << b));
		pl_buf_puts(out, "\n");
	}
	if (s->udp && s->udp_request_bytes && s->udp_answer_bytes)
		pl_buf_printf(out, "    udp:      %u bytes asked, %u bytes answered (x%.1f)\n",
		              s->udp_request_bytes, s->udp_answer_bytes,
		              (double)s->udp_answer_bytes / s->udp_request_bytes);
	pl_buf_printf(out, "    probe:    %s, confidence %u, %u ms, %u bytes%s\n",
	              s->probe[0] ? s->probe : "-", s->confidence, s->elapsed_ms, s->bytes_read,
	              s->truncated ? " (answer cut at 16 KiB)" : "");
}

static void
kopt(struct pl_jsonw *w, const char *key, const char *v)
{
	if (v[0])
		pl_jsonw_kstr(w, key, v);
	else {
		pl_jsonw_key(w, key);
		pl_jsonw_null(w);
	}
}

static void
ktri(struct pl_jsonw *w, const char *key, enum pl_tri t)
{
	pl_jsonw_key(w, key);
	if (t == PL_TRI_UNKNOWN)
		pl_jsonw_null(w);
	else
		pl_jsonw_bool(w, t == PL_TRI_YES);
}

/*
 * Evidence as read, escaped once for JSON (valid UTF-8 as is, control bytes as JSON
 * escapes). Bytes that are not UTF-8 can only be U+FFFD in a JSON string, so such
 * evidence also comes as KEY_hex, byte for byte.
 */
void
pl_render_json_bytes(struct pl_jsonw *w, const char *key, const char *raw, size_t n)
{
	pl_jsonw_key(w, key);
	pl_jsonw_strn(w, raw, n);
	if (pl_utf8_invalid_at(raw, n) < n) {
		struct pl_buf hex;
		char hkey[64];

		pl_buf_init(&hex);
		for (size_t i = 0; i < n; i++)
			pl_buf_printf(&hex, "%02x", (unsigned char)raw[i]);
		snprintf(hkey, sizeof(hkey), "%s_hex", key);
		pl_jsonw_kstr(w, hkey, pl_buf_str(&hex));
		pl_buf_cleanup(&hex);
	}
}

static void
json_evidence(struct pl_jsonw *w, const struct pl_service *s)
{
	pl_render_json_bytes(w, "evidence", (const char *)s->evidence_raw, s->evidence_len);
}

void
pl_render_service_json(struct pl_jsonw *w, const struct pl_service *s)
{
	kopt(w, "service", s->service);
	kopt(w, "vendor", s->vendor);
	kopt(w, "product", s->product);
	kopt(w, "version", s->version);
	kopt(w, "cpe", s->cpe);
	kopt(w, "os", s->os);
	kopt(w, "info", s->info);
	json_evidence(w, s);
	kopt(w, "probe", s->probe);
	pl_jsonw_kint(w, "confidence", s->confidence);
	ktri(w, "auth_required", s->auth_required);
	ktri(w, "starttls", s->starttls);
	pl_jsonw_kbool(w, "tls", s->tls);
	if (s->tls) {
		const struct pl_tls_info *ti = &s->tls_info;

		pl_jsonw_key(w, "certificate");
		pl_jsonw_object(w);
		kopt(w, "protocol", ti->version);
		kopt(w, "cipher", ti->cipher);
		kopt(w, "subject", ti->subject);
		kopt(w, "issuer", ti->issuer);
		kopt(w, "sans", ti->sans);
		kopt(w, "not_before", ti->not_before);
		kopt(w, "not_after", ti->not_after);
		pl_jsonw_kbool(w, "expired", ti->expired);
		pl_jsonw_kbool(w, "self_signed", ti->self_signed);
		if (ti->not_after[0])
			pl_jsonw_kint(w, "days_left", ti->days_left);
		pl_jsonw_kbool(w, "name_mismatch", ti->name_mismatch);
		kopt(w, "old_protocol_accepted", ti->old_protocol);
		kopt(w, "weak_cipher_accepted", ti->weak_cipher);
		pl_jsonw_end(w);
	}
	pl_jsonw_key(w, "exposures");
	pl_jsonw_array(w);
	for (unsigned b = 0; b < 32; b++)
		if ((s->exposures & (1u << b)) && pl_exposure_name(1u << b))
			pl_jsonw_str(w, pl_exposure_name(1u << b));
	pl_jsonw_end(w);
	if (s->udp) {
		pl_jsonw_key(w, "udp");
		pl_jsonw_object(w);
		pl_jsonw_kint(w, "request_bytes", s->udp_request_bytes);
		pl_jsonw_kint(w, "answer_bytes", s->udp_answer_bytes);
		pl_jsonw_end(w);
	}
	pl_jsonw_kint(w, "elapsed_ms", s->elapsed_ms);
	pl_jsonw_kint(w, "bytes_read", s->bytes_read);
	pl_jsonw_kbool(w, "truncated", s->truncated);
}

/* A Markdown table cell: the Markdown rule (core/escape.h) -- no control byte, no
 * markup, no extra column from what a server sent. */
void
pl_md_cell(struct pl_buf *out, const char *s)
{
	pl_esc_markdown(out, s);
}

void
pl_render_service_md_head(struct pl_buf *out)
{
	pl_buf_puts(out, "| port | service | product | version | cpe | evidence |\n"
	                 "|---|---|---|---|---|---|\n");
}

void
pl_render_service_md_row(const char *where, const struct pl_service *s, struct pl_buf *out)
{
	const char *cells[] = {where,      s->service[0] ? s->service : "unknown",
	                       s->product, s->version,
	                       s->cpe,     s->evidence};

	pl_buf_puts(out, "|");
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		pl_buf_puts(out, " ");
		if (i == 1 && s->tls)
			pl_buf_puts(out, "tls/");
		pl_md_cell(out, cells[i]);
		pl_buf_puts(out, " |");
	}
	pl_buf_puts(out, "\n");
}

int
pl_cli_parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *msg,
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
