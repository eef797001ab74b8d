// SPDX-License-Identifier: MIT
/*
 * fuzz_http_form.c - the one request parser written by hand in src/web, the urlencoded
 * form reader (web_form_get), on arbitrary bytes: it must stay inside the input, answer
 * 1, 0 or -1, and a found value must fit its buffer and hold no NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The parser is compiled into this target directly (it is pure), so the fuzz build needs
 * neither libmicrohttpd nor the rest of the web library. */
#include "web/form.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"csrf", "choice", "a", "x"};
	char out[40];

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		int r = web_form_get((const char *)data, size, keys[k], out, sizeof(out));

		if (r == 1 && strlen(out) >= sizeof(out))
			abort();
		if (r < -1 || r > 1)
			abort();
	}
	return 0;
}
