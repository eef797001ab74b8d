// SPDX-License-Identifier: MIT
/*
 * test_probe.c - the probe engine against hostile and awkward servers on 127.0.0.1
 * (each a thread in this process): banners split across reads, a 1 MiB flood, binary
 * noise, a server that never answers, one that resets mid-handshake, one that drips a
 * byte per second, connection refused. Each must return within its time budget with a
 * bounded read. Also the classifiers over captured answers of every protocol, and the
 * evidence escaper.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "table_tests.h"

#include "core/deadline.h"
#include "portlens/probe.h"

struct server;
typedef void (*serve_fn)(struct server *s, int fd, int nth);

struct server {
	int lfd;
	uint16_t port;
	serve_fn fn;
	void *arg;    /* for the serve function */
	int threaded; /* one thread per connection (servers that talk to many at once) */
	volatile int stop;
	volatile int busy; /* connection threads still running */
	pthread_t thread;
};

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

struct conn_job {
	struct server *s;
	int fd, nth;
};

static void *
conn_main(void *arg)
{
	struct conn_job *j = arg;

	j->s->fn(j->s, j->fd, j->nth);
	close(j->fd);
	__atomic_sub_fetch(&j->s->busy, 1, __ATOMIC_SEQ_CST);
	free(j);
	return NULL;
}

/* Runs one connection: inline, or on its own detached thread for threaded servers. */
static void
serve_one(struct server *s, int fd, int nth)
{
	struct conn_job *j = s->threaded ? malloc(sizeof(*j)) : NULL;
	pthread_t t;

	if (j) {
		*j = (struct conn_job){.s = s, .fd = fd, .nth = nth};
		__atomic_add_fetch(&s->busy, 1, __ATOMIC_SEQ_CST);
		if (pthread_create(&t, NULL, conn_main, j) == 0) {
			pthread_detach(t);
			return;
		}
		__atomic_sub_fetch(&s->busy, 1, __ATOMIC_SEQ_CST);
		free(j);
	}
	s->fn(s, fd, nth);
	close(fd);
}

static void *
server_main(void *arg)
{
	struct server *s = arg;

	for (int nth = 0; !s->stop && nth < 50; nth++) {
		struct pollfd pfd = {.fd = s->lfd, .events = POLLIN};
		int fd;

		if (poll(&pfd, 1, 100) <= 0) {
			nth--;
			continue;
		}
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve_one(s, fd, nth);
	}
	return NULL;
}

static void
server_start_as(struct server *s, serve_fn fn, int threaded)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->threaded = threaded;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 8), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void
server_start(struct server *s, serve_fn fn)
{
	server_start_as(s, fn, 0);
}

static void
server_stop(struct server *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	for (int i = 0; i < 100 && __atomic_load_n(&s->busy, __ATOMIC_SEQ_CST) > 0; i++)
		sleep_ms(50);
	close(s->lfd);
}

/* Waits until the client hangs up (or limit_ms pass). */
static void
hold(int fd, unsigned limit_ms)
{
	char buf[256];
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	for (unsigned waited = 0; waited < limit_ms; waited += 50)
		if (poll(&pfd, 1, 50) > 0 && recv(fd, buf, sizeof(buf), 0) <= 0)
			return;
}

static void
serve_split_ssh(struct server *s, int fd, int nth)
{
	(void)s;
	(void)nth;
	send(fd, "SSH-2.0-Open", 12, MSG_NOSIGNAL);
	sleep_ms(150);
	send(fd, "SSH_9.2p1 Debian-2\r\n", 20, MSG_NOSIGNAL);
	hold(fd, 3000);
}

