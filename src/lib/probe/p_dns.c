// SPDX-License-Identifier: MIT
/*
 * p_dns.c - DNS over TCP (RFC 1035 4.2.2: each message behind a two-byte length) and
 * what DNS answers say, over TCP or UDP: the server software from a CHAOS-class TXT
 * query for version.bind (BIND, dnsmasq, Unbound, Knot and others answer it, RFC 4892
 * adds version.server), its identity from id.server and hostname.bind, and whether it
 * resolves names for anyone: a recursive query for a name outside any zone it serves
 * (PL_DNS_RECURSION_NAME) answered with RA set and not authoritatively. Product and
 * version come from Recog's dns_versionbind database.
 */
#include <stdio.h>
#include <string.h>

#include "probe/dns.h"
#include "probe/probe_impl.h"

static const char *
rcode_name(unsigned rc)
{
	static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
	                                    "NXDOMAIN", "NOTIMP",  "REFUSED"};

	return rc < sizeof(names) / sizeof(names[0]) ? names[rc] : "rcode";
}

unsigned
pli_probe_dns_describe(const struct pl_probe_ctx *ctx, const struct pl_dns_reply *r,
                       const unsigned char *d, size_t n, struct pl_service *out)
{
	int chaos = r->qclass == PL_DNS_CH && r->qtype == PL_DNS_TXT;

	pli_probe_set(out->service, sizeof(out->service), "dns");
	pli_probe_evidence(out, d, n > 160 ? 160 : n);
	if (!chaos)
		return r->qdcount == 1 ? 90 : 70;
	if (r->txt[0]) {
		pli_probe_recog(ctx, RECOG_DNS_VERSION, r->txt, strlen(r->txt), out);
		pli_probe_add_info(out, "%s: %s", r->qname, r->txt);
	} else {
		pli_probe_add_info(out, "%s: %s", r->qname, rcode_name(r->rcode));
	}
	return 100;
}

int
pli_dns_recursion_proved(const struct pl_dns_reply *r)
{
	/* The AA bit proves nothing either way: forwarders such as dnsmasq pass their
	 * upstream's AA on, even from their cache. RA with a resolution is the proof. */
	return r->ra && r->rd && strcmp(r->qname, PL_DNS_RECURSION_NAME) == 0 &&
	       ((r->rcode == 0 && r->n_addr > 0) || r->rcode == 3);
}

static size_t
dns_tcp_query(unsigned char *buf, size_t cap, uint16_t id, const char *name, uint16_t type,
              uint16_t cls, int rd)
{
	size_t n = cap > 2 ? pli_dns_query(buf + 2, cap - 2, id, name, type, cls, rd) : 0;

	if (n == 0)
		return 0;
	buf[0] = (unsigned char)(n >> 8);
	buf[1] = (unsigned char)n;
	return n + 2;
}

static size_t
dns_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	(void)run;
	return dns_tcp_query(buf, cap, 0x706c, "version.bind", PL_DNS_TXT, PL_DNS_CH, 0);
}

static int
dns_complete(const unsigned char *d, size_t n)
{
	return n >= 2 && n >= 2 + (size_t)(d[0] << 8 | d[1]);
}

static unsigned
dns_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	struct pl_dns_reply r;
	size_t len;

	if (n < 14)
		return 0;
	len = (size_t)(d[0] << 8 | d[1]);
	if (len < 12 || len > n - 2 || pli_dns_parse(d + 2, len, &r) != 0 || r.qdcount != 1)
		return 0;
	return pli_probe_dns_describe(ctx, &r, d + 2, len, out);
}

/* One more question on the open connection; 0 and *r filled when it was answered. */
static int
dns_ask(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
        const char *name, uint16_t type, uint16_t cls, int rd, struct pl_dns_reply *r)
{
	unsigned char q[300];
	size_t start = ans->len, qn = dns_tcp_query(q, sizeof(q), 0x706d, name, type, cls, rd);

	if (qn == 0 || pli_conn_send(c, q, qn) != 0)
		return -1;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 300, NULL);
	if (ans->len - start < 14 || !dns_complete(ans->data + start, ans->len - start))
		return -1;
	return pli_dns_parse(ans->data + start + 2,
	                     (size_t)(ans->data[start] << 8 | ans->data[start + 1]), r);
}

static void
dns_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
             struct pl_service *out)
{
	static const char *const ids[] = {"version.server", "id.server", "hostname.bind"};
	struct pl_dns_reply r;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (ans->closed || ans->reset || ans->len > PL_PROBE_MAX_READ / 2)
			return;
		if (dns_ask(run, c, ans, ids[i], PL_DNS_TXT, PL_DNS_CH, 0, &r) == 0 && r.txt[0]) {
			pli_probe_add_info(out, "%s: %s", ids[i], r.txt);
			if (i == 0 && !out->product[0])
				pli_probe_recog(run->ctx, RECOG_DNS_VERSION, r.txt, strlen(r.txt),
				                out);
		}
	}
	/* Using the server as a resolver proves an exposure: opts.intrusive only. */
	if (!run->ctx->opts.intrusive || ans->closed || ans->reset ||
	    dns_ask(run, c, ans, PL_DNS_RECURSION_NAME, PL_DNS_A, PL_DNS_IN, 1, &r) != 0)
		return;
	if (pli_dns_recursion_proved(&r)) {
		out->exposures |= PL_EXP_DNS_RECURSION;
		pli_probe_add_info(out, "recursion: resolved %s for us", PL_DNS_RECURSION_NAME);
	} else {
		pli_probe_add_info(out, "recursion: no (%s%s)", rcode_name(r.rcode),
		                   r.ra ? "" : ", RA not set");
	}
}

static const uint16_t dns_ports[] = {53, 5353, 5300, 0};

const struct probe_def pl_probe_dns = {
    .name = "dns",
    .ports = dns_ports,
    .request = dns_request,
    .complete = dns_complete,
    .classify = dns_classify,
    .followup = dns_followup,
};
