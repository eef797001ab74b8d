// SPDX-License-Identifier: MIT
/*
 * test_registry.c - the IANA registry: the whole shipped CSV, parsed at run time, must
 * agree row by row and port by port with the table generated at build time; every port
 * 0-65535 has exactly one range class; known assignments (including the ones popular
 * port pages get wrong) read back exactly; malformed files fail with line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "portlens/registry.h"

#define CSV_PATH PL_SOURCE_ROOT "/data/service-names-port-numbers.csv"

static const struct pl_reg_entry *
find(const struct pl_registry *reg, uint16_t port, enum pl_proto proto, const char *service)
{
	size_t n;
	const uint32_t *idx = pl_registry_lookup(reg, port, &n);

	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, idx[i]);

		if ((e->protos & PL_PROTO_BIT(proto)) && strcmp(e->service, service) == 0)
			return e;
	}
	return NULL;
}

/* Walks every record of the shipped CSV (parsed now) and checks that every port of it
 * finds the same record, by CSV line, in the built-in table. */
static void
test_every_row_found_by_lookup(void **state)
{
	struct pl_registry *loaded = NULL;
	struct pl_err err = {0};
	const struct pl_registry *builtin = pl_registry_builtin();
	size_t ports_checked = 0, ranges = 0, portless = 0;

	(void)state;
	assert_int_equal(pl_registry_load_file(CSV_PATH, &loaded, &err), PL_OK);
	/* PROVENANCE.md: header + 14,499 records. */
	assert_int_equal(pl_registry_count(loaded), 14499);
	assert_int_equal(pl_registry_count(builtin), 14499);
	for (size_t i = 0; i < pl_registry_count(loaded); i++) {
		const struct pl_reg_entry *row = pl_registry_entry(loaded, i);

		if (!row->has_port) {
			portless++;
			continue;
		}
		ranges += row->port_lo != row->port_hi;
		for (uint32_t p = row->port_lo; p <= row->port_hi; p++) {
			size_t n;
			const uint32_t *idx = pl_registry_lookup(builtin, (uint16_t)p, &n);
			int found = 0;

			for (size_t k = 0; k < n; k++) {
				const struct pl_reg_entry *e = pl_registry_entry(builtin, idx[k]);

				if (e->line == row->line && e->protos == row->protos &&
				    strcmp(e->service, row->service) == 0 &&
				    strcmp(e->description, row->description) == 0)
					found = 1;
			}
			if (!found)
				fail_msg("CSV line %u (%s %u-%u) not found for port %u", row->line,
				         row->service, row->port_lo, row->port_hi, p);
			ports_checked++;
		}
	}
	/* 762 records are written as ranges, 6 of them covering one port ("4748-4748"),
	 * and 1055 records have no port. */
	assert_int_equal(ranges, 756);
	assert_int_equal(portless, 1055);
	assert_true(ports_checked > 49152);
	pl_registry_free(loaded);
}

static void
test_range_classes_cover_every_port_once(void **state)
{
	size_t counts[3] = {0};

	(void)state;
	for (uint32_t p = 0; p <= 65535; p++) {
		enum pl_range_class c = pl_port_range_class((uint16_t)p);
		uint16_t lo, hi;

		assert_true(c <= PL_RANGE_DYNAMIC);
		pl_range_bounds(c, &lo, &hi);
		assert_true(p >= lo && p <= hi);
		counts[c]++;
	}
	assert_int_equal(counts[PL_RANGE_SYSTEM], 1024);
	assert_int_equal(counts[PL_RANGE_USER], 49151 - 1024 + 1);
	assert_int_equal(counts[PL_RANGE_DYNAMIC], 65535 - 49152 + 1);
	assert_int_equal(pl_port_range_class(1023), PL_RANGE_SYSTEM);
	assert_int_equal(pl_port_range_class(1024), PL_RANGE_USER);
	assert_int_equal(pl_port_range_class(49151), PL_RANGE_USER);
	assert_int_equal(pl_port_range_class(49152), PL_RANGE_DYNAMIC);
}

static void
test_known_assignments(void **state)
{
	const struct pl_registry *reg = pl_registry_builtin();
	const struct pl_reg_entry *e;

	(void)state;
	e = find(reg, 23, PL_PROTO_TCP, "telnet");
	assert_non_null(e);
	assert_string_equal(e->reference, "[RFC854]");
	/* Pages that call these unassigned are wrong: */
	assert_non_null(find(reg, 2309, PL_PROTO_TCP, "sdserver"));
	assert_non_null(find(reg, 2323, PL_PROTO_TCP, "3d-nfsd"));
	assert_non_null(find(reg, 2323, PL_PROTO_UDP, "3d-nfsd"));
	assert_non_null(find(reg, 2326, PL_PROTO_TCP, "idcp"));
	/* Inside a range record. */
	e = find(reg, 6001, PL_PROTO_TCP, "x11");
	assert_non_null(e);
	assert_int_equal(e->port_lo, 6000);
	assert_int_equal(e->port_hi, 6063);
	assert_string_equal(e->unauthorized_use, "Known Unauthorized Use on port 6003");
	/* SCTP and DCCP rows. */
	assert_non_null(find(reg, 9, PL_PROTO_SCTP, "discard"));
	assert_non_null(find(reg, 9, PL_PROTO_DCCP, "discard"));
	assert_string_equal(pl_registry_date(reg), "2026-02-13");
}

