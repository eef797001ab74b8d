/* SPDX-License-Identifier: MIT */
/*
 * tools/gen.h - what the build-time generators (gen-*.c) share: reading a whole input
 * file, and writing bytes as a C string literal and numbers as a C array. In string
 * literals, non-printable and non-ASCII bytes become 3-digit octal escapes, which can
 * never merge with a following digit the way \x escapes can.
 */
#ifndef PL_TOOLS_GEN_H
#define PL_TOOLS_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The whole file, NUL-terminated, its length in *len; NULL if it cannot be read in
 * full (errno says why). */
static inline char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long size;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)size + 1)) != NULL) {
		if (fread(data, 1, (size_t)size, fp) != (size_t)size) {
			free(data);
			data = NULL;
		} else {
			data[size] = '\0';
			*len = (size_t)size;
		}
	}
	fclose(fp);
	return data;
}

/* static const uint32_t NAME[] = {...}: 16 numbers a line; one 0 when n is 0. */
static inline void
put_u32_array(FILE *out, const char *name, const uint32_t *v, size_t n)
{
	fprintf(out, "static const uint32_t %s[%zu] = {", name, n ? n : 1);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u,", i % 16 == 0 ? "\n\t" : " ", v[i]);
	fputs(n ? "\n};\n" : "0};\n", out);
}

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
