// SPDX-License-Identifier: MIT
/*
 * smb_shares.c - can a stranger list this server's shares? On a new connection:
 * NEGOTIATE, an anonymous NTLMSSP session (NEGOTIATE, then an AUTHENTICATE with empty
 * names and responses, [MS-NLMP] 3.2.5.1.2: the "null session" tools like
 * `smbclient -N -L` use), TREE_CONNECT to IPC$, CREATE of the srvsvc pipe, and two
 * FSCTL_PIPE_TRANSCEIVE calls: a DCE/RPC bind to SRVSVC 3.0 and NetrShareEnum
 * (opnum 15, level 1, [MS-SRVS] 3.1.4.8). Share names that come back, other than the
 * IPC$ pipe share, are PL_EXP_SMB_GUEST_SHARES. Every step is one request and one
 * bounded read; any refusal (ACCESS_DENIED, LOGON_FAILURE) ends it quietly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"
#include "probe/smb.h"

struct smb_sess {
	const struct probe_run *run;
	struct probe_conn c;
	struct probe_answer *a;
	uint64_t mid, sid;
	uint32_t tid;
	unsigned char fid[16];
};

/* Opening the srvsvc pipe starts Samba's RPC daemon on demand (a second or more on a
 * busy machine): every step of the listing gets three read timeouts, within the
 * deadline all the same. */
#define SMB_WAIT(s) (3 * (s)->run->ctx->opts.read_ms)

/* Sends an SMB2 request (buf from offset 0, len bytes; header fields filled here). */
static int
smb_call(struct smb_sess *s, unsigned char *buf, size_t len, unsigned cmd, uint32_t *status,
         unsigned wait_ms)
{
	uint16_t rcmd;
	uint64_t sid;

	pli_smb2_head(buf, cmd, s->mid++, s->sid);
	pli_smb_put32(buf + 40, s->tid);
	pli_smb_frame(buf, len);
	s->a->len = 0;
	if (pli_conn_send(&s->c, buf, len) != 0)
		return -1;
	pli_conn_read(&s->c, s->a, wait_ms, 300, pli_smb_framed_complete);
	if (pli_smb2_header(s->a->data, s->a->len, status, &rcmd, &sid) != 0 || rcmd != cmd)
		return -1;
	/* STATUS_PENDING: an interim answer (Samba starting its RPC daemon); the real one
	 * follows on the same connection. */
	for (int i = 0; i < 4 && *status == 0x00000103; i++) {
		s->a->len = 0;
		pli_conn_read(&s->c, s->a, wait_ms, 300, pli_smb_framed_complete);
		if (pli_smb2_header(s->a->data, s->a->len, status, &rcmd, &sid) != 0 || rcmd != cmd)
			return -1;
	}
	if (cmd == 1)
		s->sid = sid;
	return 0;
}

static int
anonymous_session(struct smb_sess *s)
{
	unsigned char tok[96], req[512];
	uint32_t st;
	size_t tn, rn = pli_smb2_negotiate_request(req, sizeof(req));

	if (pli_conn_send(&s->c, req, rn) != 0)
		return -1;
	pli_conn_read(&s->c, s->a, s->run->ctx->opts.read_ms, 300, pli_smb_framed_complete);
	s->mid = 1;
	tn = pli_ntlm_negotiate(tok, sizeof(tok));
	rn = pli_smb2_session_setup(req, sizeof(req), 0, 0, tok, tn);
	if (smb_call(s, req, rn, 1, &st, SMB_WAIT(s)) != 0 ||
	    st != 0xc0000016) /* MORE_PROCESSING */
		return -1;
	tn = pli_ntlm_anonymous_auth(tok, sizeof(tok));
	rn = pli_smb2_session_setup(req, sizeof(req), 0, 0, tok, tn);
	return smb_call(s, req, rn, 1, &st, SMB_WAIT(s)) == 0 && st == 0 ? 0 : -1;
}

static size_t
utf16(unsigned char *out, const char *s)
{
	size_t n = 0;

	for (; *s; s++, n += 2) {
		out[n] = (unsigned char)*s;
		out[n + 1] = 0;
	}
	return n;
}

