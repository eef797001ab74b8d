// SPDX-License-Identifier: MIT
/*
 * test_knowledge.c - the knowledge file format (every rule of docs/knowledge-format.md
 * has a failing example with its position) and the shipped knowledge base (coverage of
 * the ports that matter, every fact cited, the real story of 2323).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "portlens/knowledge.h"

static const char good[] = "# comment\n"
                           "port: 23,2323/tcp\n"
                           "kind: botnet-target\n"
                           "risk: high\n"
                           "title: Telnet scanned by botnets\n"
                           "text: First line\n"
                           "  continues here.\n"
                           "source: https://example.org/a\n"
                           "source: rfc:854\n"
                           "\n"
                           "port: 6000-6063/any\n"
                           "kind: unofficial-use\n"
                           "title: X11\n"
                           "text: Displays.\n"
                           "source: cve:CVE-2017-17215\n";

static void
test_parse_good(void **state)
{
	struct pl_kb *kb = pl_kb_new();
	struct pl_err err = {0};
	const struct pl_kb_entry *e;
	size_t n;
	const uint32_t *idx;

	(void)state;
	assert_int_equal(pl_kb_parse(kb, good, strlen(good), "g.kb", &err), PL_OK);
	assert_int_equal(pl_kb_finish(kb, &err), PL_OK);
	assert_int_equal(pl_kb_count(kb), 3); /* 23, 2323, 6000-6063 */
	e = pl_kb_entry(kb, 0);
	assert_string_equal(e->text, "First line continues here.");
	assert_int_equal(e->n_sources, 2);
	assert_string_equal(e->sources[1], "rfc:854");
	assert_int_equal(e->risk, PL_RISK_HIGH);
	assert_int_equal(e->line, 2);
	assert_int_equal(pl_kb_entry(kb, 1)->port_lo, 2323);
	e = pl_kb_entry(kb, 2);
	assert_int_equal(e->protos, PL_PROTO_ALL);
	assert_int_equal(e->risk, PL_RISK_INFO);
	idx = pl_kb_lookup(kb, 6010, &n);
	assert_int_equal(n, 1);
	assert_int_equal(idx[0], 2);
	assert_int_equal(pl_kb_port_risk(kb, 2323, PL_PROTO_BIT(PL_PROTO_TCP)), PL_RISK_HIGH);
	assert_int_equal(pl_kb_port_risk(kb, 2323, PL_PROTO_BIT(PL_PROTO_UDP)), PL_RISK_INFO);
	pl_kb_free(kb);
}

/* The bad document is refused with the line, the column and the problem. */
static void
expect_error(const struct unit_bad_input *bad)
{
	struct pl_kb *kb = pl_kb_new();
	struct pl_err err = {0};

	assert_int_equal(pl_kb_parse(kb, bad->text, strlen(bad->text), "bad.kb", &err),
	                 PL_ERR_PARSE);
	unit_expect_err_at(&err, bad);
	pl_kb_free(kb);
}

#define BODY "kind: malware\ntitle: T\ntext: X\n"

static void
test_errors(void **state)
{
	static const struct unit_bad_input bad[] = {
	    {"port: 1/tcp\n" BODY, 1, 1, "cites no source"},
	    {"port: 1/tcp\nkind: malware\ntitle: T\nsource: rfc:1\n", 1, 1, "no 'text:'"},
	    {"port: 1/tcp\n" BODY "source: ftp://x\n", 5, 9, "not a URL"},
	    {"port: 1/tcp\n" BODY "source: cve:CVE-20-1\n", 5, 9, "not a URL"},
	    {"port: 1\n" BODY "source: rfc:1\n", 1, 7, "lacks a transport"},
	    {"port: 70000/tcp\n" BODY "source: rfc:1\n", 1, 7, "not a port"},
	    {"port: 9-3/tcp\n" BODY "source: rfc:1\n", 1, 7, "ends before"},
	    {"port: 1/xyz\n" BODY "source: rfc:1\n", 1, 9, "unknown transport"},
	    {"port: 1,/tcp\n" BODY "source: rfc:1\n", 1, 7, "trailing comma"},
	    {"port: 1/tcp\nkind: weird\ntitle: T\ntext: X\nsource: rfc:1\n", 2, 7, "unknown kind"},
	    {"port: 1/tcp\nrisk: severe\n" BODY "source: rfc:1\n", 2, 7, "unknown risk"},
	    {"port: 1/tcp\nport: 2/tcp\n", 2, 1, "given twice"},
	    {"port: 1/tcp\ncolour: red\n", 2, 1, "unknown key"},
	    {"port: 1/tcp\nno colon here\n", 2, 1, "expected 'key: value'"},
	    {"  indented first\n", 1, 1, "outside an entry"},
	    {"port: 1/tcp\ntitle: a\tb\n", 2, 9, "tab inside"},
	    {"port: 1/tcp\ntitle: \xc3\x28\n", 2, 8, "invalid UTF-8"},
	    {"port: 1/tcp\ntitle: a\x01\n", 2, 9, "control byte"},
	    {"port: 1/tcp\nkind: malware\ntitle:\ntext: X\nsource: rfc:1\n", 3, 1, "empty value"},
	    /* affects: needs software: and one LO-HI range. */
	    {"port: 1/tcp\n" BODY "affects: 1-2\nsource: rfc:1\n", 5, 1, "needs software"},
	    {"port: 1/tcp\n" BODY "software: X\naffects: 1.0\nsource: rfc:1\n", 6, 1,
	     "one version range"},
	};

	(void)state;
	for (size_t i = 0; i < UNIT_COUNT(bad); i++)
		expect_error(&bad[i]);
}

