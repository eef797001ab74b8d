// SPDX-License-Identifier: MIT
/*
 * test_addr.c - struct pl_addr (portlens/addr.h): socket address round trips for IPv4
 * and IPv6, text with and without a port, parsing of every accepted form and the
 * refusals (with a message), HOST:PORT splitting, wildcard and loopback; and that a
 * socket address made here connects to a real listener on 127.0.0.1 and ::1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"

#include "portlens/addr.h"

/* a -> sockaddr (checked field by field against the socket API) -> pl_addr again. */
static void
round_trip(const struct pl_addr *a, int af, socklen_t want_len)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
	size_t n = af == AF_INET ? 4 : 16;
	struct pl_addr b;

	assert_int_equal(pl_addr_to_sockaddr(a, &ss), want_len);
	assert_int_equal(ss.ss_family, af);
	assert_int_equal(pl_sockaddr_port((struct sockaddr *)&ss), a->port);
	assert_memory_equal(af == AF_INET ? (const void *)&in->sin_addr
	                                  : (const void *)&in6->sin6_addr,
	                    a->bytes, n);
	assert_int_equal(pl_addr_from_sockaddr((struct sockaddr *)&ss, want_len, &b), PL_OK);
	assert_int_equal(b.family, a->family);
	assert_int_equal(b.port, a->port);
	assert_memory_equal(b.bytes, a->bytes, 16);
}

static void
test_sockaddr_round_trip(void **state)
{
	static const uint8_t v4[4] = {198, 18, 0, 1};
	struct pl_addr a = pl_addr_make(4, v4, 2323), b;
	struct sockaddr_storage ss;
	const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
	uint8_t v6[16];

	(void)state;
	round_trip(&a, AF_INET, sizeof(struct sockaddr_in));
	assert_int_equal(inet_pton(AF_INET6, "2001:2::1", v6), 1);
	a = pl_addr_make(AF_INET6, v6, 443); /* AF_ constants are accepted too */
	assert_int_equal(a.family, 6);
	round_trip(&a, AF_INET6, sizeof(struct sockaddr_in6));
	memset(&ss, 0, sizeof(ss));
	pl_sockaddr_set_port(&ss, 1); /* no family: left alone */
	assert_int_equal(pl_sockaddr_port((struct sockaddr *)&ss), 0);
	pl_addr_to_sockaddr(&a, &ss);
	((struct sockaddr_in6 *)&ss)->sin6_scope_id = 3;
	pl_sockaddr_set_port(&ss, 21); /* the FTP data port: the scope stays */
	assert_int_equal(pl_sockaddr_port((struct sockaddr *)&ss), 21);
	assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 3);

	/* Refused: no address, a short length, another family. */
	a = pl_addr_make(9, v6, 1);
	assert_int_equal(a.family, 0);
	assert_int_equal(pl_addr_to_sockaddr(&a, &ss), 0);
	assert_int_equal(ss.ss_family, 0);
	a = pl_addr_make(6, v6, 1);
	pl_addr_to_sockaddr(&a, &ss);
	assert_int_equal(pl_addr_from_sockaddr((struct sockaddr *)&ss, sizeof(*in), &b),
	                 PL_ERR_ARG);
	assert_int_equal(b.family, 0);
	ss.ss_family = AF_UNIX;
	assert_int_equal(pl_addr_from_sockaddr((struct sockaddr *)&ss, sizeof(ss), &b), PL_ERR_ARG);
	assert_int_equal(pl_addr_from_sockaddr(NULL, 0, &b), PL_ERR_ARG);
}

