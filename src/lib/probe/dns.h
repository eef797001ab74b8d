/* SPDX-License-Identifier: MIT */
/*
 * probe/dns.h - DNS message building and parsing for the DNS probes (dns.c).
 */
#ifndef PL_PROBE_DNS_H
#define PL_PROBE_DNS_H

#include <stddef.h>
#include <stdint.h>

enum {
	PL_DNS_A = 1,
	PL_DNS_TXT = 16,
	PL_DNS_AAAA = 28,
	PL_DNS_IN = 1,
	PL_DNS_CH = 3, /* CHAOS class: version.bind, id.server (RFC 4892) */
};

/* What an answer says, as far as detection cares. Strings bounded and printable. */
struct pl_dns_reply {
	uint16_t id, qdcount, ancount, qtype, qclass;
	unsigned opcode, aa, rd, ra, rcode;
	char qname[256];
	char txt[128];   /* first TXT string of the answer section, "" if none */
	unsigned n_addr; /* A/AAAA records in the answer section */
};

/*
 * The name of the open-recursion check: a server that is not authoritative for it and
 * answers it (addresses or NXDOMAIN) with RA set resolved it for us.
 */
#define PL_DNS_RECURSION_NAME "example.com"

/*
 * Writes a query for name (dotted, no trailing dot) into buf (cap bytes): one question,
 * RD set when rd. Returns its length, or 0 when it does not fit or the name is bad.
 */
size_t pli_dns_query(unsigned char *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype,
                     uint16_t qclass, int rd);

/* Parses a DNS response (no TCP length prefix). 0 and *r filled, or -1 if it is not one. */
int pli_dns_parse(const unsigned char *d, size_t n, struct pl_dns_reply *r);

/*
 * 1 when r answers our recursive query for PL_DNS_RECURSION_NAME by resolving it: RD
 * echoed, RA set, and addresses or NXDOMAIN (p_dns.c).
 */
int pli_dns_recursion_proved(const struct pl_dns_reply *r);

#endif
