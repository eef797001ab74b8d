// SPDX-License-Identifier: MIT
/*
 * p_mail.c - the mail protocols, which all talk first: SMTP ("220 host ESMTP ...",
 * RFC 5321), POP3 ("+OK ...", RFC 1939) and IMAP ("* OK ...", RFC 9051). Each banner
 * text after the status is matched against its Recog database. Follow-ups ask what the
 * server offers (EHLO, CAPA, CAPABILITY) to learn whether it can upgrade to TLS, which
 * the audit needs to call a login plaintext. A bare "220" banner is ambiguous between
 * SMTP and FTP: EHLO settles it (FTP servers reject the command).
 */
#include <string.h>

#include "probe/probe_impl.h"

/* Copies the first line of d after skip bytes into out (trimmed). */
static size_t
first_line(const unsigned char *d, size_t n, size_t skip, char *out, size_t size)
{
	size_t len = 0;

	if (skip > n)
		skip = n;
	while (skip + len < n && d[skip + len] != '\r' && d[skip + len] != '\n')
		len++;
	while (len && d[skip + len - 1] == ' ')
		len--;
	pli_probe_copy(out, size, (const char *)d + skip, len);
	return len < size ? len : size - 1;
}

static int
has_word(const unsigned char *d, size_t n, const char *w)
{
	return pli_probe_memcasemem(d, n, w) != NULL;
}

static unsigned
smtp_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
              struct pl_service *out)
{
	char line[512];
	size_t len;

	if (n < 4 || memcmp(d, "220", 3) != 0 || (d[3] != ' ' && d[3] != '-'))
		return 0;
	len = first_line(d, n, 4, line, sizeof(line));
	if (has_word((const unsigned char *)line, len, "FTP"))
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "smtp");
	pli_probe_evidence(out, d, len + 4);
	pli_probe_recog(ctx, RECOG_SMTP, line, len, out);
	if (has_word((const unsigned char *)line, len, "SMTP") ||
	    has_word((const unsigned char *)line, len, "mail"))
		return 90;
	return 30; /* bare 220: the follow-up decides */
}

static void
smtp_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
              struct pl_service *out)
{
	static const char ehlo[] = "EHLO portlens.invalid\r\n";
	size_t start = ans->len;

	if (pli_conn_send(c, ehlo, sizeof(ehlo) - 1) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, pli_probe_reply_complete);
	if (ans->len - start >= 4 && memcmp(ans->data + start, "250", 3) == 0) {
		out->confidence = 100;
		out->starttls = has_word(ans->data + start, ans->len - start, "STARTTLS")
		                    ? PL_TRI_YES
		                    : PL_TRI_NO;
	} else if (ans->len > start && out->confidence < 90) {
		/* 500/530 to EHLO after a bare 220: an FTP server. */
		memset(out->vendor, 0, sizeof(out->vendor));
		memset(out->product, 0, sizeof(out->product));
		memset(out->version, 0, sizeof(out->version));
		pli_probe_set(out->service, sizeof(out->service), "ftp");
		out->confidence = 60;
	}
}

static unsigned
pop_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	char line[512];
	size_t len;

	if (n < 4 || memcmp(d, "+OK", 3) != 0)
		return 0;
	len = first_line(d, n, 4, line, sizeof(line));
	pli_probe_set(out->service, sizeof(out->service), "pop3");
	pli_probe_evidence(out, d, len + 4);
	pli_probe_recog(ctx, RECOG_POP, line, len, out);
	return 90;
}

static int
pop_capa_complete(const unsigned char *d, size_t n)
{
	return (n >= 3 && memcmp(d + n - 3, ".\r\n", 3) == 0) || (n >= 4 && d[0] == '-');
}

static void
pop_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
             struct pl_service *out)
{
	size_t start = ans->len;

	if (pli_conn_send(c, "CAPA\r\n", 6) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, pop_capa_complete);
	if (ans->len > start) {
		out->confidence = 100;
		out->starttls = has_word(ans->data + start, ans->len - start, "\nSTLS") ? PL_TRI_YES
		                                                                        : PL_TRI_NO;
	}
}

static unsigned
imap_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
              struct pl_service *out)
{
	char line[512];
	size_t len, skip;

	if (n >= 5 && memcmp(d, "* OK ", 5) == 0)
		skip = 5;
	else if (n >= 10 && memcmp(d, "* PREAUTH ", 10) == 0)
		skip = 10;
	else
		return 0;
	len = first_line(d, n, skip, line, sizeof(line));
	pli_probe_set(out->service, sizeof(out->service), "imap");
	pli_probe_evidence(out, d, len + skip);
	pli_probe_recog(ctx, RECOG_IMAP, line, len, out);
	if (has_word((const unsigned char *)line, len, "STARTTLS"))
		out->starttls = PL_TRI_YES;
	return 90;
}

static int
imap_capa_complete(const unsigned char *d, size_t n)
{
	return pli_probe_line_complete(d, n) && pli_probe_memcasemem(d, n, "\na1 ");
}

static void
imap_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
              struct pl_service *out)
{
	static const char capa[] = "a1 CAPABILITY\r\n";
	size_t start = ans->len;

	if (out->starttls == PL_TRI_YES || pli_conn_send(c, capa, sizeof(capa) - 1) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, imap_capa_complete);
	if (ans->len > start) {
		out->confidence = 100;
		out->starttls = has_word(ans->data + start, ans->len - start, "STARTTLS")
		                    ? PL_TRI_YES
		                    : PL_TRI_NO;
	}
}

static const uint16_t smtp_ports[] = {25, 587, 465, 2525, 24, 0};
static const uint16_t pop_ports[] = {110, 995, 0};
static const uint16_t imap_ports[] = {143, 993, 0};

const struct probe_def pl_probe_smtp = {
    .name = "smtp",
    .ports = smtp_ports,
    .talks_first = 1,
    .complete = pli_probe_reply_complete,
    .classify = smtp_classify,
    .followup = smtp_followup,
};

const struct probe_def pl_probe_pop3 = {
    .name = "pop3",
    .ports = pop_ports,
    .talks_first = 1,
    .complete = pli_probe_line_complete,
    .classify = pop_classify,
    .followup = pop_followup,
};

const struct probe_def pl_probe_imap = {
    .name = "imap",
    .ports = imap_ports,
    .talks_first = 1,
    .complete = pli_probe_line_complete,
    .classify = imap_classify,
    .followup = imap_followup,
};