static void
test_text(void **state)
{
	struct pl_addr a;
	char buf[PL_ADDR_STRLEN];
	char small[8];

	(void)state;
	assert_int_equal(pl_addr_parse("198.18.0.1:22", &a, NULL), PL_OK);
	assert_string_equal(pl_addr_str(&a, buf, sizeof(buf)), "198.18.0.1:22");
	assert_string_equal(pl_addr_ip_str(&a, buf, sizeof(buf)), "198.18.0.1");
	a.port = 0;
	assert_string_equal(pl_addr_str(&a, buf, sizeof(buf)), "198.18.0.1");
	assert_int_equal(pl_addr_parse("[2001:2:0:0::1]:65535", &a, NULL), PL_OK);
	assert_string_equal(pl_addr_str(&a, buf, sizeof(buf)), "[2001:2::1]:65535");
	assert_string_equal(pl_addr_ip_str(&a, buf, sizeof(buf)), "2001:2::1");
	a = pl_addr_make(6,
	                 (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
	                                  "\xff\xff\xff\xff",
	                 65535);
	assert_string_equal(pl_addr_str(&a, buf, sizeof(buf)),
	                    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	assert_true(strlen(buf) < PL_ADDR_STRLEN);
	/* Too small a buffer: cut, never overrun, always terminated. */
	pl_addr_str(&a, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	a.family = 0;
	assert_string_equal(pl_addr_str(&a, buf, sizeof(buf)), "");
}

static void
test_parse_accepts(void **state)
{
	static const struct {
		const char *in;
		int family;
		uint16_t port;
		const char *back;
	} ok[] = {
	    {"198.18.0.1", 4, 0, "198.18.0.1"},
	    {"198.18.0.1:1", 4, 1, "198.18.0.1:1"},
	    {"198.18.0.1:65535", 4, 65535, "198.18.0.1:65535"},
	    {"2001:2::1", 6, 0, "2001:2::1"},
	    {"::1", 6, 0, "::1"},
	    {"[::1]", 6, 0, "::1"},
	    {"[2001:2::1]:2323", 6, 2323, "[2001:2::1]:2323"},
	    {"::ffff:198.18.0.1", 6, 0, "::ffff:198.18.0.1"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct pl_addr a;
		char buf[PL_ADDR_STRLEN];

		if (pl_addr_parse(ok[i].in, &a, NULL) != PL_OK)
			fail_msg("'%s' refused", ok[i].in);
		assert_int_equal(a.family, ok[i].family);
		assert_int_equal(a.port, ok[i].port);
		assert_string_equal(pl_addr_str(&a, buf, sizeof(buf)), ok[i].back);
	}
}

static void
test_parse_refuses(void **state)
{
	static const char *const bad[] = {
	    "",
	    "198.18.0.256",
	    "198.18.0",
	    "198.18.0.1:",
	    "198.18.0.1:0",
	    "198.18.0.1:65536",
	    "198.18.0.1:22x",
	    "198.18.0.1:+22",
	    "198.18.0.1: 22",
	    " 198.18.0.1",
	    "lab-host",
	    "lab-host:22",
	    "[2001:2::1",
	    "2001:2::1]:22",
	    "[2001:2::1]22",
	    "[2001:2::1]:",
	    "[198.18.0.1]:22",
	    "[]:22",
	    "2001:2::1:99999:1:1:1:1",
	    "198.18.0.1/24",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pl_err err = {0};
		struct pl_addr a;

		if (pl_addr_parse(bad[i], &a, &err) != PL_ERR_PARSE)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(a.family, 0);
	}
	{
		struct pl_err err = {0};
		struct pl_addr a;

		pl_addr_parse("198.18.0.1:70000", &a, &err);
		assert_non_null(strstr(err.msg, "70000")); /* the message names the bad part */
		assert_int_equal(pl_addr_parse(NULL, &a, NULL), PL_ERR_PARSE);
	}
}

static void
test_hostport_split(void **state)
{
	char host[16];
	uint16_t port = 0;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_hostport_split("lab-host:8080", host, sizeof(host), &port, NULL),
	                 PL_OK);
	assert_string_equal(host, "lab-host");
	assert_int_equal(port, 8080);
	assert_int_equal(pl_hostport_split("[2001:2::1]:22", host, sizeof(host), &port, NULL),
	                 PL_OK);
	assert_string_equal(host, "2001:2::1");
	assert_int_equal(port, 22);
	assert_int_equal(pl_hostport_split("2001:2::1:22", host, sizeof(host), &port, &err),
	                 PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "expected HOST:PORT"));
	assert_int_equal(pl_hostport_split("[2001:2::1]", host, sizeof(host), &port, &err),
	                 PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "[ADDRESS]:PORT"));
	assert_int_equal(pl_hostport_split("lab:0", host, sizeof(host), &port, NULL), PL_ERR_PARSE);
	assert_int_equal(pl_hostport_split(":22", host, sizeof(host), &port, NULL), PL_ERR_PARSE);
	assert_int_equal(
	    pl_hostport_split("a-host-name-too-long:22", host, sizeof(host), &port, NULL),
	    PL_ERR_PARSE);
}

static void
test_any_and_loopback(void **state)
{
	static const uint8_t zero[16];
	struct pl_addr a = pl_addr_make(4, zero, 80), l;
	char buf[PL_ADDR_STRLEN];

	(void)state;
	assert_true(pl_addr_is_any(&a));
	a = pl_addr_make(6, zero, 80);
	assert_true(pl_addr_is_any(&a));
	a.bytes[15] = 1;
	assert_false(pl_addr_is_any(&a));
	a.family = 0;
	assert_false(pl_addr_is_any(&a));
	l = pl_addr_loopback(4, 631);
	assert_string_equal(pl_addr_str(&l, buf, sizeof(buf)), "127.0.0.1:631");
	l = pl_addr_loopback(AF_INET6, 631);
	assert_string_equal(pl_addr_str(&l, buf, sizeof(buf)), "[::1]:631");
}

/* A socket address made here reaches a real listener. */
static void
connect_to_listener(int family)
{
	struct pl_addr a = pl_addr_loopback(family, 0), got;
	struct sockaddr_storage ss;
	socklen_t len = pl_addr_to_sockaddr(&a, &ss), glen = sizeof(ss);
	int lfd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM, 0), fd;

	if (lfd < 0 && family == 6) {
		skip(); /* no IPv6 on this machine: said, not passed */
		return;
	}
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&ss, &glen), 0);
	assert_int_equal(pl_addr_from_sockaddr((struct sockaddr *)&ss, glen, &got), PL_OK);
	assert_true(got.port != 0);
	len = pl_addr_to_sockaddr(&got, &ss);
	fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
	close(fd);
	close(lfd);
}

static void
test_connects_v4(void **state)
{
	(void)state;
	connect_to_listener(4);
}

static void
test_connects_v6(void **state)
{
	(void)state;
	connect_to_listener(6);
}

UNIT_MAIN(cmocka_unit_test(test_sockaddr_round_trip), cmocka_unit_test(test_text),
          cmocka_unit_test(test_parse_accepts), cmocka_unit_test(test_parse_refuses),
          cmocka_unit_test(test_hostport_split), cmocka_unit_test(test_any_and_loopback),
          cmocka_unit_test(test_connects_v4), cmocka_unit_test(test_connects_v6))
