// SPDX-License-Identifier: MIT
/*
 * fuzz_x224.c - the RDP parsers (probe/p_rdp.c): TPKT + X.224 Connection Confirm with
 * an RDP Negotiation Response or Failure, and xrdp's X.224 Data answer to a TLS hello.
 * Checks: a confirm is only read from a TPKT of version 3, nothing reads past the input
 * (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_service svc;
	uint32_t sel, fail;

	if (pli_rdp_confirm(data, size, &sel, &fail) >= 0 && (size < 11 || data[0] != 3))
		abort();
	pli_service_init(&svc);
	if (pl_probe_rdp.classify(NULL, data, size, &svc) && strcmp(svc.service, "rdp") != 0)
		abort();
	return 0;
}
