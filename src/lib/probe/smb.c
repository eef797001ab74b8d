// SPDX-License-Identifier: MIT
/*
 * smb.c - the SMB messages service detection needs, built and parsed as bytes
 * ([MS-SMB2] 2.2.1-2.2.6, [MS-CIFS] 2.2.4.52, [MS-NLMP] 2.2.1-2.2.2): an SMB2 NEGOTIATE
 * offering 2.0.2 to 3.1.1 (3.1.1 needs the preauth-integrity context), an SMB1
 * NEGOTIATE offering only "NT LM 0.12" (is SMB1 still on?), SESSION_SETUP carrying raw
 * NTLMSSP (servers accept it without a SPNEGO wrapper, as Windows clients send), and
 * the NTLMSSP CHALLENGE's names and version. Every message travels behind the 4-byte
 * NetBIOS session header (RFC 1002 4.3.6; direct TCP 445 uses the same framing).
 */
#include <string.h>

#include "probe/smb.h"

void
pli_smb_put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

void
pli_smb_put32(unsigned char *p, uint32_t v)
{
	pli_smb_put16(p, v & 0xffff);
	pli_smb_put16(p + 2, v >> 16);
}

static unsigned
rd16(const unsigned char *p)
{
	return (unsigned)(p[0] | p[1] << 8);
}

