// SPDX-License-Identifier: MIT
/*
 * p_ipp.c - the Internet Printing Protocol over HTTP (RFC 8010, RFC 8011): a printer
 * or print server whose web answer suggests IPP (CUPS, a Server header naming "IPP/",
 * or IPP's own port 631) is asked over HTTP POST with Content-Type application/ipp.
 *
 * One read-only request on a new connection: Get-Printer-Attributes (operation 0x000B)
 * for ipp://HOST/ipp/print, the path IPP Everywhere printers serve, asking only for
 * printer-make-and-model, printer-firmware-string-version, ipp-versions-supported and
 * printer-name; to CUPS, whose printers live under /printers/NAME, CUPS-Get-Default
 * (0x4001) on / with the same attributes, which answers for the default queue. The
 * request says IPP/1.1, which every IPP server speaks (a 2.x-only request draws
 * server-error-version-not-supported from older printers); ipp-versions-supported
 * says the rest.
 *
 * The answer's product is printer-make-and-model and its version the firmware string
 * (never the IPP version, which is the protocol's); a CUPS server keeps CUPS as its
 * product and names its default printer in info. The parser is a pure function over
 * the IPP message (every length checked against the bytes that arrived), fed from the
 * HTTP body after a chunked transfer coding is undone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

#define IPP_GET_PRINTER_ATTRIBUTES 0x000b
#define IPP_CUPS_GET_DEFAULT       0x4001
#define IPP_TAG_OPERATION          0x01
#define IPP_TAG_END                0x03
#define IPP_TAG_URI                0x45
#define IPP_TAG_KEYWORD            0x44
#define IPP_TAG_CHARSET            0x47
#define IPP_TAG_LANGUAGE           0x48

static const char *const ipp_wanted[] = {"printer-make-and-model",
                                         "printer-firmware-string-version",
                                         "ipp-versions-supported", "printer-name"};

/* One attribute (tag, name, value) into buf at *o; name NULL: an additional value. */
static int
ipp_attr(unsigned char *buf, size_t cap, size_t *o, unsigned tag, const char *name,
         const char *value)
{
	size_t nl = name ? strlen(name) : 0, vl = strlen(value);

	if (*o + 5 + nl + vl > cap)
		return -1;
	buf[(*o)++] = (unsigned char)tag;
	buf[(*o)++] = (unsigned char)(nl >> 8);
	buf[(*o)++] = (unsigned char)nl;
	if (nl) /* an additional value has no name: memcpy from NULL is undefined even for 0 */
		memcpy(buf + *o, name, nl);
	*o += nl;
	buf[(*o)++] = (unsigned char)(vl >> 8);
	buf[(*o)++] = (unsigned char)vl;
	memcpy(buf + *o, value, vl);
	*o += vl;
	return 0;
}

size_t
pli_ipp_request(unsigned char *buf, size_t cap, unsigned op, const char *printer_uri)
{
	size_t o = 8;
	int bad = 0;

	if (cap < 9)
		return 0;
	/* version 1.1, operation, request-id 1 */
	memcpy(
	    buf,
	    (const unsigned char[]){1, 1, (unsigned char)(op >> 8), (unsigned char)op, 0, 0, 0, 1},
	    8);
	buf[o++] = IPP_TAG_OPERATION;
	bad |= ipp_attr(buf, cap, &o, IPP_TAG_CHARSET, "attributes-charset", "utf-8");
	bad |= ipp_attr(buf, cap, &o, IPP_TAG_LANGUAGE, "attributes-natural-language", "en");
	if (printer_uri)
		bad |= ipp_attr(buf, cap, &o, IPP_TAG_URI, "printer-uri", printer_uri);
	for (size_t i = 0; i < sizeof(ipp_wanted) / sizeof(ipp_wanted[0]); i++)
		bad |= ipp_attr(buf, cap, &o, IPP_TAG_KEYWORD, i ? NULL : "requested-attributes",
		                ipp_wanted[i]);
	if (bad || o >= cap)
		return 0;
	buf[o++] = IPP_TAG_END;
	return o;
}

