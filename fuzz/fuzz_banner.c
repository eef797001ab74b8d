// SPDX-License-Identifier: MIT
/*
 * fuzz_banner.c - every protocol classifier (and the Recog matching behind them) over
 * arbitrary server answers, plus the Telnet text extractor and the evidence escaper.
 * Checks: the service record is always NUL-terminated within its fields, the escaped
 * evidence is printable ASCII, and the Telnet text never exceeds its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The context is read-only after creation; build it once per fuzzing process. */
	static struct pl_probe_ctx *ctx;
	struct pl_service svc;
	char text[64], esc[40];
	size_t n;

	if (!ctx && pl_probe_ctx_new(NULL, &ctx, NULL) != PL_OK)
		abort();
	pl_probe_classify_banner(ctx, data, size, &svc);
	if (memchr(svc.service, '\0', sizeof(svc.service)) == NULL ||
	    memchr(svc.product, '\0', sizeof(svc.product)) == NULL ||
	    memchr(svc.version, '\0', sizeof(svc.version)) == NULL ||
	    memchr(svc.evidence, '\0', sizeof(svc.evidence)) == NULL)
		abort();
	for (const char *p = svc.evidence; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	n = pli_telnet_text(data, size, text, sizeof(text));
	if (n >= sizeof(text) || text[n] != '\0')
		abort();
	if (pl_probe_escape(data, size, esc, sizeof(esc)) > size || strlen(esc) >= sizeof(esc))
		abort();
	return 0;
}
