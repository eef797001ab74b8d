// SPDX-License-Identifier: MIT
/*
 * p_rdp.c - RDP ([MS-RDPBCGR] 2.2.1.1-2.2.1.2): an X.224 Connection Request in a TPKT
 * (RFC 1006) carrying an RDP Negotiation Request; the server's Connection Confirm
 * (TPDU code 0xd0) carries a Negotiation Response (the protocol it selected) or a
 * Negotiation Failure (what it requires). The follow-up asks three more times on new
 * connections, offering only standard RDP security, only TLS, and TLS + CredSSP, to
 * learn which security protocols the server accepts and whether it insists on Network
 * Level Authentication (CredSSP): a server that accepts a session without CredSSP shows
 * its login screen to anyone who connects (PL_EXP_RDP_NO_NLA).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

enum {
	RDP_PROTO_RDP = 0,    /* standard RDP security */
	RDP_PROTO_SSL = 1,    /* TLS */
	RDP_PROTO_HYBRID = 2, /* CredSSP (NLA) */
};

/* Writes a Connection Request offering protocols; returns its length (19). */
static size_t
rdp_cr(unsigned char *buf, size_t cap, uint32_t protocols)
{
	static const unsigned char head[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00,
	                                     0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00};

	if (cap < 19)
		return 0;
	memcpy(buf, head, sizeof(head));
	buf[15] = (unsigned char)protocols;
	buf[16] = (unsigned char)(protocols >> 8);
	buf[17] = (unsigned char)(protocols >> 16);
	buf[18] = (unsigned char)(protocols >> 24);
	return 19;
}

static size_t
rdp_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	(void)run;
	return rdp_cr(buf, cap, RDP_PROTO_SSL | RDP_PROTO_HYBRID);
}

int
pli_rdp_confirm(const unsigned char *d, size_t n, uint32_t *selected, uint32_t *failure)
{
	size_t len;

	if (n < 11 || d[0] != 0x03 || d[1] != 0x00 || (d[5] & 0xf0) != 0xd0)
		return -1;
	len = (size_t)(d[2] << 8 | d[3]);
	if (len < 11 || (size_t)d[4] + 5 > len)
		return -1;
	if (d[4] > 6 && n >= 12 && (d[11] == 0xc0 || d[11] == 0xc1 || d[11] == 0xc2))
		return -1; /* COTP parameters (TPDU size, TSAPs): ISO-TSAP / S7comm, not RDP */
	*selected = RDP_PROTO_RDP;
	*failure = 0;
	if (n < 19 || len < 19)
		return 1;
	if (d[11] == 0x02) {
		*selected = (uint32_t)d[15] | (uint32_t)d[16] << 8 | (uint32_t)d[17] << 16 |
		            (uint32_t)d[18] << 24;
		return 1;
	}
	if (d[11] == 0x03) {
		*failure = (uint32_t)d[15] | (uint32_t)d[16] << 8;
		return 0;
	}
	return 1;
}

static const char *
proto_name(uint32_t p)
{
	return p == RDP_PROTO_RDP      ? "RDP"
	       : p == RDP_PROTO_SSL    ? "TLS"
	       : p == RDP_PROTO_HYBRID ? "CredSSP"
	       : p == 8                ? "CredSSP-EX"
	                               : "other";
}

static unsigned
rdp_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	uint32_t sel, fail;
	int r = pli_rdp_confirm(d, n, &sel, &fail);

	(void)ctx;
	/* xrdp's answer to anything but a Connection Request (a TLS ClientHello, say): an
	 * X.224 Data TPDU (02 f0 80) carrying an MCS Disconnect Provider Ultimatum (0x21,
	 * T.125). Only a TPKT of exactly that shape counts. */
	if (r < 0 && n >= 9 && d[0] == 0x03 && d[1] == 0x00 && (size_t)(d[2] << 8 | d[3]) == n &&
	    d[4] == 0x02 && d[5] == 0xf0 && d[6] == 0x80 && (d[7] & 0xfc) == 0x20) {
		pli_probe_set(out->service, sizeof(out->service), "rdp");
		pli_probe_evidence(out, d, n);
		pli_probe_add_info(out, "X.224 data: MCS disconnect");
		return 80;
	}
	if (r < 0)
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "rdp");
	pli_probe_evidence(out, d, n > 64 ? 64 : n);
	if (r == 1)
		pli_probe_add_info(out, "selected %s", proto_name(sel));
	else
		pli_probe_add_info(out, "negotiation failure %u", fail);
	return 100;
}

/* One Connection Request on a new connection; the confirm's result (-1: none). */
static int
rdp_try(const struct probe_run *run, uint32_t protocols, uint32_t *sel, uint32_t *fail)
{
	struct probe_conn c;
	struct probe_answer *a = calloc(1, sizeof(*a));
	unsigned char req[32];
	int r = -1;

	if (!a || pli_conn_open(&c, run->sa, run->salen, run->ctx->opts.connect_ms, run->deadline,
	                        NULL) != PL_OK) {
		free(a);
		return -1;
	}
	if (pli_conn_send(&c, req, rdp_cr(req, sizeof(req), protocols)) == 0) {
		pli_conn_read(&c, a, run->ctx->opts.read_ms, 300, NULL);
		r = pli_rdp_confirm(a->data, a->len, sel, fail);
	}
	pli_conn_close(&c);
	free(a);
	return r;
}

static void
rdp_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
             struct pl_service *out)
{
	static const uint32_t offers[] = {RDP_PROTO_RDP, RDP_PROTO_SSL,
	                                  RDP_PROTO_SSL | RDP_PROTO_HYBRID};
	char list[64] = "";
	int without_nla = 0, answered = 0;

	(void)c;
	(void)ans;
	for (size_t i = 0; i < sizeof(offers) / sizeof(offers[0]); i++) {
		uint32_t sel = 0, fail = 0;
		int r = rdp_try(run, offers[i], &sel, &fail);
		size_t used = strlen(list);

		if (r < 0)
			continue;
		answered++;
		if (r == 1 && !strstr(list, proto_name(sel)))
			snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
			         proto_name(sel));
		if (r == 1 && sel != RDP_PROTO_HYBRID && sel != 8)
			without_nla = 1;
	}
	if (!answered)
		return;
	pli_probe_add_info(out, "security: %s; NLA %s", list[0] ? list : "none accepted",
	                   without_nla ? "not required" : "required");
	if (without_nla)
		out->exposures |= PL_EXP_RDP_NO_NLA;
}

static const uint16_t rdp_ports[] = {3389, 0};

const struct probe_def pl_probe_rdp = {
    .name = "rdp",
    .ports = rdp_ports,
    .request = rdp_request,
    .classify = rdp_classify,
    .followup = rdp_followup,
    .followup_new_conn = 1,
};
