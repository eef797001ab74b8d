// SPDX-License-Identifier: MIT
/*
 * port.c - transport names, RFC 6335 range classes and "N/proto" parsing.
 */
#include <string.h>
#include <strings.h>

#include "portlens/port.h"
#include "core/strnum.h"

static const char *const proto_names[PL_PROTO_COUNT] = {
    [PL_PROTO_TCP] = "tcp",
    [PL_PROTO_UDP] = "udp",
    [PL_PROTO_SCTP] = "sctp",
    [PL_PROTO_DCCP] = "dccp",
};

const char *
pl_proto_name(enum pl_proto proto)
{
	if ((unsigned)proto >= PL_PROTO_COUNT)
		return "?";
	return proto_names[proto];
}

enum pl_rc
pl_proto_parse(const char *s, enum pl_proto *out)
{
	for (unsigned i = 0; i < PL_PROTO_COUNT; i++) {
		if (strcasecmp(s, proto_names[i]) == 0) {
			*out = (enum pl_proto)i;
			return PL_OK;
		}
	}
	return PL_ERR_PARSE;
}

enum pl_range_class
pl_port_range_class(uint16_t port)
{
	if (port <= 1023)
		return PL_RANGE_SYSTEM;
	if (port <= 49151)
		return PL_RANGE_USER;
	return PL_RANGE_DYNAMIC;
}

void
pl_range_bounds(enum pl_range_class c, uint16_t *lo, uint16_t *hi)
{
	switch (c) {
	case PL_RANGE_SYSTEM:
		*lo = 0;
		*hi = 1023;
		break;
	case PL_RANGE_USER:
		*lo = 1024;
		*hi = 49151;
		break;
	default:
		*lo = 49152;
		*hi = 65535;
		break;
	}
}

const char *
pl_range_name(enum pl_range_class c)
{
	switch (c) {
	case PL_RANGE_SYSTEM:
		return "well-known";
	case PL_RANGE_USER:
		return "registered";
	default:
		return "dynamic";
	}
}

enum pl_rc
pl_port_spec_parse(const char *s, struct pl_port_spec *out, struct pl_err *err)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint64_t v;
	struct pl_err numerr;

	if (n == 0)
		return pl_err_set(err, PL_ERR_PARSE, "missing port number in '%s'", s);
	if (pli_parse_u64n(s, n, 0, UINT64_MAX, &v, &numerr) != PL_OK)
		return pl_err_set(err, PL_ERR_PARSE,
		                  "'%.*s' is not a port number (expected 0-65535)",
		                  (int)(n > 40 ? 40 : n), s);
	if (v > 65535)
		return pl_err_set(err, PL_ERR_PARSE, "port %llu is out of range 0-65535",
		                  (unsigned long long)v);
	out->port = (uint16_t)v;
	out->protos = PL_PROTO_ALL;
	if (slash) {
		enum pl_proto p;

		if (pl_proto_parse(slash + 1, &p) != PL_OK)
			return pl_err_set(
			    err, PL_ERR_PARSE,
			    "unknown transport '%.20s' (expected tcp, udp, sctp or dccp)",
			    slash + 1);
		out->protos = PL_PROTO_BIT(p);
	}
	return PL_OK;
}
