// SPDX-License-Identifier: MIT
/*
 * fuzz_http_lang.c - Accept-Language negotiation (web_lang_negotiate) on arbitrary
 * header values: it must return NULL or one of the supported languages, and the same
 * answer every time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Compiled in directly (pure code), as in fuzz_http_form.c. */
#include "web/i18n.c"
#include "web/i18n_ar.c"
#include "web/i18n_ko.c"
#include "web/i18n_tables.c"
#include "web/i18n_tr.c"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = pli_memdup_nul(data, size);
	const struct web_lang *a, *b;

	if (!s)
		return 0;
	a = web_lang_negotiate(s);
	b = web_lang_negotiate(s);
	if (a != b)
		abort();
	if (a && (a < web_langs || a >= web_langs + web_langs_count))
		abort();
	free(s);
	return 0;
}
