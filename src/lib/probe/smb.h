/* SPDX-License-Identifier: MIT */
/*
 * probe/smb.h - SMB2/3 and NTLMSSP messages for the SMB probe (smb.c builds and parses,
 * p_smb.c talks): pure functions over bytes.
 */
#ifndef PL_PROBE_SMB_H
#define PL_PROBE_SMB_H

#include <stddef.h>
#include <stdint.h>

/* What an SMB2 NEGOTIATE response says. */
struct pl_smb_negotiate {
	uint16_t dialect;       /* 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 */
	uint16_t security_mode; /* bit 0 signing enabled, bit 1 signing required */
	uint32_t capabilities;
};

/* What an NTLMSSP CHALLENGE says about the server. Strings printable, "" if absent. */
struct pl_ntlm_info {
	char nb_computer[64], nb_domain[64], dns_computer[128], dns_domain[128];
	unsigned major, minor, build; /* the Version field; 0 when absent */
};

/* Little-endian stores and load, as SMB and NDR use. */
void pli_smb_put16(unsigned char *p, unsigned v);
void pli_smb_put32(unsigned char *p, uint32_t v);
uint32_t pli_smb_get32(const unsigned char *p);
/* NetBIOS session header + SMB2 header for command cmd, message id mid, session id sid
 * (zeroed otherwise); returns the body offset (68). */
size_t pli_smb2_head(unsigned char *buf, unsigned cmd, uint64_t mid, uint64_t sid);
/* Writes the NetBIOS length of the len-byte message at buf; returns len. */
size_t pli_smb_frame(unsigned char *buf, size_t len);
/* 1 when d/n holds one whole NetBIOS-framed message (a probe_complete_fn). */
int pli_smb_framed_complete(const unsigned char *d, size_t n);

/* The SMB2 NEGOTIATE request (dialects 2.0.2-3.1.1), NetBIOS-framed. Returns its length. */
size_t pli_smb2_negotiate_request(unsigned char *buf, size_t cap);
/* The SMB1 NEGOTIATE request offering only "NT LM 0.12", NetBIOS-framed. */
size_t pli_smb1_negotiate_request(unsigned char *buf, size_t cap);
/*
 * An SMB2 SESSION_SETUP carrying the NTLMSSP message tok (tok_len bytes), with message
 * id mid and session id sid, NetBIOS-framed. Returns its length or 0.
 */
size_t pli_smb2_session_setup(unsigned char *buf, size_t cap, uint64_t mid, uint64_t sid,
                              const unsigned char *tok, size_t tok_len);
/* NTLMSSP NEGOTIATE (asks for target info and the version). Returns its length (40). */
size_t pli_ntlm_negotiate(unsigned char *buf, size_t cap);
/* An anonymous NTLMSSP AUTHENTICATE (empty names and responses). Returns its length. */
size_t pli_ntlm_anonymous_auth(unsigned char *buf, size_t cap);

/*
 * Parses a NetBIOS-framed SMB2 NEGOTIATE response. 0 with *r filled, -1 if it is not one.
 */
int pli_smb2_parse_negotiate(const unsigned char *d, size_t n, struct pl_smb_negotiate *r);
/* 1 when d/n is a NetBIOS-framed SMB1 NEGOTIATE response accepting NT LM 0.12. */
int pli_smb1_accepted(const unsigned char *d, size_t n);
/* Finds an NTLMSSP CHALLENGE anywhere in d/n and fills *r. 0, or -1 if none parses. */
int pli_ntlm_parse_challenge(const unsigned char *d, size_t n, struct pl_ntlm_info *r);
/* Status, command and session id of the NetBIOS-framed SMB2 message at d. -1 if none. */
int pli_smb2_header(const unsigned char *d, size_t n, uint32_t *status, uint16_t *cmd,
                    uint64_t *sid);

#endif