/* software: and affects: are kept on the entry (scan notes are conditioned on them). */
static void
test_software_keys(void **state)
{
	static const char doc[] = "port: 22/tcp\nkind: vulnerability\ntitle: T\ntext: X\n"
	                          "software: OpenSSH\naffects: 8.5p1-9.8p1\nsource: rfc:1\n";
	struct pl_kb *kb = pl_kb_new();
	struct pl_err err = {0};
	const struct pl_kb_entry *e;
	size_t n;

	(void)state;
	assert_int_equal(pl_kb_parse(kb, doc, strlen(doc), "s.kb", &err), PL_OK);
	assert_int_equal(pl_kb_finish(kb, &err), PL_OK);
	assert_non_null(pl_kb_lookup(kb, 22, &n));
	assert_int_equal(n, 1);
	e = pl_kb_entry(kb, 0);
	assert_string_equal(e->software, "OpenSSH");
	assert_string_equal(e->affects, "8.5p1-9.8p1");
	pl_kb_free(kb);
}

static void
test_length_limits(void **state)
{
	char doc[4096];
	char longtext[1100];

	(void)state;
	memset(longtext, 'a', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	snprintf(doc, sizeof(doc),
	         "port: 1/tcp\nkind: malware\ntitle: T\ntext: %s\nsource: rfc:1\n", longtext);
	expect_error(&(struct unit_bad_input){doc, 4, 1, "at most 1000"});
	longtext[101] = '\0';
	snprintf(doc, sizeof(doc),
	         "port: 1/tcp\nkind: malware\ntitle: %s\ntext: x\nsource: rfc:1\n", longtext);
	expect_error(&(struct unit_bad_input){doc, 3, 1, "at most 100"});
}

static int
port_has_fact(const struct pl_kb *kb, uint16_t port)
{
	size_t n;

	pl_kb_lookup(kb, port, &n);
	return n > 0;
}

static void
test_builtin_coverage(void **state)
{
	static const uint16_t required[] = {
	    21,
	    22,
	    23,
	    25,
	    53,
	    69,
	    80,
	    110,
	    111,
	    135,
	    137,
	    138,
	    139,
	    143,
	    161,
	    389,
	    443,
	    445,
	    1433,
	    1900,
	    2049,
	    2323,
	    2375,
	    3306,
	    3389,
	    4444,
	    5060,
	    5432,
	    5555,
	    5900,
	    6379,
	    6667,
	    7547,
	    8080,
	    8443,
	    9200,
	    11211,
	    12345,
	    27017,
	    31337,
	    37215,
	    52869,
	    /* issue 15: industrial, fleet-management and developer ports */
	    2404,
	    8530,
	    8531,
	    16992,
	    16995,
	    1911,
	    4911,
	    9600,
	    2455,
	    5351,
	    3632,
	    33848,
	    8089,
	    6006,
	    8188,
	    3671,
	    10050,
	    10051,
	    5666,
	    3690,
	    2123,
	    2152,
	    1604,
	    9530,
	    37777,
	    104,
	    11112,
	    5988,
	    5989,
	    /* commonly exposed on home and lab machines */
	    3310,
	    3493,
	    6566,
	    8006,
	    8324,
	    22000,
	    21027,
	    22067,
	    32400,
	    32412,
	    32469,
	    1716,
	};
	const struct pl_kb *kb = pl_kb_builtin();
	size_t distinct = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!port_has_fact(kb, required[i]))
			fail_msg("no knowledge entry for port %u", required[i]);
	for (uint32_t p = 0; p <= 65535; p++)
		distinct += port_has_fact(kb, (uint16_t)p);
	assert_true(distinct >= 150);
	for (size_t i = 0; i < pl_kb_count(kb); i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, i);

		assert_true(e->n_sources >= 1);
		assert_true(e->kind < PL_KB_KIND_COUNT);
		assert_true(strlen(e->title) > 0 && strlen(e->text) > 0);
	}
}

