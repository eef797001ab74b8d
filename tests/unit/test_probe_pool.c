// SPDX-License-Identifier: MIT
/*
 * test_probe_pool.c - the probe pool (pl_probe_pool_*) and the batch call built on it
 * (pl_probe_many), against real servers on 127.0.0.1 run by a thread of this process:
 * one that sends an SSH banner, one that accepts and never speaks, and a port nobody
 * listens on. Every submitted port comes back exactly once with its tag, in the thread
 * that drains; queued ports can be dropped while a probe runs; the caller's own record
 * is filled in place.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "portlens/probe.h"

#define SSH_BANNER "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"

struct server {
	int lfd;
	uint16_t port;
	int silent; /* accept and hold the connection, say nothing */
	int held[16];
	size_t n_held;
	volatile int stop;
	pthread_t thread;
};

static void *
server_main(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		struct pollfd pfd = {.fd = s->lfd, .events = POLLIN};
		int fd;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (s->silent && s->n_held < sizeof(s->held) / sizeof(s->held[0])) {
			s->held[s->n_held++] = fd;
			continue;
		}
		if (!s->silent && write(fd, SSH_BANNER, strlen(SSH_BANNER)) < 0)
			fail_msg("server write failed");
		close(fd);
	}
	for (size_t i = 0; i < s->n_held; i++)
		close(s->held[i]);
	return NULL;
}

static void
server_start(struct server *s, int silent)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	memset(s, 0, sizeof(*s));
	s->silent = silent;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void
