// SPDX-License-Identifier: MIT
/*
 * fuzz_ber.c - the BER reader (probe/ber.c) walked to any depth, and the two parsers
 * built on it: LDAP messages (root DSE entries, search results) and SNMP GetResponses
 * (community, sysDescr, sysObjectID). Checks: every TLV lies inside its parent, OIDs
 * and texts stay NUL-terminated, nothing reads past the input (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/ber.h"
#include "probe/probe_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const unsigned char *d, size_t n, int depth)
{
	size_t o = 0;
	struct pl_ber t;
	char text[64];

	for (int i = 0; i < 256 && depth < 16 && pli_ber_next(d, n, &o, &t) == 0; i++) {
		if (t.v < d || t.v + t.len > d + n || o > n)
			abort();
		pli_ber_oid(&t, text, sizeof(text));
		if (memchr(text, '\0', sizeof(text)) == NULL)
			abort();
		pli_ber_text(&t, text, sizeof(text));
		(void)pli_ber_int(&t);
		if (t.tag & 0x20) /* constructed */
			walk(t.v, t.len, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pl_probe_ctx *ctx;
	struct pl_service svc;

	if (!ctx && pl_probe_ctx_new(NULL, &ctx, NULL) != PL_OK)
		abort();
	walk(data, size, 0);
	pli_service_init(&svc);
	pl_probe_ldap.classify(ctx, data, size, &svc);
	if (memchr(svc.info, '\0', sizeof(svc.info)) == NULL)
		abort();
	pl_probe_ldap.complete(data, size);
	pl_probe_classify_udp(ctx, 161, NULL, 0, data, size, &svc);
	if (memchr(svc.info, '\0', sizeof(svc.info)) == NULL)
		abort();
	return 0;
}
