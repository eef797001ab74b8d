// SPDX-License-Identifier: MIT
/*
 * test_baseline.c - the listener baseline (src/lib/sockets/baseline.c): parsing (comments,
 * blank lines, wildcards, process names with blanks, IPv6 spellings normalised), every
 * kind of bad line reported with its line and column, matching of listeners (protocol
 * and family, address, port, holder name, "-" for no process), the count of sockets
 * each line covered, and the line written back for a socket.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"

#include "portlens/sockets.h"

static enum pl_rc
parse(const char *text, struct pl_baseline *b, struct pl_err *err)
{
	return pl_baseline_parse(text, strlen(text), "base.txt", b, err);
}

static void
test_parse(void **state)
{
	struct pl_baseline b;
	struct pl_err err = {0};
	const char *text = "# expected listeners\n"
	                   "\n"
	                   "tcp4   0.0.0.0   22   sshd\n"
	                   "  tcp46 ::0 80 nginx  \r\n"
	                   "udp * * Web Content\n"
	                   "tcp 127.0.0.1 2024 -\n"
	                   "   # indented comment\n"
	                   "udp6 fe80:0:0::1 546 *"; /* no final newline */

	(void)state;
	assert_int_equal(parse(text, &b, &err), PL_OK);
	assert_int_equal(b.n, 5);
	assert_string_equal(b.v[0].proto, "tcp4");
	assert_string_equal(b.v[0].addr, "0.0.0.0");
	assert_int_equal(b.v[0].port, 22);
	assert_string_equal(b.v[0].program, "sshd");
	assert_int_equal(b.v[0].line, 3);
	assert_string_equal(b.v[1].addr, "::"); /* normalised */
	assert_string_equal(b.v[1].program, "nginx");
	assert_string_equal(b.v[2].addr, "*");
	assert_int_equal(b.v[2].port, -1);
	assert_string_equal(b.v[2].program, "Web Content");
	assert_string_equal(b.v[3].program, "-");
	assert_string_equal(b.v[4].addr, "fe80::1");
	assert_int_equal(b.v[4].line, 8);
	pl_baseline_cleanup(&b);

	assert_int_equal(parse("", &b, &err), PL_OK);
	assert_int_equal(b.n, 0);
	pl_baseline_cleanup(&b);
}

/* The bad input is refused, the error names base.txt, the line, the column and the
 * problem, and nothing is kept. */
static void
expect_error(const struct unit_bad_input *bad)
{
	struct pl_baseline b;
	struct pl_err err = {0};

	assert_int_equal(parse(bad->text, &b, &err), PL_ERR_PARSE);
	unit_expect_err_at(&err, bad);
	assert_string_equal(err.source, "base.txt");
	assert_null(b.v);
}

static void
test_errors(void **state)
{
	static const struct unit_bad_input bad[] = {
	    {"sctp 0.0.0.0 22 sshd\n", 1, 1, "unknown protocol"},
	    {"# ok\ntcp4 0.0.0.0 22 sshd\n  tcp44 0.0.0.0 22 x\n", 3, 3, "'tcp44'"},
	    {"tcp4 300.1.1.1 22 sshd\n", 1, 6, "not an IP address"},
	    {"tcp4 localhost 22 sshd\n", 1, 6, "'localhost'"},
	    {"tcp4\n", 1, 5, "missing address"},
	    {"tcp4 0.0.0.0 70000 sshd\n", 1, 14, "not a port"},
	    {"tcp4 0.0.0.0 22x sshd\n", 1, 14, "'22x'"},
	    {"tcp4 0.0.0.0 -1 sshd\n", 1, 14, "not a port"},
	    {"tcp4 0.0.0.0 22\n", 1, 16, "missing program"},
	    {"tcp4 0.0.0.0 22   \n", 1, 19, "missing program"},
	    {"tcp4 0.0.0.0 22 a-name-longer-than-15\n", 1, 17, "longer than a process"},
	};

	(void)state;
	for (size_t i = 0; i < UNIT_COUNT(bad); i++)
		expect_error(&bad[i]);
	{
		static const char nul[] = "tcp4 0.0.0.0 22 ss\0hd\n";
		struct pl_baseline b;
		struct pl_err err = {0};

		assert_int_equal(pl_baseline_parse(nul, sizeof(nul) - 1, "base.txt", &b, &err),
		                 PL_ERR_PARSE);
		assert_non_null(strstr(err.msg, "NUL"));
	}
}

/* A set of three listeners: sshd on 0.0.0.0:22, nginx on dual-stack [::]:80 held by two
 * processes, and a UDP socket with no visible process. */
struct fake {
	struct pl_sockset set;
	struct pl_sock socks[3];
	struct pl_proc procs[3];
	uint32_t owner_idx[3];
};

