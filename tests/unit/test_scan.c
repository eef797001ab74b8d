// SPDX-License-Identifier: MIT
/*
 * test_scan.c - the pure parts of scanning, byte by byte: target specs (addresses,
 * CIDR, octet ranges, names), the target set's index-to-address mapping with
 * exclusions and never-probe addresses, nmap -p port specs, the project's top-ports
 * ranking, and resume files (round trip and malformed input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "portlens/scan.h"

static const char *
addr_at(const struct pl_targets *ts, uint64_t i, int *cls)
{
	static char buf[64];
	struct pl_scan_addr a;

	*cls = pl_targets_at(ts, i, &a);
	return pl_scan_addr_str(&a, buf, sizeof(buf));
}

static void
test_spec_parse(void **state)
{
	struct pl_target_spec sp;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_target_spec_parse("198.18.0.1", &sp, &err), PL_OK);
	assert_int_equal(sp.kind, PL_TARGET_RANGE);
	assert_true(sp.count == 1);
	assert_int_equal(pl_target_spec_parse("198.18.3.77/16", &sp, &err), PL_OK);
	assert_true(sp.count == 65536);
	assert_int_equal(sp.base.bytes[2], 0); /* host bits cleared */
	assert_int_equal(sp.base.bytes[3], 0);
	assert_int_equal(pl_target_spec_parse("198.18.0.1/31", &sp, &err), PL_OK);
	assert_int_equal(pl_target_spec_parse("198.18.0-3.1-254", &sp, &err), PL_OK);
	assert_int_equal(sp.kind, PL_TARGET_OCTETS);
	assert_true(sp.count == 4 * 254);
	assert_int_equal(pl_target_spec_parse("198.18.*.7", &sp, &err), PL_OK);
	assert_true(sp.count == 256);
	assert_int_equal(pl_target_spec_parse("198.18.5-.-3", &sp, &err), PL_OK);
	assert_true(sp.count == 251 * 4);
	assert_int_equal(pl_target_spec_parse("2001:2::1", &sp, &err), PL_OK);
	assert_int_equal(sp.base.family, 6);
	assert_int_equal(pl_target_spec_parse("2001:2::/120", &sp, &err), PL_OK);
	assert_true(sp.count == 256);
	assert_int_equal(pl_target_spec_parse("scanme.example", &sp, &err), PL_OK);
	assert_int_equal(sp.kind, PL_TARGET_NAME);

	static const char *const bad[] = {
	    "",
	    "198.18.0.256",
	    "198.18.0.1/33",
	    "198.18.0.1/",
	    "2001:2::/64",
	    "198.18.3-1.1",
	    "198..0.1",
	    "1.2.3",
	    "1.2.3.4.5",
	    "2001:zz::1",
	    "-bad",
	    "a b",
	    "198.18.0.1/x",
	    "host/24",
	    "1.2.3.4-300",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pl_err_clear(&err);
		assert_int_equal(pl_target_spec_parse(bad[i], &sp, &err), PL_ERR_PARSE);
		assert_true(err.msg[0] != '\0');
	}
	pl_target_spec_parse("2001:2::/64", &sp, &err);
	assert_non_null(strstr(err.msg, "too wide"));
}

