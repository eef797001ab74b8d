// SPDX-License-Identifier: MIT
/*
 * udp.c - UDP service detection without I/O: the classifiers of the answers that the
 * payloads of data/udp-payloads.txt draw (DNS and mDNS, NTP, SNMP, SSDP, memcached). The
 * payload bytes themselves live only in that file (scan/udp_payloads.h): the UDP scan
 * engine sends them and hands the answers here for --sV (pl_probe_classify_udp);
 * udp_io.c sends them itself for `portlens probe HOST:PORT/udp` and the audit.
 *
 * Each classifier checks the structure of its protocol, not a port number: a DNS
 * answer must parse (and carry the query's id when the query is known), an NTP answer
 * must be mode 4 with the origin timestamp we sent, an SNMP answer a GetResponse PDU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/ber.h"
#include "probe/dns.h"
#include "probe/probe_impl.h"
#include "probe/udp.h"

static unsigned
classify_dns(const struct pl_probe_ctx *ctx, const unsigned char *req, size_t req_len,
             const unsigned char *d, size_t n, struct pl_service *out)
{
	struct pl_dns_reply r;
	unsigned conf;
	size_t qlen;

	if (pli_dns_parse(d, n, &r) != 0)
		return 0;
	if (req && req_len >= 12 && (r.id != (req[0] << 8 | req[1])))
		return 0;
	if (!req && r.qdcount != 1)
		return 0; /* without our query to compare with, insist on a question */
	conf = pli_probe_dns_describe(ctx, &r, d, n, out);
	qlen = strlen(r.qname);
	if (conf && qlen >= 5 && strcasecmp(r.qname + qlen - 5, "local") == 0 &&
	    (qlen == 5 || r.qname[qlen - 6] == '.')) {
		/* A name under .local answered: Multicast DNS (RFC 6762), here to a unicast
		 * one-shot query from outside its link, which section 5.5 says to ignore. */
		pli_probe_set(out->service, sizeof(out->service), "mdns");
		pli_probe_add_info(out, "%s: %u answer%s", r.qname, r.ancount,
		                   r.ancount == 1 ? "" : "s");
	}
	return conf;
}

static void
ntp_refid(const unsigned char *d, char *out, size_t cap)
{
	size_t w = 0;

	if (d[1] <= 1) { /* stratum 0 (kiss code) and 1 (reference source): ASCII */
		for (int i = 0; i < 4 && d[12 + i] && w + 1 < cap; i++)
			out[w++] = d[12 + i] >= 0x20 && d[12 + i] < 0x7f ? (char)d[12 + i] : '?';
		out[w] = '\0';
		return;
	}
	snprintf(out, cap, "%u.%u.%u.%u", d[12], d[13], d[14], d[15]);
}

static unsigned
classify_ntp(const unsigned char *req, const unsigned char *d, size_t n, struct pl_service *out)
{
	unsigned mode = d[0] & 7, vn = (d[0] >> 3) & 7;
	char refid[20];

	if (n < 48 || n > 1024 || (mode != 4 && mode != 5) || vn < 1 || vn > 4 || d[1] > 16)
		return 0;
	if (req && memcmp(d + 24, req + 40, 8) != 0)
		return 0; /* not the answer to our request */
	if (!req && n != 48 && n != 60 && n != 68 && n != 72)
		return 0; /* without our request: the header, or the header and a MAC */
	pli_probe_set(out->service, sizeof(out->service), "ntp");
	ntp_refid(d, refid, sizeof(refid));
	pli_probe_add_info(out, "NTPv%u %s, stratum %u%s, refid %s", vn,
	                   mode == 4 ? "server" : "broadcast", d[1],
	                   d[1] == 0    ? " (unsynchronised)"
	                   : d[1] == 16 ? " (unsynchronised)"
	                                : "",
	                   refid);
	pli_probe_evidence(out, d, 48);
	return req ? 100 : 80;
}

