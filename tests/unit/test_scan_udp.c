// SPDX-License-Identifier: MIT
/*
 * test_scan_udp.c - the UDP scan's payload file (src/lib/scan/udp_payloads.c): the
 * shipped data/udp-payloads.txt parses, every payload names its source, the bytes
 * follow their specifications where a unit test can check them (DNS header and
 * question, NTP mode, SNMP community, QUIC padding), errors name the line; the UDP
 * top-ports ranking starts with the payload ports and has exactly N ports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"

#include "portlens/scan.h"
#include "scan/udp_payloads.h"

static void
test_shipped(void **state)
{
	struct pl_udp_payloads p;
	struct pl_err err = {0};
	const uint8_t *d;
	size_t len;

	(void)state;
	assert_int_equal(pli_udp_payloads_builtin(&p, &err), PL_OK);
	assert_true(p.n >= 15);
	for (size_t i = 0; i < p.n; i++)
		assert_true(strlen(p.items[i].source) > 10);
	d = pli_udp_payload_for(&p, 53, &len); /* id "pl", RD, one question, version.bind */
	assert_true(len > 12 && d[0] == 0x70 && d[1] == 0x6c && d[2] == 0x01 && d[5] == 1);
	assert_memory_equal(d + 12,
	                    "\x07version\x04"
	                    "bind\x00\x00\x10\x00\x03",
	                    18);
	d = pli_udp_payload_for(&p, 123, &len);
	assert_int_equal(len, 48);
	assert_int_equal(d[0] & 7, 3); /* client mode */
	d = pli_udp_payload_for(&p, 161, &len);
	assert_memory_equal(d + 7, "public", 6);
	assert_int_equal(d[1] + 2, len); /* the BER length covers the message */
	d = pli_udp_payload_for(&p, 443, &len);
	assert_int_equal(len, 1200); /* a QUIC Initial's minimum */
	d = pli_udp_payload_for(&p, 11211, &len);
	assert_memory_equal(d + 8, "stats\r\n", 7);
	/* Service detection's payloads: the file marks the ones it sends to any port. */
	{
		const char *want[] = {"dns", "ntp", "snmp", "ssdp", "memcached"};
		size_t k = 0;

		for (size_t i = 0; i < p.n; i++)
			if (p.items[i].detect) {
				assert_true(k < 5);
				assert_string_equal(p.items[i].name, want[k++]);
			}
		assert_int_equal(k, 5);
		assert_int_equal(p.by_port[1161], p.by_port[161]); /* snmp on its other ports */
		assert_int_equal(p.by_port[5300], p.by_port[53]);
	}
	assert_null(pli_udp_payload_for(&p, 9, &len));
	assert_int_equal(len, 0);
	pli_udp_payloads_cleanup(&p);
}

static void
expect_error(const char *text, const char *msg)
{
	struct pl_udp_payloads p;
	struct pl_err err = {0};

	assert_int_equal(pli_udp_payloads_parse(text, strlen(text), "t", &p, &err), PL_ERR_PARSE);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' does not contain '%s'", err.msg, msg);
	assert_null(p.items);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("payload a\nports 1\nsource s\nhex 0g\nend\n", "t:4: hex: not a hex digit");
	expect_error("payload a\nports 1\nsource s\nhex 012\nend\n", "t:4: hex: odd number");
	expect_error("payload a\nports 1\nend\n", "t:3: end: an entry needs");
	expect_error("payload a\nports 0\nsource s\nend\n", "t:2: ports");
	expect_error("payload a\nports 1\nsource s\nend\npayload b\nports 1\n",
	             "t:6: ports: this port");
	expect_error("payload a\nports 1\nsource s\n", "no 'end'");
	expect_error("hex 00\n", "t:1: expected 'payload NAME'");
	expect_error("payload a\nports 1\nsource s\npad 1473\nend\n", "t:4: pad");
	expect_error("payload A\n", "t:1: payload: names use");
	expect_error("payload a\nports 1\nsource s\nwhat\nend\n", "t:4: expected ports");
	expect_error("payload a\nports 1\nsource s\ndetect yes\nend\n", "t:4: expected ports");
}