/* Appends value (len bytes) to dst (cap bytes), ","-separated, bounded. */
static void
ipp_append(char *dst, size_t cap, const unsigned char *v, size_t len)
{
	size_t used = strlen(dst);

	if (used && used + 1 < cap)
		dst[used++] = ',';
	if (used < cap)
		pli_probe_copy(dst + used, cap - used, (const char *)v, len);
}

int
pli_ipp_parse(const unsigned char *d, size_t n, struct pl_ipp_reply *r)
{
	char name[64] = "";
	size_t o = 8;

	memset(r, 0, sizeof(*r));
	/* An IPP response: version 1.x or 2.x, then status-code and request-id 1. */
	if (n < 9 || d[0] < 1 || d[0] > 2 || memcmp(d + 4, "\0\0\0\1", 4) != 0)
		return -1;
	r->major = d[0];
	r->minor = d[1];
	r->status = (unsigned)d[2] << 8 | d[3];
	while (o < n) {
		unsigned tag = d[o++];
		size_t nl, vl;

		if (tag == IPP_TAG_END)
			return 0;
		if (tag < 0x10) /* a group delimiter: operation, printer, job attributes */
			continue;
		if (o + 2 > n)
			return -1;
		nl = (size_t)d[o] << 8 | d[o + 1];
		o += 2;
		if (o + nl + 2 > n)
			return -1;
		if (nl) /* name-length 0: another value of the attribute before */
			pli_probe_copy(name, sizeof(name), (const char *)d + o, nl);
		o += nl;
		vl = (size_t)d[o] << 8 | d[o + 1];
		o += 2;
		if (o + vl > n)
			return -1;
		if (strcmp(name, "printer-make-and-model") == 0 && !r->make_model[0])
			pli_probe_copy(r->make_model, sizeof(r->make_model), (const char *)d + o,
			               vl);
		else if (strcmp(name, "printer-firmware-string-version") == 0 && !r->firmware[0])
			pli_probe_copy(r->firmware, sizeof(r->firmware), (const char *)d + o, vl);
		else if (strcmp(name, "ipp-versions-supported") == 0)
			ipp_append(r->versions, sizeof(r->versions), d + o, vl);
		else if (strcmp(name, "printer-name") == 0 && !r->name[0])
			pli_probe_copy(r->name, sizeof(r->name), (const char *)d + o, vl);
		o += vl;
	}
	return -1; /* no end-of-attributes tag: cut short */
}

size_t
pli_http_dechunk(unsigned char *d, size_t n)
{
	size_t in = 0, out = 0;

	/* Each chunk: hex size, optional extensions, CRLF, data, CRLF; size 0 ends. */
	while (in < n) {
		size_t size = 0, digits = 0;

		for (; in < n; in++, digits++) {
			unsigned char c = d[in];
			unsigned v = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a') + 10u
			             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A') + 10u
			                                    : 16u;

			if (v == 16)
				break;
			if (size > (n >> 4))
				return out; /* larger than the whole answer: stop */
			size = size << 4 | v;
		}
		while (in < n && d[in] != '\n')
			in++;
		if (!digits || in >= n || size == 0)
			break;
		in++;
		if (size > n - in)
			size = n - in; /* cut short: keep what arrived */
		memmove(d + out, d + in, size);
		out += size;
		in += size;
		if (in < n && d[in] == '\r')
			in++;
		if (in < n && d[in] == '\n')
			in++;
	}
	return out;
}

