// SPDX-License-Identifier: MIT
/*
 * fuzz_udp_answer.c - UDP service detection on arbitrary answers: pl_probe_classify_udp
 * with each payload of data/udp-payloads.txt as the request (so the NTP answer is checked against
 * our request's transmit time, the DNS answer against our query id), or none, and the NTP READVAR
 * follow-up reader (pli_probe_ntp_readvar). The first byte picks the request; the rest is the
 * answer. fuzz_dns and fuzz_ber cover the DNS and BER readers on their own.
 *
 * Checks: the service record's strings stay NUL-terminated, a recognised answer names a
 * service and says "udp", the byte counts are the request's and the answer's, and
 * nothing reads past the answer (an exact-size copy, plus the NUL the callers put
 * after it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"
#include "probe/udp.h"
#include "scan/udp_payloads.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_service(const struct pl_service *s)
{
	if (!memchr(s->service, '\0', sizeof(s->service)) ||
	    !memchr(s->product, '\0', sizeof(s->product)) ||
	    !memchr(s->version, '\0', sizeof(s->version)) ||
	    !memchr(s->cpe, '\0', sizeof(s->cpe)) || !memchr(s->info, '\0', sizeof(s->info)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pl_probe_ctx *ctx;
	static struct pl_udp_payloads pay;
	const unsigned char *req = NULL;
	unsigned char *ans;
	size_t req_len = 0, n;
	struct pl_service svc;
	uint16_t port = 0;
	unsigned pick;

	if (size < 1 || size > PL_PROBE_MAX_READ)
		return 0;
	if (!ctx && pl_probe_ctx_new(NULL, &ctx, NULL) != PL_OK)
		abort();
	if (!pay.items && pli_udp_payloads_builtin(&pay, NULL) != PL_OK)
		abort();
	pick = data[0] % (unsigned)(pay.n + 1);
	if (pick < pay.n) { /* the request as service detection sends it */
		req = pay.items[pick].data;
		req_len = pay.items[pick].len;
		for (uint32_t p = 1; p < 65536 && !port; p++)
			if (pay.by_port[p] == pick + 1)
				port = (uint16_t)p;
	}
	n = size - 1;
	ans = pli_memdup_nul(data + 1, n);
	if (!ans)
		return 0;
	if (pl_probe_classify_udp(ctx, port, req, req_len, ans, n, &svc)) {
		if (!svc.service[0] || strcmp(svc.probe, "udp") != 0 || !svc.udp)
			abort();
	}
	check_service(&svc);
	if (svc.udp_answer_bytes != n || svc.udp_request_bytes != req_len)
		abort();
	pli_service_init(&svc);
	pli_probe_ntp_readvar(ans, n, &svc);
	check_service(&svc);
	free(ans);
	return 0;
}
