// SPDX-License-Identifier: MIT
/*
 * i18n.c - language lookup, a string in a language (filled as plain text), and
 * Accept-Language negotiation (RFC 9110 section 12.5.4).
 *
 * The header is a comma-separated list of language ranges ("ko-KR", "tr", "*"), each
 * with an optional weight ";q=0.8" (0 to 1, at most three decimals). The parser walks
 * the string once, never copies it, looks at no more than 64 list members, and ignores
 * members it cannot read rather than failing the whole header: browsers and proxies send
 * odd values, and a readable English page beats an error. A range matches a supported
 * language by its primary subtag. The highest weight wins; on a tie, the earlier member.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "portlens/page.h"
#include "portlens/sockets.h"
#include "web/i18n.h"

#define MAX_MEMBERS 64

const struct web_lang *
web_lang_find(const char *code, size_t n)
{
	for (size_t i = 0; code && i < web_langs_count; i++)
		if (strlen(web_langs[i].code) == n && strncasecmp(web_langs[i].code, code, n) == 0)
			return &web_langs[i];
	return NULL;
}

const char *
web_tr(const struct web_lang *l, enum web_str id)
{
	const char *s = NULL;

	if ((unsigned)id >= S_COUNT)
		return "";
	if (l && l->strings)
		s = l->strings[id];
	if (!s)
		s = web_langs[0].strings[id];
	return s ? s : "";
}

enum web_str
web_range_str(enum pl_range_class range)
{
	return range == PL_RANGE_SYSTEM ? S_RANGE_SYSTEM_NAME
	       : range == PL_RANGE_USER ? S_RANGE_USER_NAME
	                                : S_RANGE_DYNAMIC_NAME;
}

void
web_range_nums(const struct pl_page *p, struct web_range_nums *out)
{
	snprintf(out->port, sizeof(out->port), "%u", p->port);
	snprintf(out->lo, sizeof(out->lo), "%u", p->range_lo);
	snprintf(out->hi, sizeof(out->hi), "%u", p->range_hi);
	snprintf(out->unpriv, sizeof(out->unpriv), "%u", p->ephemeral.unprivileged_start);
	snprintf(out->eph_lo, sizeof(out->eph_lo), "%u", p->ephemeral.lo);
	snprintf(out->eph_hi, sizeof(out->eph_hi), "%u", p->ephemeral.hi);
}

void
web_trf_text(struct pl_buf *b, const struct web_lang *l, enum web_str id, const char *a1,
             const char *a2, const char *a3, const char *a4)
{
	const char *args[4] = {a1, a2, a3, a4};

	pl_page_fill(b, web_tr(l, id), args, 4);
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses a qvalue ("1", "1.000", "0.5") at s[0..n); returns 0-1000 or -1 if malformed. */
static int
parse_qvalue(const char *s, size_t n)
{
	int v, scale = 100;
	size_t i;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	v = (s[0] - '0') * 1000;
	if (n == 1)
		return v;
	if (s[1] != '.' || n > 5)
		return -1;
	for (i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v += (s[i] - '0') * scale;
	}
	return v <= 1000 ? v : -1;
}

/* Reads the weight from the parameters p[0..n) (";q=0.5" etc.); default 1000. */
static int
member_weight(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && (is_ows(p[i]) || p[i] == ';'))
			i++;
		start = i;
		while (i < n && p[i] != ';')
			i++;
		end = i;
		while (end > start && is_ows(p[end - 1]))
			end--;
		if (end - start >= 2 && (p[start] == 'q' || p[start] == 'Q') && p[start + 1] == '=')
			return parse_qvalue(p + start + 2, end - start - 2);
	}
	return 1000;
}

/* Length of the primary subtag of the range r[0..n), or 0 if r is not a language range. */
static size_t
primary_len(const char *r, size_t n)
{
	size_t i = 0;

	while (i < n && i < 8 && ((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= 'A' && r[i] <= 'Z')))
		i++;
	if (i == 0 || (i < n && r[i] != '-'))
		return 0;
	return i;
}

const struct web_lang *
web_lang_negotiate(const char *header)
{
	const struct web_lang *best = NULL;
	int best_q = 0;
	const char *p = header;

	for (int members = 0; p && *p && members < MAX_MEMBERS; members++) {
		const char *end = strchr(p, ','), *semi;
		size_t len, rlen, plen;
		int q;

		len = end ? (size_t)(end - p) : strlen(p);
		while (len && is_ows(*p)) {
			p++;
			len--;
		}
		semi = memchr(p, ';', len);
		rlen = semi ? (size_t)(semi - p) : len;
		while (rlen && is_ows(p[rlen - 1]))
			rlen--;
		q = semi ? member_weight(semi, len - (size_t)(semi - p)) : 1000;
		plen = primary_len(p, rlen);
		if (q > best_q && plen) {
			const struct web_lang *l = web_lang_find(p, plen);

			if (l) {
				best = l;
				best_q = q;
			}
		}
		p = end ? end + 1 : NULL;
	}
	return best;
}

enum web_str
web_flag_str(unsigned flag)
{
	for (unsigned bit = 0; bit < PL_SFLAG_COUNT; bit++)
		if (flag == (1u << bit))
			return (enum web_str)(S_FLAG_EXPOSED + bit);
	return S_FLAG_EXPOSED;
}
