// SPDX-License-Identifier: MIT
/*
 * addr.c - struct pl_addr (portlens/addr.h): building one, turning it into a socket
 * address and back, writing it as text and parsing it. inet_pton and inet_ntop do the
 * address syntax (RFC 4291 text forms for IPv6, dotted quads for IPv4); what is added
 * here is the port and the brackets around an IPv6 address that has one.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "portlens/addr.h"
#include "core/strnum.h"

struct pl_addr
pl_addr_make(int family, const uint8_t *bytes, uint16_t port)
{
	struct pl_addr a = {.port = port};

	if (family == 4 || family == AF_INET) {
		a.family = 4;
		memcpy(a.bytes, bytes, 4);
	} else if (family == 6 || family == AF_INET6) {
		a.family = 6;
		memcpy(a.bytes, bytes, 16);
	}
	return a;
}

struct pl_addr
pl_addr_loopback(int family, uint16_t port)
{
	static const uint8_t v4[4] = {127, 0, 0, 1};

	if (family == 4 || family == AF_INET)
		return pl_addr_make(4, v4, port);
	return pl_addr_make(6, in6addr_loopback.s6_addr, port);
}

int
pl_addr_is_any(const struct pl_addr *a)
{
	static const uint8_t zero[16];

	return (a->family == 4 || a->family == 6) &&
	       memcmp(a->bytes, zero, a->family == 4 ? 4 : 16) == 0;
}

socklen_t
pl_addr_to_sockaddr(const struct pl_addr *a, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	int v4 = a->family == 4;

	memset(ss, 0, sizeof(*ss));
	if (a->family != 4 && a->family != 6)
		return 0;
	ss->ss_family = v4 ? AF_INET : AF_INET6;
	pl_sockaddr_set_port(ss, a->port);
	memcpy(v4 ? (void *)&in->sin_addr : (void *)&in6->sin6_addr, a->bytes, v4 ? 4 : 16);
	return v4 ? sizeof(*in) : sizeof(*in6);
}

uint16_t
pl_sockaddr_port(const struct sockaddr *sa)
{
	if (sa && sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
	if (sa && sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	return 0;
}

void
pl_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

enum pl_rc
pl_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, struct pl_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa && sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		*out = pl_addr_make(4, (const uint8_t *)&in->sin_addr, ntohs(in->sin_port));
		return PL_OK;
	}
	if (sa && sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

		*out = pl_addr_make(6, in6->sin6_addr.s6_addr, ntohs(in6->sin6_port));
		return PL_OK;
	}
	return PL_ERR_ARG;
}

const char *
pl_addr_ip_str(const struct pl_addr *a, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	buf[0] = '\0';
	if ((a->family == 4 || a->family == 6) &&
	    !inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->bytes, buf, (socklen_t)size))
		buf[0] = '\0';
	return buf;
}

const char *
pl_addr_str(const struct pl_addr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	pl_addr_ip_str(a, ip, sizeof(ip));
	if (size == 0)
		return buf;
	if (a->port == 0 || !ip[0])
		snprintf(buf, size, "%s", ip);
	else
		snprintf(buf, size, a->family == 6 ? "[%s]:%u" : "%s:%u", ip, (unsigned)a->port);
	return buf;
}

int
pl_addr_parse_ip(const char *s, size_t n, struct pl_addr *out)
{
	char tmp[INET6_ADDRSTRLEN];

	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, out->bytes) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, out->bytes) == 1) {
		out->family = 6;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

void
pl_addr_sort_key(const struct pl_addr *a, uint8_t key[17])
{
	key[0] = a->family;
	memcpy(key + 1, a->bytes, 16);
}

static enum pl_rc
parse_port(const char *s, const char *whole, uint16_t *port, struct pl_err *err)
{
	uint64_t v;

	if (pli_parse_u64(s, 1, 65535, &v, NULL) != PL_OK)
		return pl_err_set(err, PL_ERR_PARSE, "'%s': port '%s' is not a number 1-65535",
		                  whole, s);
	*port = (uint16_t)v;
	return PL_OK;
}

static enum pl_rc
parse_addr(const char *s, struct pl_addr *out, struct pl_err *err)
{
	const char *colon;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return pl_err_set(err, PL_ERR_PARSE, "empty address");
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || pl_addr_parse_ip(s + 1, (size_t)(close - s - 1), out) != 0 ||
		    out->family != 6)
			goto bad;
		if (close[1] == '\0')
			return PL_OK;
		if (close[1] != ':')
			return pl_err_set(err, PL_ERR_PARSE, "'%s': expected [IPV6] or [IPV6]:PORT",
			                  s);
		return parse_port(close + 2, s, &out->port, err);
	}
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) /* two colons: IPv6 without a port */
		colon = NULL;
	if (pl_addr_parse_ip(s, colon ? (size_t)(colon - s) : strlen(s), out) != 0)
		goto bad;
	return colon ? parse_port(colon + 1, s, &out->port, err) : PL_OK;
bad:
	return pl_err_set(err, PL_ERR_PARSE,
	                  "'%s' is not an IP address (198.18.0.1, 2001:2::1, [2001:2::1]:22)", s);
}

enum pl_rc
pl_addr_parse(const char *s, struct pl_addr *out, struct pl_err *err)
{
	enum pl_rc rc = parse_addr(s, out, err);

	if (rc != PL_OK)
		memset(out, 0, sizeof(*out)); /* nothing half-parsed reaches the caller */
	return rc;
}

enum pl_rc
pl_hostport_split(const char *s, char *host, size_t size, uint16_t *port, struct pl_err *err)
{
	const char *start = s, *colon;
	size_t hl;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return pl_err_set(err, PL_ERR_PARSE, "'%s': write IPv6 as [ADDRESS]:PORT",
			                  s);
		start = s + 1;
		hl = (size_t)(close - start);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			return pl_err_set(err, PL_ERR_PARSE, "'%s': expected HOST:PORT", s);
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= size || parse_port(colon + 1, s, port, NULL) != PL_OK)
		return pl_err_set(err, PL_ERR_PARSE, "'%s': expected HOST:PORT with a port 1-65535",
		                  s);
	memcpy(host, start, hl);
	host[hl] = '\0';
	return PL_OK;
}