static void
test_target_set(void **state)
{
	struct pl_targets *ts = pl_targets_new();
	struct pl_err err = {0};
	int cls;

	(void)state;
	assert_non_null(ts);
	assert_int_equal(pl_targets_add_spec(ts, "198.18.0-1.1-2", 0, 0, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "198.18.9.0/30", 0, 0, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "2001:2::fe/127", 0, 0, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "224.0.0.1", 0, 0, &err), PL_OK);
	assert_true(pl_targets_count(ts) == 4 + 4 + 2 + 1);
	/* Octet products: last octet fastest. */
	assert_string_equal(addr_at(ts, 0, &cls), "198.18.0.1");
	assert_string_equal(addr_at(ts, 1, &cls), "198.18.0.2");
	assert_string_equal(addr_at(ts, 2, &cls), "198.18.1.1");
	assert_string_equal(addr_at(ts, 3, &cls), "198.18.1.2");
	assert_int_equal(cls, PL_ADDR_OK);
	assert_string_equal(addr_at(ts, 4, &cls), "198.18.9.0");
	/* The last address of a CIDR block is an ordinary host (a block given on the
	 * command line is often not a subnet) ... */
	assert_string_equal(addr_at(ts, 7, &cls), "198.18.9.3");
	assert_int_equal(cls, PL_ADDR_OK);
	/* ... unless this machine says it is a broadcast address. */
	struct pl_bcast bc = {.addr = {.family = 4, .bytes = {198, 18, 9, 3}}, .ifname = "lab9"};
	struct pl_bcast_list bl = {.v = &bc, .n = 1};
	char why[64];
	struct pl_scan_addr a;
	assert_int_equal(pl_targets_set_broadcasts(ts, &bl), PL_OK);
	assert_int_equal(pl_targets_at(ts, 7, &a), PL_ADDR_BROADCAST);
	assert_string_equal(pl_targets_skip_reason(ts, &a, PL_ADDR_BROADCAST, why, sizeof(why)),
	                    "broadcast address of lab9");
	assert_string_equal(addr_at(ts, 8, &cls), "2001:2::fe");
	assert_string_equal(addr_at(ts, 9, &cls), "2001:2::ff");
	assert_int_equal(cls, PL_ADDR_OK);
	addr_at(ts, 10, &cls);
	assert_int_equal(cls, PL_ADDR_MULTICAST);
	assert_int_equal(pl_targets_at(ts, 11, &(struct pl_scan_addr){0}), -1);
	/* Exclusions: single, CIDR, octets, IPv6. */
	static const char excl[] = "198.18.0.2, 198.18.9.0/31\n# c\n2001:2::ff";
	assert_int_equal(pl_targets_add_list(ts, excl, strlen(excl), "x", 1, 0, &err), PL_OK);
	addr_at(ts, 1, &cls);
	assert_int_equal(cls, -1);
	addr_at(ts, 4, &cls);
	assert_int_equal(cls, -1);
	addr_at(ts, 5, &cls);
	assert_int_equal(cls, -1);
	addr_at(ts, 6, &cls);
	assert_int_equal(cls, PL_ADDR_OK);
	addr_at(ts, 9, &cls);
	assert_int_equal(cls, -1);
	addr_at(ts, 8, &cls);
	assert_int_equal(cls, PL_ADDR_OK);
	/* Errors carry the list position. */
	assert_int_equal(
	    pl_targets_add_list(ts, "198.18.0.1\n300.1.1.1\n", 21, "f.txt", 0, 0, &err),
	    PL_ERR_PARSE);
	assert_int_equal(err.line, 2);
	/* Names resolve (localhost is in every /etc/hosts). */
	assert_int_equal(pl_targets_add_spec(ts, "localhost", 0, 0, &err), PL_OK);
	assert_string_equal(addr_at(ts, pl_targets_count(ts) - 1, &cls), "127.0.0.1");
	assert_string_equal(pl_targets_name_at(ts, pl_targets_count(ts) - 1), "localhost");
	assert_null(pl_targets_name_at(ts, 0));
	pl_targets_free(ts);
	pl_targets_free(NULL);
}

static void
test_big_space(void **state)
{
	struct pl_targets *ts = pl_targets_new();
	struct pl_err err = {0};
	int cls;

	(void)state;
	assert_int_equal(pl_targets_add_spec(ts, "127.0.0.0/8", 0, 0, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "0.0.0.0/0", 0, 0, &err), PL_OK);
	assert_true(pl_targets_count(ts) == (1ull << 24) + (1ull << 32));
	assert_string_equal(addr_at(ts, (1ull << 24) - 1, &cls), "127.255.255.255");
	assert_int_equal(cls, PL_ADDR_OK);
	assert_string_equal(addr_at(ts, (1ull << 24) + 5, &cls), "0.0.0.5");
	assert_int_equal(cls, PL_ADDR_UNSPECIFIED);
	assert_string_equal(addr_at(ts, (1ull << 24) + (1ull << 32) - 1, &cls), "255.255.255.255");
	assert_int_equal(cls, PL_ADDR_BROADCAST);
	pl_targets_free(ts);
}

