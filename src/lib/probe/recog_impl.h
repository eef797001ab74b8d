/* SPDX-License-Identifier: MIT */
/*
 * probe/recog_impl.h - the in-memory layout of a Recog database, shared by the loader
 * (recog.c) and the matcher (recog_match.c) only.
 */
#ifndef PL_PROBE_RECOG_IMPL_H
#define PL_PROBE_RECOG_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "probe/recog.h"
#include "core/buf.h"

struct recog_param {
	unsigned pos;
	char *name;
	char *value;
};

struct recog_example {
	char *data; /* decoded bytes, NUL-terminated */
	size_t len;
	char **attrs; /* name, value, name, value, ..., NULL */
	size_t n_attrs;
};

struct recog_fp {
	char *pattern;
	char *description;
	char *error; /* PCRE2 compile error, NULL when compiled */
	unsigned flags;
	pcre2_code *re;     /* byte semantics: binary banners */
	pcre2_code *re_utf; /* character semantics: valid UTF-8 text with non-ASCII */
	struct recog_param *params;
	size_t n_params, params_cap;
	struct recog_example *examples;
	size_t n_examples, examples_cap;
};

struct pl_recog_db {
	char *name;
	char *protocol;
	struct recog_fp *fps;
	size_t n, cap;
	size_t bad;
};

/* Compiles every pattern of db (recog_match.c). */
void pli_recog_db_compile(struct pl_recog_db *db);
/* Decodes base64 in place in b (whitespace ignored); *n = decoded length. 0 or -1. */
int pli_recog_b64_decode(struct pl_buf *b, size_t *n);

#endif
