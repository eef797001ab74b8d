// SPDX-License-Identifier: MIT
/*
 * test_search.c - registry search: ranking, substring and regex matching, transport
 * filter, and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "portlens/search.h"

static int
has_port(const struct pl_search_hit *hits, size_t n, uint16_t port, const char *service)
{
	const struct pl_registry *reg = pl_registry_builtin();

	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, hits[i].entry);

		if (e->port_lo == port && strcmp(e->service, service) == 0)
			return 1;
	}
	return 0;
}

static void
test_telnet(void **state)
{
	struct pl_search_opts so = {.term = "telnet"};
	struct pl_search_hit *hits = NULL;
	size_t n = 0;
	const struct pl_reg_entry *first;

	(void)state;
	assert_int_equal(pl_registry_search(pl_registry_builtin(), &so, &hits, &n, NULL), PL_OK);
	first = pl_registry_entry(pl_registry_builtin(), hits[0].entry);
	assert_string_equal(first->service, "telnet");
	assert_int_equal(first->port_lo, 23);
	assert_int_equal(hits[0].rank, PL_MATCH_NAME_EXACT);
	assert_true(has_port(hits, n, 107, "rtelnet"));
	assert_true(has_port(hits, n, 992, "telnets"));
	assert_true(has_port(hits, n, 3696, "telnetcpcd")); /* "Telnet Com Port Control" */
	for (size_t i = 1; i < n; i++)
		assert_true(hits[i - 1].rank <= hits[i].rank);
	free(hits);
}

static void
test_regex_and_filter(void **state)
{
	struct pl_search_opts so = {
	    .term = "^x11$", .regex = 1, .protos = PL_PROTO_BIT(PL_PROTO_UDP)};
	struct pl_search_hit *hits = NULL;
	size_t n = 0;
	const struct pl_registry *reg = pl_registry_builtin();

	(void)state;
	assert_int_equal(pl_registry_search(reg, &so, &hits, &n, NULL), PL_OK);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, hits[i].entry);

		assert_string_equal(e->service, "x11");
		assert_true(e->protos & PL_PROTO_BIT(PL_PROTO_UDP));
	}
	free(hits);
}

static void
test_description_and_assignee(void **state)
{
	struct pl_search_opts so = {.term = "Jon_Postel"};
	struct pl_search_hit *hits = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(pl_registry_search(pl_registry_builtin(), &so, &hits, &n, NULL), PL_OK);
	assert_true(n >= 42); /* 42 records name [Jon_Postel] as assignee */
	assert_int_equal(hits[0].rank, PL_MATCH_ASSIGNEE);
	free(hits);
}

static void
test_errors_and_no_hits(void **state)
{
	struct pl_search_opts so = {.term = "(", .regex = 1};
	struct pl_search_hit *hits = NULL;
	size_t n = 7;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_registry_search(pl_registry_builtin(), &so, &hits, &n, &err),
	                 PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "bad regular expression"));
	so.term = "";
	so.regex = 0;
	assert_int_equal(pl_registry_search(pl_registry_builtin(), &so, &hits, &n, &err),
	                 PL_ERR_ARG);
	so.term = "zzqqxxnothing";
	assert_int_equal(pl_registry_search(pl_registry_builtin(), &so, &hits, &n, &err), PL_OK);
	assert_int_equal(n, 0);
	assert_null(hits);
}

/* Rank (position) of port in the results of pl_find_ports(term), or -1. */
static long
find_pos(const char *term, uint16_t port)
{
	struct pl_find_opts fo = {.term = term};
	struct pl_port_hit *hits = NULL;
	size_t n = 0;
	long pos = -1;

	assert_int_equal(pl_find_ports(&fo, &hits, &n, NULL), PL_OK);
	for (size_t i = 0; i < n && pos < 0; i++)
		if (hits[i].port_lo <= port && port <= hits[i].port_hi)
			pos = (long)i;
	for (size_t i = 1; i < n; i++)
		assert_true(hits[i - 1].how <= hits[i].how);
	free(hits);
	return pos;
}

