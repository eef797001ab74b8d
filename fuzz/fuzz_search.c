// SPDX-License-Identifier: MIT
/*
 * fuzz_search.c - pl_find_ports on arbitrary terms (words, port numbers and ranges,
 * aliases, regexes): it must return PL_OK, PL_ERR_ARG or PL_ERR_PARSE, and every hit
 * must be a well-formed port range sorted by relevance. The same bytes go through
 * pl_lang_parse, which must name a supported language or refuse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char term[256];
	struct pl_find_opts fo = {.term = term};
	struct pl_port_hit *hits = NULL;
	size_t n = 0;
	enum pl_lang lang;
	enum pl_rc rc;

	if (size == 0 || size >= sizeof(term))
		return 0;
	/* The first byte picks regex or plain words; the rest is the term. */
	fo.regex = data[0] & 1;
	memcpy(term, data + 1, size - 1);
	term[size - 1] = '\0';
	if (pl_lang_parse(term, &lang) == 0 && (unsigned)lang >= PL_LANG_COUNT)
		abort();
	rc = pl_find_ports(&fo, &hits, &n, NULL);
	if (rc != PL_OK && rc != PL_ERR_ARG && rc != PL_ERR_PARSE)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (hits[i].port_lo > hits[i].port_hi || hits[i].how >= PL_FOUND_COUNT)
			abort();
		if (i > 0 && hits[i - 1].how > hits[i].how)
			abort();
	}
	free(hits);
	return 0;
}
