// SPDX-License-Identifier: MIT
/*
 * scan_escape.c - escaping of untrusted text for the outputs of `portlens scan`.
 *
 * Everything --sV reports comes from the network: the evidence (already escaped by the
 * probe library as \r \n \xNN), and product, version, CPE and OS strings that Recog
 * captured from the answer byte for byte, which may hold control bytes or broken UTF-8
 * (a capture is also cut at a fixed size, possibly inside a character). Each output
 * applies two layers: scan_esc_clean makes the text one line of valid, harmless UTF-8
 * (anything else becomes \xNN), then the format's own rule is applied on top: XML
 * entities, CSV quoting with a guard against formulas, nmap's '/' -> '|' in grepable
 * fields. JSON output goes through pl_json_escape instead (\uXXXX, U+FFFD).
 */
#include <string.h>

#include "cli/scan_escape.h"
#include "shared/markup.h"
#include "shared/utf8.h"

static void
put_hex(struct pl_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};

	pl_buf_append(b, e, sizeof(e));
}

/* Length of the well-formed UTF-8 character at s (0 when s[0] starts none). */
static size_t
char_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;

	if (len == 0 || len > n || pl_utf8_invalid_at((const char *)s, len) != len)
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

void
scan_esc_clean(struct pl_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	while (i < n) {
		size_t len;

		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				put_hex(b, s[i]);
			else
				pl_buf_putc(b, (char)s[i]);
			i++;
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
			pl_buf_append(b, s + i, len);
		i += len;
	}
}

void
scan_esc_xml(struct pl_buf *b, const char *s)
{
	struct pl_buf c;

	pl_buf_init(&c);
	scan_esc_clean(&c, s);
	for (const char *p = pl_buf_str(&c); *p; p++) {
		const char *entity = pl_markup_entity(*p);

		if (entity)
			pl_buf_puts(b, entity);
		else
			pl_buf_putc(b, *p);
	}
	pl_buf_cleanup(&c);
}

void
scan_esc_csv(struct pl_buf *b, const char *s, int untrusted)
{
	struct pl_buf c;
	const char *v;
	size_t n;
	int quote;

	pl_buf_init(&c);
	if (untrusted && s[0] && strchr("=+-@", s[0]))
		pl_buf_putc(&c, '\'');
	scan_esc_clean(&c, s);
	v = pl_buf_str(&c);
	n = c.len;
	/* After cleaning no CR or LF is left; quote for , " and edge spaces (RFC 4180). */
	quote = strpbrk(v, ",\"") || (n && (v[0] == ' ' || v[n - 1] == ' '));
	if (!quote) {
		pl_buf_append(b, v, n);
		pl_buf_cleanup(&c);
		return;
	}
	pl_buf_putc(b, '"');
	for (; *v; v++) {
		if (*v == '"')
			pl_buf_putc(b, '"');
		pl_buf_putc(b, *v);
	}
	pl_buf_putc(b, '"');
	pl_buf_cleanup(&c);
}

void
scan_esc_grep(struct pl_buf *b, const char *s)
{
	size_t from = b->len;

	scan_esc_clean(b, s);
	for (size_t i = from; i < b->len; i++)
		if (b->data[i] == '/')
			b->data[i] = '|';
}
