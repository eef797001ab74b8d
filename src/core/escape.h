/* SPDX-License-Identifier: MIT */
/*
 * core/escape.h - one escaping rule per output, for every string that came from
 * outside (what a server sent, a process's name and command line, a cgroup or namespace
 * name, a DNS name): terminal text, Markdown and CSV. JSON has pli_json_escape (jsonw.h),
 * HTML and XML pli_markup_entity (markup.h) on top of the terminal rule.
 */
#ifndef PL_CORE_ESCAPE_H
#define PL_CORE_ESCAPE_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Terminal (and the base of every other rule): the text becomes one line of valid,
 * harmless UTF-8. Bytes that are not valid UTF-8, C0 controls (0x00-0x1f: ESC, BEL, CR,
 * LF, TAB), DEL, the C1 controls U+0080-U+009F (terminals obey some of them, CSI among
 * them) and the non-characters U+FFFE/U+FFFF become \xNN, one per byte. Everything else
 * is kept, so printable text (and text already escaped this way) passes unchanged.
 */
void pli_esc_term(struct pl_buf *b, const char *s);
/* The same over n bytes (s need not be NUL-terminated). */
void pli_esc_term_n(struct pl_buf *b, const char *s, size_t n);
/* Nonzero when pli_esc_term would change s (a fast check for the common clean case). */
int pli_esc_term_needed(const char *s, size_t n);

/*
 * Markdown inline text (a table cell, or inside a line): the terminal rule, then a
 * backslash before every character Markdown could read as inline markup, an entity or a
 * table border (\ ` * _ { } [ ] < > | ~ &), so a server cannot add emphasis, code, links,
 * images, HTML or table columns to a report. (Characters that matter only at the start
 * of a line, # - + digits, are not escaped: callers never start a line with this text.)
 */
void pli_esc_markdown(struct pl_buf *b, const char *s);

/*
 * One CSV field (RFC 4180): the terminal rule (so no CR or LF is left), then quoted (""
 * for ") when it holds a comma, a quote or a space at either end. untrusted: a field a
 * spreadsheet would run as a formula -- first byte = + - @, tab or CR (OWASP's list) --
 * gets a ' in front (CSV injection).
 */
void pli_esc_csv(struct pl_buf *b, const char *s, int untrusted);

#endif
