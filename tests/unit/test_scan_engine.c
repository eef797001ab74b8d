// SPDX-License-Identifier: MIT
/*
 * test_scan_engine.c - the connect engine (alone and under the thread adapter) and the
 * scan driver against listeners on 127.0.0.0/8 made by the test: the exact open/closed
 * sets, every probe reported once, no descriptor leaked, a descriptor limit far below
 * --max-inflight (EMFILE must slow the scan down, not fail it), stop and resume with nothing lost
 * or repeated, dry runs; the socket pool (reserved-port parser, a socket never probes its
 * own port, source addresses learned at the second sighting); a packet engine reads its
 * wake eventfd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"

#include "core/deadline.h"

#include "portlens/scan.h"
#include "scan/sockpool.h"

#define N_OPEN   10
#define N_CLOSED 30

struct fixture {
	int fds[N_OPEN];
	uint16_t open_ports[N_OPEN];
	char spec[512]; /* all ports, open and closed */
};

struct collect {
	uint64_t n, open, stop_after;
	uint8_t *seen; /* by position */
	uint64_t space;
	int dup;
	uint32_t threads; /* engine worker threads (the thread adapter when > 1) */
};

/*
 * Binds a socket on 127.0.0.1 to a free port below Linux's ephemeral range (default
 * 32768-60999). Ports from that range are handed out to any process of the machine
 * that binds port 0 or connects, so a "closed" port taken from it could be opened by
 * another test running at the same time, and the scanner's own source ports come from
 * it too.
 */
static int
bound_socket(uint16_t *port)
{
	static const uint16_t lo = 20000, span = 10000;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	uint32_t start = (uint32_t)getpid() * 2654435761u;

	for (uint32_t i = 0; i < span; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		assert_true(fd >= 0);
		*port = (uint16_t)(lo + (start + i * 7919u) % span);
		sin.sin_port = htons(*port);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			return fd;
		close(fd);
	}
	fail_msg("no free port in %u-%u", lo, lo + span - 1);
	return -1;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int closed[N_CLOSED];
	size_t used = 0;

	/* All sockets stay bound until every port is known, so no port repeats. */
	for (int i = 0; i < N_OPEN + N_CLOSED; i++) {
		uint16_t port;
		int fd = bound_socket(&port);

		if (i < N_OPEN) {
			assert_int_equal(listen(fd, 64),
			                 0); /* never accepts: connects still complete */
			f->fds[i] = fd;
			f->open_ports[i] = port;
		} else {
			closed[i - N_OPEN] = fd;
		}
		used += (size_t)snprintf(f->spec + used, sizeof(f->spec) - used, "%s%u",
		                         i ? "," : "", port);
	}
	for (int i = 0; i < N_CLOSED; i++)
		close(closed[i]); /* bound then closed: nothing listens there */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < N_OPEN; i++)
		close(f->fds[i]);
	free(f);
	return 0;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
on_result(void *ctx, const struct pl_scan_result *r)
{
	struct collect *c = ctx;

	assert_true(r->pos < c->space);
	if (c->seen[r->pos])
		c->dup = 1;
	c->seen[r->pos] = 1;
	c->n++;
	c->open += r->state == PL_PORT_OPEN;
	if (r->state == PL_PORT_OPEN)
		assert_string_equal(pl_scan_reason_name(r->reason), "syn-ack");
	else
		assert_int_equal(r->state, PL_PORT_CLOSED);
}

static int
stop_early(void *ctx)
{
	struct collect *c = ctx;

	return c->stop_after && c->n >= c->stop_after;
}

static struct pl_scan *
make_scan(struct pl_targets *ts, struct pl_ports *ps, struct collect *c, uint32_t inflight)
{
	struct pl_scan_opts o = {
	    .engine = &pl_scan_engine_connect,
	    .cfg = {.timeout_ms = 2000,
	            .retries = 1,
	            .max_inflight = inflight,
	            .threads = c->threads},
	    .seed = 99,
	    .on_result = on_result,
	    .should_stop = stop_early,
	    .ctx = c,
	};
	struct pl_scan *scan = NULL;
	struct pl_err err = {0};

	assert_int_equal(pl_scan_new(ts, ps, &o, &scan, &err), PL_OK);
	c->space = pl_scan_space(scan);
	if (!c->seen)
		c->seen = calloc(c->space, 1);
	return scan;
}

/* One scan of the fixture's ports on some loopback addresses, and what it collected. */
struct job {
	struct pl_targets *ts;
	struct pl_ports ps;
	struct collect c;
};

static void
job_open(struct job *j, const struct fixture *f, const char *targets, uint32_t threads)
{
	struct pl_err err = {0};

	*j = (struct job){.ts = pl_targets_new(), .c = {.threads = threads}};
	assert_int_equal(pl_targets_add_spec(j->ts, targets, 0, 0, &err), PL_OK);
	assert_int_equal(pl_ports_parse(&j->ps, f->spec, &err), PL_OK);
}