static void
make_fake(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->procs[0] = (struct pl_proc){.pid = 10, .comm = "sshd"};
	f->procs[1] = (struct pl_proc){.pid = 20, .comm = "nginx"};
	f->procs[2] = (struct pl_proc){.pid = 21, .comm = "nginx: worker"};
	f->owner_idx[0] = 0;
	f->owner_idx[1] = 1;
	f->owner_idx[2] = 2;
	f->socks[0] = (struct pl_sock){
	    .proto = PL_PROTO_TCP, .family = AF_INET, .lport = 22, .owners = 0, .n_owners = 1};
	f->socks[1] = (struct pl_sock){.proto = PL_PROTO_TCP,
	                               .family = AF_INET6,
	                               .v6only = 0,
	                               .lport = 80,
	                               .owners = 1,
	                               .n_owners = 2};
	f->socks[2] = (struct pl_sock){
	    .proto = PL_PROTO_UDP, .family = AF_INET, .lport = 5353, .n_owners = 0};
	f->socks[2].local[0] = 127;
	f->socks[2].local[3] = 1;
	f->set.socks = f->socks;
	f->set.n_socks = 3;
	f->set.procs = f->procs;
	f->set.n_procs = 3;
	f->set.owner_idx = f->owner_idx;
	f->set.n_owner_idx = 3;
}

static int
covers(const char *text, const struct fake *f, size_t sock)
{
	struct pl_baseline b;
	struct pl_err err = {0};
	int r;

	assert_int_equal(parse(text, &b, &err), PL_OK);
	r = pl_baseline_covers(&b, &f->set, &f->socks[sock]);
	assert_int_equal(b.v[0].matched, (unsigned)r);
	pl_baseline_cleanup(&b);
	return r;
}

static void
test_covers(void **state)
{
	struct fake f;

	(void)state;
	make_fake(&f);
	assert_true(covers("tcp4 0.0.0.0 22 sshd", &f, 0));
	assert_true(covers("tcp 0.0.0.0 22 sshd", &f, 0));   /* any family */
	assert_true(covers("tcp * * *", &f, 0));             /* anything TCP */
	assert_false(covers("tcp6 0.0.0.0 22 sshd", &f, 0)); /* wrong family */
	assert_false(covers("udp4 0.0.0.0 22 sshd", &f, 0)); /* wrong transport */
	assert_false(covers("tcp4 127.0.0.1 22 sshd", &f, 0));
	assert_false(covers("tcp4 0.0.0.0 2222 sshd", &f, 0));
	assert_false(covers("tcp4 0.0.0.0 22 dropbear", &f, 0)); /* another program */
	assert_false(covers("tcp4 0.0.0.0 22 -", &f, 0));        /* it has a process */
	/* Dual-stack: tcp46, and either holder's name. */
	assert_true(covers("tcp46 :: 80 nginx", &f, 1));
	assert_true(covers("tcp46 :: 80 nginx: worker", &f, 1));
	assert_true(covers("tcp :: 80 *", &f, 1));
	assert_false(covers("tcp6 :: 80 nginx", &f, 1));
	/* No visible process: "-" or "*". */
	assert_true(covers("udp4 127.0.0.1 5353 -", &f, 2));
	assert_true(covers("udp * 5353 *", &f, 2));
	assert_false(covers("udp4 127.0.0.1 5353 avahi-daemon", &f, 2));
}

static void
test_counts_and_lines(void **state)
{
	struct fake f;
	struct pl_baseline b;
	struct pl_err err = {0};
	char line[160];

	(void)state;
	make_fake(&f);
	assert_int_equal(parse("tcp * * *\ntcp4 0.0.0.0 22 sshd\nudp4 127.0.0.1 53 -\n", &b, &err),
	                 PL_OK);
	for (size_t i = 0; i < 3; i++)
		(void)pl_baseline_covers(&b, &f.set, &f.socks[i]);
	assert_int_equal(b.v[0].matched, 2); /* both TCP listeners */
	assert_int_equal(b.v[1].matched, 1); /* every covering line counts */
	assert_int_equal(b.v[2].matched, 0); /* gone */
	pl_baseline_cleanup(&b);

	pl_baseline_line(&f.set, &f.socks[0], line, sizeof(line));
	assert_string_equal(line, "tcp4   0.0.0.0            22  sshd");
	pl_baseline_line(&f.set, &f.socks[1], line, sizeof(line));
	assert_string_equal(line, "tcp46  ::                 80  nginx");
	pl_baseline_line(&f.set, &f.socks[2], line, sizeof(line));
	assert_string_equal(line, "udp4   127.0.0.1        5353  -");
	/* What is written reads back and covers the socket it came from. */
	for (size_t i = 0; i < 3; i++) {
		pl_baseline_line(&f.set, &f.socks[i], line, sizeof(line));
		assert_true(covers(line, &f, i));
	}
}

UNIT_MAIN(cmocka_unit_test(test_parse), cmocka_unit_test(test_errors),
          cmocka_unit_test(test_covers), cmocka_unit_test(test_counts_and_lines))