uint32_t
pli_smb_get32(const unsigned char *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

int
pli_smb_framed_complete(const unsigned char *d, size_t n)
{
	return n >= 4 && n >= 4 + ((size_t)d[1] << 16 | (size_t)d[2] << 8 | d[3]);
}

size_t
pli_smb2_head(unsigned char *buf, unsigned cmd, uint64_t mid, uint64_t sid)
{
	memset(buf, 0, 68);
	memcpy(buf + 4, "\xfeSMB", 4);
	pli_smb_put16(buf + 8, 64);
	pli_smb_put16(buf + 16, cmd);
	pli_smb_put16(buf + 18, 31); /* credits requested */
	pli_smb_put32(buf + 28, (uint32_t)mid);
	pli_smb_put32(buf + 32, (uint32_t)(mid >> 32));
	pli_smb_put32(buf + 44, (uint32_t)sid);
	pli_smb_put32(buf + 48, (uint32_t)(sid >> 32));
	return 68;
}

size_t
pli_smb_frame(unsigned char *buf, size_t len)
{
	size_t smb = len - 4;

	buf[0] = 0;
	buf[1] = (unsigned char)(smb >> 16);
	buf[2] = (unsigned char)(smb >> 8);
	buf[3] = (unsigned char)smb;
	return len;
}

size_t
pli_smb2_negotiate_request(unsigned char *buf, size_t cap)
{
	static const unsigned dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
	size_t o, ctx;
	unsigned char *b;

	if (cap < 4 + 158)
		return 0;
	o = pli_smb2_head(buf, 0, 0, 0);
	b = buf + o;
	memset(b, 0, 158 - 64);
	pli_smb_put16(b, 36);
	pli_smb_put16(b + 2, 5);
	pli_smb_put16(b + 4, 1);                /* signing enabled */
	memcpy(b + 12, "portlens-probe-1", 16); /* client GUID */
	for (size_t i = 0; i < 5; i++)
		pli_smb_put16(b + 36 + 2 * i, dialects[i]);
	ctx = 112; /* 64 + 36 + 10, aligned to 8: from the start of the SMB2 header */
	pli_smb_put32(b + 28, (uint32_t)ctx);
	pli_smb_put16(b + 32, 1);
	b = buf + 4 + ctx;
	pli_smb_put16(b, 1);      /* SMB2_PREAUTH_INTEGRITY_CAPABILITIES */
	pli_smb_put16(b + 2, 38); /* data length */
	pli_smb_put16(b + 8, 1);  /* one hash algorithm */
	pli_smb_put16(b + 10, 32);
	pli_smb_put16(b + 12, 1); /* SHA-512 */
	memcpy(b + 14, "portlens-preauth-salt-32-bytes!!", 32);
	return pli_smb_frame(buf, 4 + ctx + 8 + 38);
}

size_t
pli_smb1_negotiate_request(unsigned char *buf, size_t cap)
{
	static const char dialect[] = "\x02NT LM 0.12";
	size_t len = 4 + 32 + 3 + sizeof(dialect);

	if (cap < len)
		return 0;
	memset(buf, 0, len);
	memcpy(buf + 4, "\xffSMB", 4);
	buf[8] = 0x72;                   /* SMB_COM_NEGOTIATE */
	buf[13] = 0x18;                  /* flags: canonical paths, case-insensitive */
	pli_smb_put16(buf + 14, 0xc001); /* flags2: unicode, NT status, long names */
	pli_smb_put16(buf + 4 + 32 + 1, sizeof(dialect));
	memcpy(buf + 4 + 35, dialect, sizeof(dialect));
	return pli_smb_frame(buf, len);
}

size_t
pli_smb2_session_setup(unsigned char *buf, size_t cap, uint64_t mid, uint64_t sid,
                       const unsigned char *tok, size_t tok_len)
{
	size_t o;

	if (tok_len > 1024 || cap < 68 + 24 + tok_len)
		return 0;
	o = pli_smb2_head(buf, 1, mid, sid);
	memset(buf + o, 0, 24);
	pli_smb_put16(buf + o, 25);
	buf[o + 3] = 1;                       /* signing enabled */
	pli_smb_put16(buf + o + 12, 64 + 24); /* security buffer offset */
	pli_smb_put16(buf + o + 14, (unsigned)tok_len);
	memcpy(buf + o + 24, tok, tok_len);
	return pli_smb_frame(buf, o + 24 + tok_len);
}

/* An NTLM message of len bytes, zeroed but for the "NTLMSSP\0" signature, its type and
 * the negotiate flags at flags_at ([MS-NLMP] 2.2.1); 0 when cap is too small. */
static size_t
ntlm_message(unsigned char *buf, size_t cap, size_t len, uint32_t type, size_t flags_at,
             uint32_t flags)
{
	if (cap < len)
		return 0;
	memset(buf, 0, len);
	memcpy(buf, "NTLMSSP", 8);
	pli_smb_put32(buf + 8, type);
	pli_smb_put32(buf + flags_at, flags);
	return len;
}

size_t
pli_ntlm_negotiate(unsigned char *buf, size_t cap)
{
	/* unicode, request target, NTLM, always sign, extended session security, target
	 * info, version, 128-bit, 56-bit */
	return ntlm_message(buf, cap, 40, 1, 12, 0xa2888205);
}

size_t
pli_ntlm_anonymous_auth(unsigned char *buf, size_t cap)
{
	/* flags with NTLMSSP_NEGOTIATE_ANONYMOUS (0x800); six empty security buffers (LM,
	 * NT, domain, user, workstation, session key) pointing at the end of the 88-byte
	 * message: anonymous per [MS-NLMP] 3.2.5.1.2. */
	size_t len = ntlm_message(buf, cap, 88, 3, 60, 0xa2880a05);

	for (size_t i = 0; len && i < 6; i++)
		pli_smb_put32(buf + 12 + 8 * i + 4, 88);
	return len;
}

int
pli_smb2_header(const unsigned char *d, size_t n, uint32_t *status, uint16_t *cmd, uint64_t *sid)
{
	if (n < 68 || d[0] != 0 || memcmp(d + 4, "\xfeSMB", 4) != 0 || rd16(d + 8) != 64)
		return -1;
	*status = pli_smb_get32(d + 12);
	*cmd = (uint16_t)rd16(d + 16);
	*sid = (uint64_t)pli_smb_get32(d + 44) | (uint64_t)pli_smb_get32(d + 48) << 32;
	return 0;
}

int
pli_smb2_parse_negotiate(const unsigned char *d, size_t n, struct pl_smb_negotiate *r)
{
	uint32_t status;
	uint16_t cmd;
	uint64_t sid;

	memset(r, 0, sizeof(*r));
	if (pli_smb2_header(d, n, &status, &cmd, &sid) != 0 || cmd != 0 || status != 0 ||
	    n < 68 + 64 || rd16(d + 68) != 65)
		return -1;
	r->security_mode = (uint16_t)rd16(d + 70);
	r->dialect = (uint16_t)rd16(d + 72);
	r->capabilities = pli_smb_get32(d + 92);
	if (r->dialect < 0x0202 || r->dialect > 0x03ff)
		return -1;
	return 0;
}

int
pli_smb1_accepted(const unsigned char *d, size_t n)
{
	/* header, status 0, word count 17 (NT LM 0.12 response), dialect index 0 */
	return n >= 4 + 32 + 3 && memcmp(d + 4, "\xffSMB", 4) == 0 && d[8] == 0x72 &&
	       pli_smb_get32(d + 9) == 0 && d[36] == 17 && rd16(d + 37) == 0;
}

/* Copies a UTF-16LE string as ASCII ('?' for the rest) into out (cap bytes). */
static void
utf16_ascii(const unsigned char *p, size_t len, char *out, size_t cap)
{
	size_t w = 0;

	for (size_t i = 0; i + 1 < len && w + 1 < cap; i += 2)
		out[w++] = p[i + 1] == 0 && p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	if (cap)
		out[w] = '\0';
}

int
pli_ntlm_parse_challenge(const unsigned char *d, size_t n, struct pl_ntlm_info *r)
{
	const unsigned char *m = NULL;
	size_t mn, off, len;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i + 12 <= n; i++)
		if (memcmp(d + i, "NTLMSSP\0\x02\0\0\0", 12) == 0) {
			m = d + i;
			break;
		}
	if (!m)
		return -1;
	mn = (size_t)(d + n - m);
	if (mn < 48)
		return -1;
	if ((pli_smb_get32(m + 20) & 0x02000000) && mn >= 56 && m[48] >= 5 && m[48] <= 10) {
		r->major = m[48];
		r->minor = m[49];
		r->build = rd16(m + 50);
	}
	len = rd16(m + 40);
	off = pli_smb_get32(m + 44);
	if (off > mn || len > mn - off)
		return -1;
	for (size_t o = off; o + 4 <= off + len;) {
		unsigned id = rd16(m + o), al = rd16(m + o + 2);

		if (id == 0 || o + 4 + al > off + len)
			break;
		if (id == 1)
			utf16_ascii(m + o + 4, al, r->nb_computer, sizeof(r->nb_computer));
		else if (id == 2)
			utf16_ascii(m + o + 4, al, r->nb_domain, sizeof(r->nb_domain));
		else if (id == 3)
			utf16_ascii(m + o + 4, al, r->dns_computer, sizeof(r->dns_computer));
		else if (id == 4)
			utf16_ascii(m + o + 4, al, r->dns_domain, sizeof(r->dns_domain));
		o += 4 + al;
	}
	return 0;
}
