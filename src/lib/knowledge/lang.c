// SPDX-License-Identifier: MIT
/*
 * lang.c - language codes for the port pages (see portlens/lang.h). Locale names
 * ("ko_KR.UTF-8") and language tags ("ko-KR") both start with the ISO 639-1 code, which
 * is all that matters here.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "portlens/lang.h"

static const char *const codes[PL_LANG_COUNT] = {
    [PL_LANG_EN] = "en", [PL_LANG_KO] = "ko", [PL_LANG_AR] = "ar", [PL_LANG_TR] = "tr"};

int
pl_lang_parse(const char *s, enum pl_lang *out)
{
	size_t n;

	if (!s)
		return -1;
	n = strcspn(s, "-_.@");
	if (n != 2)
		return -1;
	for (int l = 0; l < PL_LANG_COUNT; l++)
		if (strncasecmp(s, codes[l], 2) == 0) {
			*out = (enum pl_lang)l;
			return 0;
		}
	return -1;
}

const char *
pl_lang_code(enum pl_lang l)
{
	return (unsigned)l < PL_LANG_COUNT ? codes[l] : "en";
}

int
pl_lang_rtl(enum pl_lang l)
{
	return l == PL_LANG_AR;
}