/* Fills out from an IPP reply; cups: the server is CUPS (keeps its product). */
static void
ipp_describe(const struct pl_ipp_reply *r, int cups, struct pl_service *out)
{
	pli_probe_set(out->service, sizeof(out->service), "ipp");
	if (r->versions[0])
		pli_probe_add_info(out, "IPP versions: %s", r->versions);
	if (cups) {
		if (r->name[0] || r->make_model[0])
			pli_probe_add_info(out, "default printer: %s (%s)",
			                   r->name[0] ? r->name : "?",
			                   r->make_model[0] ? r->make_model : "?");
		return;
	}
	if (r->make_model[0]) {
		pli_probe_set(out->product, sizeof(out->product), r->make_model);
		pli_probe_set(out->version, sizeof(out->version), r->firmware);
		out->vendor[0] = out->cpe[0] = '\0';
	}
	if (r->name[0])
		pli_probe_add_info(out, "printer %s", r->name);
	if (out->confidence < 100)
		out->confidence = 100;
}

int
pli_probe_ipp_likely(const struct probe_run *run, const struct pl_service *out,
                     const struct probe_answer *ans)
{
	const unsigned char *end = pli_probe_memcasemem(ans->data, ans->len, "\r\n\r\n");
	char v[160];

	if (strcmp(out->service, "ipp") == 0)
		return 1;
	if (strcmp(out->service, "http") != 0)
		return 0;
	return run->port == 631 ||
	       (end &&
	        pli_http_header((const char *)ans->data, (size_t)(end - ans->data), "Server", v,
	                        sizeof(v)) &&
	        strstr(v, "IPP/"));
}

void
pli_probe_ipp_followup(const struct probe_run *run, struct pl_service *out)
{
	int cups = strcmp(out->product, "CUPS") == 0;
	const char *path = cups ? "/" : "/ipp/print";
	struct probe_conn c = {.fd = -1};
	struct pl_tls_info info = {0};
	struct probe_answer *a = NULL;
	struct pl_ipp_reply r;
	unsigned char body[512];
	char head[400], uri[128];
	const unsigned char *b;
	size_t bn, hlen;
	int n;

	snprintf(uri, sizeof(uri), "ipp://%s%s", run->host, path);
	bn = pli_ipp_request(body, sizeof(body),
	                     cups ? IPP_CUPS_GET_DEFAULT : IPP_GET_PRINTER_ATTRIBUTES,
	                     cups ? NULL : uri);
	n = snprintf(head, sizeof(head),
	             "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: portlens/" PL_VERSION
	             "\r\nContent-Type: application/ipp\r\nContent-Length: %zu\r\n"
	             "Connection: close\r\n\r\n",
	             path, run->host, bn);
	if (bn == 0 || n <= 0 || (size_t)n >= sizeof(head) ||
	    pli_conn_open(&c, run->sa, run->salen, run->ctx->opts.connect_ms, run->deadline,
	                  NULL) != PL_OK ||
	    !(a = calloc(1, sizeof(*a))) ||
	    (out->tls && pli_conn_tls(&c, run->ctx->ssl_ctx, run->host, &info, NULL) != 0) ||
	    pli_conn_send(&c, head, (size_t)n) != 0 || pli_conn_send(&c, body, bn) != 0)
		goto out;
	c.bytes_read = &out->bytes_read;
	pli_conn_read(&c, a, run->ctx->opts.read_ms, 300, NULL);
	b = pli_probe_memcasemem(a->data, a->len, "\r\n\r\n");
	if (!b || a->len < 12 || memcmp(a->data, "HTTP/1.", 7) != 0 ||
	    !pli_probe_memcasemem(a->data, (size_t)(b - a->data), "application/ipp"))
		goto out;
	hlen = (size_t)(b - a->data);
	b += 4;
	bn = a->len - (size_t)(b - a->data);
	{
		char te[32];

		if (pli_http_header((const char *)a->data, hlen, "Transfer-Encoding", te,
		                    sizeof(te)) &&
		    strstr(te, "chunked"))
			bn = pli_http_dechunk((unsigned char *)b, bn);
	}
	if (pli_ipp_parse(b, bn, &r) == 0)
		ipp_describe(&r, cups, out);
out:
	free(a);
	pli_conn_close(&c);
}