static void
serve_flood(struct server *s, int fd, int nth)
{
	char chunk[8192];

	(void)s;
	(void)nth;
	memset(chunk, 'A', sizeof(chunk));
	for (int i = 0; i < 128; i++) /* 1 MiB, or until the client hangs up */
		if (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
			return;
}

static void
serve_binary(struct server *s, int fd, int nth)
{
	unsigned char noise[4096];
	uint32_t x = 0x12345678u;

	(void)s;
	(void)nth;
	for (size_t i = 0; i < sizeof(noise); i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (unsigned char)(x >> 24);
	}
	noise[0] = 0;
	send(fd, noise, sizeof(noise), MSG_NOSIGNAL);
	hold(fd, 3000);
}

/* The client's first request within ms (its length), or -1. */
static ssize_t
recv_request(int fd, unsigned char *buf, size_t size, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, ms) > 0 ? recv(fd, buf, size, 0) : -1;
}

/* An X.224 Connection Request with an RDP negotiation request (19 bytes in all). */
static int
is_rdp_connect(const unsigned char *req, ssize_t n, ssize_t want_len)
{
	return (want_len ? n == want_len : n >= 11) && req[0] == 0x03 && req[5] == 0xe0;
}

/* An X.224 Connection Confirm carrying RDP_NEG_RSP (type 2: flags, the selected
 * protocol) or RDP_NEG_FAILURE (type 3: the failure code in place of the protocol). */
static void
send_rdp_confirm(int fd, unsigned char type, unsigned char flags, unsigned char protocol)
{
	unsigned char cc[19] = {0x03, 0x00, 0x00,  0x13, 0x0e, 0xd0,     0x00, 0x00, 0x12, 0x34,
	                        0x00, type, flags, 0x08, 0x00, protocol, 0x00, 0x00, 0x00};

	send(fd, cc, sizeof(cc), MSG_NOSIGNAL);
}

/*
 * An RDP server as xrdp behaves: a TLS ClientHello (or anything but an X.224 Connection
 * Request) gets an X.224 Data TPDU with an MCS Disconnect Provider Ultimatum; a
 * Connection Request offering TLS gets a Connection Confirm selecting TLS, one offering
 * only standard RDP security one selecting that. Every other request: the connection
 * is closed.
 */
static void
serve_xrdp(struct server *s, int fd, int nth)
{
	static const unsigned char dpum[] = {0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80};
	unsigned char req[512];
	ssize_t n = recv_request(fd, req, sizeof(req), 3000);

	(void)s;
	(void)nth;
	if (n <= 0)
		return;
	if (is_rdp_connect(req, n, 19))
		/* TLS when offered, else standard RDP security */
		send_rdp_confirm(fd, 0x02, 0x01, req[15] & 1);
	else if (req[0] == 0x16)
		send(fd, dpum, sizeof(dpum), MSG_NOSIGNAL);
	/* Anything else: hang up at once (one connection at a time in this harness). */
}

/* An RDP server that insists on NLA: a Connection Request offering CredSSP gets it
 * selected, any other a Negotiation Failure HYBRID_REQUIRED_BY_SERVER (5). */
static void
serve_rdp_nla(struct server *s, int fd, int nth)
{
	unsigned char req[512];
	ssize_t n = recv_request(fd, req, sizeof(req), 3000);

	(void)s;
	(void)nth;
	if (n <= 0 || !is_rdp_connect(req, n, 19))
		return;
	if (req[15] & 2)
		send_rdp_confirm(fd, 0x02, 0x00, 0x02);
	else
		send_rdp_confirm(fd, 0x03, 0x00, 0x05); /* HYBRID_REQUIRED_BY_SERVER */
}

static void
serve_silent(struct server *s, int fd, int nth)
{
	(void)s;
	(void)nth;
	hold(fd, 20000);
}

