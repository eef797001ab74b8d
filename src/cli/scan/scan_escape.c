// SPDX-License-Identifier: MIT
/*
 * scan_escape.c - escaping of untrusted text for the outputs of `portlens scan`.
 *
 * Everything --sV reports comes from the network: the evidence (already escaped by the
 * probe library as \r \n \xNN), and product, version, CPE and OS strings that Recog
 * captured from the answer byte for byte, which may hold control bytes or broken UTF-8
 * (a capture is also cut at a fixed size, possibly inside a character). Each output
 * applies two layers: scan_esc_clean makes the text one line of valid, harmless UTF-8
 * (anything else becomes \xNN; the terminal rule every command shares, pli_esc_term in
 * core/escape.c), then the format's own rule is applied on top: XML entities, CSV
 * quoting with a guard against formulas (pli_esc_csv, shared with listen --csv), nmap's
 * '/' -> '|' in grepable fields. JSON output goes through pli_json_escape instead.
 */
#include <string.h>

#include "cli/scan/scan_escape.h"
#include "core/escape.h"
#include "core/markup.h"

void
scan_esc_clean(struct pl_buf *b, const char *s)
{
	pli_esc_term(b, s);
}

void
scan_esc_xml(struct pl_buf *b, const char *s)
{
	struct pl_buf c;

	pli_buf_init(&c);
	scan_esc_clean(&c, s);
	for (const char *p = pli_buf_str(&c); *p; p++) {
		const char *entity = pli_markup_entity(*p);

		if (entity)
			pli_buf_puts(b, entity);
		else
			pli_buf_putc(b, *p);
	}
	pli_buf_cleanup(&c);
}

void
scan_esc_csv(struct pl_buf *b, const char *s, int untrusted)
{
	pli_esc_csv(b, s, untrusted);
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
