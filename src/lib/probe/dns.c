// SPDX-License-Identifier: MIT
/*
 * dns.c - the few DNS messages service detection needs (RFC 1035, RFC 4892): build a
 * one-question query, and read an answer's header, first question and first TXT or
 * address record. Pure functions over bytes, used by the DNS probe over TCP (p_dns.c,
 * with the two-byte length prefix of RFC 1035 4.2.2) and over UDP (udp.c).
 *
 * Names are walked with compression pointers followed at most 16 times and every
 * offset checked against the message length, so a hostile answer cannot loop or read
 * past its end.
 */
#include <string.h>

#include "probe/dns.h"

size_t
pli_dns_query(unsigned char *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype,
              uint16_t qclass, int rd)
{
	size_t o = 12, len = strlen(name);
	const char *p = name;

	if (cap < 12 + len + 2 + 4 || len > 253)
		return 0;
	memset(buf, 0, 12);
	buf[0] = (unsigned char)(id >> 8);
	buf[1] = (unsigned char)id;
	buf[2] = rd ? 0x01 : 0x00;
	buf[5] = 1; /* QDCOUNT */
	while (*p) {
		size_t l = strcspn(p, ".");

		if (l == 0 || l > 63)
			return 0;
		buf[o++] = (unsigned char)l;
		memcpy(buf + o, p, l);
		o += l;
		p += l;
		if (*p == '.')
			p++;
	}
	buf[o++] = 0;
	buf[o++] = (unsigned char)(qtype >> 8);
	buf[o++] = (unsigned char)qtype;
	buf[o++] = (unsigned char)(qclass >> 8);
	buf[o++] = (unsigned char)qclass;
	return o;
}

static uint16_t
be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Reads the name at *off into out (dotted, bounded); advances *off past it. -1 if bad. */
static int
read_name(const unsigned char *d, size_t n, size_t *off, char *out, size_t cap)
{
	size_t o = *off, w = 0, end = 0;
	int jumps = 0;

	if (cap)
		out[0] = '\0';
	for (;;) {
		unsigned l;

		if (o >= n)
			return -1;
		l = d[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= n || ++jumps > 16)
				return -1;
			if (!end)
				end = o + 2;
			o = (size_t)((l & 0x3f) << 8 | d[o + 1]);
			continue;
		}
		if (l & 0xc0)
			return -1;
		if (l == 0) {
			*off = end ? end : o + 1;
			return 0;
		}
		if (o + 1 + l > n)
			return -1;
		if (w && w + 1 < cap)
			out[w++] = '.';
		for (size_t i = 1; i <= l && w + 1 < cap; i++)
			out[w++] = d[o + i] > 0x20 && d[o + i] < 0x7f ? (char)d[o + i] : '?';
		if (cap)
			out[w] = '\0';
		o += 1 + l;
	}
}

/* Copies the first character-string of a TXT RDATA (printable bytes only). */
static void
txt_copy(const unsigned char *rd, size_t rdlen, char *out, size_t cap)
{
	size_t l, w = 0;

	if (!cap)
		return;
	out[0] = '\0';
	if (rdlen == 0)
		return;
	l = rd[0];
	if (l > rdlen - 1)
		l = rdlen - 1;
	for (size_t i = 0; i < l && w + 1 < cap; i++)
		out[w++] = rd[1 + i] >= 0x20 && rd[1 + i] < 0x7f ? (char)rd[1 + i] : '?';
	out[w] = '\0';
}

int
pli_dns_parse(const unsigned char *d, size_t n, struct pl_dns_reply *r)
{
	size_t off = 12;
	uint16_t qd, an;

	memset(r, 0, sizeof(*r));
	if (n < 12 || !(d[2] & 0x80))
		return -1; /* too short, or not a response */
	r->id = be16(d);
	r->opcode = (d[2] >> 3) & 0x0f;
	r->aa = (d[2] >> 2) & 1;
	r->rd = d[2] & 1;
	r->ra = (d[3] >> 7) & 1;
	r->rcode = d[3] & 0x0f;
	qd = be16(d + 4);
	an = be16(d + 6);
	r->qdcount = qd;
	r->ancount = an;
	if (r->opcode != 0 || qd > 1)
		return -1;
	if (qd == 1) {
		if (read_name(d, n, &off, r->qname, sizeof(r->qname)) != 0 || off + 4 > n)
			return -1;
		r->qtype = be16(d + off);
		r->qclass = be16(d + off + 2);
		off += 4;
	}
	for (uint16_t i = 0; i < an && i < 32; i++) {
		char name[256];
		uint16_t type, rdlen;

		if (read_name(d, n, &off, name, sizeof(name)) != 0 || off + 10 > n)
			return -1;
		type = be16(d + off);
		rdlen = be16(d + off + 8);
		off += 10;
		if (off + rdlen > n)
			return -1;
		if (type == PL_DNS_TXT && !r->txt[0])
			txt_copy(d + off, rdlen, r->txt, sizeof(r->txt));
		if ((type == PL_DNS_A && rdlen == 4) || (type == PL_DNS_AAAA && rdlen == 16))
			r->n_addr++;
		off += rdlen;
	}
	return 0;
}