static void
rst_close(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/* First connection: an HTTPS server's complaint; then: reset in the TLS handshake. */
static void
serve_reset_tls(struct server *s, int fd, int nth)
{
	static const char plain[] = "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n"
	                            "The plain HTTP request was sent to HTTPS port";
	unsigned char buf[2048];

	(void)s;
	if (recv_request(fd, buf, sizeof(buf), 3000) > 0 && nth == 0)
		send(fd, plain, sizeof(plain) - 1, MSG_NOSIGNAL);
	rst_close(fd);
}

/* Answers only an RDP X.224 Connection Request; silent to everything else. */
static void
serve_rdp_only(struct server *s, int fd, int nth)
{
	unsigned char buf[2048];
	ssize_t n = recv_request(fd, buf, sizeof(buf), 5000);

	(void)nth;
	if (n <= 0)
		return;
	if (is_rdp_connect(buf, n, 0))
		send_rdp_confirm(fd, 0x02, 0x1f, 0x02);
	hold(fd, s->stop ? 0 : 5000);
}

/* The first connection's request gets a few unknown bytes back; then silence. */
static void
serve_once_unknown(struct server *s, int fd, int nth)
{
	unsigned char buf[2048];

	if (recv_request(fd, buf, sizeof(buf), 5000) > 0 && nth == 0)
		send(fd, "\x07\x00\r\nQ?\x01", 7, MSG_NOSIGNAL);
	hold(fd, s->stop ? 0 : 5000);
}

static void
serve_drip(struct server *s, int fd, int nth)
{
	const char *msg = "SSH-2.0-drip\r\n";

	(void)nth;
	for (size_t i = 0; msg[i] && !s->stop; i++) {
		if (send(fd, msg + i, 1, MSG_NOSIGNAL) < 0)
			return;
		for (int k = 0; k < 10 && !s->stop; k++)
			sleep_ms(100);
	}
}

struct run {
	struct pl_service svc;
	enum pl_rc rc;
	unsigned ms;
};

static void
probe_port(uint16_t port, const struct pl_probe_opts *opts, struct run *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons(port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct pl_probe_ctx *ctx = NULL;
	uint64_t t0;

	assert_int_equal(pl_probe_ctx_new(opts, &ctx, NULL), PL_OK);
	t0 = (uint64_t)pli_clock_ms(CLOCK_MONOTONIC);
	r->rc = pl_probe_service(ctx, (struct sockaddr *)&a, sizeof(a), &r->svc, NULL);
	r->ms = (unsigned)((uint64_t)pli_clock_ms(CLOCK_MONOTONIC) - t0);
	pl_probe_ctx_free(ctx);
}

/*
 * The probe against one hostile or awkward server: each row is a server, the probe's
 * options and what the result must show. A field left NULL or 0 is not checked; every
 * row must return PL_OK with a bounded, printable evidence text.
 */
struct live_case {
	const char *name;
	serve_fn fn;
	int threaded; /* one thread per connection: servers that talk to many at once */
	struct pl_probe_opts opts;
	const char *service, *probe, *product, *version;
	const char *evidence;                /* the escaped evidence, exactly */
	const char *evidence_has, *info_has; /* substrings */
	const char *raw;                     /* the evidence as read, raw_len bytes */
	size_t raw_len;
	unsigned ms_below;             /* the probe returned in less than this */
	unsigned max_bytes_read;       /* the read was bounded */
	int truncated;                 /* the answer was cut (1: must be) */
	int no_tls;                    /* no handshake completed */
	uint32_t exposed, not_exposed; /* exposure bits set / clear */
};

static const struct live_case live_cases[] = {
    {.name = "test_split_banner",
     .fn = serve_split_ssh,
     .service = "ssh",
     .product = "OpenSSH",
     .version = "9.2p1",
     .evidence = "SSH-2.0-OpenSSH_9.2p1 Debian-2"},
    {.name = "test_flood_is_bounded",
     .fn = serve_flood,
     .opts = {.total_ms = 4000},
     .truncated = 1,
     .max_bytes_read = PL_PROBE_MAX_READ + 1024,
     .ms_below = 4500},
    {.name = "test_binary_noise",
     .fn = serve_binary,
     .opts = {.total_ms = 3000},
     .service = "",
     .evidence_has = "\\x00"},
    {.name = "test_silent_server_is_bounded",
     .fn = serve_silent,
     .opts = {.total_ms = 1500, .banner_ms = 500, .read_ms = 400},
     .service = "",
     .ms_below = 1801},
    /* The X.224 answer to the TLS ClientHello is classified and kept; RDP is then asked
     * properly, with its security protocols, however many probes were silent before. */
    {.name = "test_rdp_answer_to_tls_hello",
     .fn = serve_xrdp,
     .opts = {.total_ms = 1500, .banner_ms = 300, .read_ms = 400},
     .service = "rdp",
     .info_has = "security: RDP, TLS; NLA not required",
     .exposed = PL_EXP_RDP_NO_NLA,
     .evidence_has = "\\x03\\x00\\x00\\x13\\x0e\\xd0"},
    /* A server that requires NLA: CredSSP is what it accepts, and no exposure is
     * reported. */
    {.name = "test_rdp_nla_required",
     .fn = serve_rdp_nla,
     .opts = {.banner_ms = 300, .read_ms = 400},
     .service = "rdp",
     .info_has = "security: CredSSP; NLA required",
     .not_exposed = PL_EXP_RDP_NO_NLA},
    {.name = "test_reset_mid_tls",
     .fn = serve_reset_tls,
     .opts = {.total_ms = 4000, .banner_ms = 200},
     .no_tls = 1, /* the handshake never completed */
     .service = "tls",
     .ms_below = 4500},
    {.name = "test_drip_is_bounded",
     .fn = serve_drip,
     .opts = {.total_ms = 2500, .banner_ms = 2000},
     .ms_below = 3001,
     .max_bytes_read = 4},
    /* A service that answers only the last protocol in the table (RDP) is still found,
     * within the budget: every client-first probe gets asked, side by side. */
    {.name = "test_every_probe_gets_asked",
     .fn = serve_rdp_only,
     .threaded = 1,
     .opts = {.total_ms = 8000, .banner_ms = 300, .read_ms = 800},
     .service = "rdp",
     .probe = "rdp",
     .ms_below = 4000},
    /* Bytes a server sent are the evidence even when later probes hear nothing. */
    {.name = "test_evidence_kept",
     .fn = serve_once_unknown,
     .threaded = 1,
     .opts = {.total_ms = 6000, .banner_ms = 300, .read_ms = 600},
     .service = "",
     .raw = "\x07\x00\r\nQ?\x01",
     .raw_len = 7,
     .evidence = "\\x07\\x00\\r\\nQ?\\x01"},
};

static void
assert_str_if(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
}

static void
assert_has_if(const char *got, const char *want)
{
	if (want)
		assert_non_null(strstr(got, want));
}

static void
test_live(void **state)
{
	const struct live_case *c = *state;
	struct server s;
	struct run r;

	server_start_as(&s, c->fn, c->threaded);
	probe_port(s.port, &c->opts, &r);
	server_stop(&s);
	assert_int_equal(r.rc, PL_OK);
	assert_str_if(r.svc.service, c->service);
	assert_str_if(r.svc.probe, c->probe);
	assert_str_if(r.svc.product, c->product);
	assert_str_if(r.svc.version, c->version);
	assert_str_if(r.svc.evidence, c->evidence);
	assert_has_if(r.svc.evidence, c->evidence_has);
	assert_has_if(r.svc.info, c->info_has);
	if (c->raw) {
		assert_int_equal(r.svc.evidence_len, c->raw_len);
		assert_memory_equal(r.svc.evidence_raw, c->raw, c->raw_len);
	}
	if (c->ms_below)
		assert_true(r.ms < c->ms_below);
	if (c->max_bytes_read)
		assert_true(r.svc.bytes_read <= c->max_bytes_read);
	if (c->truncated)
		assert_true(r.svc.truncated);
	if (c->no_tls)
		assert_false(r.svc.tls);
	assert_true((r.svc.exposures & c->exposed) == c->exposed);
	assert_false(r.svc.exposures & c->not_exposed);
	assert_true(strlen(r.svc.evidence) < sizeof(r.svc.evidence));
	for (const char *p = r.svc.evidence; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
}

/* xrdp's answer to a TLS ClientHello (X.224 Data + MCS Disconnect Provider Ultimatum)
 * alone identifies RDP; a TPKT of another shape does not. */
static void
test_rdp_x224_data_answer(void **state)
{
	static const unsigned char dpum[] = {0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80};
	unsigned char other[sizeof(dpum)];
	struct pl_probe_ctx *ctx;
	struct pl_service svc;

	(void)state;
	assert_int_equal(pl_probe_ctx_new(NULL, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_classify_banner(ctx, dpum, sizeof(dpum), &svc), 1);
	assert_string_equal(svc.service, "rdp");
	memcpy(other, dpum, sizeof(other));
	other[3] = 0x0a; /* TPKT length disagrees with the bytes */
	pl_probe_classify_banner(ctx, other, sizeof(other), &svc);
	pl_probe_ctx_free(ctx);
	assert_string_not_equal(svc.service, "rdp");
}

static void
test_refused(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	struct run r;

	(void)state;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd); /* nothing listens there now */
	probe_port(ntohs(a.sin_port), NULL, &r);
	assert_int_equal(r.rc, PL_ERR_IO);
}

/* IPv6: a banner server on ::1 (skipped when the host has no IPv6 loopback). */
static void *
serve_v6_once(void *arg)
{
	int lfd = *(int *)arg, fd = accept(lfd, NULL, NULL);

	if (fd >= 0) {
		send(fd, "SSH-2.0-OpenSSH_9.6\r\n", 21, MSG_NOSIGNAL);
		hold(fd, 3000);
		close(fd);
	}
	return NULL;
}

static void
test_ipv6(void **state)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	socklen_t len = sizeof(a);
	struct pl_probe_ctx *ctx = NULL;
	struct pl_service svc;
	pthread_t t;
	int lfd = socket(AF_INET6, SOCK_STREAM, 0);

	(void)state;
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (lfd >= 0)
			close(lfd);
		skip();
	}
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	assert_int_equal(pthread_create(&t, NULL, serve_v6_once, &lfd), 0);
	assert_int_equal(pl_probe_ctx_new(NULL, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_service(ctx, (struct sockaddr *)&a, sizeof(a), &svc, NULL),
	                 PL_OK);
	pthread_join(t, NULL);
	close(lfd);
	pl_probe_ctx_free(ctx);
	assert_string_equal(svc.service, "ssh");
	assert_string_equal(svc.version, "9.6");
}

/*
 * A fake Telnet login: negotiation, "login: ", "Password: ", then a shell prompt for
 * admin/admin and "Login incorrect" for anything else. Counts connections and the
 * most open at once (the check must be polite: one at a time).
 */
struct fake_login {
	volatile int conns, open_now, max_open;
	unsigned slow_ms; /* pause before the shell prompt of an accepted login */
};

static int
read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	while (n + 1 < size && poll(&pfd, 1, 3000) > 0) {
		char c;

		if (recv(fd, &c, 1, 0) != 1)
			return -1;
		if ((unsigned char)c == 0xff) { /* skip the client's IAC WONT/DONT x */
			char skip[2];

			if (recv(fd, skip, 2, MSG_WAITALL) != 2)
				return -1;
			continue;
		}
		if (c == '\n')
			break;
		if (c != '\r')
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

static void
serve_login(struct server *s, int fd, int nth)
{
	struct fake_login *fake = s->arg;
	char user[64], pass[64];

	(void)nth;
	fake->conns++;
	if (++fake->open_now > fake->max_open)
		fake->max_open = fake->open_now;
	send(fd, "\xff\xfd\x18\xff\xfb\x01", 6, MSG_NOSIGNAL);
	send(fd, "\r\nfake 1.0\r\nlogin: ", 19, MSG_NOSIGNAL);
	if (read_line(fd, user, sizeof(user)) == 0) {
		send(fd, "Password: ", 10, MSG_NOSIGNAL);
		if (read_line(fd, pass, sizeof(pass)) == 0) {
			if (strcmp(user, "admin") == 0 && strcmp(pass, "admin") == 0) {
				sleep_ms(fake->slow_ms);
				send(fd, "\r\nWelcome\r\n# ", 14, MSG_NOSIGNAL);
			} else
				send(fd, "\r\nLogin incorrect\r\nlogin: ", 26, MSG_NOSIGNAL);
			hold(fd, 1000);
		}
	}
	fake->open_now--;
}

/* A fake login server for one test: started, with its address. */
struct login_lab {
	struct server s;
	struct sockaddr_in a;
};

static void
login_lab_start(struct login_lab *lab, struct fake_login *fake)
{
	server_start(&lab->s, serve_login);
	lab->s.arg = fake; /* read by the server thread only after our first connect */
	lab->a = (struct sockaddr_in){.sin_family = AF_INET,
	                              .sin_port = htons(lab->s.port),
	                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
}

static void
login_lab_try(struct login_lab *lab, const struct pl_cred_opts *co, struct pl_cred_result *res)
{
	assert_int_equal(pl_probe_telnet_default_creds((struct sockaddr *)&lab->a, sizeof(lab->a),
	                                               co, res, NULL),
	                 PL_OK);
}

static void
test_default_creds_check(void **state)
{
	struct pl_cred_opts co = {.delay_ms = 5, .step_ms = 2000};
	struct pl_cred_result res;
	struct fake_login fake = {0};
	struct login_lab lab;

	(void)state;
	login_lab_start(&lab, &fake);
	login_lab_try(&lab, &co, &res);
	assert_true(res.accepted);
	assert_string_equal(res.username, "admin");
	assert_string_equal(res.password, "admin");
	assert_int_equal(res.tried, 4); /* admin/admin is Mirai's 4th pair: stop there */
	assert_int_equal(fake.conns, 4);
	assert_int_equal(fake.max_open, 1); /* one connection at a time */
	/* Refused pairs leave nothing behind: no pair is reported. */
	co.max_tries = 3;
	login_lab_try(&lab, &co, &res);
	assert_false(res.accepted);
	assert_int_equal(res.tried, 3);
	assert_string_equal(res.username, "");
	assert_string_equal(res.password, "");
	server_stop(&lab.s);
}

/* A login slower than the wait (motd scripts on a busy host) is retried, not refused. */
static void
test_default_creds_slow_login(void **state)
{
	struct pl_cred_opts co = {.delay_ms = 5, .step_ms = 500};
	struct pl_cred_result res;
	struct fake_login fake = {.slow_ms = 1000};
	struct login_lab lab;

	(void)state;
	login_lab_start(&lab, &fake);
	login_lab_try(&lab, &co, &res);
	assert_true(res.accepted);
	assert_string_equal(res.username, "admin");
	assert_int_equal(res.tried, 4);  /* the retry is the same pair, not a fifth */
	assert_int_equal(fake.conns, 5); /* 3 refused, 1 silent, 1 retried with a longer wait */
	server_stop(&lab.s);
}

struct vector {
	const char *bytes;
	size_t len;
	const char *service, *product, *version;
};

#define V(b, svc, prod, ver)                                                                       \
	{                                                                                          \
		b, sizeof(b) - 1, svc, prod, ver                                                   \
	}

static const struct vector vectors[] = {
    /* netkit telnetd's opening (DO TTYPE, TSPEED, XDISPLOC, NEW-ENVIRON) */
    V("\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27", "telnet", "telnetd", ""),
    /* GNU inetutils telnetd's (Debian 12 "telnetd"): WILL AUTHENTICATION, WILL ENCRYPT first */
    V("\xff\xfb\x25\xff\xfb\x26\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27\xff\xfd\x24",
      "telnet", "inetutils telnetd", ""),
    V("\r\nUser Access Verification\r\n\r\nUsername: ", "telnet", "", ""),
    V("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n", "ssh", "OpenSSH", "8.9p1"),
    V("SSH-2.0-dropbear_2022.83\r\n", "ssh", "Dropbear SSH", "2022.83"),
    V("220 (vsFTPd 3.0.3)\r\n", "ftp", "vsFTPd", "3.0.3"),
    V("220 ProFTPD Server (Debian) [::ffff:198.18.0.2]\r\n", "ftp", "ProFTPD", ""),
    /* vsftpd that refuses every session (here: both local and anonymous logins off) says
     * so with its own "500 OOPS: " line instead of a 220 greeting */
    V("500 OOPS: vsftpd: both local and anonymous access disabled!\r\n", "ftp", "vsFTPd", ""),
    V("220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n", "smtp", "Postfix", ""),
    V("+OK Dovecot (Debian) ready.\r\n", "pop3", "Dovecot", ""),
    V("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
      "AUTH=PLAIN] Dovecot (Debian) ready.\r\n",
      "imap", "Dovecot", ""),
    V("\x4a\x00\x00\x00\x0a"
      "8.0.36-0ubuntu0.22.04.1\x00\x08\x00\x00\x00",
      "mysql", "MySQL", "8.0.36"),
    V("RFB 003.008\n", "vnc", "", ""),
    V("HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian)\r\n\r\n<title>It works</title>", "http",
      "HTTPD", "2.4.57"),
    V("+PONG\r\n", "redis", "Redis", ""),
    V("-NOAUTH Authentication required.\r\n", "redis", "Redis", ""),
    V("VERSION 1.6.18\r\n", "memcached", "Memcached", "1.6.18"),
    V("\x20\x02\x00\x00", "mqtt", "", ""),
    V("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00", "rdp", "",
      ""),
    V("R\x00\x00\x00\x0c\x00\x00\x00\x05\x01\x02\x03\x04", "postgresql", "PostgreSQL", ""),
    V("\x15\x03\x03\x00\x02\x02\x46", "tls", "", ""),
    V("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nIt looks like you are trying to "
      "access MongoDB over HTTP on the native driver port.\r\n",
      "mongodb", "MongoDB", ""),
    V("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"name\" : \"n1\", "
      "\"cluster_name\" : \"es\", \"version\" : {\"number\" : \"7.17.9\"}, \"tagline\" : "
      "\"You Know, for Search\"}",
      "elasticsearch", "Elasticsearch", "7.17.9"),
    V("HTTP/1.1 404 Not Found\r\nApi-Version: 1.41\r\nServer: Docker/20.10.24 (linux)\r\n\r\n",
      "docker", "Docker Engine API", "20.10.24"),
    /* Issue 14: services that speak HTTP, and the new binary protocols */
    V("HTTP/1.1 403 Forbidden\r\nServer: CUPS/2.4 IPP/2.1\r\n\r\n<HTML><HEAD><TITLE>Forbidden - "
      "CUPS v2.4.2</TITLE></HEAD></HTML>",
      "ipp", "CUPS", "2.4.2"),
    V("HTTP/1.1 400 Bad Request\r\nServer: squid/5.7\r\nX-Squid-Error: ERR_INVALID_URL 0\r\n\r\n",
      "http-proxy", "Squid", "5.7"),
    V("HTTP/1.1 403 Forbidden\r\nX-Jenkins: 2.426.1\r\nServer: Jetty(10.0.18)\r\n\r\n", "http",
      "Jenkins", "2.426.1"),
    V("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"major\": \"1\", \"gitVersion\": "
      "\"v1.28.4\", \"goVersion\": \"go1.20.11\"}",
      "kubernetes", "Kubernetes API server", "1.28.4"),
    V("HTTP/1.1 200 OK\r\n\r\n{\"name\":\"n\",\"cluster_name\":\"c\",\"version\":{\"distribution\":"
      "\"opensearch\",\"number\":\"2.11.0\"}}",
      "elasticsearch", "OpenSearch", "2.11.0"),
    V("HTTP/1.0 200 OK\r\n\r\n# HELP go_gc_duration_seconds x\n# TYPE go_gc_duration_seconds "
      "summary\nnode_exporter_build_info{branch=\"\",goversion=\"go1.19.8\",version=\"1.5.0\"} 1\n",
      "prometheus-exporter", "Prometheus node_exporter", "1.5.0"),
    V("SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nServer: Asterisk PBX 18.10.0\r\n\r\n", "sip",
      "PBX" /* Recog: vendor Asterisk */, "18.10.0"),
    V("\x00\x01\x00\x00\x00\x1b\x01\x2b\x0e\x01\x01\x00\x00\x03\x00\x04"
      "ACME\x01\x04PLC1\x02\x05"
      "1.2.3",
      "modbus", "PLC1", "1.2.3"),
    V("\x00\x01\x00\x00\x00\x03\x01\xab\x01", "modbus", "", ""),
    V("\x03\x00\x00\x16\x11\xd0\x00\x01\x00\x01\x00\xc0\x01\x0a\xc1\x02\x01\x00\xc2\x02\x01\x02",
      "s7comm", "", ""),
    V("\x00\x01garbage", "", "", ""),
};

static void
test_classifiers(void **state)
{
	struct pl_probe_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(pl_probe_ctx_new(NULL, &ctx, NULL), PL_OK);
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		struct pl_service svc;
		int found =
		    pl_probe_classify_banner(ctx, (const unsigned char *)v->bytes, v->len, &svc);

		if (strcmp(svc.service, v->service) != 0 || strcmp(svc.product, v->product) != 0 ||
		    strcmp(svc.version, v->version) != 0)
			fail_msg("vector %zu: got %s/%s/%s, want %s/%s/%s", i, svc.service,
			         svc.product, svc.version, v->service, v->product, v->version);
		assert_int_equal(found, v->service[0] != '\0');
	}
	pl_probe_ctx_free(ctx);
}

/* What an answer tells about authentication: Redis PONG and PostgreSQL
 * AuthenticationOk (trust) let us in; NOAUTH and MQTT's "not authorised" do not. */
static const struct auth_fact {
	const char *bytes;
	size_t len;
	enum pl_tri auth_required;
} auth_facts[] = {
    {"+PONG\r\n", 7, PL_TRI_NO},
    {"-NOAUTH x\r\n", 11, PL_TRI_YES},
    {"\x20\x02\x00\x05", 4, PL_TRI_YES},
    {"R\0\0\0\x08\0\0\0\0", 9, PL_TRI_NO}, /* AuthenticationOk: trust */
};

static void
test_auth_facts(void **state)
{
	struct pl_probe_ctx *ctx = NULL;
	struct pl_service svc;

	(void)state;
	assert_int_equal(pl_probe_ctx_new(NULL, &ctx, NULL), PL_OK);
	for (size_t i = 0; i < sizeof(auth_facts) / sizeof(auth_facts[0]); i++) {
		const struct auth_fact *f = &auth_facts[i];

		pl_probe_classify_banner(ctx, (const unsigned char *)f->bytes, f->len, &svc);
		assert_int_equal(svc.auth_required, f->auth_required);
	}
	pl_probe_ctx_free(ctx);
}

static void
test_escape(void **state)
{
	char out[16];
	size_t used;

	(void)state;
	used = pl_probe_escape((const unsigned char *)"a\r\n\x01\\", 5, out, sizeof(out));
	assert_int_equal(used, 5);
	assert_string_equal(out, "a\\r\\n\\x01\\\\");
	used = pl_probe_escape((const unsigned char *)"0123456789abcdefghij", 20, out, sizeof(out));
	assert_true(used < 20);
	assert_non_null(strstr(out, "..."));
	assert_true(strlen(out) < sizeof(out));
}

static void
test_default_creds_list(void **state)
{
	const char *u, *p;

	(void)state;
	assert_int_equal(pl_default_creds_count(), 61);
	pl_default_creds_get(10, &u, &p);
	assert_string_equal(u, "support");
	assert_string_equal(p, "support");
	pl_default_creds_get(61, &u, &p);
	assert_null(u);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_rdp_x224_data_answer),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_default_creds_check),
	    cmocka_unit_test(test_default_creds_slow_login),
	    cmocka_unit_test(test_classifiers),
	    cmocka_unit_test(test_auth_facts),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_default_creds_list),
	};

	return run_table_tests(live_cases, test_live, fixed);
}