/* What users type (issue 15): each lands on its port, first. */
static void
test_find_what_users_type(void **state)
{
	(void)state;
	assert_int_equal(find_pos("dns", 53), 0);
	assert_int_equal(find_pos("DNS", 53), 0);
	assert_int_equal(find_pos("rdp", 3389), 0);
	assert_int_equal(find_pos("remote desktop", 3389), 0);
	assert_int_equal(find_pos("  Remote   Desktop ", 3389), 0);
	assert_int_equal(find_pos("smb", 445), 0);
	assert_int_equal(find_pos("vnc", 5900), 0);
	assert_int_equal(find_pos("telnet", 23), 0);
	assert_true(find_pos("telnet", 2323) > 0);
	assert_int_equal(find_pos("2323", 2323), 0);
	assert_int_equal(find_pos("8530-8531", 8531), 1);
	/* The knowledge base's own words are searched. */
	assert_true(find_pos("mirai", 2323) >= 0);
	assert_true(find_pos("Industroyer", 2404) >= 0);
	assert_true(find_pos("protected mode", 6379) >= 0);
}

static void
test_find_every_language(void **state)
{
	(void)state;
	assert_int_equal(find_pos("원격 데스크톱", 3389), 0);
	assert_int_equal(find_pos("uzak masaüstü", 3389), 0);
	assert_int_equal(find_pos("سطح المكتب البعيد", 3389), 0);
	assert_int_equal(find_pos("텔넷", 23), 0);
	assert_int_equal(find_pos("파일 공유", 445), 0);
	assert_int_equal(find_pos("dosya paylaşımı", 445), 0);
	assert_int_equal(find_pos("مشاركة الملفات", 445), 0);
	/* The knowledge base's translated words are searched too. */
	assert_true(find_pos("스캔 탐침", 2323) >= 0);
	assert_true(find_pos("tarama sondalarının", 2323) >= 0);
	assert_true(find_pos("مجسات فحص", 23) >= 0);
}

static void
test_find_details(void **state)
{
	struct pl_find_opts fo = {.term = "2323"};
	struct pl_port_hit *hits = NULL;
	size_t n = 0;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_find_ports(&fo, &hits, &n, NULL), PL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].how, PL_FOUND_PORT);
	assert_non_null(hits[0].reg);
	assert_string_equal(hits[0].reg->service, "3d-nfsd");
	assert_non_null(hits[0].fact);
	assert_int_equal(hits[0].risk, PL_RISK_CRITICAL);
	free(hits);
	/* A port nobody knows is still a result of its own number. */
	fo.term = "65000";
	assert_int_equal(pl_find_ports(&fo, &hits, &n, NULL), PL_OK);
	assert_int_equal(n, 1);
	free(hits);
	fo.term = "   ";
	assert_int_equal(pl_find_ports(&fo, &hits, &n, &err), PL_ERR_ARG);
	fo.term = "(";
	fo.regex = 1;
	assert_int_equal(pl_find_ports(&fo, &hits, &n, &err), PL_ERR_PARSE);
	fo.term = "zzqqxxnothing";
	fo.regex = 0;
	assert_int_equal(pl_find_ports(&fo, &hits, &n, &err), PL_OK);
	assert_int_equal(n, 0);
	assert_null(hits);
	/* Transport filter: only UDP ports for "ntp" over UDP. */
	fo.term = "ntp";
	fo.protos = PL_PROTO_BIT(PL_PROTO_UDP);
	assert_int_equal(pl_find_ports(&fo, &hits, &n, &err), PL_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(hits[i].protos & PL_PROTO_BIT(PL_PROTO_UDP));
	free(hits);
	assert_string_equal(pl_found_how_name(PL_FOUND_ALIAS), "alias");
	assert_null(pl_service_alias("nothing-like-this"));
	assert_string_equal(pl_service_alias("RDP")[0], "ms-wbt-server");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_telnet),
	    cmocka_unit_test(test_regex_and_filter),
	    cmocka_unit_test(test_description_and_assignee),
	    cmocka_unit_test(test_errors_and_no_hits),
	    cmocka_unit_test(test_find_what_users_type),
	    cmocka_unit_test(test_find_every_language),
	    cmocka_unit_test(test_find_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
