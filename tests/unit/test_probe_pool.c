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

#include "unit.h"

#include "portlens/addr.h"
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

/* A TCP socket bound to a free port on 127.0.0.1 (made with pl_addr); returns the port. */
static uint16_t
bind_loopback(int *fd)
{
	struct pl_addr at = pl_addr_loopback(4, 0);
	struct sockaddr_storage ss;
	socklen_t len = pl_addr_to_sockaddr(&at, &ss);

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*fd >= 0);
	assert_int_equal(bind(*fd, (struct sockaddr *)&ss, len), 0);
	len = sizeof(ss);
	assert_int_equal(getsockname(*fd, (struct sockaddr *)&ss, &len), 0);
	return pl_sockaddr_port((struct sockaddr *)&ss);
}

static void
server_start(struct server *s, int silent)
{
	memset(s, 0, sizeof(*s));
	s->silent = silent;
	s->port = bind_loopback(&s->lfd);
	assert_int_equal(listen(s->lfd, 16), 0);
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
	int fd;
	uint16_t port = bind_loopback(&fd);

	close(fd);
	return port;
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

/* A server of one kind, a context and a pool of threads probing with it. */
struct fixture {
	struct server srv;
	struct pl_probe_ctx *ctx;
	struct pl_probe_pool *pool;
	struct sockaddr_in at, refused; /* the server; a port nobody listens on */
};

static void
fixture_up(struct fixture *f, int silent, const struct pl_probe_opts *opts, int threads)
{
	server_start(&f->srv, silent);
	f->at = loopback(f->srv.port);
	f->refused = loopback(closed_port());
	f->ctx = NULL;
	f->pool = NULL;
	assert_int_equal(pl_probe_ctx_new(opts, &f->ctx, NULL), PL_OK);
	if (threads >= 0) /* 0: the pool's default; -1: no pool */
		assert_int_equal(pl_probe_pool_new(f->ctx, (unsigned)threads, &f->pool, NULL),
		                 PL_OK);
}

static void
fixture_down(struct fixture *f)
{
	pl_probe_pool_free(f->pool);
	pl_probe_ctx_free(f->ctx);
	server_stop(&f->srv);
}

/* Queues tags 0..n-1 at the server, tag `refused_tag` at the refused port. */
static void
submit_tags(struct fixture *f, unsigned n, unsigned refused_tag)
{
	for (unsigned tag = 0; tag < n; tag++) {
		const struct sockaddr_in *a = tag == refused_tag ? &f->refused : &f->at;

		assert_int_equal(pl_probe_pool_submit(f->pool, (const struct sockaddr *)a,
		                                      sizeof(*a), 0, NULL, &tag, sizeof(tag)),
		                 PL_OK);
	}
}

static void
test_pool_hands_back_every_port_once(void **state)
{
	struct pl_probe_opts opts = {.total_ms = 5000};
	struct seen seen = {.drainer = pthread_self()};
	struct fixture f;

	(void)state;
	fixture_up(&f, 0, &opts, 3);
	submit_tags(&f, 6, 4);
	drain_all(f.pool, &seen);
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
	assert_int_equal(pl_probe_pool_drain(f.pool, 5000, on_done, &seen), 0);
	fixture_down(&f);
}

static void
test_pool_fills_the_callers_record(void **state)
{
	struct seen seen = {.drainer = pthread_self()};
	struct pl_service mine;
	struct fixture f;
	unsigned tag = 7;

	(void)state;
	fixture_up(&f, 0, NULL, 0);
	assert_int_equal(pl_probe_pool_submit(f.pool, (const struct sockaddr *)&f.at, sizeof(f.at),
	                                      0, &mine, &tag, sizeof(tag)),
	                 PL_OK);
	drain_all(f.pool, &seen);
	assert_int_equal(seen.times[7], 1);
	assert_ptr_equal(seen.svc_ptr[7], &mine);
	fixture_down(&f);
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
	struct seen seen = {.drainer = pthread_self()};
	struct dropped dropped = {0};
	struct fixture f;

	(void)state;
	fixture_up(&f, 1, &opts, 1); /* a silent server, one thread */
	submit_tags(&f, 4, 99);
	assert_int_equal(pl_probe_pool_outstanding(f.pool), 4);
	for (int i = 0; i < 200 && pl_probe_pool_running(f.pool) == 0; i++) {
		struct timespec ts = {.tv_nsec = 5000000L};

		nanosleep(&ts, NULL);
	}
	assert_int_equal(pl_probe_pool_running(f.pool), 1);
	assert_int_equal(pl_probe_pool_cancel_queued(f.pool, on_dropped, &dropped), 3);
	assert_int_equal(dropped.n, 3);
	assert_int_equal(dropped.tags[0], 1); /* in the order they were queued */
	assert_int_equal(dropped.tags[1], 2);
	assert_int_equal(dropped.tags[2], 3);
	assert_int_equal(pl_probe_pool_outstanding(f.pool), 1);
	drain_all(f.pool, &seen);
	assert_int_equal(seen.times[0], 1); /* the running one still comes back */
	assert_int_equal(seen.rc[0], PL_OK);
	assert_string_equal(seen.service[0], "");
	for (unsigned tag = 1; tag < 4; tag++)
		assert_int_equal(seen.times[tag], 0);
	fixture_down(&f);
}

static void
test_pool_free_with_work_queued(void **state)
{
	struct pl_probe_opts opts = {.total_ms = 1000, .banner_ms = 200, .read_ms = 200};
	struct fixture f;

	(void)state;
	fixture_up(&f, 1, &opts, 2);
	submit_tags(&f, 8, 99);
	fixture_down(&f); /* waits for the running two, drops the rest: no leak */
	pl_probe_pool_free(NULL);
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
	struct pl_probe_job jobs[5];
	struct fixture f;

	(void)state;
	fixture_up(&f, 0, NULL, -1);
	memset(jobs, 0, sizeof(jobs));
	for (size_t i = 0; i < 5; i++) {
		const struct sockaddr_in *a = i == 2 ? &f.refused : &f.at;

		memcpy(&jobs[i].addr, a, sizeof(*a));
		jobs[i].addrlen = sizeof(*a);
		snprintf(jobs[i].errmsg, sizeof(jobs[i].errmsg), "stale");
	}
	assert_int_equal(pl_probe_many(f.ctx, jobs, 5, 2, NULL), PL_OK);
	assert_int_equal(pl_probe_many(f.ctx, jobs, 0, 2, NULL), PL_OK); /* nothing to do */
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
	fixture_down(&f);
}

UNIT_MAIN(cmocka_unit_test(test_pool_hands_back_every_port_once),
          cmocka_unit_test(test_pool_fills_the_callers_record),
          cmocka_unit_test(test_pool_cancel_drops_only_queued),
          cmocka_unit_test(test_pool_free_with_work_queued),
          cmocka_unit_test(test_pool_bad_arguments), cmocka_unit_test(test_many_over_the_pool))
