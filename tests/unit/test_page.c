// SPDX-License-Identifier: MIT
/*
 * test_page.c - the port page model: registry rows per transport, range class,
 * ephemeral range read from a /proc fixture, curated facts and risk, checks and FAQ,
 * and the JSON rendering (parsed back with jansson).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include <jansson.h>

#include "portlens/page.h"
#include "core/buf.h"

static struct pl_page *
build(uint16_t port, unsigned protos)
{
	struct pl_page_opts opts = {.protos = protos};
	struct pl_page *page = NULL;

	assert_int_equal(pl_page_build(port, &opts, &page, NULL), PL_OK);
	return page;
}

static void
test_2323(void **state)
{
	struct pl_page *p = build(2323, 0);
	int botnet = 0;

	(void)state;
	assert_int_equal(p->n_transports, 2); /* sctp/dccp have no rows: omitted */
	assert_int_equal(p->transports[0].proto, PL_PROTO_TCP);
	assert_int_equal(p->transports[0].n, 1);
	assert_string_equal(p->transports[0].rows[0]->service, "3d-nfsd");
	assert_string_equal(p->transports[1].rows[0]->service, "3d-nfsd");
	assert_int_equal(p->range, PL_RANGE_USER);
	assert_true(p->risk >= PL_RISK_HIGH);
	for (size_t i = 0; i < p->n_facts; i++)
		botnet |= p->facts[i]->kind == PL_KB_BOTNET_TARGET;
	assert_true(botnet);
	assert_int_equal(p->n_faq, 4);
	assert_string_equal(p->faq[0].id, "dangerous");
	assert_non_null(strstr(p->faq[1].answer, "3d-nfsd"));
	assert_non_null(strstr(p->faq[3].answer, "dport 2323 drop"));
	assert_non_null(strstr(p->faq[3].answer, "netsh advfirewall"));
	assert_true(p->n_checks >= 8);
	assert_string_equal(p->checks[0].command, "sudo ss -tulpn 'sport = :2323'");
	pl_page_free(p);
}

static void
test_range_record_and_explicit_transport(void **state)
{
	struct pl_page *p = build(6001, PL_PROTO_BIT(PL_PROTO_TCP));

	(void)state;
	assert_int_equal(p->n_transports, 1);
	assert_string_equal(p->transports[0].rows[0]->service, "x11");
	assert_int_equal(p->transports[0].rows[0]->port_lo, 6000);
	pl_page_free(p);
	p = build(2323, PL_PROTO_BIT(PL_PROTO_SCTP));
	assert_int_equal(p->n_transports, 1);
	assert_int_equal(p->transports[0].n, 0); /* asked for: shown as "no record" */
	pl_page_free(p);
}

static void
test_dynamic_port_without_facts(void **state)
{
	struct pl_kb *empty = pl_kb_new();
	struct pl_page_opts opts = {.kb = empty};
	struct pl_page *p = NULL;
	char summary[64];

	(void)state;
	assert_int_equal(pl_kb_finish(empty, NULL), PL_OK);
	assert_int_equal(pl_page_build(61234, &opts, &p, NULL), PL_OK);
	assert_int_equal(p->range, PL_RANGE_DYNAMIC);
	assert_int_equal(p->n_facts, 0);
	assert_int_equal(p->risk, PL_RISK_INFO);
	assert_int_equal(p->transports[0].n, 0);
	pl_page_summary(p, summary, sizeof(summary));
	assert_string_equal(summary, "not in the registry");
	assert_non_null(strstr(p->faq[0].answer, "Nothing in portlens's knowledge base"));
	assert_non_null(strstr(p->faq[1].answer, "No service is registered for port 61234"));
	pl_page_free(p);
	pl_kb_free(empty);
}

static void
test_ephemeral_from_proc_fixture(void **state)
{
	char root[] = "/tmp/pl-proc-XXXXXX";
	char path[256];
	struct pl_page_opts opts = {.read_proc = 1};
	struct pl_page *p = NULL;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/proc/sys", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/proc/sys/net", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/proc/sys/net/ipv4", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/proc/sys/net/ipv4/ip_local_port_range", root);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("2000\t2500\n", fp);
	fclose(fp);
	opts.proc_root = root;
	assert_int_equal(pl_page_build(2323, &opts, &p, NULL), PL_OK);
	assert_int_equal(p->ephemeral.lo, 2000);
	assert_int_equal(p->ephemeral.hi, 2500);
	assert_true(p->in_ephemeral);
	assert_string_equal(p->ephemeral.source, "/proc/sys/net/ipv4/ip_local_port_range");
	/* The unprivileged start file is absent from the fixture: default, said so. */
	assert_int_equal(p->ephemeral.unprivileged_start, 1024);
	assert_string_equal(p->ephemeral.unprivileged_source, "Linux default");
	assert_non_null(strstr(p->faq[1].answer, "ephemeral range 2000-2500"));
	pl_page_free(p);
	unlink(path);
}