static void
test_builtin_2323_story(void **state)
{
	const struct pl_kb *kb = pl_kb_builtin();
	size_t n;
	const uint32_t *idx = pl_kb_lookup(kb, 2323, &n);
	int botnet = 0, use = 0, creds = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, idx[i]);

		if (e->kind == PL_KB_BOTNET_TARGET && strstr(e->text, "Mirai"))
			botnet = 1;
		if (e->kind == PL_KB_UNOFFICIAL_USE && strstr(e->text, "3d-nfsd") &&
		    strstr(e->text, "Telnet"))
			use = 1;
		if (e->kind == PL_KB_DEFAULT_CREDENTIALS && strstr(e->text, "61"))
			creds = 1;
	}
	assert_true(botnet);
	assert_true(use);
	assert_true(creds);
	assert_true(pl_kb_port_risk(kb, 2323, PL_PROTO_BIT(PL_PROTO_TCP)) >= PL_RISK_HIGH);
}

/* A source that lists every port rather than documenting this one: a reader cannot check
 * a specific claim against it, so an entry needs at least one source that is not one. */
static int
is_general_port_list(const char *src)
{
	static const char *const lists[] = {
	    "wikipedia.org/wiki/List_of_TCP_and_UDP_port_numbers",
	    "isc.sans.edu/port",
	    "speedguide.net",
	    "iana.org/assignments/service-names-port-numbers",
	};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (strstr(src, lists[i]))
			return 1;
	return 0;
}

static void
test_builtin_specific_sources(void **state)
{
	const struct pl_kb *kb = pl_kb_builtin();
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < pl_kb_count(kb); i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, i);
		int specific = 0;

		for (uint32_t s = 0; s < e->n_sources; s++)
			specific |= !is_general_port_list(e->sources[s]);
		if (!specific) {
			print_message("%s:%u (%s) cites only general port lists\n", e->file,
			              (unsigned)e->line, e->title);
			bad++;
		}
		/* Internal file names mean nothing to a reader of the page. */
		if (strstr(e->text, ".kb)") || strstr(e->text, ".kb,") || strstr(e->text, ".kb."))
			fail_msg("%s:%u names a knowledge file in its text", e->file,
			         (unsigned)e->line);
	}
	assert_int_equal(bad, 0);
}

/* The two corrections of issue 15, pinned: Redis protected mode since 7.0 does not
 * depend on bind, and 2323 is not claimed to be "almost always" an ISP Telnet. */
static void
test_builtin_corrections(void **state)
{
	const struct pl_kb *kb = pl_kb_builtin();
	size_t n;
	const uint32_t *idx = pl_kb_lookup(kb, 6379, &n);
	int redis = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, idx[i]);

		if (strstr(e->text, "protected mode") || strstr(e->text, "Protected mode")) {
			assert_non_null(strstr(e->text, "7.0"));
			assert_null(strstr(e->text, "only helps when no bind address"));
			redis = 1;
		}
	}
	assert_true(redis);
	for (size_t i = 0; i < pl_kb_count(kb); i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, i);

		assert_null(strstr(e->text, "almost always an alternate Telnet"));
		assert_null(strstr(e->text, "exposed their second Telnet daemon"));
	}
}

/* Translations: prints the coverage per language, and the most-viewed ports' facts
 * (Telnet 23 and 2323) must be complete in every page language. */
static void
test_translation_coverage(void **state)
{
	const struct pl_kb *kb = pl_kb_builtin();
	static const uint16_t must[] = {23, 2323};

	(void)state;
	for (int l = PL_LANG_KO; l < PL_LANG_COUNT; l++) {
		size_t titles = 0, texts = 0, n = pl_kb_count(kb);
		int fell = 0;

		for (size_t i = 0; i < n; i++) {
			const struct pl_kb_entry *e = pl_kb_entry(kb, i);

			titles += e->title_tr[l] != NULL;
			texts += e->text_tr[l] != NULL;
			/* A missing translation falls back to the English original, flagged. */
			assert_ptr_equal(pl_kb_title(e, (enum pl_lang)l, &fell),
			                 e->title_tr[l] ? e->title_tr[l] : e->title);
			assert_int_equal(fell, e->title_tr[l] == NULL);
		}
		print_message("knowledge translated into %s: %zu/%zu titles, %zu/%zu texts\n",
		              pl_lang_code((enum pl_lang)l), titles, n, texts, n);
		for (size_t k = 0; k < sizeof(must) / sizeof(must[0]); k++) {
			size_t m;
			const uint32_t *idx = pl_kb_lookup(kb, must[k], &m);

			for (size_t i = 0; i < m; i++) {
				const struct pl_kb_entry *e = pl_kb_entry(kb, idx[i]);

				if (!e->title_tr[l] || !e->text_tr[l])
					fail_msg("%s:%u (port %u) lacks a %s translation", e->file,
					         (unsigned)e->line, must[k],
					         pl_lang_code((enum pl_lang)l));
			}
		}
	}
	assert_ptr_equal(pl_kb_title(pl_kb_entry(kb, 0), PL_LANG_EN, NULL),
	                 pl_kb_entry(kb, 0)->title);
}

