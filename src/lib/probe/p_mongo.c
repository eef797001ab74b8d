// SPDX-License-Identifier: MIT
/*
 * p_mongo.c - MongoDB's wire protocol: two OP_MSG commands (opcode 2013) sent in one
 * write, read-only both: buildInfo (answered without credentials: "version") and
 * listDatabases with nameOnly (answered with the database names when the server lets
 * anyone in, or ok 0 / code 13 "Unauthorized" when it wants credentials). The BSON
 * reader walks only the top-level document, with every length checked against the
 * bytes that arrived.
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

/* {buildInfo: 1, $db: "admin"} and {listDatabases: 1, nameOnly: true, $db: "admin"}. */
static const unsigned char mongo_req[] = {
    56, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 0x07, 0, 0, /* header, opcode 2013 */
    0, 0, 0, 0, 0,                                         /* flags, section kind 0 */
    35, 0, 0, 0, 0x10, 'b', 'u', 'i', 'l', 'd', 'I', 'n', 'f', 'o', 0, 1, 0, 0, 0, 0x02, '$', 'd',
    'b', 0, 6, 0, 0, 0, 'a', 'd', 'm', 'i', 'n', 0, 0,
    /* second message */
    71, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0xdd, 0x07, 0, 0, 0, 0, 0, 0, 0, 50, 0, 0, 0, 0x10, 'l',
    'i', 's', 't', 'D', 'a', 't', 'a', 'b', 'a', 's', 'e', 's', 0, 1, 0, 0, 0, 0x08, 'n', 'a', 'm',
    'e', 'O', 'n', 'l', 'y', 0, 1, 0x02, '$', 'd', 'b', 0, 6, 0, 0, 0, 'a', 'd', 'm', 'i', 'n', 0,
    0};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Length of a BSON value of type t at p (n bytes left), or 0 when unknown or cut. */
static size_t
bson_value_len(unsigned char t, const unsigned char *p, size_t n)
{
	static const unsigned char fixed[0x14] = {[0x01] = 8, [0x07] = 12, [0x08] = 1, [0x09] = 8,
	                                          [0x10] = 4, [0x11] = 8,  [0x12] = 8, [0x13] = 16};
	size_t len;

	if (t == 0x0a)
		return n > 0 ? (size_t)-1 : 0; /* null: no bytes; marked specially */
	if (t < sizeof(fixed) && fixed[t])
		return fixed[t] <= n ? fixed[t] : 0;
	if (n < 4)
		return 0;
	len = le32(p);
	if (t == 0x02 || t == 0x0d || t == 0x0e)
		len += 4;
	else if (t == 0x05)
		len += 5;
	else if (t != 0x03 && t != 0x04)
		return 0;
	return len >= 4 && len <= n ? len : 0;
}

struct bson_facts {
	char version[64];
	int ok;   /* -1 unknown, else 0/1 */
	int code; /* error code, 0 if none */
	int has_databases;
};

/* Walks the top-level elements of the document at d (n bytes). 0 if it is not BSON. */
static int
bson_scan(const unsigned char *d, size_t n, struct bson_facts *f)
{
	size_t len, i = 4;

	if (n < 5 || (len = le32(d)) < 5 || len > n || d[len - 1] != 0)
		return 0;
	while (i < len - 1) {
		unsigned char t = d[i++];
		const char *name = (const char *)d + i;
		size_t nl = strnlen(name, len - i), vl;

		/* The name must end before the document's own terminating NUL: a name ending on
		 * it leaves no value, and len - 1 - i below would wrap around. */
		if (nl >= len - 1 - i)
			return 0;
		i += nl + 1;
		vl = bson_value_len(t, d + i, len - 1 - i);
		if (vl == (size_t)-1)
			vl = 0;
		else if (vl == 0)
			return 0;
		if (t == 0x02 && strcmp(name, "version") == 0 && vl > 5)
			pli_probe_copy(f->version, sizeof(f->version), (const char *)d + i + 4,
			               vl - 5);
		else if (strcmp(name, "ok") == 0)
			f->ok = t == 0x01 ? d[i + 7] != 0 || d[i + 6] != 0
			                  : (t == 0x10 ? le32(d + i) != 0 : 1);
		else if (strcmp(name, "code") == 0 && t == 0x10)
			f->code = (int)le32(d + i);
		else if (strcmp(name, "databases") == 0 && t == 0x04)
			f->has_databases = 1;
		i += vl;
	}
	return 1;
}

/* One OP_MSG (kind-0 body) at d; fills f. Returns its length, or 0 if it is not one. */
static size_t
op_msg(const unsigned char *d, size_t n, struct bson_facts *f)
{
	size_t len;

	if (n < 21 || (len = le32(d)) < 26 || len > n || le32(d + 12) != 2013 || d[20] != 0)
		return 0;
	return bson_scan(d + 21, len - 21, f) ? len : 0;
}

static int
mongo_complete(const unsigned char *d, size_t n)
{
	size_t a = n >= 4 ? le32(d) : 0;

	return a >= 16 && a < n && n - a >= 4 && le32(d + a) <= n - a;
}

static unsigned
mongo_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
               struct pl_service *out)
{
	struct bson_facts first = {.ok = -1}, second = {.ok = -1};
	size_t a;

	(void)ctx;
	if (!(a = op_msg(d, n, &first)) || first.ok < 0)
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "mongodb");
	pli_probe_set(out->product, sizeof(out->product), "MongoDB");
	pli_probe_set(out->version, sizeof(out->version), first.version);
	if (first.version[0])
		snprintf(out->cpe, sizeof(out->cpe), "cpe:/a:mongodb:mongodb:%s", first.version);
	if (op_msg(d + a, n - a, &second)) {
		if (second.ok == 1 && second.has_databases)
			out->auth_required = PL_TRI_NO;
		else if (second.ok == 0 && (second.code == 13 || second.code == 18))
			out->auth_required = PL_TRI_YES;
	}
	if (out->auth_required == PL_TRI_NO)
		pli_probe_add_info(out, "lists its databases without credentials");
	pli_probe_evidence(out, d, n > 200 ? 200 : n);
	return 100;
}

static const uint16_t mongo_ports[] = {27017, 27018, 27019, 0};

const struct probe_def pl_probe_mongodb = {
    .name = "mongodb",
    .ports = mongo_ports,
    .fixed = {mongo_req, sizeof(mongo_req)},
    .complete = mongo_complete,
    .classify = mongo_classify,
};
