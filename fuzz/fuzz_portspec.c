// SPDX-License-Identifier: MIT
/*
 * fuzz_portspec.c - "N[/proto]" parsing and strict number parsing on arbitrary bytes:
 * accepted values must be in range and must print back to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portlens/port.h"
#include "core/strnum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	struct pl_port_spec spec;
	struct pl_err err = {0};
	uint64_t v;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pl_port_spec_parse(s, &spec, &err) == PL_OK) {
		char back[16];

		snprintf(back, sizeof(back), "%u", spec.port);
		if (strncmp(s, back, strlen(back)) != 0 && s[0] != '0')
			abort();
	} else if (err.msg[0] == '\0') {
		abort();
	}
	if (pli_parse_u64n((const char *)data, size, 10, 5000, &v, NULL) == PL_OK &&
	    (v < 10 || v > 5000))
		abort();
	return 0;
}
