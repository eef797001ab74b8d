// SPDX-License-Identifier: MIT
/*
 * p_smb.c - SMB (TCP 445 and 139): an SMB2 NEGOTIATE answers with the dialect the
 * server chose from 2.0.2-3.1.1 and its security mode (signing required or merely
 * enabled: without required signing, a machine in the middle can relay or alter the
 * session, PL_EXP_SMB_NO_SIGNING). The follow-up sends a SESSION_SETUP with an NTLMSSP
 * NEGOTIATE; the CHALLENGE names the server (NetBIOS and DNS computer and domain names)
 * and its OS version; then, on a new connection, an SMB1 NEGOTIATE offering only
 * "NT LM 0.12": a server that accepts it still speaks SMB1 (PL_EXP_SMB1, the protocol
 * of EternalBlue/WannaCry). Guest share listing: smb_shares.c. Messages: smb.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"
#include "probe/smb.h"

static size_t
smb_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	(void)run;
	return pli_smb2_negotiate_request(buf, cap);
}

static unsigned
smb_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	struct pl_smb_negotiate r;

	(void)ctx;
	if (pli_smb1_accepted(d, n)) {
		pli_probe_set(out->service, sizeof(out->service), "smb");
		pli_probe_add_info(out, "SMB1 (NT LM 0.12) only");
		out->exposures |= PL_EXP_SMB1;
		pli_probe_evidence(out, d, n > 64 ? 64 : n);
		return 100;
	}
	if (pli_smb2_parse_negotiate(d, n, &r) != 0)
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "smb");
	pli_probe_add_info(out, "SMB %u.%u.%u; signing %s", r.dialect >> 8, (r.dialect >> 4) & 0xf,
	                   r.dialect & 0xf,
	                   (r.security_mode & 2)   ? "required"
	                   : (r.security_mode & 1) ? "enabled, not required"
	                                           : "disabled");
	if (!(r.security_mode & 2))
		out->exposures |= PL_EXP_SMB_NO_SIGNING;
	pli_probe_evidence(out, d, n > 80 ? 80 : n);
	return 100;
}

/* SESSION_SETUP with NTLMSSP NEGOTIATE on the negotiated connection: names and version. */
static void
smb_ntlm(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
         struct pl_service *out)
{
	unsigned char tok[64], req[256];
	size_t tn = pli_ntlm_negotiate(tok, sizeof(tok)), start = ans->len;
	size_t rn = pli_smb2_session_setup(req, sizeof(req), 1, 0, tok, tn);
	struct pl_ntlm_info ni;

	if (rn == 0 || pli_conn_send(c, req, rn) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 300, pli_smb_framed_complete);
	if (pli_ntlm_parse_challenge(ans->data + start, ans->len - start, &ni) != 0)
		return;
	if (ni.major) /* Windows' own version; Samba says 6.1.0 */
		pli_probe_add_info(out, "OS version %u.%u build %u", ni.major, ni.minor, ni.build);
	/* Samba fills the Version field with 6.1 build 0 (Windows 7's numbers without a
	 * build, which every Windows gives): Samba, its version unknown until the IPC$
	 * remark (an anonymous session: the audit's). */
	if (ni.major == 6 && ni.minor == 1 && ni.build == 0 && !out->product[0]) {
		pli_probe_set(out->vendor, sizeof(out->vendor), "Samba");
		pli_probe_set(out->product, sizeof(out->product), "Samba");
	}
	if (ni.nb_computer[0])
		pli_probe_add_info(out, "NetBIOS name %s", ni.nb_computer);
	if (ni.nb_domain[0])
		pli_probe_add_info(out, "domain %s", ni.nb_domain);
	if (ni.dns_computer[0])
		pli_probe_add_info(out, "DNS name %s", ni.dns_computer);
	if (ni.dns_domain[0] && strcmp(ni.dns_domain, ni.dns_computer) != 0)
		pli_probe_add_info(out, "DNS domain %s", ni.dns_domain);
}

/* Does the server still accept SMB1? On a new connection. */
static void
smb_v1(const struct probe_run *run, struct pl_service *out)
{
	struct probe_conn c;
	struct probe_answer *a = calloc(1, sizeof(*a));
	unsigned char req[64];
	size_t rn = pli_smb1_negotiate_request(req, sizeof(req));

	if (!a || pli_conn_open(&c, run->sa, run->salen, run->ctx->opts.connect_ms, run->deadline,
	                        NULL) != PL_OK) {
		free(a);
		return;
	}
	if (pli_conn_send(&c, req, rn) == 0) {
		pli_conn_read(&c, a, run->ctx->opts.read_ms, 300, pli_smb_framed_complete);
		if (pli_smb1_accepted(a->data, a->len)) {
			out->exposures |= PL_EXP_SMB1;
			pli_probe_add_info(out, "SMB1 enabled");
		} else {
			pli_probe_add_info(out, "SMB1 refused");
		}
	}
	pli_conn_close(&c);
	free(a);
}

static void
smb_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
             struct pl_service *out)
{
	if (out->exposures & PL_EXP_SMB1 && strstr(out->info, "only"))
		return; /* an SMB1-only server: nothing more to ask in SMB2 */
	smb_ntlm(run, c, ans, out);
	smb_v1(run, out);
	if (run->ctx->opts.intrusive) /* an anonymous session is the audit's, not --sV's */
		pli_smb_guest_shares(run, out);
}

static const uint16_t smb_ports[] = {445, 139, 0};

const struct probe_def pl_probe_smb = {
    .name = "smb",
    .ports = smb_ports,
    .request = smb_request,
    .complete = pli_smb_framed_complete,
    .classify = smb_classify,
    .followup = smb_followup,
};
