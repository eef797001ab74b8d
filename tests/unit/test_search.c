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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_telnet),
	    cmocka_unit_test(test_regex_and_filter),
	    cmocka_unit_test(test_description_and_assignee),
	    cmocka_unit_test(test_errors_and_no_hits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
