// SPDX-License-Identifier: MIT
/*
 * test_probe_ipp.c - the IPP pieces of the probe (probe/p_ipp.c) byte by byte: the
 * Get-Printer-Attributes request (its header and attributes as RFC 8010 lays them
 * out), a printer's answer with make-and-model, firmware, several IPP versions (an
 * additional value has name-length 0) and a name, every cut of that answer, answers
 * that are no IPP, and the chunked transfer coding undone in place; then the whole
 * follow-up over real sockets against a printer that is not CUPS (a Server header
 * naming IPP/2.0, Get-Printer-Attributes at /ipp/print answered in chunks), which no
 * Debian package provides here. CUPS answering over the network is in
 * tests/lab/probe/apps.sh.
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
#include <unistd.h>

#include "unit.h"

#include "probe/probe_impl.h"

/* One attribute: tag, name (NULL: additional value), value. */
static size_t
attr(unsigned char *p, unsigned tag, const char *name, const char *value)
{
	size_t nl = name ? strlen(name) : 0, vl = strlen(value), o = 0;

	p[o++] = (unsigned char)tag;
	p[o++] = (unsigned char)(nl >> 8);
	p[o++] = (unsigned char)nl;
	if (nl) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(p + o, name, nl);
	o += nl;
	p[o++] = (unsigned char)(vl >> 8);
	p[o++] = (unsigned char)vl;
	memcpy(p + o, value, vl);
	return o + vl;
}

/* A printer's answer: IPP/2.0 successful-ok, request-id 1. */
static size_t
printer_answer(unsigned char *p)
{
	size_t o = 0;

	memcpy(p, "\x02\x00\x00\x00\x00\x00\x00\x01\x01", 9);
	o = 9;
	o += attr(p + o, 0x47, "attributes-charset", "utf-8");
	o += attr(p + o, 0x48, "attributes-natural-language", "en");
	p[o++] = 0x04; /* printer-attributes-tag */
	o += attr(p + o, 0x41, "printer-make-and-model", "HP LaserJet M404dn");
	o += attr(p + o, 0x41, "printer-firmware-string-version", "002.2110A");
	o += attr(p + o, 0x44, "ipp-versions-supported", "1.1");
	o += attr(p + o, 0x44, NULL, "2.0");
	o += attr(p + o, 0x42, "printer-name", "hp-lab");
	p[o++] = 0x03;
	return o;
}

static void
test_request(void **state)
{
	unsigned char buf[512];
	size_t n = pli_ipp_request(buf, sizeof(buf), 0x000b, "ipp://198.18.0.2:631/ipp/print");
	struct pl_ipp_reply r;

	(void)state;
	assert_true(n > 100);
	/* IPP/1.1, Get-Printer-Attributes, request-id 1, operation attributes first */
	assert_memory_equal(buf, "\x01\x01\x00\x0b\x00\x00\x00\x01\x01\x47\x00\x12", 12);
	assert_memory_equal(buf + 12, "attributes-charset", 18);
	assert_int_equal(buf[n - 1], 0x03);
	/* Read back with the response parser (operation where a status would be). */
	assert_int_equal(pli_ipp_parse(buf, n, &r), 0);
	assert_int_equal(r.status, 0x000b);
	/* The CUPS-Get-Default form takes no printer-uri; too small a buffer: 0. */
	assert_true(pli_ipp_request(buf, sizeof(buf), 0x4001, NULL) < n);
	assert_int_equal(pli_ipp_request(buf, 40, 0x000b, "ipp://x/"), 0);
}

