// SPDX-License-Identifier: MIT
/*
 * fuzz_dns.c - the DNS answer parser (probe/dns.c: names with compression pointers,
 * TXT strings, address counts) and the classifiers that use it, over TCP (the DNS
 * probe, two-byte length prefix) and UDP (pl_probe_classify_udp with and without our
 * query). Checks: strings stay NUL-terminated and printable, nothing reads past the
 * input (ASan), the recursion verdict needs RA.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/dns.h"
#include "probe/probe_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pl_probe_ctx *ctx;
	static const unsigned char q[] = {0x70, 0x6c, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	struct pl_dns_reply r;
	struct pl_service svc;

	if (!ctx && pl_probe_ctx_new(NULL, &ctx, NULL) != PL_OK)
		abort();
	if (pli_dns_parse(data, size, &r) == 0) {
		check_text(r.qname, sizeof(r.qname));
		check_text(r.txt, sizeof(r.txt));
		if (pli_dns_recursion_proved(&r) && !r.ra)
			abort();
	}
	pl_probe_classify_udp(ctx, 53, q, sizeof(q), data, size, &svc);
	check_text(svc.info, sizeof(svc.info));
	pl_probe_classify_udp(NULL, 53, NULL, 0, data, size, &svc);
	pl_probe_dns.classify(ctx, data, size, &svc);
	check_text(svc.evidence, sizeof(svc.evidence));
	return 0;
}
