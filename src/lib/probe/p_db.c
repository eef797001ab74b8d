// SPDX-License-Identifier: MIT
/*
 * p_db.c - SQL servers. MySQL/MariaDB talk first: a protocol-10 handshake packet
 * (3-byte length, sequence 0, 0x0a, NUL-terminated version) or an error packet
 * (0xff) such as "Host ... is not allowed to connect". PostgreSQL waits: a v3.0
 * StartupMessage for user "portlens" is answered by an authentication request ('R')
 * or an error ('E'); AuthenticationOk (code 0) means the server trusts anyone.
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

static unsigned
mysql_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
               struct pl_service *out)
{
	size_t plen, vlen;
	const char *ver;

	if (n < 7)
		return 0;
	plen = d[0] | (size_t)d[1] << 8 | (size_t)d[2] << 16;
	if (d[3] != 0 || plen < 3 || plen > 4096)
		return 0;
	/* An error packet before the handshake ("Host '...' is not allowed to connect to
	 * this MySQL server" / "... MariaDB server"). */
	if (d[4] == 0xff && n > 7 &&
	    (pli_probe_memcasemem(d, n, "mysql") || pli_probe_memcasemem(d, n, "mariadb"))) {
		pli_probe_set(out->service, sizeof(out->service), "mysql");
		if (pli_probe_memcasemem(d, n, "mariadb"))
			pli_probe_set(out->product, sizeof(out->product), "MariaDB");
		pli_probe_evidence(out, d, n);
		pli_probe_add_info(out, "refused this client");
		return 90;
	}
	if (d[4] != 0x0a)
		return 0;
	ver = (const char *)d + 5;
	vlen = strnlen(ver, n - 5);
	if (vlen == n - 5 || vlen == 0 || vlen > 64)
		return 0;
	for (size_t i = 0; i < vlen; i++)
		if ((unsigned char)ver[i] < 0x20 || (unsigned char)ver[i] > 0x7e)
			return 0;
	pli_probe_set(out->service, sizeof(out->service), "mysql");
	pli_probe_evidence(out, d, 5 + vlen);
	if (!pli_probe_recog(ctx, RECOG_MYSQL, ver, vlen, out) || !out->product[0]) {
		pli_probe_set(out->product, sizeof(out->product),
		              strstr(ver, "MariaDB") ? "MariaDB" : "MySQL");
		pli_probe_copy(out->version, sizeof(out->version), ver, vlen);
	}
	return 100;
}

static size_t
pg_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	static const char params[] = "user\0portlens\0database\0portlens\0application_name\0"
	                             "portlens\0";
	size_t len = 8 + sizeof(params); /* includes the final NUL terminator */

	(void)run;
	if (cap < len)
		return 0;
	buf[0] = (unsigned char)(len >> 24);
	buf[1] = (unsigned char)(len >> 16);
	buf[2] = (unsigned char)(len >> 8);
	buf[3] = (unsigned char)len;
	memcpy(buf + 4, "\x00\x03\x00\x00", 4); /* protocol 3.0 */
	memcpy(buf + 8, params, sizeof(params));
	return len;
}

static unsigned
pg_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
            struct pl_service *out)
{
	uint32_t len;

	(void)ctx;
	if (n < 9 || (d[0] != 'R' && d[0] != 'E'))
		return 0;
	len = (uint32_t)d[1] << 24 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 8 | d[4];
	if (len < 8 || len > 65536)
		return 0;
	if (d[0] == 'R') {
		uint32_t code =
		    (uint32_t)d[5] << 24 | (uint32_t)d[6] << 16 | (uint32_t)d[7] << 8 | d[8];

		if (len > 4096 || code > 12)
			return 0;
		out->auth_required = code == 0 ? PL_TRI_NO : PL_TRI_YES;
		pli_probe_add_info(out, "auth method %u", (unsigned)code);
	} else if (d[5] != 'S' && d[5] != 'V') {
		return 0;
	} else {
		pli_probe_add_info(out, "refused the startup");
	}
	pli_probe_set(out->service, sizeof(out->service), "postgresql");
	pli_probe_set(out->product, sizeof(out->product), "PostgreSQL");
	pli_probe_evidence(out, d, n > 200 ? 200 : n);
	return 100;
}

static const uint16_t mysql_ports[] = {3306, 3307, 33060, 0};
static const uint16_t pg_ports[] = {5432, 5433, 0};

const struct probe_def pl_probe_mysql = {
    .name = "mysql",
    .ports = mysql_ports,
    .talks_first = 1,
    .classify = mysql_classify,
};

const struct probe_def pl_probe_postgresql = {
    .name = "postgresql",
    .ports = pg_ports,
    .request = pg_request,
    .classify = pg_classify,
};