/* Every port of each of the hosts answered exactly once; only 127.0.0.1 has the
 * N_OPEN listeners. */
static void
expect_every_answer(const struct job *j, unsigned hosts)
{
	assert_int_equal(j->c.n, hosts * (N_OPEN + N_CLOSED));
	assert_int_equal(j->c.open, N_OPEN);
	assert_false(j->c.dup);
}

static void
job_close(struct job *j)
{
	free(j->c.seen);
	pl_ports_cleanup(&j->ps);
	pl_targets_free(j->ts);
}

static void
run_exact(struct fixture *f, uint32_t threads)
{
	struct job j;
	struct pl_err err = {0};
	struct pl_scan *scan;
	int before = count_fds();

	job_open(&j, f, "127.0.0.1", threads);
	scan = make_scan(j.ts, &j.ps, &j.c, 0);
	assert_int_equal(pl_scan_run(scan, &err), PL_OK);
	assert_int_equal(count_fds(), before);
	expect_every_answer(&j, 1);
	pl_scan_free(scan);
	job_close(&j);
}

static void
test_exact(void **state)
{
	run_exact(*state, 1);
}

static void
test_exact_threads(void **state)
{
	run_exact(*state, 3);
}

static void
test_fd_limit(void **state)
{
	struct job j;
	struct pl_err err = {0};
	struct rlimit old, low;
	struct pl_scan *scan;
	int before = count_fds();

	/* 20 loopback addresses x 40 ports; only 127.0.0.1 has listeners. */
	job_open(&j, *state, "127.0.0.1-20", 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)before + 24;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	scan = make_scan(j.ts, &j.ps, &j.c, 5000); /* far more than 24 descriptors */
	assert_int_equal(pl_scan_run(scan, &err), PL_OK);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	expect_every_answer(&j, 20);
	assert_int_equal(count_fds(), before);
	pl_scan_free(scan);
	job_close(&j);
}

static void
run_stop_resume(struct fixture *f, uint32_t threads)
{
	struct job j;
	struct pl_err err = {0};
	struct pl_scan_state st = {0};
	struct pl_scan *scan;
	int before = count_fds();

	job_open(&j, f, "127.0.0.1-100", threads);
	/* Stop three times, resuming from the saved state each time. */
	for (uint64_t stop = 500; stop <= 1500; stop += 500) {
		j.c.stop_after = stop;
		scan = make_scan(j.ts, &j.ps, &j.c, 300);
		if (st.next)
			assert_int_equal(pl_scan_set_state(scan, &st, &err), PL_OK);
		pl_scan_state_cleanup(&st);
		assert_int_equal(pl_scan_run(scan, &err), PL_ERR_INTERRUPTED);
		assert_int_equal(count_fds(), before);
		assert_int_equal(pl_scan_get_state(scan, &st), PL_OK);
		assert_true(st.next > 0);
		pl_scan_free(scan);
	}
	j.c.stop_after = 0;
	scan = make_scan(j.ts, &j.ps, &j.c, 300);
	assert_int_equal(pl_scan_set_state(scan, &st, &err), PL_OK);
	pl_scan_state_cleanup(&st);
	assert_int_equal(pl_scan_run(scan, &err), PL_OK);
	expect_every_answer(&j, 100);
	assert_int_equal(pl_scan_get_state(scan, &st), PL_OK);
	assert_int_equal(st.n_pending, 0);
	pl_scan_free(scan);
	job_close(&j);
}

static void
test_stop_resume(void **state)
{
	run_stop_resume(*state, 1);
}

static void
test_stop_resume_threads(void **state)
{
	run_stop_resume(*state, 2);
}

static void
test_dry_run(void **state)
{
	struct pl_targets *ts = pl_targets_new();
	struct pl_ports ps = {0};
	struct pl_scan_opts o = {.dry_run = 1, .seed = 5, .shard_index = 1, .shard_count = 2};
	struct pl_scan_progress p;
	struct pl_scan *scan = NULL;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_targets_add_spec(ts, "198.18.0.0/16", 0, 0, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "198.18.0.0/24", 1, 0, &err), PL_OK);
	assert_int_equal(pl_ports_parse(&ps, "22,80", &err), PL_OK);
	assert_int_equal(pl_scan_new(ts, &ps, &o, &scan, &err), PL_OK);
	assert_true(pl_scan_space(scan) == 131072);
	assert_int_equal(pl_scan_run(scan, &err), PL_OK);
	pl_scan_get_progress(scan, &p);
	assert_true(p.total == 65536 && p.done == 65536);
	/* 514 positions are skipped (the /24, the broadcast); about half fall here. */
	assert_true(p.skipped > 200 && p.skipped < 320);
	pl_scan_free(scan);
	/* Errors: empty sets, engines that cannot do a transport. */
	o.dry_run = 0;
	o.engine = &pl_scan_engine_connect;
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_parse(&ps, "U:53", &err), PL_OK);
	assert_int_equal(pl_scan_new(ts, &ps, &o, &scan, &err), PL_ERR_ARG);
	assert_non_null(strstr(err.msg, "cannot scan udp"));
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_scan_new(ts, &ps, &o, &scan, &err), PL_ERR_ARG);
	pl_targets_free(ts);
}

