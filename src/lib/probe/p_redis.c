// SPDX-License-Identifier: MIT
/*
 * p_redis.c - key-value stores that wait for the client: Redis (RESP: "PING" answers
 * "+PONG" when no password is set, "-NOAUTH" when one is) and Memcached ("version"
 * answers "VERSION x.y.z"; the text protocol has no authentication). For an open
 * Redis, "INFO server" then gives the version. Redis's "-ERR" replies to other
 * probes' requests identify it too.
 */
#include <stdio.h>
#include <string.h>

#include "probe/probe_impl.h"

static const char redis_ping[] = "*1\r\n$4\r\nPING\r\n";
static const char memcached_version[] = "version\r\n";

static void
redis_set(struct pl_service *out, const unsigned char *d, size_t n, enum pl_tri auth)
{
	pli_probe_set(out->service, sizeof(out->service), "redis");
	pli_probe_set(out->product, sizeof(out->product), "Redis");
	out->auth_required = auth;
	pli_probe_evidence(out, d, n > 200 ? 200 : n);
}

static unsigned
redis_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
               struct pl_service *out)
{
	(void)ctx;
	if (n >= 5 && memcmp(d, "+PONG", 5) == 0) {
		redis_set(out, d, n, PL_TRI_NO);
		return 100;
	}
	if (n >= 7 && memcmp(d, "-NOAUTH", 7) == 0) {
		redis_set(out, d, n, PL_TRI_YES);
		return 100;
	}
	if (n >= 7 && memcmp(d, "-DENIED", 7) == 0 &&
	    pli_probe_memcasemem(d, n, "protected mode")) {
		redis_set(out, d, n, PL_TRI_YES);
		pli_probe_add_info(out, "protected mode");
		return 100;
	}
	if (n >= 5 && memcmp(d, "-ERR ", 5) == 0 &&
	    (pli_probe_memcasemem(d, n, "wrong number of arguments") ||
	     pli_probe_memcasemem(d, n, "unknown command"))) {
		redis_set(out, d, n, PL_TRI_UNKNOWN);
		return 60;
	}
	return 0;
}

static void
redis_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
               struct pl_service *out)
{
	static const char info[] = "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n";
	size_t start = ans->len;
	const unsigned char *v;

	if (out->auth_required != PL_TRI_NO || pli_conn_send(c, info, sizeof(info) - 1) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 300, NULL);
	v = pli_probe_memcasemem(ans->data + start, ans->len - start, "redis_version:");
	if (v) {
		v += strlen("redis_version:");
		pli_probe_copy(out->version, sizeof(out->version), (const char *)v,
		               strcspn((const char *)v, "\r\n"));
		snprintf(out->cpe, sizeof(out->cpe), "cpe:/a:redis:redis:%s", out->version);
	}
	out->confidence = 100;
}

static unsigned
memcached_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                   struct pl_service *out)
{
	(void)ctx;
	if (n < 10 || memcmp(d, "VERSION ", 8) != 0)
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "memcached");
	pli_probe_set(out->product, sizeof(out->product), "Memcached");
	pli_probe_copy(out->version, sizeof(out->version), (const char *)d + 8,
	               strcspn((const char *)d + 8, "\r\n"));
	snprintf(out->cpe, sizeof(out->cpe), "cpe:/a:memcached:memcached:%s", out->version);
	out->auth_required = PL_TRI_NO;
	pli_probe_evidence(out, d, n > 100 ? 100 : n);
	return 100;
}

static const uint16_t redis_ports[] = {6379, 6380, 16379, 26379, 0};
static const uint16_t memcached_ports[] = {11211, 0};

const struct probe_def pl_probe_redis = {
    .name = "redis",
    .ports = redis_ports,
    .fixed = {redis_ping, sizeof(redis_ping) - 1},
    .complete = pli_probe_line_complete,
    .classify = redis_classify,
    .followup = redis_followup,
};

const struct probe_def pl_probe_memcached = {
    .name = "memcached",
    .ports = memcached_ports,
    .fixed = {memcached_version, sizeof(memcached_version) - 1},
    .complete = pli_probe_line_complete,
    .classify = memcached_classify,
};
