// SPDX-License-Identifier: MIT
/*
 * test_probe_udp_burst.c - pl_probe_udp_service in its all-payloads-at-once mode
 * (opts.udp_burst_ms, src/lib/probe/udp_burst.c) against real UDP sockets on 127.0.0.1
 * run by a thread of this process:
 *  - a responder that answers the mDNS payload at once (a DNS answer for a name under
 *    .local) and the DNS payload 30 ms later (dnsmasq's version.bind answer): each answer
 *    is classified against the payload that drew it, and the DNS payload, ranked first
 *    ("detect"), wins although its answer came second;
 *  - a bound socket that never answers: no answer, nothing identified, about the
 *    burst's wait and never much more;
 *  - a port nobody listens on: ICMP port unreachable, PL_ERR_IO;
 *  - the same responder through the probe pool (pl_probe_pool_submit, udp = 1).
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "portlens/addr.h"
#include "portlens/probe.h"

#define BURST_MS 300

/* dnsmasq 2.90's answer to version.bind CH TXT, id 0x706c (the DNS payload's). */
static const unsigned char dns_a[] = {
    0x70, 0x6c, 0x84, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 'v',
    'e',  'r',  's',  'i',  'o',  'n',  0x04, 'b',  'i',  'n',  'd',  0x00, 0x00, 0x10,
    0x00, 0x03, 0xc0, 0x0c, 0x00, 0x10, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d,
    0x0c, 'd',  'n',  's',  'm',  'a',  's',  'q',  '-',  '2',  '.',  '9',  '0'};

struct responder {
	int fd;
	uint16_t port;
	int answer; /* 0: read and say nothing */
	volatile int stop;
	pthread_t thread;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
contains(const unsigned char *d, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(d + i, s, k) == 0)
			return 1;
	return 0;
}

/*
 * Answers the mDNS query at once with itself, flagged as an authoritative answer (a DNS
 * answer for _services._dns-sd._udp.local), and the version.bind query 30 ms later.
 */
