/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_escape.h - escaping of untrusted text (what a scanned service said: banners,
 * product and version strings captured from them, host names) for each output format of
 * `portlens scan` (scan_escape.c). Pure functions over bytes into a pl_buf, unit-tested
 * byte by byte (tests/unit/test_scan_escape.c).
 */
#ifndef PL_CLI_SCAN_ESCAPE_H
#define PL_CLI_SCAN_ESCAPE_H

#include "core/buf.h"

/*
 * Appends s made safe for a one-line field of any format: bytes that are not valid
 * UTF-8, C0 controls (0x00-0x1f), DEL, the C1 controls U+0080-U+009F (terminals obey
 * some of them) and the non-characters U+FFFE/U+FFFF (forbidden in XML) become \xNN,
 * one per byte. Everything else is kept, so a string that is already escaped the way
 * pl_probe_escape does (printable ASCII only) passes unchanged.
 */
void scan_esc_clean(struct pl_buf *b, const char *s);

/* XML attribute value or character data: clean, then & < > " ' as entities. */
void scan_esc_xml(struct pl_buf *b, const char *s);

/*
 * One CSV field (RFC 4180): clean, then quoted ("" for ") when it holds a comma, a
 * quote or a space at either end. untrusted: a field that a spreadsheet would run as
 * a formula (first byte = + - @, tab or CR) gets a ' in front (CSV injection; OWASP's
 * advice). The rule is pli_esc_csv (core/escape.h).
 */
void scan_esc_csv(struct pl_buf *b, const char *s, int untrusted);

/* One field of nmap's grepable format: clean, and '/' (its field separator) as '|'. */
void scan_esc_grep(struct pl_buf *b, const char *s);

#endif