static void
test_json(void **state)
{
	struct pl_page *p = build(23, 0);
	char *json = NULL;
	json_error_t jerr;
	json_t *root, *tr, *notes;

	(void)state;
	assert_int_equal(pl_page_json(p, 0, &json), PL_OK);
	root = json_loads(json, 0, &jerr);
	if (!root)
		fail_msg("invalid JSON at %d: %s", jerr.position, jerr.text);
	assert_string_equal(json_string_value(json_object_get(root, "schema")), "portlens.port/1");
	assert_int_equal(json_integer_value(json_object_get(root, "port")), 23);
	tr = json_object_get(json_object_get(root, "registry"), "transports");
	assert_int_equal(json_array_size(tr), 2);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_array_get(json_object_get(json_array_get(tr, 0), "records"), 0), "service")),
	    "telnet");
	notes = json_object_get(root, "security_notes");
	assert_true(json_array_size(notes) >= 1);
	assert_true(json_array_size(json_object_get(json_array_get(notes, 0), "sources")) >= 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(root, "range"), "class")),
	    "well-known");
	assert_int_equal(json_array_size(json_object_get(root, "faq")), 4);
	json_decref(root);
	free(json);
	pl_page_free(p);
}

/* The FAQ and check labels are written in the page's language, every one of them
 * (a missing translation would show the English template). */
static void
test_languages(void **state)
{
	struct pl_page *en = NULL, *pg = NULL;
	struct pl_page_opts o = {.protos = 0};

	(void)state;
	assert_int_equal(pl_page_build(2323, &o, &en, NULL), PL_OK);
	for (int l = PL_LANG_KO; l < PL_LANG_COUNT; l++) {
		o.lang = (enum pl_lang)l;
		assert_int_equal(pl_page_build(2323, &o, &pg, NULL), PL_OK);
		assert_int_equal(pg->lang, l);
		assert_int_equal(pg->n_faq, en->n_faq);
		for (size_t i = 0; i < pg->n_faq; i++) {
			assert_string_not_equal(pg->faq[i].question, en->faq[i].question);
			assert_string_not_equal(pg->faq[i].answer, en->faq[i].answer);
			/* Commands keep their exact text: they are the same in every language. */
			if (strcmp(en->faq[i].id, "close") == 0)
				assert_non_null(
				    strstr(pg->faq[i].answer, "`sudo ufw deny 2323/tcp`"));
		}
		for (size_t i = 0; i < pg->n_checks; i++) {
			assert_string_equal(pg->checks[i].command, en->checks[i].command);
			assert_string_not_equal(pg->checks[i].purpose, en->checks[i].purpose);
		}
		pl_page_free(pg);
	}
	pl_page_free(en);
	o.lang = PL_LANG_COUNT; /* out of range: English */
	assert_int_equal(pl_page_build(2323, &o, &pg, NULL), PL_OK);
	assert_int_equal(pg->lang, PL_LANG_EN);
	pl_page_free(pg);
}

/* Arabic text keeps its left-to-right runs in order: Latin words, numbers, ranges,
 * options and paths are isolated (U+2066 .. U+2069), several in a row as one run, and
 * brackets and sentence punctuation stay outside the run. Other languages unchanged. */
static void
test_isolate_ltr(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"\xd8\xa7\xd9\x84\xd9\x85\xd9\x86\xd9\x81\xd8\xb0 11740-11743 \xd9\x88",
	     "\xd8\xa7\xd9\x84\xd9\x85\xd9\x86\xd9\x81\xd8\xb0 \xe2\x81\xa6"
	     "11740-11743"
	     "\xe2\x81\xa9 \xd9\x88"},
	    {"\xd8\xb4\xd8\xba\xd9\x91\xd9\x84 --tlsverify\xd8\x8c \xd8\xab\xd9\x85",
	     "\xd8\xb4\xd8\xba\xd9\x91\xd9\x84 \xe2\x81\xa6--tlsverify\xe2\x81\xa9\xd8\x8c "
	     "\xd8\xab\xd9\x85"},
	    {"SSH \xe2\x80\x8f(RFC 4253) \xd9\x87\xd9\x88",
	     "\xe2\x81\xa6SSH\xe2\x81\xa9 \xe2\x80\x8f(\xe2\x81\xa6RFC 4253\xe2\x81\xa9) "
	     "\xd9\x87\xd9\x88"},
	    {"\xd9\x81\xd9\x8a /etc/exports.",
	     "\xd9\x81\xd9\x8a \xe2\x81\xa6/etc/exports\xe2\x81\xa9."},
	    {"\xd9\x84\xd8\xa7 :) \xd9\x84\xd8\xa7", "\xd9\x84\xd8\xa7 :) \xd9\x84\xd8\xa7"},
	};
	struct pl_buf b;

	(void)state;
	pli_buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pli_buf_reset(&b);
		pl_page_isolate_ltr(&b, cases[i].in, 1);
		if (strcmp(pli_buf_str(&b), cases[i].out) != 0)
			fail_msg("case %zu: got '%s'", i, pli_buf_str(&b));
	}
	pli_buf_reset(&b);
	pl_page_isolate_ltr(&b, "--tlsverify 11740-11743", 0);
	assert_string_equal(pli_buf_str(&b), "--tlsverify 11740-11743");
	pli_buf_cleanup(&b);
}

UNIT_MAIN(cmocka_unit_test(test_2323), cmocka_unit_test(test_languages),
          cmocka_unit_test(test_range_record_and_explicit_transport),
          cmocka_unit_test(test_dynamic_port_without_facts),
          cmocka_unit_test(test_ephemeral_from_proc_fixture), cmocka_unit_test(test_json),
          cmocka_unit_test(test_isolate_ltr))
