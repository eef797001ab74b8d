/* SPDX-License-Identifier: MIT */
/*
 * core/markup.h - the character references HTML and XML need, in one place, for the
 * web's HTML renderer and the scan's XML output.
 */
#ifndef PL_CORE_MARKUP_H
#define PL_CORE_MARKUP_H

/*
 * Returns the entity that stands for c in element text and attribute values ("&amp;",
 * "&lt;", "&gt;", "&quot;", "&#39;"), or NULL when c may appear as itself.
 * "&#39;" rather than "&apos;" because HTML 4 lacks the latter; XML accepts both.
 */
static inline const char *
pli_markup_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return 0;
	}
}

#endif