static int
open_srvsvc(struct smb_sess *s)
{
	unsigned char req[512];
	char path[96];
	size_t pn;
	uint32_t st;

	/* TREE_CONNECT \\host\IPC$ */
	snprintf(path, sizeof(path), "\\\\%s\\IPC$", s->run->host);
	memset(req + 68, 0, 8);
	pli_smb_put16(req + 68, 9);
	pli_smb_put16(req + 68 + 4, 64 + 8);
	pn = utf16(req + 68 + 8, path);
	pli_smb_put16(req + 68 + 6, (unsigned)pn);
	if (smb_call(s, req, 68 + 8 + pn, 3, &st, SMB_WAIT(s)) != 0 || st != 0)
		return -1;
	s->tid = pli_smb_get32(s->a->data + 40);
	/* CREATE srvsvc */
	memset(req + 68, 0, 56);
	pli_smb_put16(req + 68, 57);
	pli_smb_put32(req + 68 + 4, 2);           /* impersonation */
	pli_smb_put32(req + 68 + 24, 0x0012019f); /* read/write data and attributes */
	pli_smb_put32(req + 68 + 32, 7);          /* share read, write, delete */
	pli_smb_put32(req + 68 + 36, 1);          /* FILE_OPEN */
	pli_smb_put16(req + 68 + 44, 64 + 56);
	pn = utf16(req + 68 + 56, "srvsvc");
	pli_smb_put16(req + 68 + 46, (unsigned)pn);
	if (smb_call(s, req, 68 + 56 + pn, 5, &st, SMB_WAIT(s)) != 0 || st != 0 ||
	    s->a->len < 68 + 80)
		return -1;
	memcpy(s->fid, s->a->data + 68 + 64, 16);
	return 0;
}

/* One DCE/RPC PDU through FSCTL_PIPE_TRANSCEIVE; *out points into s->a. */
static int
transceive(struct smb_sess *s, const unsigned char *pdu, size_t n, const unsigned char **out,
           size_t *on)
{
	unsigned char req[512];
	uint32_t st, off, cnt;

	if (n > sizeof(req) - 68 - 56)
		return -1;
	memset(req + 68, 0, 56);
	pli_smb_put16(req + 68, 57);
	pli_smb_put32(req + 68 + 4, 0x0011c017);
	memcpy(req + 68 + 8, s->fid, 16);
	pli_smb_put32(req + 68 + 24, 64 + 56); /* input offset */
	pli_smb_put32(req + 68 + 28, (uint32_t)n);
	pli_smb_put32(req + 68 + 44, 8192); /* max output */
	pli_smb_put32(req + 68 + 48, 1);    /* is an FSCTL */
	memcpy(req + 68 + 56, pdu, n);
	if (smb_call(s, req, 68 + 56 + n, 11, &st, SMB_WAIT(s)) != 0 ||
	    (st != 0 && st != 0x80000005) || s->a->len < 68 + 48)
		return -1;
	off = pli_smb_get32(s->a->data + 68 + 32);
	cnt = pli_smb_get32(s->a->data + 68 + 36);
	if (off + 4 > s->a->len || cnt > s->a->len - 4 - off || cnt < 24)
		return -1;
	*out = s->a->data + 4 + off;
	*on = cnt;
	return 0;
}

static const unsigned char rpc_bind[72] = {
    5,    0,    11,   3,    0x10, 0,    0,    0,    72,   0,    0,    0,    1,    0,    0,
    0,    0xb8, 0x10, 0xb8, 0x10, 0,    0,    0,    0,    1,    0,    0,    0,    0,    0,
    1,    0,    0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf,
    0x6e, 0xe1, 0x88, 3,    0,    0,    0,    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11,
    0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 2,    0,    0,    0};

/* NetrShareEnum: NULL server name, level 1, empty container, no size limit. */
static const unsigned char rpc_enum[60] = {
    5, 0, 0,  3, 0x10, 0, 0, 0, 60,   0,    0,    0,    2, 0, 0, 0, 36, 0, 0, 0,
    0, 0, 15, 0, 0,    0, 0, 0, 1,    0,    0,    0,    1, 0, 0, 0, 4,  0, 2, 0,
    0, 0, 0,  0, 0,    0, 0, 0, 0xff, 0xff, 0xff, 0xff, 8, 0, 2, 0, 0,  0, 0, 0};

