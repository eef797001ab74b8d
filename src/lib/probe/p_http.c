// SPDX-License-Identifier: MIT
/*
 * p_http.c - HTTP/1.x: "GET / HTTP/1.0" with a Host header, and a classifier over the
 * response: status line, Server header (Recog http_servers), X-Powered-By, and the
 * HTML <title> (Recog html_title). Services that answer HTTP (CUPS, Squid, Jenkins,
 * Elasticsearch, Docker, Kubernetes, Prometheus exporters, ...) are told apart by
 * p_webapp.c, whose follow-up asks them their own path on a new connection.
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

static size_t
http_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	int n = snprintf((char *)buf, cap,
	                 "GET / HTTP/1.0\r\nHost: %s\r\nUser-Agent: portlens/" PL_VERSION
	                 "\r\nAccept: */*\r\nConnection: close\r\n\r\n",
	                 run->host);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void
title(const unsigned char *d, size_t n, char *out, size_t size)
{
	const unsigned char *t = pli_probe_memcasemem(d, n, "<title"), *e;
	size_t a, len;

	out[0] = '\0';
	if (!t || !(t = memchr(t, '>', n - (size_t)(t - d))))
		return;
	t++;
	e = pli_probe_memcasemem(t, n - (size_t)(t - d), "</title");
	len = e ? (size_t)(e - t) : 0;
	for (a = 0; a < len && (t[a] == ' ' || t[a] == '\n' || t[a] == '\r' || t[a] == '\t');)
		a++;
	while (len > a && (t[len - 1] == ' ' || t[len - 1] == '\n' || t[len - 1] == '\r'))
		len--;
	pli_probe_copy(out, size, (const char *)t + a, len - a);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

unsigned
pli_probe_classify_http(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                        struct pl_service *out)
{
	const char *s = (const char *)d;
	const unsigned char *body = pli_probe_memcasemem(d, n, "\r\n\r\n");
	size_t hlen = body ? (size_t)(body - d) : n;
	char v[160], t[160];
	unsigned conf;

	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ')
		return 0;
	pli_probe_evidence(out, d, hlen);
	if (pli_probe_memcasemem(d, n, "plain HTTP request was sent to HTTPS port") ||
	    pli_probe_memcasemem(d, n, "speaking plain HTTP to an SSL-enabled server")) {
		pli_probe_set(out->service, sizeof(out->service), "tls");
		return 45; /* an HTTPS server: the scheduler retries with TLS */
	}
	conf = pli_probe_classify_webapp(ctx, d, n, hlen, out);
	if (conf)
		return conf;
	pli_probe_set(out->service, sizeof(out->service), "http");
	if (pli_http_header(s, hlen, "Server", v, sizeof(v))) {
		if (!pli_probe_recog(ctx, RECOG_HTTP_SERVER, v, strlen(v), out) ||
		    !out->product[0]) {
			/* UPnP servers (UDA 2.0 2.7.1): "OS/version UPnP/1.0 product/version";
			 * the product is the last token, the OS the first. */
			const char *upnp = strstr(v, " UPnP/"), *last = strrchr(v, ' ');
			const char *from = upnp && last > upnp ? last + 1 : v;
			size_t p = strcspn(from, "/ ");

			if (from != v && !out->os[0])
				pli_probe_copy(out->os, sizeof(out->os), v, strcspn(v, "/ "));
			pli_probe_copy(out->product, sizeof(out->product), from, p);
			if (from[p] == '/')
				pli_probe_copy(out->version, sizeof(out->version), from + p + 1,
				               strcspn(from + p + 1, " "));
		}
		pli_probe_add_info(out, "server: %s", v);
	}
	if (pli_http_header(s, hlen, "X-Powered-By", v, sizeof(v)))
		pli_probe_add_info(out, "powered by: %s", v);
	title(d, n, t, sizeof(t));
	if (t[0]) {
		pli_probe_add_info(out, "title: %s", t);
		if (!out->product[0])
			pli_probe_recog(ctx, RECOG_HTML_TITLE, t, strlen(t), out);
	}
	if (pli_http_header(s, hlen, "WWW-Authenticate", v, sizeof(v)))
		out->auth_required = PL_TRI_YES;
	return 100;
}

static unsigned
http_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
              struct pl_service *out)
{
	return pli_probe_classify_http(ctx, d, n, out);
}

static const uint16_t http_ports[] = {80,   81,   591,  2375, 2376, 3000, 5000, 5601,  8000, 8008,
                                      8080, 8081, 8088, 8888, 9000, 9090, 9200, 27017, 0};

const struct probe_def pl_probe_http = {
    .name = "http",
    .ports = http_ports,
    .talks_first = 0,
    .request = http_request,
    .classify = http_classify,
    .followup = pli_probe_webapp_followup,
    .followup_new_conn = 1,
};
