// SPDX-License-Identifier: MIT
/*
 * fuzz_escape.c - the escaping rules every string from outside goes through
 * (core/escape.c: terminal, Markdown, CSV; pli_json_escape; pli_utf8_invalid_at) on
 * arbitrary bytes, each checked against what its header promises rather than only for
 * crashes:
 *
 * - UTF-8: pli_utf8_invalid_at agrees with a decoder written here from RFC 3629 (code
 *   points, not byte ranges: overlong forms, surrogates and > U+10FFFF are invalid).
 * - Terminal: valid UTF-8 with no C0, DEL, C1 or U+FFFE/U+FFFF; escaping it again
 *   changes nothing; pli_esc_term_needed says whether it changed; and when the input held
 *   no backslash, turning every \xNN back into its byte gives the input.
 * - Markdown: every markup character is preceded by a backslash, and removing those
 *   backslashes gives the terminal form.
 * - CSV: one field, quoted exactly when needed ("" inside), no CR or LF, and an
 *   untrusted field never starts with = + - @.
 * - JSON: "OUT" parses with jansson to the input with each invalid byte read as U+FFFD.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/jsonw.h"
#include "core/utf8.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 3629 by code point: index of the first byte that starts no valid character. */
static size_t
ref_invalid_at(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t need;
		uint32_t cp, min;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xE0) == 0xC0) {
			need = 1, cp = s[i] & 0x1F, min = 0x80;
		} else if ((s[i] & 0xF0) == 0xE0) {
			need = 2, cp = s[i] & 0x0F, min = 0x800;
		} else if ((s[i] & 0xF8) == 0xF0) {
			need = 3, cp = s[i] & 0x07, min = 0x10000;
		} else {
			return i;
		}
		if (n - i <= need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return n;
}

/* What the terminal rule promises of its output. */
static void
check_term(const char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)out;

	if (ref_invalid_at(s, len) != len || strlen(out) != len)
		abort();
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			abort();
		if (s[i] == 0xC2 && i + 1 < len && s[i + 1] < 0xA0)
			abort();
		if (s[i] == 0xEF && i + 2 < len && s[i + 1] == 0xBF && s[i + 2] >= 0xBE)
			abort();
	}
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void
fuzz_term(const char *in, size_t n)
{
	struct pl_buf a, b;
	int changed;

	pli_buf_init(&a);
	pli_buf_init(&b);
	pli_esc_term_n(&a, in, n);
	check_term(pli_buf_str(&a), a.len);
	changed = a.len != n || memcmp(a.data ? a.data : "", in, n) != 0;
	if (changed != (pli_esc_term_needed(in, n) != 0))
		abort();
	pli_esc_term_n(&b, pli_buf_str(&a), a.len);
	if (b.len != a.len || memcmp(pli_buf_str(&b), pli_buf_str(&a), a.len) != 0)
		abort();
	if (!memchr(in, '\\', n)) {
		/* Decode \xNN in place: the original bytes, in order, none lost or added. */
		const char *o = pli_buf_str(&a);
		size_t j = 0;

		for (size_t i = 0; i < a.len; j++) {
			unsigned char c = (unsigned char)o[i];

			if (c == '\\') {
				if (i + 3 >= a.len)
					abort();
				if (o[i + 1] != 'x' || hexval(o[i + 2]) < 0 || hexval(o[i + 3]) < 0)
					abort();
				c = (unsigned char)(hexval(o[i + 2]) << 4 | hexval(o[i + 3]));
				i += 4;
			} else {
				i++;
			}
			if (j >= n || (unsigned char)in[j] != c)
				abort();
		}
		if (j != n)
			abort();
	}
	pli_buf_cleanup(&a);
	pli_buf_cleanup(&b);
}

static void
fuzz_markdown(const char *s)
{
	static const char special[] = "\\`*_{}[]<>|~&";
	struct pl_buf md, term, plain;

	pli_buf_init(&md);
	pli_buf_init(&term);
	pli_buf_init(&plain);
	pli_esc_markdown(&md, s);
	pli_esc_term(&term, s);
	for (const char *p = pli_buf_str(&md); *p; p++) {
		if (*p == '\\') {
			if (!p[1] || !strchr(special, p[1]))
				abort();
			p++;
		} else if (strchr(special, *p)) {
			abort(); /* markup that reached the output bare */
		}
		pli_buf_putc(&plain, *p);
	}
	if (plain.len != term.len || memcmp(pli_buf_str(&plain), pli_buf_str(&term), term.len) != 0)
		abort();
	pli_buf_cleanup(&md);
	pli_buf_cleanup(&term);
	pli_buf_cleanup(&plain);
}

static void
fuzz_csv(const char *s, int untrusted)
{
	struct pl_buf csv, want, field;
	const char *o;
	size_t n;

	pli_buf_init(&csv);
	pli_buf_init(&want);
	pli_buf_init(&field);
	pli_esc_csv(&csv, s, untrusted);
	if (untrusted && s[0] && strchr("=+-@\t\r", s[0]))
		pli_buf_putc(&want, '\'');
	pli_esc_term(&want, s);
	o = pli_buf_str(&csv);
	n = csv.len;
	check_term(o, n);
	if (n && o[0] == '"') {
		/* Quoted: ends in a quote, inner quotes doubled, and quoting was needed. */
		if (n < 2 || o[n - 1] != '"')
			abort();
		for (size_t i = 1; i < n - 1; i++) {
			if (o[i] == '"' && o[++i] != '"')
				abort();
			pli_buf_putc(&field, o[i]);
		}
		o = pli_buf_str(&field);
		n = field.len;
		if (!strpbrk(o, ",\"") && !(n && (o[0] == ' ' || o[n - 1] == ' ')))
			abort();
	} else if (strpbrk(o, ",\"") || (n && (o[0] == ' ' || o[n - 1] == ' '))) {
		abort();
	}
	if (n != want.len || memcmp(o, pli_buf_str(&want), n) != 0)
		abort();
	if (untrusted && n && strchr("=+-@", o[0]))
		abort();
	pli_buf_cleanup(&csv);
	pli_buf_cleanup(&want);
	pli_buf_cleanup(&field);
}

static void
fuzz_json(const char *in, size_t n)
{
	struct pl_buf doc, want;
	json_error_t jerr;
	json_t *v;

	pli_buf_init(&doc);
	pli_buf_init(&want);
	pli_buf_putc(&doc, '"');
	pli_json_escape(&doc, in, n);
	pli_buf_putc(&doc, '"');
	for (size_t i = 0; i < n;) {
		size_t ok = ref_invalid_at((const unsigned char *)in + i, n - i);

		pli_buf_append(&want, in + i, ok);
		i += ok;
		if (i < n) {
			pli_buf_puts(&want, "\xEF\xBF\xBD");
			i++;
		}
	}
	v = json_loadb(pli_buf_str(&doc), doc.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!v || !json_is_string(v) || json_string_length(v) != want.len ||
	    memcmp(json_string_value(v), want.data ? want.data : "", want.len) != 0)
		abort();
	json_decref(v);
	pli_buf_cleanup(&doc);
	pli_buf_cleanup(&want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = pli_memdup_nul(data, size); /* NUL-terminated copy for the C-string rules */

	if (!in)
		return 0;
	if (pli_utf8_invalid_at(in, size) != ref_invalid_at(data, size))
		abort();
	fuzz_term(in, size);
	fuzz_markdown(in);
	fuzz_csv(in, 0);
	fuzz_csv(in, 1);
	fuzz_json(in, size);
	free(in);
	return 0;
}
