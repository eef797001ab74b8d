// SPDX-License-Identifier: MIT
/*
 * test_probe_udp.c - the UDP answer classifiers (pl_probe_classify_udp) byte by byte:
 * DNS (a dnsmasq version.bind answer, avahi's mDNS answer, a REFUSED, an id that is not ours, a
 * compression loop), NTP (mode 4 with our origin timestamp, and one without), SNMP (a GetResponse
 * for community public with sysDescr and sysObjectID, a truncated one), SSDP and
 * memcached; and that noise is not recognised. The real servers are in the lab test
 * (tests/lab/probe/detect_lab.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "portlens/probe.h"

static struct pl_probe_ctx *ctx;

static int
setup(void **state)
{
	(void)state;
	return pl_probe_ctx_new(NULL, &ctx, NULL) == PL_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	pl_probe_ctx_free(ctx);
	return 0;
}

/* version.bind CH TXT, id 0x706c (what udp.c sends). */
static const unsigned char dns_q[] = {0x70, 0x6c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                      0x00, 0x00, 0x07, 'v',  'e',  'r',  's',  'i',  'o',  'n',
                                      0x04, 'b',  'i',  'n',  'd',  0x00, 0x00, 0x10, 0x00, 0x03};

/* dnsmasq 2.90's answer to it. */
static const unsigned char dns_a[] = {
    0x70, 0x6c, 0x84, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 'v',
    'e',  'r',  's',  'i',  'o',  'n',  0x04, 'b',  'i',  'n',  'd',  0x00, 0x00, 0x10,
    0x00, 0x03, 0xc0, 0x0c, 0x00, 0x10, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d,
    0x0c, 'd',  'n',  's',  'm',  'a',  's',  'q',  '-',  '2',  '.',  '9',  '0'};

static void
test_dns_version(void **state)
{
	struct pl_service s;

	(void)state;
	assert_int_equal(
	    pl_probe_classify_udp(ctx, 53, dns_q, sizeof(dns_q), dns_a, sizeof(dns_a), &s), 1);
	assert_string_equal(s.service, "dns");
	assert_string_equal(s.product, "Dnsmasq");
	assert_string_equal(s.version, "2.90");
	assert_int_equal(s.udp, 1);
	assert_int_equal(s.udp_request_bytes, sizeof(dns_q));
	assert_int_equal(s.udp_answer_bytes, sizeof(dns_a));
	assert_non_null(strstr(s.info, "version.bind: dnsmasq-2.90"));
}

/* avahi-daemon 0.8's unicast answer to the mDNS payload of data/udp-payloads.txt
 * (_services._dns-sd._udp.local PTR, id 0x706c): one PTR, _workstation._tcp. */
static const unsigned char mdns_q[] = {
    0x70, 0x6c, 0,   0,   0,   1,   0,   0,   0,   0,   0,   0,    9,    '_', 's', 'e',
    'r',  'v',  'i', 'c', 'e', 's', 7,   '_', 'd', 'n', 's', '-',  's',  'd', 4,   '_',
    'u',  'd',  'p', 5,   'l', 'o', 'c', 'a', 'l', 0,   0,   0x0c, 0x80, 0x01};
static const unsigned char mdns_a[] = {
    0x70, 0x6c, 0x84, 0,   0,   1,   0,   1,    0,   0,    0,    0,    9,    '_',  's',  'e',
    'r',  'v',  'i',  'c', 'e', 's', 7,   '_',  'd', 'n',  's',  '-',  's',  'd',  4,    '_',
    'u',  'd',  'p',  5,   'l', 'o', 'c', 'a',  'l', 0,    0,    0x0c, 0x80, 0x01, 0xc0, 0x0c,
    0,    0x0c, 0,    1,   0,   0,   0,   0x0a, 0,   0x14, 0x0c, '_',  'w',  'o',  'r',  'k',
    's',  't',  'a',  't', 'i', 'o', 'n', 4,    '_', 't',  'c',  'p',  0xc0, 0x23};

static void
test_mdns(void **state)
{
	struct pl_service s;

	(void)state;
	assert_int_equal(
	    pl_probe_classify_udp(ctx, 5353, mdns_q, sizeof(mdns_q), mdns_a, sizeof(mdns_a), &s),
	    1);
	assert_string_equal(s.service, "mdns");
	assert_non_null(strstr(s.info, "_services._dns-sd._udp.local: 1 answer"));
	/* The same answer to a DNS query that is not under .local stays "dns". */
	assert_int_equal(
	    pl_probe_classify_udp(ctx, 53, dns_q, sizeof(dns_q), dns_a, sizeof(dns_a), &s), 1);
	assert_string_equal(s.service, "dns");
}

