// SPDX-License-Identifier: MIT
/*
 * fuzz_addr.c - address literals and HOST:PORT on arbitrary bytes: an accepted address
 * must survive text -> address -> socket address -> address -> text unchanged; a
 * refused one must say why; a split host must be shorter than the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct pl_addr *a, const struct pl_addr *b)
{
	return a->family == b->family && a->port == b->port && memcmp(a->bytes, b->bytes, 16) == 0;
}

static void
check_addr(const char *s)
{
	struct pl_err err = {0};
	struct pl_addr a, b, c;
	struct sockaddr_storage ss;
	char text[PL_ADDR_STRLEN];
	socklen_t len;

	if (pl_addr_parse(s, &a, &err) != PL_OK) {
		if (err.msg[0] == '\0' || a.family != 0)
			abort();
		return;
	}
	if (a.family != 4 && a.family != 6)
		abort();
	len = pl_addr_to_sockaddr(&a, &ss);
	if (len == 0 || pl_addr_from_sockaddr((struct sockaddr *)&ss, len, &b) != PL_OK ||
	    !same(&a, &b))
		abort();
	pl_addr_str(&a, text, sizeof(text));
	if (pl_addr_parse(text, &c, NULL) != PL_OK || !same(&a, &c))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], host[64];
	struct pl_err err = {0};
	uint16_t port = 0;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_addr(s);
	if (pl_hostport_split(s, host, sizeof(host), &port, &err) == PL_OK) {
		if (port == 0 || strlen(host) == 0 || strlen(host) >= strlen(s))
			abort();
	} else if (err.msg[0] == '\0') {
		abort();
	}
	return 0;
}
