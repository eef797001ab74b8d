/* SPDX-License-Identifier: MIT */
/*
 * portlens/addr.h - the one address type of libportlens: an IPv4 or IPv6 address with
 * a port, and its conversions (socket address, text, parsing). Scan results, sockets
 * and probes each keep addresses in their own records; whenever one becomes a socket
 * address or text it goes through here, so there is one rule for each conversion.
 */
#ifndef PORTLENS_ADDR_H
#define PORTLENS_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "portlens/error.h"

/* An IP address and a port. */
struct pl_addr {
	uint8_t family;    /* 4 or 6; 0 = no address */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4, the rest are 0 */
	uint16_t port;     /* host order; 0 = none */
};

/* Room for the longest text pl_addr_str writes: "[" IPv6 "]:" 5 digits NUL. */
#define PL_ADDR_STRLEN 56

/*
 * Makes an address from family (4 or 6; AF_INET and AF_INET6 are accepted too), the
 * address bytes (4 or 16 of them, network order) and a port. Any other family gives
 * family 0 (no address).
 */
struct pl_addr pl_addr_make(int family, const uint8_t *bytes, uint16_t port);

/* The loopback address of a family (127.0.0.1 or ::1) with port. */
struct pl_addr pl_addr_loopback(int family, uint16_t port);

/* 1 when the address is the wildcard (0.0.0.0 or ::), else 0. */
int pl_addr_is_any(const struct pl_addr *a);

/*
 * Writes a as a socket address into *ss (zeroed first). Returns its length
 * (sizeof(struct sockaddr_in) or sizeof(struct sockaddr_in6)), or 0 when a has no
 * address (family not 4 or 6).
 */
socklen_t pl_addr_to_sockaddr(const struct pl_addr *a, struct sockaddr_storage *ss);

/* The port of an AF_INET or AF_INET6 socket address; 0 for anything else. */
uint16_t pl_sockaddr_port(const struct sockaddr *sa);

/*
 * Sets the port of an AF_INET or AF_INET6 socket address in place, keeping everything
 * else (an IPv6 scope, say); other families are left alone.
 */
void pl_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port);

/*
 * Reads an AF_INET or AF_INET6 socket address of len bytes. Returns PL_OK, or
 * PL_ERR_ARG (NULL, another family, or len too short) with *out cleared.
 */
enum pl_rc pl_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, struct pl_addr *out);

/* The address alone as text ("198.18.0.1", "2001:2::1") into buf; returns buf ("" if none). */
const char *pl_addr_ip_str(const struct pl_addr *a, char *buf, size_t size);

/*
 * The address and port as text, as a user writes them: "198.18.0.1:22",
 * "[2001:2::1]:22"; the address alone when the port is 0 (so pl_addr_parse reads back
 * what this wrote). PL_ADDR_STRLEN bytes are always enough. Returns buf.
 */
const char *pl_addr_str(const struct pl_addr *a, char *buf, size_t size);

/*
 * Parses an address literal with or without a port: "198.18.0.1", "198.18.0.1:22",
 * "2001:2::1", "[2001:2::1]", "[2001:2::1]:22". A port, when given, is 1-65535 (0 is
 * kept when none is written). Host names are not resolved (no I/O). Returns PL_OK, or
 * PL_ERR_PARSE with a message naming what was wrong.
 */
enum pl_rc pl_addr_parse(const char *s, struct pl_addr *out, struct pl_err *err);

/*
 * Parses exactly an address literal, the n bytes at s: "198.18.0.1" or "2001:2::1" (no
 * brackets, no port, nothing around it). Fills *out with port 0. Returns 0, or -1 when
 * the bytes are not one address (*out cleared).
 */
int pl_addr_parse_ip(const char *s, size_t n, struct pl_addr *out);

/*
 * The 17-byte sort key of a: the family (4 or 6), then the 16 address bytes, so IPv4
 * sorts before IPv6 and each by value (memcmp order). A port is not part of it.
 */
void pl_addr_sort_key(const struct pl_addr *a, uint8_t key[17]);

/*
 * Splits "HOST:PORT" or "[HOST]:PORT" (brackets for IPv6) into host (copied into
 * host, size bytes, NUL-terminated) and port 1-65535, without looking at what the
 * host is. Returns PL_OK or PL_ERR_PARSE with a message.
 */
enum pl_rc pl_hostport_split(const char *s, char *host, size_t size, uint16_t *port,
                             struct pl_err *err);

#endif
