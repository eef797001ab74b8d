// SPDX-License-Identifier: MIT
/*
 * fuzz_jflat.c - the fast path for flat JSON lines (src/lib/diff/json_flat.c) against
 * jansson on arbitrary bytes: whenever the fast path accepts a line, jansson must read
 * the same line (with JSON_REJECT_DUPLICATES, as the scan-file parser calls it) to an
 * object with the same keys in the same order, and the same string, integer, true,
 * false and null values. A line the fast path hands back is jansson's alone, so there is
 * nothing to compare. A difference is a bug: the two paths would read one file two ways.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_field(const struct pli_jflat_field *f, const char *key, json_t *v)
{
	if (strcmp(f->key, key) != 0)
		abort();
	switch (f->kind) {
	case PLI_JFLAT_STR:
		if (!json_is_string(v) || strlen(f->str) != json_string_length(v) ||
		    strcmp(f->str, json_string_value(v)) != 0)
			abort();
		break;
	case PLI_JFLAT_INT:
		if (!json_is_integer(v) || json_integer_value(v) != f->num)
			abort();
		break;
	case PLI_JFLAT_TRUE:
		if (!json_is_true(v))
			abort();
		break;
	case PLI_JFLAT_FALSE:
		if (!json_is_false(v))
			abort();
		break;
	case PLI_JFLAT_NULL:
		if (!json_is_null(v))
			abort();
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pli_jflat flat;
	char *copy = malloc(size + 1);
	json_error_t jerr;
	json_t *j, *v;
	const char *key;
	size_t i = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (pli_jflat_parse(copy, size, &flat)) {
		j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(j) || json_object_size(j) != flat.n)
			abort();
		json_object_foreach(j, key, v)
		{
			if (i >= flat.n)
				abort();
			check_field(&flat.f[i++], key, v);
		}
		json_decref(j);
	}
	free(copy);
	return 0;
}
