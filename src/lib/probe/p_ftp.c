// SPDX-License-Identifier: MIT
/*
 * p_ftp.c - FTP (RFC 959): "220 ..." banners that name FTP, matched against Recog
 * ftp_banners (or vsftpd's "500 OOPS: ..." refusal), then FEAT (RFC 2389) to learn whether AUTH TLS
 * (RFC 4217) is offered, then an anonymous login (USER anonymous, RFC 1635): when it is accepted,
 * PASV and LIST show what anyone can see (the data connection goes to the address we probed, never
 * to the one the 227 reply names, so a hostile server cannot aim it elsewhere).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

/* vsftpd ends a session it will not serve (logins all disabled, a bad config, too many
 * clients from one address) with one "500 OOPS: reason" line and no 220 greeting; no
 * other FTP server words its refusals that way, so the line names both. */
static unsigned
ftp_classify_oops(const unsigned char *d, size_t n, struct pl_service *out)
{
	static const char oops[] = "500 OOPS: ";
	size_t len = sizeof(oops) - 1;
	char reason[256];

	if (n < len || memcmp(d, oops, len) != 0)
		return 0;
	while (len < n && d[len] != '\r' && d[len] != '\n')
		len++;
	pli_probe_copy(reason, sizeof(reason), (const char *)d + sizeof(oops) - 1,
	               len - (sizeof(oops) - 1));
	pli_probe_set(out->service, sizeof(out->service), "ftp");
	pli_probe_set(out->product, sizeof(out->product), "vsFTPd");
	pli_probe_evidence(out, d, len);
	pli_probe_add_info(out, "refuses the session: %s", reason);
	return 80;
}

static unsigned
ftp_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	char line[512];
	size_t len = 0;

	if (n >= 4 && memcmp(d, "500", 3) == 0)
		return ftp_classify_oops(d, n, out);
	if (n < 4 || memcmp(d, "220", 3) != 0 || (d[3] != ' ' && d[3] != '-'))
		return 0;
	while (4 + len < n && d[4 + len] != '\r' && d[4 + len] != '\n')
		len++;
	pli_probe_copy(line, sizeof(line), (const char *)d + 4, len);
	len = strlen(line);
	if (!pli_probe_memcasemem((const unsigned char *)line, len, "FTP"))
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "ftp");
	pli_probe_evidence(out, d, len + 4);
	pli_probe_recog(ctx, RECOG_FTP, line, len, out);
	return 90;
}

/* Sends a command and reads its reply; returns the reply code, or 0. */
static unsigned
ftp_cmd(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
        const char *cmd)
{
	size_t start = ans->len;

	if (pli_conn_send(c, cmd, strlen(cmd)) != 0)
		return 0;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, pli_probe_reply_complete);
	if (ans->len - start < 4)
		return 0;
	return (unsigned)(ans->data[start] - '0') * 100 +
	       (unsigned)(ans->data[start + 1] - '0') * 10 + (unsigned)(ans->data[start + 2] - '0');
}

uint16_t
pli_ftp_pasv_port(const unsigned char *d, size_t n)
{
	const unsigned char *p = memchr(d, '(', n);
	unsigned h[6];

	if (!p ||
	    sscanf((const char *)p, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1], &h[2], &h[3], &h[4],
	           &h[5]) != 6 ||
	    h[4] > 255 || h[5] > 255)
		return 0;
	return (uint16_t)(h[4] << 8 | h[5]);
}

size_t
pli_ftp_list_names(const char *text, char *names, size_t cap)
{
	size_t shown = 0;

	if (cap)
		names[0] = '\0';
	/* The last word of each line is the name. */
	for (const char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		const char *sp;
		size_t len;

		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			len--;
		sp = memrchr(line, ' ', len);
		if (len && strlen(names) + len + 3 < cap && shown < 8)
			snprintf(names + strlen(names), cap - strlen(names), "%s%.*s",
			         shown++ ? ", " : "",
			         (int)(len - (sp ? (size_t)(sp + 1 - line) : 0)),
			         sp ? sp + 1 : line);
	}
	return shown;
}

/* LIST over a passive data connection to the probed address; names into out->info. */
static void
ftp_list(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
         struct pl_service *out)
{
	struct sockaddr_storage ss;
	struct probe_conn data = {.fd = -1};
	struct probe_answer *a = NULL;
	size_t start = ans->len, shown = 0;
	char names[120] = "";
	uint16_t port;

	if (ftp_cmd(run, c, ans, "PASV\r\n") != 227 ||
	    !(port = pli_ftp_pasv_port(ans->data + start, ans->len - start)) ||
	    run->salen > sizeof(ss))
		return;
	memcpy(&ss, run->sa, run->salen);
	pl_sockaddr_set_port(&ss, port);
	if (pli_conn_open(&data, (struct sockaddr *)&ss, run->salen, run->ctx->opts.connect_ms,
	                  run->deadline, NULL) != PL_OK ||
	    !(a = calloc(1, sizeof(*a))))
		goto out;
	if (pli_conn_send(c, "LIST\r\n", 6) == 0)
		pli_conn_read(&data, a, run->ctx->opts.read_ms, 500, NULL);
	shown = pli_ftp_list_names((const char *)a->data, names, sizeof(names));
	pli_probe_add_info(out, "anonymous LIST: %s", shown ? names : "(empty)");
out:
	free(a);
	pli_conn_close(&data);
}

static void
ftp_anonymous(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
              struct pl_service *out)
{
	unsigned code = ftp_cmd(run, c, ans, "USER anonymous\r\n");

	if (code == 331)
		code = ftp_cmd(run, c, ans, "PASS portlens@\r\n");
	if (code != 230)
		return;
	out->exposures |= PL_EXP_FTP_ANON;
	pli_probe_add_info(out, "anonymous login accepted");
	ftp_list(run, c, ans, out);
	pli_conn_send(c, "QUIT\r\n", 6);
}

static void
ftp_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
             struct pl_service *out)
{
	size_t start = ans->len;

	if (pli_conn_send(c, "FEAT\r\n", 6) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, pli_probe_reply_complete);
	if (ans->len - start >= 4 && ans->data[start] == '2') {
		out->confidence = 100;
		out->starttls =
		    pli_probe_memcasemem(ans->data + start, ans->len - start, "AUTH TLS")
		        ? PL_TRI_YES
		        : PL_TRI_NO;
	} else if (ans->len > start) {
		out->starttls = PL_TRI_NO; /* no FEAT at all: no RFC 4217 either */
	}
	/* A login is no identification: only the audit (opts.intrusive) tries one. */
	if (strcmp(out->service, "ftp") == 0 && run->ctx->opts.intrusive)
		ftp_anonymous(run, c, ans, out);
}

static const uint16_t ftp_ports[] = {21, 2121, 990, 0};

const struct probe_def pl_probe_ftp = {
    .name = "ftp",
    .ports = ftp_ports,
    .talks_first = 1,
    .complete = pli_probe_reply_complete,
    .classify = ftp_classify,
    .followup = ftp_followup,
};
