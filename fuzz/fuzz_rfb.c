// SPDX-License-Identifier: MIT
/*
 * fuzz_rfb.c - the VNC parsers (probe/p_misc.c): the RFB version greeting and the
 * security-type list of protocol 3.7/3.8 (a count, then that many types) or 3.3 (one
 * 32-bit type). Checks: the info stays NUL-terminated, the None exposure is set only
 * when a type 1 was in the bytes, nothing reads past the input (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_service svc;
	unsigned char *d;

	for (int v33 = 0; v33 < 2; v33++) {
		pli_service_init(&svc);
		pli_vnc_security_types(data, size, v33, &svc);
		if (!memchr(svc.info, '\0', sizeof(svc.info)))
			abort();
		if ((svc.exposures & PL_EXP_VNC_NO_AUTH) && !memchr(data, 1, size))
			abort();
	}
	/* Classifiers get what the engine gives them: the answer and a NUL after it (the
	 * greeting's version is read with sscanf, which needs the NUL). */
	d = pli_memdup_nul(data, size);
	if (!d)
		return 0;
	pli_service_init(&svc);
	pl_probe_vnc.classify(NULL, d, size, &svc);
	free(d);
	return 0;
}