static void
test_ports(void **state)
{
	struct pl_ports ps = {0};
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_ports_parse(&ps, "80,22,1000-1002,22", &err), PL_OK);
	assert_int_equal(ps.n, 5);
	assert_int_equal(ps.items[0], 22);
	assert_int_equal(ps.items[4], 1002);
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_parse(&ps, "-", &err), PL_OK);
	assert_int_equal(ps.n, 65535);
	assert_int_equal(ps.items[0], 1);
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_parse(&ps, "T:22,80,U:53,161-162,T:-3", &err), PL_OK);
	assert_int_equal(ps.n, 2 + 3 + 3);
	assert_int_equal(ps.items[0], 1);
	assert_int_equal(ps.items[5], (uint32_t)PL_PROTO_UDP << 16 | 53);
	pl_ports_cleanup(&ps);
	/* -sS -sU: unprefixed ports on both transports, prefixed ones on theirs. */
	assert_int_equal(pl_ports_parse_as(&ps, "22,U:53,T:80",
	                                   PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP),
	                                   &err),
	                 PL_OK);
	assert_int_equal(ps.n, 4);
	assert_int_equal(ps.items[0], 22);
	assert_int_equal(ps.items[1], 80);
	assert_int_equal(ps.items[2], (uint32_t)PL_PROTO_UDP << 16 | 22);
	assert_int_equal(ps.items[3], (uint32_t)PL_PROTO_UDP << 16 | 53);
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_parse(&ps, "65000-", &err), PL_OK);
	assert_int_equal(ps.n, 536);
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_parse(&ps, "0", &err), PL_OK);
	assert_int_equal(ps.items[0], 0);
	pl_ports_cleanup(&ps);

	static const char *const bad[] = {"",     "22,", ",22", "70000", "30-20", "X:22",
	                                  "22-x", "2 2", "T:",  "--",    "1-2-3", "0x10"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pl_err_clear(&err);
		assert_int_equal(pl_ports_parse(&ps, bad[i], &err), PL_ERR_PARSE);
		pl_ports_cleanup(&ps);
	}
	pl_ports_parse(&ps, "22,80,abc", &err);
	assert_int_equal(err.column, 7);
	pl_ports_cleanup(&ps);
}

/* An octet's error is named once, with the octet (it used to be formatted into the
 * buffer it was read from: "bad target 'X': bad target 'X': 5"). */
static void
test_target_messages(void **state)
{
	struct pl_target_spec sp;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_target_spec_parse("300.1.1.1", &sp, &err), PL_ERR_PARSE);
	assert_string_equal(err.msg, "bad target '300.1.1.1': octet 1: 300 is out of range 0-255");
	assert_int_equal(pl_target_spec_parse("1.2.3-2.4", &sp, &err), PL_ERR_PARSE);
	assert_string_equal(err.msg,
	                    "bad target '1.2.3-2.4': octet 3: octet range 3-2 is reversed");
	assert_int_equal(pl_target_spec_parse("1.2.3.4-999", &sp, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "octet 4"));
}

/* IPv4-mapped and NAT64 forms are judged by the IPv4 address inside. */
static void
test_mapped_never_probe(void **state)
{
	static const struct {
		const char *spec;
		int cls;
	} cases[] = {
	    {"::ffff:0.0.0.0", PL_ADDR_UNSPECIFIED},
	    {"::ffff:224.0.0.1", PL_ADDR_MULTICAST},
	    {"::ffff:255.255.255.255", PL_ADDR_BROADCAST},
	    {"64:ff9b::239.1.2.3", PL_ADDR_MULTICAST},
	    {"::ffff:198.18.0.1", PL_ADDR_OK},
	    {"::1", PL_ADDR_OK},
	    {"::", PL_ADDR_UNSPECIFIED},
	};
	struct pl_err err = {0};
	int cls;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_targets *ts = pl_targets_new();

		assert_int_equal(pl_targets_add_spec(ts, cases[i].spec, 0, 0, &err), PL_OK);
		addr_at(ts, 0, &cls);
		assert_int_equal(cls, cases[i].cls);
		pl_targets_free(ts);
	}
	/* An IPv4 exclusion covers the mapped form too. */
	struct pl_targets *ts = pl_targets_new();
	assert_int_equal(pl_targets_add_spec(ts, "::ffff:198.18.0.1", 0, 0, &err), PL_OK);
	assert_int_equal(pl_targets_add_spec(ts, "198.18.0.0/24", 1, 0, &err), PL_OK);
	addr_at(ts, 0, &cls);
	assert_int_equal(cls, -1);
	pl_targets_free(ts);
}

/* Port lists are ranges until the end: 60,000 full ranges cost what one does. */
static void
test_ports_ranges(void **state)
{
	struct pl_ports ps = {0};
	struct pl_err err = {0};
	size_t n = 60000;
	char *spec = malloc(2 * n);

	(void)state;
	assert_non_null(spec);
	for (size_t i = 0; i < n; i++) {
		spec[2 * i] = '-';
		spec[2 * i + 1] = i + 1 < n ? ',' : '\0';
	}
	assert_int_equal(pl_ports_parse(&ps, spec, &err), PL_OK);
	assert_int_equal(ps.n, 65535);
	free(spec);
	/* Appending merges with what is there; overlaps and touching ranges merge. */
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_parse(&ps, "10-20,5,21-22,U:53", &err), PL_OK);
	assert_int_equal(pl_ports_parse(&ps, "1-6,T:15,U:52-53", &err), PL_OK);
	assert_int_equal(ps.n, 6 + 13 + 2);
	assert_int_equal(ps.items[0], 1);
	assert_int_equal(ps.items[6], 10);
	assert_int_equal(ps.items[18], 22);
	assert_int_equal(ps.items[19], (uint32_t)PL_PROTO_UDP << 16 | 52);
	pl_ports_cleanup(&ps);
}