/* Reads an NDR conformant varying string at *o (UTF-16LE) into out as ASCII. */
static int
ndr_string(const unsigned char *d, size_t n, size_t *o, char *out, size_t cap)
{
	uint32_t actual;
	size_t w = 0;

	if (*o + 12 > n)
		return -1;
	actual = pli_smb_get32(d + *o + 8);
	*o += 12;
	if (actual > (n - *o) / 2)
		return -1;
	for (uint32_t i = 0; i < actual; i++) {
		unsigned char lo = d[*o + 2 * i], hi = d[*o + 2 * i + 1];

		if (lo && w + 1 < cap)
			out[w++] = hi == 0 && lo >= 0x20 && lo < 0x7f ? (char)lo : '?';
	}
	out[w < cap ? w : cap - 1] = '\0';
	*o += ((size_t)actual * 2 + 3) & ~(size_t)3;
	return 0;
}

size_t
pli_smb_parse_shares(const unsigned char *d, size_t n, char *list, size_t cap, char *ipc,
                     size_t ipc_cap)
{
	size_t o, used = 0, shown = 0;
	uint32_t count;

	if (n < 24 || (count = pli_smb_get32(d + 12)) == 0 || count > 256 ||
	    24 + (size_t)count * 12 > n)
		return 0;
	o = 24 + (size_t)count * 12; /* past the array's max count and the fixed parts */
	for (uint32_t i = 0; i < count; i++) {
		char name[64], remark[64];
		uint32_t type = pli_smb_get32(d + 24 + (size_t)i * 12 + 4);
		int has_remark = pli_smb_get32(d + 24 + (size_t)i * 12 + 8) != 0;

		if (ndr_string(d, n, &o, name, sizeof(name)) != 0 ||
		    (has_remark && ndr_string(d, n, &o, remark, sizeof(remark)) != 0))
			break;
		if ((type & 0xff) == 3) { /* IPC$: its remark is the server string */
			if (has_remark)
				snprintf(ipc, ipc_cap, "%s", remark);
			continue;
		}
		shown++;
		if (used < cap)
			used += (size_t)snprintf(list + used, cap - used, "%s%s", used ? ", " : "",
			                         name);
	}
	return shown;
}

void
pli_smb_guest_shares(const struct probe_run *run, struct pl_service *out)
{
	struct smb_sess s = {.run = run};
	const unsigned char *r;
	size_t rn, found;
	char list[128] = "", ipc[64] = "";
	const char *sv;

	s.a = calloc(1, sizeof(*s.a));
	if (!s.a || pli_conn_open(&s.c, run->sa, run->salen, run->ctx->opts.connect_ms,
	                          run->deadline, NULL) != PL_OK) {
		free(s.a);
		return;
	}
	if (anonymous_session(&s) != 0) {
		pli_probe_add_info(out, "anonymous session refused");
		goto out;
	}
	if (open_srvsvc(&s) != 0) {
		pli_probe_add_info(out, "anonymous IPC$ refused");
		goto out;
	}
	if (transceive(&s, rpc_bind, sizeof(rpc_bind), &r, &rn) != 0 || r[2] != 12 ||
	    transceive(&s, rpc_enum, sizeof(rpc_enum), &r, &rn) != 0 || r[2] != 2) {
		pli_probe_add_info(out, "share list: no answer from srvsvc");
		goto out;
	}
	found = pli_smb_parse_shares(r + 24, rn - 24, list, sizeof(list), ipc, sizeof(ipc));
	/* Samba's default server string names it: "IPC Service (Samba 4.17.12-Debian)". */
	sv = strstr(ipc, "Samba ");
	if (sv && sv[6] >= '0' && sv[6] <= '9') {
		pli_probe_set(out->vendor, sizeof(out->vendor), "Samba");
		pli_probe_set(out->product, sizeof(out->product), "Samba");
		pli_probe_copy(out->version, sizeof(out->version), sv + 6, strcspn(sv + 6, "-) "));
		snprintf(out->cpe, sizeof(out->cpe), "cpe:/a:samba:samba:%s", out->version);
	}
	if (found) {
		out->exposures |= PL_EXP_SMB_GUEST_SHARES;
		pli_probe_add_info(out, "shares listed anonymously: %s", list);
	}
out:
	pli_conn_close(&s.c);
	free(s.a);
}
