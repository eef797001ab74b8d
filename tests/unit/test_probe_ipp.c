// SPDX-License-Identifier: MIT
/*
 * test_probe_ipp.c - the IPP pieces of the probe (probe/p_ipp.c) byte by byte: the
 * Get-Printer-Attributes request (its header and attributes as RFC 8010 lays them
 * out), a printer's answer with make-and-model, firmware, several IPP versions (an
 * additional value has name-length 0) and a name, every cut of that answer, answers
 * that are no IPP, and the chunked transfer coding undone in place. CUPS answering
 * over the network is in tests/lab/probe/apps.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "probe/probe_impl.h"

/* One attribute: tag, name (NULL: additional value), value. */
static size_t
attr(unsigned char *p, unsigned tag, const char *name, const char *value)
{
	size_t nl = name ? strlen(name) : 0, vl = strlen(value), o = 0;

	p[o++] = (unsigned char)tag;
	p[o++] = (unsigned char)(nl >> 8);
	p[o++] = (unsigned char)nl;
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
	size_t n = pl_ipp_request(buf, sizeof(buf), 0x000b, "ipp://198.18.0.2:631/ipp/print");
	struct pl_ipp_reply r;

	(void)state;
	assert_true(n > 100);
	/* IPP/1.1, Get-Printer-Attributes, request-id 1, operation attributes first */
	assert_memory_equal(buf, "\x01\x01\x00\x0b\x00\x00\x00\x01\x01\x47\x00\x12", 12);
	assert_memory_equal(buf + 12, "attributes-charset", 18);
	assert_int_equal(buf[n - 1], 0x03);
	/* Read back with the response parser (operation where a status would be). */
	assert_int_equal(pl_ipp_parse(buf, n, &r), 0);
	assert_int_equal(r.status, 0x000b);
	/* The CUPS-Get-Default form takes no printer-uri; too small a buffer: 0. */
	assert_true(pl_ipp_request(buf, sizeof(buf), 0x4001, NULL) < n);
	assert_int_equal(pl_ipp_request(buf, 40, 0x000b, "ipp://x/"), 0);
}

static void
test_printer_answer(void **state)
{
	unsigned char buf[512];
	size_t n = printer_answer(buf);
	struct pl_ipp_reply r;

	(void)state;
	assert_int_equal(pl_ipp_parse(buf, n, &r), 0);
	assert_int_equal(r.major, 2);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.make_model, "HP LaserJet M404dn");
	assert_string_equal(r.firmware, "002.2110A");
	assert_string_equal(r.versions, "1.1,2.0");
	assert_string_equal(r.name, "hp-lab");
	/* Every cut: an error, never a read past the end (ASan), strings terminated. */
	for (size_t cut = 0; cut < n; cut++) {
		assert_int_equal(pl_ipp_parse(buf, cut, &r), -1);
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
	assert_int_equal(pl_ipp_parse(buf, n, &r), -1);
	buf[7] = 1;
	buf[0] = 'H'; /* an HTTP page */
	assert_int_equal(pl_ipp_parse(buf, n, &r), -1);
	buf[0] = 2;
	/* A name length past the end. */
	buf[9 + 1] = 0xff;
	assert_int_equal(pl_ipp_parse(buf, n, &r), -1);
}

static void
test_dechunk(void **state)
{
	unsigned char a[] = "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\n\r\n";
	unsigned char b[] = "A\r\n0123";            /* cut inside a chunk: keep what came */
	unsigned char c[] = "fffffffffffffff\r\nx"; /* absurd size: nothing, no overflow */

	(void)state;
	assert_int_equal(pl_http_dechunk(a, sizeof(a) - 1), 8);
	assert_memory_equal(a, "helloabc", 8);
	assert_int_equal(pl_http_dechunk(b, sizeof(b) - 1), 4);
	assert_memory_equal(b, "0123", 4);
	assert_int_equal(pl_http_dechunk(c, sizeof(c) - 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request),
	    cmocka_unit_test(test_printer_answer),
	    cmocka_unit_test(test_not_ipp),
	    cmocka_unit_test(test_dechunk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
