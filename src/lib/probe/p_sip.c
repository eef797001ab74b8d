// SPDX-License-Identifier: MIT
/*
 * p_sip.c - SIP over TCP (RFC 3261): an OPTIONS request, which every SIP server answers
 * without side effects (a capability query: no call, no registration). Any "SIP/2.0
 * NNN" status line identifies SIP; the Server header (or User-Agent) names the product,
 * refined by Recog sip_banners.
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

static size_t
sip_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	int n = snprintf((char *)buf, cap,
	                 "OPTIONS sip:portlens@%s SIP/2.0\r\n"
	                 "Via: SIP/2.0/TCP portlens.invalid;branch=z9hG4bK-portlens-1\r\n"
	                 "Max-Forwards: 70\r\n"
	                 "From: <sip:portlens@portlens.invalid>;tag=portlens\r\n"
	                 "To: <sip:portlens@%s>\r\n"
	                 "Call-ID: portlens-options@portlens.invalid\r\n"
	                 "CSeq: 1 OPTIONS\r\n"
	                 "Accept: application/sdp\r\n"
	                 "User-Agent: portlens/" PL_VERSION "\r\n"
	                 "Content-Length: 0\r\n\r\n",
	                 run->host, run->host);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static int
sip_complete(const unsigned char *d, size_t n)
{
	return pli_probe_memcasemem(d, n, "\r\n\r\n") != NULL;
}

static unsigned
sip_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	const unsigned char *end = pli_probe_memcasemem(d, n, "\r\n\r\n");
	size_t hlen = end ? (size_t)(end - d) : n;
	char v[128];

	if (n < 12 || memcmp(d, "SIP/2.0 ", 8) != 0 || d[8] < '1' || d[8] > '6')
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "sip");
	pli_probe_evidence(out, d, hlen);
	if (pli_http_header((const char *)d, hlen, "Server", v, sizeof(v)) ||
	    pli_http_header((const char *)d, hlen, "User-Agent", v, sizeof(v))) {
		if (!pli_probe_recog(ctx, RECOG_SIP, v, strlen(v), out) || !out->product[0]) {
			size_t p = strcspn(v, "/ ");

			pli_probe_copy(out->product, sizeof(out->product), v, p);
			if (v[p])
				pli_probe_copy(out->version, sizeof(out->version), v + p + 1,
				               strcspn(v + p + 1, " ()"));
		}
		pli_probe_add_info(out, "server: %s", v);
	}
	return 100;
}

static const uint16_t sip_ports[] = {5060, 5061, 0};

const struct probe_def pl_probe_sip = {
    .name = "sip",
    .ports = sip_ports,
    .request = sip_request,
    .complete = sip_complete,
    .classify = sip_classify,
};
