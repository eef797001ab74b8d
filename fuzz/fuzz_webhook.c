// SPDX-License-Identifier: MIT
/*
 * fuzz_webhook.c - the two parsers of the webhook deliverer on arbitrary bytes: the
 * --webhook URL (pl_url_parse; the input up to its first NUL) and the receiver's status
 * line (pl_http_status). A parsed URL must have a host, a numeric port and a path
 * starting with '/'. Any crash, UB or broken invariant is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/watch.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = pli_memdup_nul(data, size);
	struct pl_url u;
	int st;

	if (!s)
		return 0;
	if (pl_url_parse(s, &u, NULL) == PL_OK && (!u.host[0] || !u.port[0] || u.path[0] != '/' ||
	                                           strspn(u.port, "0123456789") != strlen(u.port)))
		abort();
	st = pl_http_status(s, size);
	if (st != -1 && (st < 100 || st > 599))
		abort();
	free(s);
	return 0;
}
