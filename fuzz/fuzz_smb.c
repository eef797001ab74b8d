// SPDX-License-Identifier: MIT
/*
 * fuzz_smb.c - the SMB parsers (probe/smb.c, smb_shares.c): NetBIOS-framed SMB2
 * headers and NEGOTIATE responses, SMB1 NEGOTIATE responses, the NTLMSSP CHALLENGE
 * (found anywhere in the bytes; AV pairs in UTF-16) and NetrShareEnum NDR stubs.
 * Checks: names stay NUL-terminated and within their fields, nothing reads past the
 * input (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"
#include "probe/smb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_smb_negotiate neg;
	struct pl_ntlm_info ni;
	struct pl_service svc;
	char list[40], ipc[16];
	uint32_t status;
	uint16_t cmd;
	uint64_t sid;

	pli_smb2_header(data, size, &status, &cmd, &sid);
	pli_smb2_parse_negotiate(data, size, &neg);
	pli_smb1_accepted(data, size);
	if (pli_ntlm_parse_challenge(data, size, &ni) == 0 &&
	    (!memchr(ni.nb_computer, '\0', sizeof(ni.nb_computer)) ||
	     !memchr(ni.dns_domain, '\0', sizeof(ni.dns_domain))))
		abort();
	list[0] = ipc[0] = '\0';
	pli_smb_parse_shares(data, size, list, sizeof(list), ipc, sizeof(ipc));
	if (!memchr(list, '\0', sizeof(list)) || !memchr(ipc, '\0', sizeof(ipc)))
		abort();
	pli_service_init(&svc);
	pl_probe_smb.classify(NULL, data, size, &svc);
	return 0;
}