static void
test_top_udp(void **state)
{
	struct pl_ports ps = {0};
	int has53 = 0, has11211 = 0;

	(void)state;
	assert_int_equal(pl_ports_add_top_udp(&ps, 1000, NULL), PL_OK);
	assert_int_equal(ps.n, 1000);
	for (uint32_t i = 0; i < ps.n; i++) {
		assert_int_equal(ps.items[i] >> 16, PL_PROTO_UDP);
		has53 |= (ps.items[i] & 0xffff) == 53;
		has11211 |= (ps.items[i] & 0xffff) == 11211;
	}
	assert_true(has53 && has11211); /* payload ports come first */
	pl_ports_cleanup(&ps);
	assert_int_equal(pl_ports_add_top_udp(&ps, 3, NULL), PL_OK);
	assert_int_equal(ps.n, 3);
	pl_ports_cleanup(&ps);
	/* -sU re-tags a -p list. */
	assert_int_equal(pl_ports_parse(&ps, "53,U:161,T:22", NULL), PL_OK);
	pl_ports_retag(&ps, PL_PROTO_TCP, PL_PROTO_UDP);
	assert_int_equal(ps.n, 3);
	assert_int_equal(ps.items[0], (PL_PROTO_UDP << 16) | 22);
	pl_ports_cleanup(&ps);
}

/* -p LIST --top-ports N: of every port, the N kept are exactly the ranking's top N
 * (TCP and UDP rankings, prefixes of several lengths), and of a short list the best. */
static void
test_keep_top(void **state)
{
	static const uint32_t lens[] = {1, 2, 3, 7, 100, 1000, 5000};
	struct pl_ports all = {0}, top = {0};

	(void)state;
	for (int udp = 0; udp <= 1; udp++)
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			assert_int_equal(
			    pl_ports_parse(&all, udp ? "U:1-65535,T:1-3" : "1-65535,U:7", NULL),
			    PL_OK);
			assert_int_equal(udp ? pl_ports_add_top_udp(&top, lens[i], NULL)
			                     : pl_ports_add_top(&top, lens[i], NULL),
			                 PL_OK);
			assert_int_equal(pl_ports_keep_top(&all, lens[i], NULL), PL_OK);
			/* the other transport's ports (at most lens[i] of them) stay */
			assert_int_equal(all.n, top.n + (udp ? (lens[i] < 3 ? lens[i] : 3) : 1));
			for (uint32_t j = 0, k = 0; j < all.n; j++)
				if (all.items[j] >> 16 == (udp ? PL_PROTO_UDP : PL_PROTO_TCP))
					assert_int_equal(all.items[j], top.items[k++]);
			pl_ports_cleanup(&all);
			pl_ports_cleanup(&top);
		}
	/* a list: its best-ranked ports, not the ranking's */
	assert_int_equal(pl_ports_parse(&all, "22,80,60001-60010", NULL), PL_OK);
	assert_int_equal(pl_ports_keep_top(&all, 2, NULL), PL_OK);
	assert_int_equal(all.n, 2);
	assert_int_equal(all.items[0], (PL_PROTO_TCP << 16) | 22);
	assert_int_equal(all.items[1], (PL_PROTO_TCP << 16) | 80);
	pl_ports_cleanup(&all);
	assert_int_equal(pl_ports_parse(&all, "60005,60001,0", NULL), PL_OK);
	assert_int_equal(pl_ports_keep_top(&all, 5, NULL), PL_OK);
	assert_int_equal(all.n, 3); /* fewer than N: all of them, port 0 included */
	pl_ports_cleanup(&all);
}

UNIT_MAIN(cmocka_unit_test(test_shipped), cmocka_unit_test(test_errors),
          cmocka_unit_test(test_top_udp), cmocka_unit_test(test_keep_top))
