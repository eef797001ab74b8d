// SPDX-License-Identifier: MIT
/*
 * p_ftp.c - FTP (RFC 959): "220 ..." banners that name FTP, matched against Recog
 * ftp_banners, then FEAT (RFC 2389) to learn whether AUTH TLS (RFC 4217) is offered.
 */
#include <string.h>

#include "probe/probe_impl.h"

static int
ftp_reply_complete(const unsigned char *d, size_t n)
{
	size_t i;

	if (n < 4 || d[n - 1] != '\n')
		return 0;
	i = n - 1;
	while (i > 0 && d[i - 1] != '\n')
		i--;
	return n - i >= 4 && d[i + 3] == ' ';
}

static unsigned
ftp_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	char line[512];
	size_t len = 0;

	if (n < 4 || memcmp(d, "220", 3) != 0 || (d[3] != ' ' && d[3] != '-'))
		return 0;
	while (4 + len < n && d[4 + len] != '\r' && d[4 + len] != '\n')
		len++;
	pl_probe_copy(line, sizeof(line), (const char *)d + 4, len);
	len = strlen(line);
	if (!pl_probe_memcasemem((const unsigned char *)line, len, "FTP"))
		return 0;
	pl_probe_set(out->service, sizeof(out->service), "ftp");
	pl_probe_evidence(out, d, len + 4);
	pl_probe_recog(ctx, RECOG_FTP, line, len, out);
	return 90;
}

static void
ftp_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
             struct pl_service *out)
{
	size_t start = ans->len;

	if (pl_conn_send(c, "FEAT\r\n", 6) != 0)
		return;
	pl_conn_read(c, ans, run->ctx->opts.read_ms, 500, ftp_reply_complete);
	if (ans->len - start >= 4 && ans->data[start] == '2') {
		out->confidence = 100;
		out->starttls = pl_probe_memcasemem(ans->data + start, ans->len - start, "AUTH TLS")
		                    ? PL_TRI_YES
		                    : PL_TRI_NO;
	} else if (ans->len > start) {
		out->starttls = PL_TRI_NO; /* no FEAT at all: no RFC 4217 either */
	}
}

static const uint16_t ftp_ports[] = {21, 2121, 990, 0};

const struct probe_def pl_probe_ftp = {
    .name = "ftp",
    .ports = ftp_ports,
    .talks_first = 1,
    .complete = ftp_reply_complete,
    .classify = ftp_classify,
    .followup = ftp_followup,
};
