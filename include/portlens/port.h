/* SPDX-License-Identifier: MIT */
/*
 * portlens/port.h - transports, port specs ("2323/tcp") and the three IANA port ranges.
 */
#ifndef PORTLENS_PORT_H
#define PORTLENS_PORT_H

#include <stdint.h>

#include "portlens/error.h"

enum pl_proto {
	PL_PROTO_TCP = 0,
	PL_PROTO_UDP,
	PL_PROTO_SCTP,
	PL_PROTO_DCCP,
	PL_PROTO_COUNT,
};

#define PL_PROTO_BIT(p) (1u << (p))
#define PL_PROTO_ALL    ((1u << PL_PROTO_COUNT) - 1u)

/* Returns "tcp", "udp", "sctp", "dccp" (static), or "?" for an invalid value. */
const char *pl_proto_name(enum pl_proto proto);

/* Parses a transport name (case-insensitive). Returns PL_OK or PL_ERR_PARSE. */
enum pl_rc pl_proto_parse(const char *s, enum pl_proto *out);

/* The three ranges of RFC 6335 section 6. */
enum pl_range_class {
	PL_RANGE_SYSTEM = 0, /* 0-1023, "well-known" */
	PL_RANGE_USER,       /* 1024-49151, "registered" */
	PL_RANGE_DYNAMIC,    /* 49152-65535, "dynamic/private/ephemeral" */
};

/* Returns the range class of a port 0-65535 (every port has exactly one). */
enum pl_range_class pl_port_range_class(uint16_t port);

/* Returns the low and high port of a range class. */
void pl_range_bounds(enum pl_range_class c, uint16_t *lo, uint16_t *hi);

/* Returns a short static name: "well-known", "registered", "dynamic". */
const char *pl_range_name(enum pl_range_class c);

/* A port with an optional transport, as a user writes it: "2323", "2323/tcp". */
struct pl_port_spec {
	uint16_t port;
	unsigned protos; /* PL_PROTO_BIT mask; PL_PROTO_ALL when no transport was given */
};

/*
 * Parses "N" or "N/PROTO" strictly (N 0-65535, PROTO tcp|udp|sctp|dccp). Returns PL_OK,
 * or PL_ERR_PARSE with a message naming what was wrong (e.g. "port 70000 is out of range
 * 0-65535", "unknown transport 'xyz'").
 */
enum pl_rc pl_port_spec_parse(const char *s, struct pl_port_spec *out, struct pl_err *err);

#endif
