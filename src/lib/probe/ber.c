// SPDX-License-Identifier: MIT
/*
 * ber.c - a minimal ASN.1 BER reader (X.690 8.1) for SNMP GetResponses and LDAP
 * messages: identifier octet, short or long definite length (at most 4 length bytes),
 * content. Indefinite lengths and high tag numbers are refused: neither SNMP agents nor
 * LDAP servers send them, and refusing keeps the reader simple and bounded.
 */
#include <stdio.h>
#include <string.h>

#include "probe/ber.h"

int
pli_ber_next(const unsigned char *d, size_t n, size_t *off, struct pl_ber *t)
{
	size_t o = *off, len;

	if (o + 2 > n || (d[o] & 0x1f) == 0x1f)
		return -1;
	t->tag = d[o++];
	len = d[o++];
	if (len & 0x80) {
		size_t k = len & 0x7f;

		if (k == 0 || k > 4 || o + k > n)
			return -1;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | d[o++];
	}
	if (len > n - o)
		return -1;
	t->v = d + o;
	t->len = len;
	*off = o + len;
	return 0;
}

int64_t
pli_ber_int(const struct pl_ber *t)
{
	uint64_t v = 0;

	if (t->len == 0 || t->len > 8)
		return 0;
	if (t->v[0] & 0x80)
		v = ~(uint64_t)0;
	for (size_t i = 0; i < t->len; i++)
		v = v << 8 | t->v[i];
	return (int64_t)v;
}

int
pli_ber_oid(const struct pl_ber *t, char *out, size_t cap)
{
	size_t w = 0;
	uint64_t arc = 0;
	int first = 1;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	if (t->len == 0)
		return -1;
	for (size_t i = 0; i < t->len; i++) {
		int k;

		if (arc > (UINT64_MAX >> 7))
			return -1;
		arc = arc << 7 | (t->v[i] & 0x7f);
		if (t->v[i] & 0x80)
			continue;
		if (first)
			k = snprintf(out + w, cap - w, "%u.%llu",
			             arc < 80 ? (unsigned)(arc / 40) : 2,
			             (unsigned long long)(arc < 80 ? arc % 40 : arc - 80));
		else
			k = snprintf(out + w, cap - w, ".%llu", (unsigned long long)arc);
		if (k < 0 || (size_t)k >= cap - w)
			return -1;
		w += (size_t)k;
		first = 0;
		arc = 0;
	}
	return (t->v[t->len - 1] & 0x80) ? -1 : 0;
}

void
pli_ber_text(const struct pl_ber *t, char *out, size_t cap)
{
	size_t w = 0;

	if (cap == 0)
		return;
	for (size_t i = 0; i < t->len && w + 1 < cap; i++) {
		unsigned char c = t->v[i];

		out[w++] =
		    (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' ? (char)c : '?';
	}
	out[w] = '\0';
}
