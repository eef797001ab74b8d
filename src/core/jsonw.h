/* SPDX-License-Identifier: MIT */
/*
 * core/jsonw.h - a streaming JSON writer into a struct pl_buf.
 *
 * Keeps a small stack of open containers to place commas, and escapes strings per
 * RFC 8259 (control characters as \u00XX; invalid UTF-8 bytes replaced by U+FFFD so
 * the output is always valid JSON). Used by the CLI and web renderers and scan sinks.
 */
#ifndef PL_CORE_JSONW_H
#define PL_CORE_JSONW_H

#include <stdint.h>

#include "core/buf.h"

#define PL_JSONW_MAX_DEPTH 32

struct pl_jsonw {
	struct pl_buf *out;
	int pretty; /* indent with two spaces per level */
	int depth;
	int count[PL_JSONW_MAX_DEPTH];   /* members written at each level */
	char closer[PL_JSONW_MAX_DEPTH]; /* '}' or ']' for each open level */
	int after_key;                   /* a key was just written */
};

void pli_jsonw_init(struct pl_jsonw *w, struct pl_buf *out, int pretty);
void pli_jsonw_object(struct pl_jsonw *w);
void pli_jsonw_array(struct pl_jsonw *w);
void pli_jsonw_end(struct pl_jsonw *w); /* closes the innermost object or array */
void pli_jsonw_key(struct pl_jsonw *w, const char *key);
void pli_jsonw_str(struct pl_jsonw *w, const char *s); /* NULL writes null */
void pli_jsonw_strn(struct pl_jsonw *w, const char *s, size_t n);
void pli_jsonw_int(struct pl_jsonw *w, int64_t v);
void pli_jsonw_bool(struct pl_jsonw *w, int v);
void pli_jsonw_null(struct pl_jsonw *w);
/* Convenience: key then value. */
void pli_jsonw_kstr(struct pl_jsonw *w, const char *key, const char *s);
void pli_jsonw_kint(struct pl_jsonw *w, const char *key, int64_t v);
void pli_jsonw_kbool(struct pl_jsonw *w, const char *key, int v);
/* Appends s as JSON string contents (no quotes) to b. */
void pli_json_escape(struct pl_buf *b, const char *s, size_t n);

#endif