static void *
responder_main(void *arg)
{
	struct responder *r = arg;
	struct sockaddr_storage dns_from;
	socklen_t dns_len = 0;
	uint64_t dns_at = 0;

	while (!r->stop) {
		struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
		unsigned char buf[2048];
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (dns_len && now_ms() >= dns_at) {
			sendto(r->fd, dns_a, sizeof(dns_a), 0, (struct sockaddr *)&dns_from,
			       dns_len);
			dns_len = 0;
		}
		if (poll(&pfd, 1, 5) <= 0)
			continue;
		n = recvfrom(r->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (n < 12 || !r->answer)
			continue;
		if (contains(buf, (size_t)n, "_services")) {
			buf[2] = 0x84; /* QR, AA */
			buf[3] = 0x00;
			sendto(r->fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
		} else if (contains(buf, (size_t)n, "version") && buf[0] == 0x70 &&
		           buf[1] == 0x6c) {
			dns_from = from;
			dns_len = flen;
			dns_at = now_ms() + 30;
		}
	}
	return NULL;
}

static void
responder_start(struct responder *r, int answer)
{
	struct pl_addr at = pl_addr_loopback(4, 0);
	struct sockaddr_storage ss;
	socklen_t len = pl_addr_to_sockaddr(&at, &ss);

	memset(r, 0, sizeof(*r));
	r->answer = answer;
	r->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(r->fd >= 0);
	assert_int_equal(bind(r->fd, (struct sockaddr *)&ss, len), 0);
	len = sizeof(ss);
	assert_int_equal(getsockname(r->fd, (struct sockaddr *)&ss, &len), 0);
	assert_int_equal(pl_addr_from_sockaddr((struct sockaddr *)&ss, len, &at), PL_OK);
	r->port = at.port;
	assert_int_equal(pthread_create(&r->thread, NULL, responder_main, r), 0);
}

static void
responder_stop(struct responder *r)
{
	r->stop = 1;
	pthread_join(r->thread, NULL);
	close(r->fd);
}

static struct pl_probe_ctx *
burst_ctx(void)
{
	struct pl_probe_opts o = {.udp_burst_ms = BURST_MS};
	struct pl_probe_ctx *ctx = NULL;

	assert_int_equal(pl_probe_ctx_new(&o, &ctx, NULL), PL_OK);
	return ctx;
}

static socklen_t
loopback(uint16_t port, struct sockaddr_storage *ss)
{
	struct pl_addr at = pl_addr_loopback(4, port);

	return pl_addr_to_sockaddr(&at, ss);
}

static void
test_answers_attributed(void **state)
{
	struct pl_probe_ctx *ctx = burst_ctx();
	struct responder r;
	struct sockaddr_storage ss;
	struct pl_service svc;
	socklen_t len;
	uint64_t t0;

	(void)state;
	responder_start(&r, 1);
	len = loopback(r.port, &ss);
	t0 = now_ms();
	assert_int_equal(pl_probe_udp_service(ctx, (struct sockaddr *)&ss, len, &svc, NULL), PL_OK);
	assert_string_equal(svc.service, "dns"); /* not "mdns": that answer came first */
	assert_string_equal(svc.product, "Dnsmasq");
	assert_string_equal(svc.version, "2.90");
	assert_int_equal(svc.udp_answers, 1);
	assert_int_equal(svc.udp_answer_bytes, sizeof(dns_a));
	assert_true(svc.udp_request_bytes > 12);
	assert_true(now_ms() - t0 < BURST_MS); /* ended 50 ms after the classified answers */
	responder_stop(&r);
	pl_probe_ctx_free(ctx);
}

static void
test_silent_port(void **state)
{
	struct pl_probe_ctx *ctx = burst_ctx();
	struct responder r;
	struct sockaddr_storage ss;
	struct pl_service svc;
	socklen_t len;
	uint64_t t0, took;

	(void)state;
	responder_start(&r, 0);
	len = loopback(r.port, &ss);
	t0 = now_ms();
	assert_int_equal(pl_probe_udp_service(ctx, (struct sockaddr *)&ss, len, &svc, NULL), PL_OK);
	took = now_ms() - t0;
	assert_int_equal(svc.udp_answers, 0);
	assert_string_equal(svc.service, "");
	assert_true(took >= BURST_MS - 5 && took < BURST_MS + 500);
	responder_stop(&r);
	pl_probe_ctx_free(ctx);
}

static void
test_closed_port(void **state)
{
	struct pl_probe_ctx *ctx = burst_ctx();
	struct responder r;
	struct sockaddr_storage ss;
	struct pl_service svc;
	struct pl_err err = {0};
	socklen_t len;

	(void)state;
	responder_start(&r, 0); /* a free port, then nobody there */
	responder_stop(&r);
	len = loopback(r.port, &ss);
	assert_int_equal(pl_probe_udp_service(ctx, (struct sockaddr *)&ss, len, &svc, &err),
	                 PL_ERR_IO);
	assert_non_null(strstr(err.msg, "unreachable"));
	pl_probe_ctx_free(ctx);
}

struct drained {
	int n;
	char service[24];
	int tag;
};

static void
on_done(void *arg, const struct pl_probe_done *d)
{
	struct drained *dr = arg;

	dr->n++;
	memcpy(&dr->tag, d->tag, sizeof(dr->tag));
	if (d->rc == PL_OK && d->svc)
		memcpy(dr->service, d->svc->service, sizeof(dr->service));
}

static void
test_through_pool(void **state)
{
	struct pl_probe_ctx *ctx = burst_ctx();
	struct pl_probe_pool *pool = NULL;
	struct drained dr = {0};
	struct responder r;
	struct sockaddr_storage ss;
	socklen_t len;
	int tag = 4242;

	(void)state;
	responder_start(&r, 1);
	len = loopback(r.port, &ss);
	assert_int_equal(pl_probe_pool_new(ctx, 4, &pool, NULL), PL_OK);
	assert_int_equal(
	    pl_probe_pool_submit(pool, (struct sockaddr *)&ss, len, 1, NULL, &tag, sizeof(tag)),
	    PL_OK);
	for (int i = 0; i < 50 && dr.n == 0; i++)
		pl_probe_pool_drain(pool, 100, on_done, &dr);
	assert_int_equal(dr.n, 1);
	assert_int_equal(dr.tag, 4242);
	assert_string_equal(dr.service, "dns");
	pl_probe_pool_free(pool);
	responder_stop(&r);
	pl_probe_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answers_attributed),
	    cmocka_unit_test(test_silent_port),
	    cmocka_unit_test(test_closed_port),
	    cmocka_unit_test(test_through_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