static void
test_printer_answer(void **state)
{
	unsigned char buf[512];
	size_t n = printer_answer(buf);
	struct pl_ipp_reply r;

	(void)state;
	assert_int_equal(pli_ipp_parse(buf, n, &r), 0);
	assert_int_equal(r.major, 2);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.make_model, "HP LaserJet M404dn");
	assert_string_equal(r.firmware, "002.2110A");
	assert_string_equal(r.versions, "1.1,2.0");
	assert_string_equal(r.name, "hp-lab");
	/* Every cut: an error, never a read past the end (ASan), strings terminated. */
	for (size_t cut = 0; cut < n; cut++) {
		assert_int_equal(pli_ipp_parse(buf, cut, &r), -1);
		assert_non_null(memchr(r.make_model, '\0', sizeof(r.make_model)));
	}
}

static void
test_not_ipp(void **state)
{
	unsigned char buf[512];
	size_t n = printer_answer(buf);
	struct pl_ipp_reply r;

	(void)state;
	buf[7] = 2; /* not our request-id */
	assert_int_equal(pli_ipp_parse(buf, n, &r), -1);
	buf[7] = 1;
	buf[0] = 'H'; /* an HTTP page */
	assert_int_equal(pli_ipp_parse(buf, n, &r), -1);
	buf[0] = 2;
	/* A name length past the end. */
	buf[9 + 1] = 0xff;
	assert_int_equal(pli_ipp_parse(buf, n, &r), -1);
}

static void
test_dechunk(void **state)
{
	unsigned char a[] = "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\n\r\n";
	unsigned char b[] = "A\r\n0123";            /* cut inside a chunk: keep what came */
	unsigned char c[] = "fffffffffffffff\r\nx"; /* absurd size: nothing, no overflow */

	(void)state;
	assert_int_equal(pli_http_dechunk(a, sizeof(a) - 1), 8);
	assert_memory_equal(a, "helloabc", 8);
	assert_int_equal(pli_http_dechunk(b, sizeof(b) - 1), 4);
	assert_memory_equal(b, "0123", 4);
	assert_int_equal(pli_http_dechunk(c, sizeof(c) - 1), 0);
}

/* A printer's web server: GET gets a page, POST /ipp/print with an IPP
 * Get-Printer-Attributes request gets printer_answer() in HTTP chunks; anything else
 * (the other probes of a wave) is closed. One thread per connection. */
struct printer {
	int lfd;
	volatile int stop;
	int ipp_requests; /* Get-Printer-Attributes requests that reached /ipp/print */
	pthread_mutex_t mu;
};

struct printer_conn {
	struct printer *p;
	int fd;
};

static size_t
read_request(int fd, unsigned char *buf, size_t cap)
{
	size_t n = 0, need = 0;

	while (n < cap) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		const unsigned char *end;
		ssize_t r;

		if (poll(&pfd, 1, 1500) <= 0 || (r = read(fd, buf + n, cap - n)) <= 0)
			break;
		n += (size_t)r;
		end = memmem(buf, n, "\r\n\r\n", 4);
		if (end && !need) {
			const unsigned char *cl = memmem(buf, n, "Content-Length: ", 16);
			size_t body = 0;

			for (cl = cl ? cl + 16 : NULL; cl && *cl >= '0' && *cl <= '9'; cl++)
				body = body * 10 + (size_t)(*cl - '0');
			need = (size_t)(end + 4 - buf) + body;
		}
		if (need && n >= need)
			break;
	}
	return n;
}

