// SPDX-License-Identifier: MIT
/*
 * test_registry_assigned.c - the one registry query "the service IANA assigned to
 * port/proto" (pl_registry_assigned) on the shipped registry and on small files made
 * here: a port inside a range, a port assigned on TCP only, on UDP, unassigned,
 * reserved, a row without transport, two rows for one port (CSV order wins), an
 * assigned row that names no service, a dynamic port, a NULL registry (the built-in
 * one); and the audit/listen verdict pl_port_unassigned agreeing with it on every port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "portlens/audit.h"
#include "portlens/registry.h"

static const char header[] =
    "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
    "Registration Date,Modification Date,Reference,Service Code,Unauthorized Use "
    "Reported,Assignment Notes\r\n";

/* One question and its answer (want NULL: no assigned service). */
struct expect {
	uint16_t port;
	enum pl_proto proto;
	const char *want;
};

static void
expect_all(const struct pl_registry *reg, const struct expect *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_assigned(reg, x[i].port, x[i].proto);
		const char *got = e ? e->service : NULL;

		if ((got == NULL) != (x[i].want == NULL) || (got && strcmp(got, x[i].want) != 0))
			fail_msg("%u/%s: got %s, want %s", x[i].port, pl_proto_name(x[i].proto),
			         got ? got : "none", x[i].want ? x[i].want : "none");
	}
}

static void
test_shipped_registry(void **state)
{
	static const struct expect x[] = {
	    {2323, PL_PROTO_TCP, "3d-nfsd"}, /* a single port, both transports */
	    {2323, PL_PROTO_UDP, "3d-nfsd"},
	    {6000, PL_PROTO_TCP, "x11"}, /* inside the range 6000-6063: ends and middle */
	    {6010, PL_PROTO_TCP, "x11"},
	    {6063, PL_PROTO_UDP, "x11"},
	    {2376, PL_PROTO_TCP, "docker-s"}, /* TCP only, no UDP row at all */
	    {2376, PL_PROTO_UDP, NULL},
	    {143, PL_PROTO_TCP, "imap"}, /* TCP only, a reserved UDP row */
	    {143, PL_PROTO_UDP, NULL},
	    {53, PL_PROTO_UDP, "domain"}, /* UDP */
	    {161, PL_PROTO_UDP, "snmp"},
	    {4, PL_PROTO_TCP, NULL}, /* unassigned */
	    {0, PL_PROTO_TCP, NULL}, /* reserved */
	    {1023, PL_PROTO_UDP, NULL},
	    {49151, PL_PROTO_TCP, NULL},
	    {50000, PL_PROTO_TCP, NULL}, /* dynamic: not in the registry */
	    {65535, PL_PROTO_UDP, NULL},
	};
	const struct pl_registry *reg = pl_registry_builtin();

	(void)state;
	expect_all(reg, x, sizeof(x) / sizeof(x[0]));
	/* NULL means the built-in registry; an invalid transport finds nothing. */
	assert_ptr_equal(pl_registry_assigned(NULL, 2323, PL_PROTO_TCP),
	                 pl_registry_assigned(reg, 2323, PL_PROTO_TCP));
	assert_null(pl_registry_assigned(reg, 2323, PL_PROTO_COUNT));
}