server_stop(struct server *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

/* A loopback port nobody listens on: bound, then closed (connect is refused). */
static uint16_t
closed_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static struct sockaddr_in
loopback(uint16_t port)
{
	return (struct sockaddr_in){.sin_family = AF_INET,
	                            .sin_port = htons(port),
	                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
}

/* What the drain callback saw, per tag 0..15. */
struct seen {
	pthread_t drainer;
	unsigned times[16];
	enum pl_rc rc[16];
	char service[16][32];
	char errmsg[16][128];
	const struct pl_service *svc_ptr[16];
	int wrong_thread;
};

static void
on_done(void *arg, const struct pl_probe_done *d)
{
	struct seen *seen = arg;
	unsigned tag;

	assert_non_null(d->tag);
	memcpy(&tag, d->tag, sizeof(tag));
	assert_true(tag < 16);
	if (!pthread_equal(pthread_self(), seen->drainer))
		seen->wrong_thread = 1;
	seen->times[tag]++;
	seen->rc[tag] = d->rc;
	seen->svc_ptr[tag] = d->svc;
	assert_non_null(d->svc);
	snprintf(seen->service[tag], sizeof(seen->service[tag]), "%s", d->svc->service);
	snprintf(seen->errmsg[tag], sizeof(seen->errmsg[tag]), "%s", d->errmsg);
}

static void
drain_all(struct pl_probe_pool *pool, struct seen *seen)
{
	for (int i = 0; i < 200 && pl_probe_pool_outstanding(pool) > 0; i++)
		pl_probe_pool_drain(pool, 100, on_done, seen);
	assert_int_equal(pl_probe_pool_outstanding(pool), 0);
}

static void
test_pool_hands_back_every_port_once(void **state)
{
	struct pl_probe_opts opts = {.total_ms = 5000};
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_pool *pool = NULL;
	struct seen seen = {.drainer = pthread_self()};
	struct server ssh;
	struct sockaddr_in up, down;

	(void)state;
	server_start(&ssh, 0);
	up = loopback(ssh.port);
	down = loopback(closed_port());
	assert_int_equal(pl_probe_ctx_new(&opts, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_pool_new(ctx, 3, &pool, NULL), PL_OK);
	for (unsigned tag = 0; tag < 6; tag++) {
		const struct sockaddr_in *a = tag == 4 ? &down : &up;

		assert_int_equal(pl_probe_pool_submit(pool, (const struct sockaddr *)a, sizeof(*a),
		                                      0, NULL, &tag, sizeof(tag)),
		                 PL_OK);
	}
	drain_all(pool, &seen);
	for (unsigned tag = 0; tag < 6; tag++) {
		assert_int_equal(seen.times[tag], 1);
		if (tag == 4) {
			assert_int_equal(seen.rc[tag], PL_ERR_IO); /* refused */
			assert_true(seen.errmsg[tag][0] != '\0');
		} else {
			assert_int_equal(seen.rc[tag], PL_OK);
			assert_string_equal(seen.service[tag], "ssh");
		}
	}
	assert_int_equal(seen.times[6], 0);
	assert_false(seen.wrong_thread);
	/* Nothing left: a drain hands back nothing and does not wait. */
	assert_int_equal(pl_probe_pool_drain(pool, 5000, on_done, &seen), 0);
	pl_probe_pool_free(pool);
	pl_probe_ctx_free(ctx);
	server_stop(&ssh);
}

static void
test_pool_fills_the_callers_record(void **state)
{
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_pool *pool = NULL;
	struct seen seen = {.drainer = pthread_self()};
	struct pl_service mine;
	struct server ssh;
	struct sockaddr_in up;
	unsigned tag = 7;

	(void)state;
	server_start(&ssh, 0);
	up = loopback(ssh.port);
	assert_int_equal(pl_probe_ctx_new(NULL, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_pool_new(ctx, 0, &pool, NULL), PL_OK);
	assert_int_equal(pl_probe_pool_submit(pool, (const struct sockaddr *)&up, sizeof(up), 0,
	                                      &mine, &tag, sizeof(tag)),
	                 PL_OK);
	drain_all(pool, &seen);
	assert_int_equal(seen.times[7], 1);
	assert_ptr_equal(seen.svc_ptr[7], &mine);
	pl_probe_pool_free(pool);
	pl_probe_ctx_free(ctx);
	server_stop(&ssh);
	/* The record is the caller's: still there after the pool is gone. */
	assert_string_equal(mine.service, "ssh");
	assert_string_equal(mine.product, "OpenSSH");
	assert_string_equal(mine.version, "9.2p1");
}

struct dropped {
	unsigned tags[16];
	size_t n;
};

static void
on_dropped(void *arg, const void *tag)
{
	struct dropped *d = arg;

	assert_true(d->n < 16);
	memcpy(&d->tags[d->n++], tag, sizeof(unsigned));
}

static void
test_pool_cancel_drops_only_queued(void **state)
{
	struct pl_probe_opts opts = {.total_ms = 1500, .banner_ms = 300, .read_ms = 300};
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_pool *pool = NULL;
	struct seen seen = {.drainer = pthread_self()};
	struct dropped dropped = {0};
	struct server silent;
	struct sockaddr_in a;

	(void)state;
	server_start(&silent, 1);
	a = loopback(silent.port);
	assert_int_equal(pl_probe_ctx_new(&opts, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_pool_new(ctx, 1, &pool, NULL), PL_OK); /* one thread */
	for (unsigned tag = 0; tag < 4; tag++)
		assert_int_equal(pl_probe_pool_submit(pool, (const struct sockaddr *)&a, sizeof(a),
		                                      0, NULL, &tag, sizeof(tag)),
		                 PL_OK);
	assert_int_equal(pl_probe_pool_outstanding(pool), 4);
	for (int i = 0; i < 200 && pl_probe_pool_running(pool) == 0; i++) {
		struct timespec ts = {.tv_nsec = 5000000L};

		nanosleep(&ts, NULL);
	}
	assert_int_equal(pl_probe_pool_running(pool), 1);
	assert_int_equal(pl_probe_pool_cancel_queued(pool, on_dropped, &dropped), 3);
	assert_int_equal(dropped.n, 3);
	assert_int_equal(dropped.tags[0], 1); /* in the order they were queued */
	assert_int_equal(dropped.tags[1], 2);
	assert_int_equal(dropped.tags[2], 3);
	assert_int_equal(pl_probe_pool_outstanding(pool), 1);
	drain_all(pool, &seen);
	assert_int_equal(seen.times[0], 1); /* the running one still comes back */
	assert_int_equal(seen.rc[0], PL_OK);
	assert_string_equal(seen.service[0], "");
	for (unsigned tag = 1; tag < 4; tag++)
		assert_int_equal(seen.times[tag], 0);
	pl_probe_pool_free(pool);
	pl_probe_ctx_free(ctx);
	server_stop(&silent);
}

static void
test_pool_free_with_work_queued(void **state)
{
	struct pl_probe_opts opts = {.total_ms = 1000, .banner_ms = 200, .read_ms = 200};
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_pool *pool = NULL;
	struct server silent;
	struct sockaddr_in a;

	(void)state;
	server_start(&silent, 1);
	a = loopback(silent.port);
	assert_int_equal(pl_probe_ctx_new(&opts, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_pool_new(ctx, 2, &pool, NULL), PL_OK);
	for (unsigned tag = 0; tag < 8; tag++)
		assert_int_equal(pl_probe_pool_submit(pool, (const struct sockaddr *)&a, sizeof(a),
		                                      0, NULL, &tag, sizeof(tag)),
		                 PL_OK);
	pl_probe_pool_free(pool); /* waits for the running two, drops the rest: no leak */
	pl_probe_pool_free(NULL);
	pl_probe_ctx_free(ctx);
	server_stop(&silent);
}

static void
test_pool_bad_arguments(void **state)
{
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_pool *pool = (struct pl_probe_pool *)&ctx;
	struct sockaddr_in a = loopback(1);
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_probe_pool_new(NULL, 1, &pool, &err), PL_ERR_ARG);
	assert_null(pool);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(pl_probe_ctx_new(NULL, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_pool_new(ctx, 1, &pool, NULL), PL_OK);
	assert_int_equal(pl_probe_pool_submit(pool, NULL, 0, 0, NULL, NULL, 0), PL_ERR_ARG);
	assert_int_equal(pl_probe_pool_submit(pool, (const struct sockaddr *)&a,
	                                      sizeof(struct sockaddr_storage) + 1, 0, NULL, NULL,
	                                      0),
	                 PL_ERR_ARG);
	assert_int_equal(pl_probe_pool_outstanding(pool), 0);
	pl_probe_pool_free(pool);
	pl_probe_ctx_free(ctx);
	assert_int_equal(pl_probe_pool_outstanding(NULL), 0);
	assert_int_equal(pl_probe_pool_drain(NULL, 10, on_done, NULL), 0);
}

static void
test_many_over_the_pool(void **state)
{
	struct pl_probe_ctx *ctx = NULL;
	struct pl_probe_job jobs[5];
	struct server ssh;
	struct sockaddr_in up, down;

	(void)state;
	server_start(&ssh, 0);
	up = loopback(ssh.port);
	down = loopback(closed_port());
	memset(jobs, 0, sizeof(jobs));
	for (size_t i = 0; i < 5; i++) {
		const struct sockaddr_in *a = i == 2 ? &down : &up;

		memcpy(&jobs[i].addr, a, sizeof(*a));
		jobs[i].addrlen = sizeof(*a);
		snprintf(jobs[i].errmsg, sizeof(jobs[i].errmsg), "stale");
	}
	assert_int_equal(pl_probe_ctx_new(NULL, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_many(ctx, jobs, 5, 2, NULL), PL_OK);
	assert_int_equal(pl_probe_many(ctx, jobs, 0, 2, NULL), PL_OK); /* nothing to do */
	for (size_t i = 0; i < 5; i++) {
		if (i == 2) {
			assert_int_equal(jobs[i].rc, PL_ERR_IO);
			assert_true(jobs[i].errmsg[0] != '\0');
			assert_string_not_equal(jobs[i].errmsg, "stale");
			continue;
		}
		assert_int_equal(jobs[i].rc, PL_OK);
		assert_string_equal(jobs[i].errmsg, "");
		assert_string_equal(jobs[i].svc.service, "ssh");
		assert_string_equal(jobs[i].svc.version, "9.2p1");
	}
	pl_probe_ctx_free(ctx);
	server_stop(&ssh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pool_hands_back_every_port_once),
	    cmocka_unit_test(test_pool_fills_the_callers_record),
	    cmocka_unit_test(test_pool_cancel_drops_only_queued),
	    cmocka_unit_test(test_pool_free_with_work_queued),
	    cmocka_unit_test(test_pool_bad_arguments),
	    cmocka_unit_test(test_many_over_the_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