static int
snmp_varbind(const struct pl_probe_ctx *ctx, const struct pl_ber *vb, struct pl_service *out)
{
	struct pl_ber oid, val;
	size_t o = 0;
	char name[64], text[256];

	if (pli_ber_next(vb->v, vb->len, &o, &oid) != 0 || oid.tag != 0x06 ||
	    pli_ber_next(vb->v, vb->len, &o, &val) != 0 ||
	    pli_ber_oid(&oid, name, sizeof(name)) != 0)
		return -1;
	if (strcmp(name, "1.3.6.1.2.1.1.1.0") == 0 && val.tag == 0x04) {
		pli_ber_text(&val, text, sizeof(text));
		pli_probe_recog(ctx, RECOG_SNMP_SYSDESCR, text, strlen(text), out);
		text[strcspn(text, "\r\n")] = '\0';
		pli_probe_add_info(out, "sysDescr: %s", text);
	} else if (strcmp(name, "1.3.6.1.2.1.1.2.0") == 0 && val.tag == 0x06 &&
	           pli_ber_oid(&val, text, sizeof(text)) == 0) {
		pli_probe_add_info(out, "sysObjectID: %s", text);
	}
	return 0;
}

static unsigned
classify_snmp(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
              struct pl_service *out)
{
	struct pl_ber msg, ver, comm, pdu, reqid, status, index, list, vb;
	size_t o = 0, m = 0, p = 0, l = 0;
	char community[64];
	int64_t v;

	if (pli_ber_next(d, n, &o, &msg) != 0 || msg.tag != 0x30 ||
	    pli_ber_next(msg.v, msg.len, &m, &ver) != 0 || ver.tag != 0x02 ||
	    pli_ber_next(msg.v, msg.len, &m, &comm) != 0 || comm.tag != 0x04 ||
	    pli_ber_next(msg.v, msg.len, &m, &pdu) != 0 || pdu.tag != 0xa2 ||
	    pli_ber_next(pdu.v, pdu.len, &p, &reqid) != 0 || reqid.tag != 0x02 ||
	    pli_ber_next(pdu.v, pdu.len, &p, &status) != 0 || status.tag != 0x02 ||
	    pli_ber_next(pdu.v, pdu.len, &p, &index) != 0 || index.tag != 0x02 ||
	    pli_ber_next(pdu.v, pdu.len, &p, &list) != 0 || list.tag != 0x30)
		return 0;
	v = pli_ber_int(&ver);
	if (v < 0 || v > 1)
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "snmp");
	pli_ber_text(&comm, community, sizeof(community));
	pli_probe_add_info(out, "SNMP%s, community '%s'", v == 0 ? "v1" : "v2c", community);
	if (pli_ber_int(&status) != 0)
		pli_probe_add_info(out, "error-status %lld", (long long)pli_ber_int(&status));
	else if (strcmp(community, "public") == 0)
		out->exposures |= PL_EXP_SNMP_PUBLIC;
	while (pli_ber_next(list.v, list.len, &l, &vb) == 0 && vb.tag == 0x30)
		if (snmp_varbind(ctx, &vb, out) != 0)
			break;
	pli_probe_evidence(out, d, n > 160 ? 160 : n);
	return 100;
}

/* "SERVER: Linux/6.1 UPnP/1.0 MiniUPnPd/2.3.3": the last token is the product. */
static void
ssdp_server(const char *v, size_t len, struct pl_service *out)
{
	size_t start = len, slash;

	while (start > 0 && v[start - 1] != ' ')
		start--;
	slash = start;
	while (slash < len && v[slash] != '/')
		slash++;
	if (slash > start && slash < len) {
		pli_probe_copy(out->product, sizeof(out->product), v + start, slash - start);
		pli_probe_copy(out->version, sizeof(out->version), v + slash + 1, len - slash - 1);
	}
	if (strncmp(v, "Linux", 5) == 0)
		pli_probe_set(out->os, sizeof(out->os), "Linux");
}