static void
test_small_file_rules(void **state)
{
	static const struct expect x[] = {
	    {100, PL_PROTO_TCP, "first"}, /* two rows for one port: the first in CSV order */
	    {100, PL_PROTO_UDP, NULL},
	    {101, PL_PROTO_TCP, "both"}, /* no transport: tcp and udp, not sctp */
	    {101, PL_PROTO_UDP, "both"},
	    {101, PL_PROTO_SCTP, NULL},
	    {102, PL_PROTO_TCP, NULL},   /* unassigned */
	    {102, PL_PROTO_UDP, NULL},   /* reserved */
	    {250, PL_PROTO_TCP, "wide"}, /* a range listed first covers a port listed inside */
	    {299, PL_PROTO_TCP, "wide"},
	    {300, PL_PROTO_TCP, NULL},
	    {103, PL_PROTO_TCP, "named"}, /* a row naming no service never answers */
	    {104, PL_PROTO_TCP, NULL},
	    {105, PL_PROTO_SCTP, "sctponly"},
	    {105, PL_PROTO_TCP, NULL},
	};
	char doc[2048];
	struct pl_registry *reg = NULL;
	struct pl_err err = {0};

	(void)state;
	snprintf(doc, sizeof(doc),
	         "%s"
	         "first,100,tcp,First,,,,,,,,\r\n"
	         "second,100,tcp,Second,,,,,,,,\r\n"
	         "both,101,,Both transports,,,,,,,,\r\n"
	         ",102,tcp,Unassigned,,,,,,,,\r\n"
	         ",102,udp,Reserved,,,,,,,,\r\n"
	         "wide,200-299,tcp,A range,,,,,,,,\r\n"
	         "narrow,250,tcp,Inside the range,,,,,,,,\r\n"
	         ",103,tcp,Described but unnamed,,,,,,,,\r\n"
	         "named,103,tcp,Named after an unnamed row,,,,,,,,\r\n"
	         ",104,tcp,Described but unnamed,,,,,,,,\r\n"
	         "sctponly,105,sctp,SCTP,,,,,,,,\r\n",
	         header);
	assert_int_equal(pl_registry_parse(doc, strlen(doc), "t.csv", &reg, &err), PL_OK);
	expect_all(reg, x, sizeof(x) / sizeof(x[0]));
	/* The unassigned verdict: only an Unassigned row, and only without a service. */
	assert_true(pl_port_unassigned(reg, 102, PL_PROTO_TCP));
	assert_false(pl_port_unassigned(reg, 102, PL_PROTO_UDP)); /* reserved */
	assert_false(pl_port_unassigned(reg, 100, PL_PROTO_TCP));
	assert_false(pl_port_unassigned(reg, 104, PL_PROTO_TCP)); /* unnamed, not unassigned */
	assert_false(pl_port_unassigned(reg, 999, PL_PROTO_TCP)); /* no row at all */
	pl_registry_free(reg);
}

/* On every port and transport of the shipped registry, the verdict never calls a port
 * with an assigned service unassigned, and every unassigned port has an Unassigned row. */
static void
test_verdict_agrees_everywhere(void **state)
{
	const struct pl_registry *reg = pl_registry_builtin();
	static const enum pl_proto protos[] = {PL_PROTO_TCP, PL_PROTO_UDP};
	unsigned n_assigned = 0, n_unassigned = 0;

	(void)state;
	for (unsigned port = 0; port <= 65535; port++) {
		for (size_t k = 0; k < 2; k++) {
			const struct pl_reg_entry *e =
			    pl_registry_assigned(reg, (uint16_t)port, protos[k]);
			int un = pl_port_unassigned(reg, (uint16_t)port, protos[k]);

			if (e && un)
				fail_msg("%u/%s: assigned to %s and unassigned", port,
				         pl_proto_name(protos[k]), e->service);
			if (e && (e->status != PL_REG_ASSIGNED || !e->service[0] ||
			          !(e->protos & PL_PROTO_BIT(protos[k])) || port < e->port_lo ||
			          port > e->port_hi))
				fail_msg("%u/%s: wrong record", port, pl_proto_name(protos[k]));
			if (un != pl_port_unassigned(NULL, (uint16_t)port, protos[k]))
				fail_msg("%u: NULL registry is not the built-in one", port);
			n_assigned += e != NULL;
			n_unassigned += un != 0;
		}
	}
	/* The shipped registry assigns thousands of ports and leaves thousands unassigned. */
	assert_true(n_assigned > 10000);
	assert_true(n_unassigned > 10000);
}

UNIT_MAIN(cmocka_unit_test(test_shipped_registry), cmocka_unit_test(test_small_file_rules),
          cmocka_unit_test(test_verdict_agrees_everywhere))
