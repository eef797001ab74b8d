// SPDX-License-Identifier: MIT
/*
 * escape.c - the escaping rules of escape.h. The terminal rule walks the text once,
 * decoding UTF-8 with pli_utf8_invalid_at (a well-formed character is kept unless it is a
 * C1 control or a non-character; anything else becomes \xNN per byte). Markdown and CSV
 * apply their own rule on top of it, so no output can receive a control byte.
 */
#include <string.h>

#include "core/escape.h"
#include "core/utf8.h"

static void
put_hex(struct pl_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};

	pli_buf_append(b, e, sizeof(e));
}

/* Length of the well-formed UTF-8 character at s (0 when s[0] starts none). */
static size_t
char_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;

	if (len == 0 || len > n || pli_utf8_invalid_at((const char *)s, len) != len)
		return 0;
	return len;
}

/* A valid character that must still be escaped: C1 controls, U+FFFE, U+FFFF. */
static int
harmful(const unsigned char *s, size_t len)
{
	if (len == 2)
		return s[0] == 0xC2 && s[1] < 0xA0;
	return len == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF);
}

int
pli_esc_term_needed(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		size_t len;

		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return 1;
			i++;
			continue;
		}
		len = char_len(s + i, n - i);
		if (len == 0 || harmful(s + i, len))
			return 1;
		i += len;
	}
	return 0;
}

void
pli_esc_term_n(struct pl_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		size_t len, run = i;

		/* A run of printable ASCII is appended at once. */
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f)
			run++;
		if (run > i) {
			pli_buf_append(b, s + i, run - i);
			i = run;
			continue;
		}
		if (s[i] < 0x80) {
			put_hex(b, s[i++]);
			continue;
		}
		len = char_len(s + i, n - i);
		if (len == 0) {
			put_hex(b, s[i++]);
			continue;
		}
		if (harmful(s + i, len))
			for (size_t k = 0; k < len; k++)
				put_hex(b, s[i + k]);
		else
			pli_buf_append(b, s + i, len);
		i += len;
	}
}

void
pli_esc_term(struct pl_buf *b, const char *s)
{
	pli_esc_term_n(b, s, strlen(s));
}

void
pli_esc_markdown(struct pl_buf *b, const char *s)
{
	struct pl_buf c;

	pli_buf_init(&c);
	pli_esc_term(&c, s);
	for (const char *p = pli_buf_str(&c); *p; p++) {
		if (strchr("\\`*_{}[]<>|~&", *p))
			pli_buf_putc(b, '\\');
		pli_buf_putc(b, *p);
	}
	if (pli_buf_failed(&c))
		pli_buf_set_failed(b); /* pass the failure on: b is incomplete */
	pli_buf_cleanup(&c);
}

void
pli_esc_csv(struct pl_buf *b, const char *s, int untrusted)
{
	struct pl_buf c;
	const char *v;
	size_t n;
	int quote;

	pli_buf_init(&c);
	if (untrusted && s[0] && strchr("=+-@\t\r", s[0]))
		pli_buf_putc(&c, '\'');
	pli_esc_term(&c, s);
	v = pli_buf_str(&c);
	n = c.len;
	/* After the terminal rule no CR or LF is left; quote for , " and edge spaces. */
	quote = strpbrk(v, ",\"") || (n && (v[0] == ' ' || v[n - 1] == ' '));
	if (pli_buf_failed(&c)) {
		pli_buf_set_failed(b);
	} else if (!quote) {
		pli_buf_append(b, v, n);
	} else {
		pli_buf_putc(b, '"');
		for (; *v; v++) {
			if (*v == '"')
				pli_buf_putc(b, '"');
			pli_buf_putc(b, *v);
		}
		pli_buf_putc(b, '"');
	}
	pli_buf_cleanup(&c);
}
