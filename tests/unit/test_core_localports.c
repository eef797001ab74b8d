// SPDX-License-Identifier: MIT
/*
 * test_core_localports.c - the kernel's client port settings (core/localports.c):
 * ip_local_port_range and ip_local_reserved_ports parsed byte by byte, read from a
 * directory laid out as /proc/sys/net/ipv4, and the defaults when they cannot be read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/localports.h"

static void
test_parse_range(void **state)
{
	uint16_t lo = 0, hi = 0;

	(void)state;
	assert_int_equal(pli_local_ports_parse_range("32768\t60999\n", &lo, &hi), 0);
	assert_int_equal(lo, 32768);
	assert_int_equal(hi, 60999);
	assert_int_equal(pli_local_ports_parse_range("1024 1024", &lo, &hi), 0);
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 1024);
	assert_int_equal(pli_local_ports_parse_range("60999\t32768\n", &lo, &hi), -1);
	assert_int_equal(pli_local_ports_parse_range("0\t100\n", &lo, &hi), -1);
	assert_int_equal(pli_local_ports_parse_range("1\t70000\n", &lo, &hi), -1);
	assert_int_equal(pli_local_ports_parse_range("32768\n", &lo, &hi), -1);
	assert_int_equal(pli_local_ports_parse_range("1 2 3\n", &lo, &hi), -1);
	assert_int_equal(pli_local_ports_parse_range("", &lo, &hi), -1);
}

static void
test_parse_reserved(void **state)
{
	static uint8_t bm[65536 / 8];

	(void)state;
	memset(bm, 0, sizeof(bm));
	assert_int_equal(pli_local_ports_parse_reserved("8080,9000-9002\n", bm), 0);
	assert_true(bm[8080 / 8] & (1u << (8080 % 8)));
	assert_true(bm[9002 / 8] & (1u << (9002 % 8)));
	assert_false(bm[9003 / 8] & (1u << (9003 % 8)));
	assert_true((bm[9000 / 8] & (1u << (9000 % 8))) && (bm[9001 / 8] & (1u << (9001 % 8))));
	assert_false((bm[8079 / 8] & (1u << (8079 % 8))) || (bm[8081 / 8] & (1u << (8081 % 8))) ||
	             (bm[8999 / 8] & (1u << (8999 % 8))));
	memset(bm, 0, sizeof(bm));
	assert_int_equal(pli_local_ports_parse_reserved("\n", bm), 0);
	assert_int_equal(pli_local_ports_parse_reserved("", bm), 0);
	assert_false((bm[0] & 1u) || (bm[65535 / 8] & (1u << (65535 % 8))));
	assert_int_equal(pli_local_ports_parse_reserved("65535", bm), 0);
	assert_true(bm[65535 / 8] & (1u << (65535 % 8)));
	assert_int_equal(pli_local_ports_parse_reserved("x", bm), -1);
	assert_int_equal(pli_local_ports_parse_reserved("9-3", bm), -1);
	assert_int_equal(pli_local_ports_parse_reserved("70000", bm), -1);
	assert_int_equal(pli_local_ports_parse_reserved("1,,2", bm), -1);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_read(void **state)
{
	char dir[] = "/tmp/pl-localports.XXXXXX", path[600];
	struct pli_local_ports lp;

	(void)state;
	/* No directory: Linux's defaults, nothing reserved. */
	assert_int_equal(pli_local_ports_read(NULL, &lp), PL_OK);
	assert_int_equal(lp.from_kernel, 0);
	assert_true(pli_local_ports_ephemeral(&lp, 32768));
	assert_true(pli_local_ports_ephemeral(&lp, 60999));
	assert_false(pli_local_ports_ephemeral(&lp, 61000));
	assert_false(pli_local_ports_ephemeral(&lp, 32767));
	pli_local_ports_cleanup(&lp);

	assert_non_null(mkdtemp(dir));
	put(dir, "ip_local_port_range", "40001\t40010\n");
	put(dir, "ip_local_reserved_ports", "40003,40008-40009\n");
	assert_int_equal(pli_local_ports_read(dir, &lp), PL_OK);
	assert_int_equal(lp.from_kernel, 1);
	assert_false(pli_local_ports_ephemeral(&lp, 40000));
	assert_true(pli_local_ports_ephemeral(&lp, 40001));
	assert_false(pli_local_ports_ephemeral(&lp, 40003));
	assert_false(pli_local_ports_ephemeral(&lp, 40009));
	assert_true(pli_local_ports_ephemeral(&lp, 40010));
	assert_false(pli_local_ports_ephemeral(&lp, 40011));
	pli_local_ports_cleanup(&lp);

	/* A broken range keeps the default; a broken reserved list reserves nothing. */
	put(dir, "ip_local_port_range", "oops\n");
	put(dir, "ip_local_reserved_ports", "1-x\n");
	assert_int_equal(pli_local_ports_read(dir, &lp), PL_OK);
	assert_int_equal(lp.from_kernel, 0);
	assert_int_equal(lp.lo, PLI_EPHEMERAL_DEFAULT_LO);
	assert_null(lp.reserved);
	pli_local_ports_cleanup(&lp);

	snprintf(path, sizeof(path), "%s/ip_local_port_range", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ip_local_reserved_ports", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_range),
	    cmocka_unit_test(test_parse_reserved),
	    cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
