// SPDX-License-Identifier: MIT
/*
 * jsonw.c - streaming JSON writer (see jsonw.h). Memory errors are sticky in the
 * underlying buffer's growth; callers check the buffer once at the end.
 */
#include <string.h>

#include "core/jsonw.h"
#include "core/strnum.h"
#include "core/utf8.h"

void
pli_jsonw_init(struct pl_jsonw *w, struct pl_buf *out, int pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

static void
newline_indent(struct pl_jsonw *w)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)w->depth * 2;

	if (!w->pretty)
		return;
	pli_buf_putc(w->out, '\n');
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		pli_buf_append(w->out, spaces, sizeof(spaces) - 1);
	pli_buf_append(w->out, spaces, n);
}

/* Writes the separator before a value (comma and indentation), unless after a key. */
static void
before_value(struct pl_jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->count[w->depth - 1]++ > 0)
			pli_buf_putc(w->out, ',');
		newline_indent(w);
	}
}

static void
open_container(struct pl_jsonw *w, char c)
{
	before_value(w);
	pli_buf_putc(w->out, c);
	if (w->depth < PL_JSONW_MAX_DEPTH) {
		w->closer[w->depth] = c == '{' ? '}' : ']';
		w->count[w->depth++] = 0;
	}
}

void
pli_jsonw_object(struct pl_jsonw *w)
{
	open_container(w, '{');
}

void
pli_jsonw_array(struct pl_jsonw *w)
{
	open_container(w, '[');
}

void
pli_jsonw_end(struct pl_jsonw *w)
{
	int had;

	if (w->depth == 0)
		return;
	had = w->count[w->depth - 1];
	w->depth--;
	if (had)
		newline_indent(w);
	pli_buf_putc(w->out, w->closer[w->depth]);
}

void
pli_json_escape(struct pl_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	/* A start of plain printable ASCII (often the whole string: keys, addresses) goes
	 * in one append without the UTF-8 walk; ASCII bytes are whole characters. */
	while (i < n && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f && s[i] != '"' &&
	       s[i] != '\\')
		i++;
	pli_buf_append(b, s, i);
	while (i < n) {
		size_t bad = pli_utf8_invalid_at(s + i, n - i);
		size_t run_end = i + bad;

		for (; i < run_end; i++) {
			unsigned char c = (unsigned char)s[i];
			size_t plain = i;

			/* A run of bytes that need no escaping goes in one append. */
			while (plain < run_end && (unsigned char)s[plain] >= 0x20 &&
			       s[plain] != '"' && s[plain] != '\\' && s[plain] != 0x7f)
				plain++;
			if (plain > i) {
				pli_buf_append(b, s + i, plain - i);
				i = plain - 1;
				continue;
			}
			switch (c) {
			case '"':
				pli_buf_puts(b, "\\\"");
				break;
			case '\\':
				pli_buf_puts(b, "\\\\");
				break;
			case '\n':
				pli_buf_puts(b, "\\n");
				break;
			case '\r':
				pli_buf_puts(b, "\\r");
				break;
			case '\t':
				pli_buf_puts(b, "\\t");
				break;
			default:
				if (c < 0x20 || c == 0x7f) {
					char u[7] = {'\\',        'u',         '0', '0',
					             hex[c >> 4], hex[c & 15], 0};

					pli_buf_puts(b, u);
				} else {
					pli_buf_putc(b, (char)c);
				}
			}
		}
		if (i < n) {
			pli_buf_puts(b, "\\ufffd"); /* one invalid byte */
			i++;
		}
	}
}

void
pli_jsonw_strn(struct pl_jsonw *w, const char *s, size_t n)
{
	before_value(w);
	pli_buf_putc(w->out, '"');
	pli_json_escape(w->out, s, n);
	pli_buf_putc(w->out, '"');
}

void
pli_jsonw_str(struct pl_jsonw *w, const char *s)
{
	if (!s) {
		pli_jsonw_null(w);
		return;
	}
	pli_jsonw_strn(w, s, strlen(s));
}

void
pli_jsonw_key(struct pl_jsonw *w, const char *key)
{
	before_value(w);
	pli_buf_putc(w->out, '"');
	pli_json_escape(w->out, key, strlen(key));
	pli_buf_puts(w->out, w->pretty ? "\": " : "\":");
	w->after_key = 1;
}

void
pli_jsonw_int(struct pl_jsonw *w, int64_t v)
{
	char digits[PLI_U64_DIGITS + 1], *end = digits + sizeof(digits);
	char *p = pli_u64_digits(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, end);

	before_value(w);
	if (v < 0)
		*--p = '-';
	pli_buf_append(w->out, p, (size_t)(end - p));
}

void
pli_jsonw_bool(struct pl_jsonw *w, int v)
{
	before_value(w);
	pli_buf_puts(w->out, v ? "true" : "false");
}

void
pli_jsonw_null(struct pl_jsonw *w)
{
	before_value(w);
	pli_buf_puts(w->out, "null");
}

void
pli_jsonw_kstr(struct pl_jsonw *w, const char *key, const char *s)
{
	pli_jsonw_key(w, key);
	pli_jsonw_str(w, s);
}

void
pli_jsonw_kint(struct pl_jsonw *w, const char *key, int64_t v)
{
	pli_jsonw_key(w, key);
	pli_jsonw_int(w, v);
}

void
pli_jsonw_kbool(struct pl_jsonw *w, const char *key, int v)
{
	pli_jsonw_key(w, key);
	pli_jsonw_bool(w, v);
}