static unsigned
classify_ssdp(const unsigned char *d, size_t n, struct pl_service *out)
{
	const unsigned char *s;

	if (n < 16 || memcmp(d, "HTTP/1.1 200", 12) != 0 ||
	    (!pli_probe_memcasemem(d, n, "\nST:") && !pli_probe_memcasemem(d, n, "\nUSN:")))
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "ssdp");
	s = pli_probe_memcasemem(d, n, "\nSERVER:");
	if (s) {
		size_t len;

		s += 8;
		while (s < d + n && *s == ' ')
			s++;
		len = strcspn((const char *)s, "\r\n");
		if (len > (size_t)(d + n - s))
			len = (size_t)(d + n - s);
		ssdp_server((const char *)s, len, out);
		pli_probe_add_info(out, "SERVER: %.*s", (int)(len > 120 ? 120 : len), s);
	}
	pli_probe_evidence(out, d, n > 200 ? 200 : n);
	return 100;
}

static unsigned
classify_memcached(const unsigned char *d, size_t n, struct pl_service *out)
{
	const unsigned char *t = d + 8, *v;
	size_t tn = n - 8;

	if (n < 8 + 9 || d[6] != 0 || d[7] != 0 ||
	    (memcmp(t, "STAT ", 5) != 0 && memcmp(t, "VERSION ", 8) != 0))
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "memcached");
	pli_probe_set(out->product, sizeof(out->product), "Memcached");
	v = memcmp(t, "VERSION ", 8) == 0 ? t + 8 : pli_probe_memcasemem(t, tn, "STAT version ");
	if (v && v != t + 8)
		v += strlen("STAT version ");
	if (v) {
		size_t len = strcspn((const char *)v, "\r\n");

		if (len > (size_t)(d + n - v))
			len = (size_t)(d + n - v);
		pli_probe_copy(out->version, sizeof(out->version), (const char *)v, len);
		snprintf(out->cpe, sizeof(out->cpe), "cpe:/a:memcached:memcached:%s", out->version);
	}
	out->auth_required = PL_TRI_NO;
	pli_probe_add_info(out, "UDP enabled");
	pli_probe_evidence(out, d, n > 120 ? 120 : n);
	return 100;
}

int
pl_probe_classify_udp(const struct pl_probe_ctx *ctx, uint16_t port, const unsigned char *req,
                      size_t req_len, const unsigned char *ans, size_t n, struct pl_service *out)
{
	unsigned char *copy = NULL;
	unsigned conf = 0;

	(void)port;
	pli_service_init(out);
	out->udp = 1;
	out->udp_request_bytes = (uint32_t)req_len;
	out->udp_answer_bytes = (uint32_t)n;
	if (!ans || n == 0)
		return 0;
	if (n > PL_PROBE_MAX_READ)
		n = PL_PROBE_MAX_READ;
	copy = malloc(n + 1); /* NUL-terminated for the text scanners */
	if (!copy)
		return 0;
	memcpy(copy, ans, n);
	copy[n] = '\0';
	if (!req)
		req_len = 0;
	conf = classify_snmp(ctx, copy, n, out);
	if (!conf)
		conf = classify_ssdp(copy, n, out);
	if (!conf)
		conf = classify_memcached(copy, n, out);
	if (!conf && req_len >= 48 && (req[0] & 7) == 3)
		conf = classify_ntp(req, copy, n, out);
	if (!conf)
		conf = classify_dns(ctx, req, req_len, copy, n, out);
	if (!conf && req_len == 0)
		conf = classify_ntp(NULL, copy, n, out);
	if (!conf) {
		struct pl_service keep = *out;

		pli_service_init(out);
		out->udp = 1;
		out->udp_request_bytes = keep.udp_request_bytes;
		out->udp_answer_bytes = keep.udp_answer_bytes;
		pli_probe_evidence(out, copy, n);
	} else {
		out->confidence = conf;
		pli_probe_set(out->probe, sizeof(out->probe), "udp");
	}
	free(copy);
	return conf > 0;
}
