/* SPDX-License-Identifier: MIT */
/*
 * probe/ber.h - a minimal reader of ASN.1 BER (X.690) for the SNMP and LDAP probes
 * (ber.c): one tag-length-value at a time, definite lengths only, every length checked
 * against what is left.
 */
#ifndef PL_PROBE_BER_H
#define PL_PROBE_BER_H

#include <stddef.h>
#include <stdint.h>

struct pl_ber {
	unsigned tag;           /* the identifier octet (low-tag-number form only) */
	const unsigned char *v; /* content */
	size_t len;             /* content length */
};

/*
 * Reads the TLV at d[*off] (n bytes in all) into *t and advances *off past it.
 * Returns 0, or -1 when the bytes are not a complete definite-length TLV.
 */
int pli_ber_next(const unsigned char *d, size_t n, size_t *off, struct pl_ber *t);

/* Value of a BER INTEGER of at most 8 bytes (two's complement); 0 when empty. */
int64_t pli_ber_int(const struct pl_ber *t);

/* Writes an OBJECT IDENTIFIER's dotted form into out (cap bytes). 0, or -1 if bad. */
int pli_ber_oid(const struct pl_ber *t, char *out, size_t cap);

/* Copies an OCTET STRING as text into out (cap bytes): control bytes become '?'. */
void pli_ber_text(const struct pl_ber *t, char *out, size_t cap);

#endif
