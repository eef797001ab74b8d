/* SPDX-License-Identifier: MIT */
/*
 * tools/cstring.h - writes arbitrary bytes as a C string literal, for the build-time
 * table generators. Non-printable and non-ASCII bytes become 3-digit octal escapes,
 * which can never merge with a following digit the way \x escapes can.
 */
#ifndef PL_TOOLS_CSTRING_H
#define PL_TOOLS_CSTRING_H

#include <stdio.h>

static inline void
put_c_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '?')
			fputs("\\?", out); /* avoid trigraphs */
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\%03o", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

#endif