static void
test_row_without_transport_means_tcp_and_udp(void **state)
{
	const struct pl_registry *reg = pl_registry_builtin();
	size_t n;
	const uint32_t *idx = pl_registry_lookup(reg, 81, &n);
	int seen = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, idx[i]);

		if (!e->proto_given) {
			assert_int_equal(e->protos,
			                 PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP));
			assert_int_equal(e->status, PL_REG_UNASSIGNED);
			seen = 1;
		}
	}
	assert_true(seen);
}

static void
test_statuses(void **state)
{
	const struct pl_registry *reg = pl_registry_builtin();
	size_t n;
	const uint32_t *idx = pl_registry_lookup(reg, 0, &n);

	(void)state;
	assert_true(n >= 2);
	assert_int_equal(pl_registry_entry(reg, idx[0])->status, PL_REG_RESERVED);
	idx = pl_registry_lookup(reg, 4, &n);
	assert_int_equal(n, 2);
	assert_int_equal(pl_registry_entry(reg, idx[0])->status, PL_REG_UNASSIGNED);
	/* Nothing above 49151 is in the registry. */
	pl_registry_lookup(reg, 49152, &n);
	assert_int_equal(n, 0);
	pl_registry_lookup(reg, 65535, &n);
	assert_int_equal(n, 0);
}

static const char header[] = "Service Name,Port Number,Transport Protocol,Description,Assignee,"
                             "Contact,Registration Date,Modification Date,Reference,Service "
                             "Code,Unauthorized Use Reported,Assignment Notes\r\n";

/* The header line and bad->text are refused: the error names new.csv, the line, the
 * column and the problem, and no registry is made. */
static void
expect_error(const struct unit_bad_input *bad)
{
	char doc[1024];
	struct pl_registry *reg = NULL;
	struct pl_err err = {0};

	snprintf(doc, sizeof(doc), "%s%s", header, bad->text);
	assert_int_equal(pl_registry_parse(doc, strlen(doc), "new.csv", &reg, &err), PL_ERR_PARSE);
	assert_null(reg);
	assert_string_equal(err.source, "new.csv");
	unit_expect_err_at(&err, bad);
}

static void
test_malformed_files(void **state)
{
	static const struct unit_bad_input bad[] = {
	    {"ok,1,tcp,d,,,,,,,,\r\nbad,70000,tcp,d,,,,,,,,\r\n", 3, 2, "70000"},
	    {"r,20-10,tcp,d,,,,,,,,\r\n", 2, 2, "ends before it starts"},
	    {"x,5,tcpx,d,,,,,,,,\r\n", 2, 3, "tcpx"},
	    {"x,5,tcp,d\r\n", 2, 0, "4 fields"},
	    {"x,5,tcp,\"open,,,,,,,,\r\n", 2, 9, "never closed"},
	};
	struct pl_registry *reg = NULL;
	struct pl_err err = {0};

	(void)state;
	for (size_t i = 0; i < UNIT_COUNT(bad); i++)
		expect_error(&bad[i]);
	assert_int_equal(pl_registry_parse("Name,Port\r\n", 11, "h.csv", &reg, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "header"));
	assert_int_equal(pl_registry_parse("", 0, "e.csv", &reg, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(pl_registry_load_file("/nonexistent/x.csv", &reg, &err), PL_ERR_IO);
	assert_non_null(strstr(err.msg, "/nonexistent/x.csv"));
}

static void
test_parse_small_file(void **state)
{
	char doc[1024];
	struct pl_registry *reg = NULL;
	struct pl_err err = {0};
	size_t n;
	const uint32_t *idx;

	(void)state;
	snprintf(doc, sizeof(doc),
	         "%stelnet,23,tcp,Telnet,[Jon],[Jon],,2026-05-01,[RFC854],,,\r\n"
	         ",100-102,,Unassigned,,,,,,,,\r\nonlyname,,,No port,,,,,,,,\r\n",
	         header);
	assert_int_equal(pl_registry_parse(doc, strlen(doc), "s.csv", &reg, &err), PL_OK);
	assert_int_equal(pl_registry_count(reg), 3);
	assert_string_equal(pl_registry_date(reg), "2026-05-01");
	idx = pl_registry_lookup(reg, 101, &n);
	assert_int_equal(n, 1);
	assert_int_equal(pl_registry_entry(reg, idx[0])->status, PL_REG_UNASSIGNED);
	pl_registry_lookup(reg, 103, &n);
	assert_int_equal(n, 0);
	assert_int_equal(pl_registry_entry(reg, 2)->has_port, 0);
	pl_registry_free(reg);
	pl_registry_free(NULL);
}

UNIT_MAIN(cmocka_unit_test(test_every_row_found_by_lookup),
          cmocka_unit_test(test_range_classes_cover_every_port_once),
          cmocka_unit_test(test_known_assignments),
          cmocka_unit_test(test_row_without_transport_means_tcp_and_udp),
          cmocka_unit_test(test_statuses), cmocka_unit_test(test_malformed_files),
          cmocka_unit_test(test_parse_small_file))