/* Knowledge files translated in full: every entry has its title and text in every page
 * language, so none of their facts falls back to English. A file joins this list when
 * its last entry is translated. */
static void
test_translation_complete_files(void **state)
{
	static const char *const complete[] = {
	    "databases.kb",
	    "dev-services.kb",
	    "enterprise-mgmt.kb",
	    "file-transfer.kb",
	    "homelab.kb",
	    "ics-more.kb",
	    "ics.kb",
	    "infrastructure.kb",
	    "iot-botnets.kb",
	    "mail.kb",
	    "malware.kb",
	    "p2p-games.kb",
	    "remote-access.kb",
	    "web.kb",
	    "windows-smb.kb",
	};
	const struct pl_kb *kb = pl_kb_builtin();
	size_t seen[sizeof(complete) / sizeof(complete[0])] = {0};

	(void)state;
	for (size_t i = 0; i < pl_kb_count(kb); i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, i);
		const char *base = strrchr(e->file, '/') ? strrchr(e->file, '/') + 1 : e->file;

		for (size_t f = 0; f < sizeof(complete) / sizeof(complete[0]); f++) {
			if (strcmp(base, complete[f]) != 0)
				continue;
			seen[f]++;
			for (int l = PL_LANG_KO; l < PL_LANG_COUNT; l++)
				if (!e->title_tr[l] || !e->text_tr[l])
					fail_msg("%s:%u lacks a %s translation", e->file,
					         (unsigned)e->line, pl_lang_code((enum pl_lang)l));
		}
	}
	for (size_t f = 0; f < sizeof(complete) / sizeof(complete[0]); f++)
		if (!seen[f])
			fail_msg("no entry comes from %s", complete[f]);
}

static void
test_names_round_trip(void **state)
{
	(void)state;
	for (unsigned k = 0; k < PL_KB_KIND_COUNT; k++) {
		enum pl_kb_kind back;

		assert_int_equal(pl_kb_kind_parse(pl_kb_kind_name((enum pl_kb_kind)k), &back),
		                 PL_OK);
		assert_int_equal(back, k);
	}
	for (unsigned r = 0; r < PL_RISK_COUNT; r++) {
		enum pl_risk back;

		assert_int_equal(pl_risk_parse(pl_risk_name((enum pl_risk)r), &back), PL_OK);
		assert_int_equal(back, r);
	}
	assert_string_equal(pl_kb_kind_name(PL_KB_KIND_COUNT), "?");
}

/* Does s name a CVE ("CVE-" digits "-" digits)? */
static int
names_cve(const char *s)
{
	for (const char *p = s; (p = strstr(p, "CVE-")) != NULL; p += 4) {
		const char *q = p + 4;

		if (!isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == '-' && isdigit((unsigned char)q[1]))
			return 1;
	}
	return 0;
}

/* Any fact can be a scan's note for its port, so a fact about a CVE, which belongs to
 * one product, must say which (software:): else `scan` shows it for whatever answers
 * (issue 10, item 3). Names every fact that breaks this. */
static void
test_cve_facts_name_software(void **state)
{
	const struct pl_kb *kb = pl_kb_builtin();
	size_t bad = 0;

	(void)state;
	assert_false(names_cve("CVE-2024 and CVE-x-1"));
	assert_true(names_cve("regreSSHion (CVE-2024-6387)"));
	for (size_t i = 0; i < pl_kb_count(kb); i++) {
		const struct pl_kb_entry *e = pl_kb_entry(kb, i);

		if ((names_cve(e->title) || names_cve(e->text)) && !e->software) {
			fprintf(stderr, "%s:%u: names a CVE but has no software: (%s)\n", e->file,
			        e->line, e->title);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

UNIT_MAIN(cmocka_unit_test(test_parse_good), cmocka_unit_test(test_errors),
          cmocka_unit_test(test_software_keys), cmocka_unit_test(test_cve_facts_name_software),
          cmocka_unit_test(test_length_limits), cmocka_unit_test(test_builtin_coverage),
          cmocka_unit_test(test_builtin_2323_story), cmocka_unit_test(test_names_round_trip),
          cmocka_unit_test(test_builtin_specific_sources),
          cmocka_unit_test(test_builtin_corrections), cmocka_unit_test(test_translation_coverage),
          cmocka_unit_test(test_translation_complete_files))