/* Pool sockets have ports of their own; none is handed out for a probe of its own port. */
static void
test_pool_ports(void **state)
{
	struct pl_sockpool sp;
	struct pl_sp_sock a, b;
	struct pl_scan_addr lo = {.family = 4, .bytes = {127, 0, 0, 1}};
	struct sockaddr_in sin = {.sin_family = AF_INET};
	int learn, before = count_fds();
	unsigned pool;

	(void)state;
	assert_int_equal(pli_sockpool_init(&sp, 8), PL_OK);
	assert_int_equal(pli_sockpool_get(&sp, 0, 0, &a), 1);
	assert_true(a.port != 0);
	pli_sockpool_put(&sp, &a, 1);
	assert_int_equal(pli_sockpool_get(&sp, 0, 0, &b), 0); /* the same one, reused */
	assert_int_equal(b.fd, a.fd);
	pli_sockpool_put(&sp, &b, 1);
	assert_int_equal(pli_sockpool_get(&sp, 0, a.port, &b), 1); /* not a: its own port */
	assert_true(b.fd != a.fd && b.port != a.port);
	pli_sockpool_put(&sp, &b, 1);
	/* Learning: nothing at the first sighting, the source at the second. */
	assert_int_equal(pli_sockpool_pick(&sp, &lo, &learn), 0);
	assert_false(learn);
	assert_int_equal(pli_sockpool_pick(&sp, &lo, &learn), 0);
	assert_true(learn);
	assert_true(pli_sockpool_get(&sp, 0, 9, &a) >= 0);
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (connect(a.fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno == EINPROGRESS)
		pli_sockpool_learn(&sp, &lo, &a);
	pli_sockpool_put(&sp, &a, 0);
	pool = pli_sockpool_pick(&sp, &lo, &learn);
	if (pool >= 2) { /* learned (unless loopback refused inside connect) */
		assert_int_equal(sp.pool[pool].has_src, 1);
		assert_memory_equal(sp.pool[pool].src, lo.bytes, 4);
		assert_int_equal(pli_sockpool_get(&sp, pool, 0, &a), 1);
		pli_sockpool_put(&sp, &a, 1);
		pli_sockpool_forget(&sp, pool);
		assert_int_equal(pli_sockpool_pick(&sp, &lo, &learn), 0); /* forgotten */
	}
	pli_sockpool_cleanup(&sp);
	assert_int_equal(count_fds(), before);
}

static void
ignore_result(void *ctx, const struct pl_scan_result *r)
{
	(void)ctx;
	(void)r;
}

/*
 * A packet engine (frame.c; the UDP engine needs no privileges) wakes on its wake
 * eventfd and reads it: the next poll waits again. An unread eventfd stays readable,
 * and a worker thread of the thread adapter then spun on poll() returning at once.
 */
static void
test_frame_wake_fd(void **state)
{
	struct pl_scan_engine_cfg cfg = {.timeout_ms = 1000, .emit = ignore_result};
	struct pl_err err = {0};
	uint64_t one = 1, t0;
	void *eng = NULL;

	(void)state;
	cfg.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(cfg.wake_fd > 0);
	assert_int_equal(pl_scan_engine_udp.create(&cfg, &eng, &err), PL_OK);
	assert_int_equal(write(cfg.wake_fd, &one, sizeof(one)), (ssize_t)sizeof(one));
	t0 = (uint64_t)pli_clock_ms(CLOCK_MONOTONIC);
	assert_int_equal(pl_scan_engine_udp.poll(eng, 5000, &err), PL_OK);
	assert_true((uint64_t)pli_clock_ms(CLOCK_MONOTONIC) - t0 < 2000); /* woken */
	t0 = (uint64_t)pli_clock_ms(CLOCK_MONOTONIC);
	assert_int_equal(pl_scan_engine_udp.poll(eng, 200, &err), PL_OK);
	assert_true((uint64_t)pli_clock_ms(CLOCK_MONOTONIC) - t0 >=
	            150); /* nothing pending: it waited */
	pl_scan_engine_udp.destroy(eng);
	close(cfg.wake_fd);
}

UNIT_MAIN(cmocka_unit_test_setup_teardown(test_exact, setup, teardown),
          cmocka_unit_test_setup_teardown(test_fd_limit, setup, teardown),
          cmocka_unit_test_setup_teardown(test_stop_resume, setup, teardown),
          cmocka_unit_test_setup_teardown(test_exact_threads, setup, teardown),
          cmocka_unit_test_setup_teardown(test_stop_resume_threads, setup, teardown),
          cmocka_unit_test(test_dry_run), cmocka_unit_test(test_pool_ports),
          cmocka_unit_test(test_frame_wake_fd))