static void
test_top_ports(void **state)
{
	struct pl_ports ps = {0}, drop = {0};
	struct pl_err err = {0};
	uint8_t seen[65536] = {0};

	(void)state;
	assert_true(pl_ports_top_curated_count() >= 150);
	assert_int_equal(pl_ports_add_top(&ps, 100, &err), PL_OK);
	assert_int_equal(ps.n, 100);
	for (uint32_t i = 0; i < ps.n; i++)
		seen[ps.items[i]] = 1;
	/* The head of the curated list is in the top 100. */
	assert_true(seen[80] && seen[443] && seen[22] && seen[23] && seen[2323] && seen[3389]);
	pl_ports_cleanup(&ps);
	/* More than the curated list: continues with knowledge and IANA ports, no repeats. */
	assert_int_equal(pl_ports_add_top(&ps, 1000, &err), PL_OK);
	assert_int_equal(ps.n, 1000);
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_add_top(&ps, 65535, &err), PL_OK);
	assert_int_equal(ps.n, 65535);
	assert_int_equal(ps.items[0], 1);
	assert_int_equal(ps.items[65534], 65535);
	pl_ports_parse(&drop, "1-65000", &err);
	pl_ports_remove(&ps, &drop);
	assert_int_equal(ps.n, 535);
	pl_ports_cleanup(&ps);
	pl_ports_cleanup(&drop);
}

static void
test_resume_roundtrip(void **state)
{
	char path[] = "/tmp/test_scan_resumeXXXXXX";
	char *args[] = {"198.18.0.0/24", "-p", "1-100", "--exclude", "a b%c\xc3\xa9", NULL};
	uint64_t pend[40];
	struct pl_scan_state st = {.next = 12345, .pending = pend, .n_pending = 40}, back;
	struct pl_err err = {0};
	char **got = NULL;
	size_t n = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (int i = 0; i < 40; i++)
		pend[i] = 1000 + (uint64_t)i * 7;
	assert_int_equal(pl_scan_resume_save(path, args, 5, &st, &err), PL_OK);
	assert_int_equal(pl_scan_resume_load(path, &got, &n, &back, &err), PL_OK);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], args[i]);
	assert_null(got[n]);
	assert_true(back.next == 12345);
	assert_int_equal(back.n_pending, 40);
	assert_memory_equal(back.pending, pend, sizeof(pend));
	pl_scan_resume_args_free(got, n);
	pl_scan_state_cleanup(&back);
	unlink(path);

	static const char *const bad[] = {
	    "",
	    "portlens-resume 2\narg x\nnext 1\nend\n",
	    "portlens-resume 1\narg x\nnext 1\n", /* truncated: no end */
	    "portlens-resume 1\nnext 1\nend\n",   /* no arguments */
	    "portlens-resume 1\narg x\nnext -1\nend\n",
	    "portlens-resume 1\narg x\nnext 1\npending 1 x\nend\n",
	    "portlens-resume 1\narg x\nnext 1\nbogus\nend\n",
	    "portlens-resume 1\narg x\nnext 1\nend\narg y\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    pl_scan_resume_parse(bad[i], strlen(bad[i]), "r", &got, &n, &back, &err),
		    PL_ERR_PARSE);
	assert_int_equal(pl_scan_resume_load("/nonexistent/x", &got, &n, &back, &err), PL_ERR_IO);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(pl_port_state_name(PL_PORT_FILTERED), "filtered");
	assert_string_equal(pl_port_state_name(PL_PORT_UNREACHABLE), "unreachable");
	assert_string_equal(pl_scan_reason_name(PL_REASON_CONN_REFUSED), "conn-refused");
	assert_string_equal(pl_scan_reason_name(PL_REASON_COUNT), "?");
}

UNIT_MAIN(cmocka_unit_test(test_spec_parse), cmocka_unit_test(test_target_set),
          cmocka_unit_test(test_big_space), cmocka_unit_test(test_ports),
          cmocka_unit_test(test_top_ports), cmocka_unit_test(test_resume_roundtrip),
          cmocka_unit_test(test_names), cmocka_unit_test(test_target_messages),
          cmocka_unit_test(test_mapped_never_probe), cmocka_unit_test(test_ports_ranges))
