// SPDX-License-Identifier: MIT
/*
 * fuzz_ipp.c - the IPP response parser (probe/p_ipp.c: pli_ipp_parse, attribute by
 * attribute with 16-bit name and value lengths and additional values) and the HTTP
 * chunked-coding reader it is fed through (pli_http_dechunk, in place). Checks: strings
 * stay NUL-terminated, the de-chunked length never grows, nothing reads past the input
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
	struct pl_ipp_reply r;
	unsigned char *copy;
	size_t n;

	pli_ipp_parse(data, size, &r);
	if (!memchr(r.make_model, '\0', sizeof(r.make_model)) ||
	    !memchr(r.firmware, '\0', sizeof(r.firmware)) ||
	    !memchr(r.versions, '\0', sizeof(r.versions)) || !memchr(r.name, '\0', sizeof(r.name)))
		abort();
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	n = pli_http_dechunk(copy, size);
	if (n > size)
		abort();
	pli_ipp_parse(copy, n, &r);
	free(copy);
	return 0;
}