static void *
printer_conn_main(void *arg)
{
	struct printer_conn *c = arg;
	unsigned char req[2048], body[512];
	char out[1024];
	size_t n = read_request(c->fd, req, sizeof(req) - 1), bn, hl;
	const unsigned char *b;
	int len = 0;

	req[n] = '\0';
	b = memmem(req, n, "\r\n\r\n", 4);
	if (n > 4 && memcmp(req, "GET ", 4) == 0) {
		static const char page[] = "<html><head><title>LaserJet</title></head></html>";

		len = snprintf(out, sizeof(out),
		               "HTTP/1.1 200 OK\r\nServer: HP HTTP Server; LaserJet; IPP/2.0\r\n"
		               "Content-Type: text/html\r\nContent-Length: %zu\r\n\r\n%s",
		               sizeof(page) - 1, page);
	} else if (b && n > 15 && memcmp(req, "POST /ipp/print ", 16) == 0 &&
	           strstr((const char *)req, "application/ipp") && (size_t)(b + 4 - req) + 4 < n &&
	           b[4 + 2] == 0x00 && b[4 + 3] == 0x0b) {
		pthread_mutex_lock(&c->p->mu);
		c->p->ipp_requests++;
		pthread_mutex_unlock(&c->p->mu);
		bn = printer_answer(body);
		hl = (size_t)snprintf(out, sizeof(out),
		                      "HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\n"
		                      "Transfer-Encoding: chunked\r\n\r\n%x\r\n",
		                      (unsigned)(bn / 2));
		memcpy(out + hl, body, bn / 2);
		hl += bn / 2;
		hl += (size_t)snprintf(out + hl, sizeof(out) - hl, "\r\n%x\r\n",
		                       (unsigned)(bn - bn / 2));
		memcpy(out + hl, body + bn / 2, bn - bn / 2);
		hl += bn - bn / 2;
		hl += (size_t)snprintf(out + hl, sizeof(out) - hl, "\r\n0\r\n\r\n");
		len = (int)hl;
	}
	if (len > 0 && write(c->fd, out, (size_t)len) != len)
		len = 0;
	close(c->fd);
	free(c);
	return NULL;
}

static void *
printer_main(void *arg)
{
	struct printer *p = arg;

	while (!p->stop) {
		struct pollfd pfd = {.fd = p->lfd, .events = POLLIN};
		struct printer_conn *c;
		pthread_t t;
		int fd;

		if (poll(&pfd, 1, 100) <= 0 || (fd = accept(p->lfd, NULL, NULL)) < 0)
			continue;
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		*c = (struct printer_conn){.p = p, .fd = fd};
		if (pthread_create(&t, NULL, printer_conn_main, c) == 0)
			pthread_detach(t);
		else
			printer_conn_main(c);
	}
	return NULL;
}

static void
test_printer_over_sockets(void **state)
{
	struct printer p = {.lfd = socket(AF_INET, SOCK_STREAM, 0)};
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	struct pl_probe_opts opts = {.banner_ms = 200, .read_ms = 1500, .total_ms = 10000};
	struct pl_probe_ctx *ctx;
	struct pl_service svc;
	pthread_t t;

	(void)state;
	pthread_mutex_init(&p.mu, NULL);
	assert_true(p.lfd >= 0);
	assert_int_equal(bind(p.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(p.lfd, 16), 0);
	assert_int_equal(getsockname(p.lfd, (struct sockaddr *)&sa, &sl), 0);
	assert_int_equal(pthread_create(&t, NULL, printer_main, &p), 0);
	assert_int_equal(pl_probe_ctx_new(&opts, &ctx, NULL), PL_OK);
	assert_int_equal(pl_probe_service(ctx, (struct sockaddr *)&sa, sizeof(sa), &svc, NULL),
	                 PL_OK);
	p.stop = 1;
	pthread_join(t, NULL);
	close(p.lfd);
	pl_probe_ctx_free(ctx);
	assert_int_equal(p.ipp_requests, 1);
	assert_string_equal(svc.service, "ipp");
	assert_string_equal(svc.product, "HP LaserJet M404dn");
	assert_string_equal(svc.version, "002.2110A");
	assert_non_null(strstr(svc.info, "IPP versions: 1.1,2.0"));
	assert_non_null(strstr(svc.info, "printer hp-lab"));
	pthread_mutex_destroy(&p.mu);
}

UNIT_MAIN(cmocka_unit_test(test_request), cmocka_unit_test(test_printer_answer),
          cmocka_unit_test(test_not_ipp), cmocka_unit_test(test_dechunk),
          cmocka_unit_test(test_printer_over_sockets))
