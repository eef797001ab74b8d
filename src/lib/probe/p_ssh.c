// SPDX-License-Identifier: MIT
/*
 * p_ssh.c - SSH (RFC 4253 section 4.2): the server sends "SSH-protoversion-software
 * comment" first. The software and comment are matched against Recog ssh_banners;
 * without a Recog match, "Product_version" is split by hand.
 */
#include <string.h>

#include "probe/probe_impl.h"

static unsigned
ssh_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	const char *s = (const char *)d, *soft, *end, *us;
	size_t len;

	if (n < 8 || memcmp(d, "SSH-", 4) != 0)
		return 0;
	end = memchr(s, '\n', n);
	len = end ? (size_t)(end - s) : n;
	if (len && s[len - 1] == '\r')
		len--;
	soft = memchr(s + 4, '-', len - 4);
	pli_probe_set(out->service, sizeof(out->service), "ssh");
	pli_probe_evidence(out, d, len);
	if (!soft)
		return 90;
	soft++;
	len -= (size_t)(soft - s);
	if (pli_probe_recog(ctx, RECOG_SSH, soft, len, out) && out->product[0])
		return 100;
	us = memchr(soft, '_', len);
	if (us) {
		const char *sp = memchr(us, ' ', len - (size_t)(us - soft));
		size_t vlen = sp ? (size_t)(sp - us - 1) : len - (size_t)(us - soft) - 1;

		pli_probe_copy(out->product, sizeof(out->product), soft, (size_t)(us - soft));
		pli_probe_copy(out->version, sizeof(out->version), us + 1, vlen);
	} else {
		pli_probe_copy(out->product, sizeof(out->product), soft, strcspn(soft, " \r\n"));
	}
	return 100;
}

static const uint16_t ssh_ports[] = {22, 2222, 22222, 830, 0};

const struct probe_def pl_probe_ssh = {
    .name = "ssh",
    .ports = ssh_ports,
    .talks_first = 1,
    .complete = pli_probe_line_complete,
    .classify = ssh_classify,
};
