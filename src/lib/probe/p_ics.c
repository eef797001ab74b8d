// SPDX-License-Identifier: MIT
/*
 * p_ics.c - industrial protocols, identified with read-only requests only.
 *
 * Modbus/TCP: function 0x2B / MEI type 0x0E, Read Device Identification (basic
 * objects: VendorName, ProductCode, MajorMinorRevision), unit 1. An exception answer
 * (function | 0x80) still proves Modbus. Nothing is ever written.
 *
 * S7comm (Siemens S7 PLCs, ISO-TSAP port 102): a COTP Connection Request with the
 * TSAPs of a programming device; an S7 Connection Confirm carries the TSAP parameters
 * back (an RDP server's does not). The follow-up then sets up S7 communication and
 * reads SZL 0x0011 (module identification: order number, firmware version) -- a read
 * of the system status list, nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

static const unsigned char modbus_req[] = {0x00, 0x01, 0x00, 0x00, 0x00, 0x05,
                                           0x01, 0x2b, 0x0e, 0x01, 0x00};

/* Copies Read Device Identification objects 0-2 into out. */
static void
modbus_objects(const unsigned char *p, size_t n, unsigned count, struct pl_service *out)
{
	char vendor[64] = "", product[64] = "";

	for (unsigned k = 0; k < count && n >= 2; k++) {
		unsigned id = p[0], len = p[1];
		char *dst = id == 0 ? vendor : id == 1 ? product : id == 2 ? out->version : NULL;

		if ((size_t)len + 2 > n)
			break;
		if (dst)
			pli_probe_copy(dst, 64, (const char *)p + 2, len);
		p += 2 + len;
		n -= 2 + (size_t)len;
	}
	pli_probe_set(out->vendor, sizeof(out->vendor), vendor);
	pli_probe_set(out->product, sizeof(out->product), product);
}

static unsigned
modbus_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                struct pl_service *out)
{
	size_t len;

	(void)ctx;
	if (n < 9 || d[2] != 0 || d[3] != 0 || (len = (size_t)d[4] << 8 | d[5]) < 3 ||
	    len + 6 > n || len > 260 || (d[7] & 0x7f) != 0x2b)
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "modbus");
	pli_probe_evidence(out, d, len + 6);
	if (d[7] & 0x80) {
		pli_probe_add_info(out, "exception %u to Read Device Identification", d[8]);
		return 100;
	}
	if (len < 9 || d[8] != 0x0e)
		return 0;
	modbus_objects(d + 14, len + 6 - 14, d[13], out);
	return 100;
}

static int
tpkt_complete(const unsigned char *d, size_t n)
{
	return n >= 4 && d[0] == 3 && ((size_t)d[2] << 8 | d[3]) <= n;
}

/* COTP CR, src-ref 1, TPDU size 1024, src TSAP 0x0100, dst TSAP 0x0102 (rack 0 slot 2). */
static const unsigned char cotp_cr[] = {0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00,
                                        0x00, 0x01, 0x00, 0xc0, 0x01, 0x0a, 0xc1, 0x02,
                                        0x01, 0x00, 0xc2, 0x02, 0x01, 0x02};

static unsigned
s7_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
            struct pl_service *out)
{
	(void)ctx;
	/* TPKT, COTP CC (0xd0) whose parameters include a TSAP (0xc1 or 0xc2). */
	if (n < 11 || d[0] != 3 || d[1] != 0 || d[5] != 0xd0 || d[4] + 5u > n)
		return 0;
	for (size_t i = 11; i + 1 < (size_t)d[4] + 5; i += 2 + d[i + 1])
		if (d[i] == 0xc1 || d[i] == 0xc2) {
			pli_probe_set(out->service, sizeof(out->service), "s7comm");
			pli_probe_evidence(out, d, d[4] + 5u);
			return 100;
		}
	return 0;
}

static const unsigned char s7_setup[] = {0x03, 0x00, 0x00, 0x19, 0x02, 0xf0, 0x80, 0x32, 0x01,
                                         0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0xf0,
                                         0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0xe0};
/* Userdata, CPU functions, read SZL: ID 0x0011, index 0. */
static const unsigned char s7_szl[] = {0x03, 0x00, 0x00, 0x21, 0x02, 0xf0, 0x80, 0x32, 0x07,
                                       0x00, 0x00, 0x00, 0x02, 0x00, 0x08, 0x00, 0x08, 0x00,
                                       0x01, 0x12, 0x04, 0x11, 0x44, 0x01, 0x00, 0xff, 0x09,
                                       0x00, 0x04, 0x00, 0x11, 0x00, 0x00};

/* SZL 0x0011 records (28 bytes: index, 20-char order number, type, version bytes). */
void
pli_s7_szl_records(const unsigned char *d, size_t n, struct pl_service *out)
{
	size_t at;

	/* The SZL answer's data part: ..., SZL-ID 0x0011, index, record length 28, count. */
	for (at = 0; at + 8 <= n; at++)
		if (d[at] == 0x00 && d[at + 1] == 0x11 && d[at + 4] == 0x00 && d[at + 5] == 28)
			break;
	if (at + 8 > n)
		return;
	for (size_t k = 0, cnt = (size_t)d[at + 6] << 8 | d[at + 7]; k < cnt && k < 8; k++) {
		const unsigned char *r = d + at + 8 + k * 28;
		size_t len = 20;

		if ((size_t)(r - d) + 28 > n)
			break;
		if (r[1] == 0x01 || (r[1] == 0x06 && !out->product[0])) {
			while (len && (r[2 + len - 1] == ' ' || r[2 + len - 1] == 0))
				len--;
			pli_probe_copy(out->product, sizeof(out->product), (const char *)r + 2,
			               len);
		} else if (r[1] == 0x07 && r[24] == 'V') {
			snprintf(out->version, sizeof(out->version), "%u.%u.%u", r[25], r[26],
			         r[27]);
		}
	}
}

static void
s7_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
            struct pl_service *out)
{
	unsigned wait = run->ctx->opts.read_ms;
	size_t before;

	if (pli_conn_send(c, s7_setup, sizeof(s7_setup)) != 0)
		return;
	before = ans->len;
	pli_conn_read(c, ans, wait, 300, NULL);
	if (ans->len - before < 20 || ans->data[before + 8] != 0x03)
		return; /* no Ack-Data to the setup */
	before = ans->len;
	if (pli_conn_send(c, s7_szl, sizeof(s7_szl)) != 0)
		return;
	pli_conn_read(c, ans, wait, 300, NULL);
	pli_probe_set(out->vendor, sizeof(out->vendor), "Siemens");
	pli_s7_szl_records(ans->data + before, ans->len - before, out);
	if (out->product[0])
		pli_probe_add_info(out, "SZL 0x0011 read");
}

static const uint16_t modbus_ports[] = {502, 0};
static const uint16_t s7_ports[] = {102, 0};

const struct probe_def pl_probe_modbus = {
    .name = "modbus",
    .ports = modbus_ports,
    .fixed = {modbus_req, sizeof(modbus_req)},
    .complete = NULL,
    .classify = modbus_classify,
};

const struct probe_def pl_probe_s7 = {
    .name = "s7comm",
    .ports = s7_ports,
    .fixed = {cotp_cr, sizeof(cotp_cr)},
    .complete = tpkt_complete,
    .classify = s7_classify,
    .followup = s7_followup,
};