static void
test_dns_wrong_id_and_loop(void **state)
{
	unsigned char a[sizeof(dns_a)];
	struct pl_service s;

	(void)state;
	memcpy(a, dns_a, sizeof(a));
	a[1] ^= 1; /* not the answer to our query */
	assert_int_equal(pl_probe_classify_udp(ctx, 53, dns_q, sizeof(dns_q), a, sizeof(a), &s), 0);
	assert_string_equal(s.service, "");
	memcpy(a, dns_a, sizeof(a));
	a[30] = 0xc0; /* the answer's name points at itself */
	a[31] = 30;
	assert_int_equal(pl_probe_classify_udp(ctx, 53, dns_q, sizeof(dns_q), a, sizeof(a), &s), 0);
	/* Cut anywhere: never recognised as more than it is, never read past the end. */
	for (size_t n = 1; n < sizeof(dns_a); n++)
		pl_probe_classify_udp(ctx, 53, dns_q, sizeof(dns_q), dns_a, n, &s);
}

static void
test_ntp(void **state)
{
	unsigned char q[48] = {0x23}, a[48] = {0};
	struct pl_service s;

	(void)state;
	memcpy(q + 40, "\xe9\x5b\x3c\x00\x70\x6c\x65\x6e", 8);
	a[0] = 0x24; /* version 4, mode 4 (server) */
	a[1] = 2;    /* stratum 2 */
	memcpy(a + 12, "\xc6\x12\x00\x03", 4);
	memcpy(a + 24, q + 40, 8); /* origin = our transmit timestamp */
	assert_int_equal(pl_probe_classify_udp(ctx, 123, q, 48, a, 48, &s), 1);
	assert_string_equal(s.service, "ntp");
	assert_non_null(strstr(s.info, "NTPv4 server, stratum 2, refid 198.18.0.3"));
	a[24] ^= 1; /* someone else's answer */
	assert_int_equal(pl_probe_classify_udp(ctx, 123, q, 48, a, 48, &s), 0);
}

static const unsigned char snmp_a[] = {
    0x30, 0x4d, 0x02, 0x01, 0x01, 0x04, 0x06, 'p',  'u',  'b',  'l',  'i',  'c',  0xa2, 0x40, 0x02,
    0x04, 0x70, 0x6c, 0x00, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x32, 0x30, 0x1a, 0x06,
    0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x0e, 'L',  'i',  'n',  'u',  'x',
    ' ',  'l',  'a',  'b',  ' ',  '6',  '.',  '1',  '.',  0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01,
    0x02, 0x01, 0x01, 0x02, 0x00, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x0a};

static void
test_snmp(void **state)
{
	struct pl_service s;

	(void)state;
	assert_int_equal(pl_probe_classify_udp(ctx, 161, NULL, 0, snmp_a, sizeof(snmp_a), &s), 1);
	assert_string_equal(s.service, "snmp");
	assert_true(s.exposures & PL_EXP_SNMP_PUBLIC);
	assert_non_null(strstr(s.info, "SNMPv2c, community 'public'"));
	assert_non_null(strstr(s.info, "sysDescr: Linux lab 6.1."));
	assert_non_null(strstr(s.info, "sysObjectID: 1.3.6.1.4.1.8072.10"));
	for (size_t n = 1; n < sizeof(snmp_a); n++)
		assert_int_equal(pl_probe_classify_udp(ctx, 161, NULL, 0, snmp_a, n, &s), 0);
}

static void
test_ssdp_memcached_noise(void **state)
{
	static const char ssdp[] = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
	                           "ST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\n"
	                           "SERVER: Linux/6.1 UPnP/1.1 MiniUPnPd/2.3.3\r\n\r\n";
	static const unsigned char mc[] = "\x70\x6c\x00\x00\x00\x01\x00\x00"
	                                  "STAT pid 7\r\nSTAT version 1.6.18\r\nEND\r\n";
	struct pl_service s;

	(void)state;
	assert_int_equal(pl_probe_classify_udp(ctx, 1900, NULL, 0, (const unsigned char *)ssdp,
	                                       sizeof(ssdp) - 1, &s),
	                 1);
	assert_string_equal(s.service, "ssdp");
	assert_string_equal(s.product, "MiniUPnPd");
	assert_string_equal(s.version, "2.3.3");
	assert_int_equal(pl_probe_classify_udp(ctx, 11211, NULL, 0, mc, sizeof(mc) - 1, &s), 1);
	assert_string_equal(s.service, "memcached");
	assert_string_equal(s.version, "1.6.18");
	assert_int_equal(
	    pl_probe_classify_udp(NULL, 9, NULL, 0, (const unsigned char *)"hello", 5, &s), 0);
	assert_string_equal(s.evidence, "hello");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dns_version), cmocka_unit_test(test_dns_wrong_id_and_loop),
	    cmocka_unit_test(test_mdns),        cmocka_unit_test(test_ntp),
	    cmocka_unit_test(test_snmp),        cmocka_unit_test(test_ssdp_memcached_noise),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
