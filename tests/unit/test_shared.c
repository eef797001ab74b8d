// SPDX-License-Identifier: MIT
/*
 * test_shared.c - the small helpers everything else stands on: strict number parsing,
 * port specs, UTF-8 validation, the growable buffer and JSON string escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "portlens/port.h"
#include "core/atomic_file.h"
#include "core/buf.h"
#include "core/escape.h"
#include "core/jsonw.h"
#include "core/strnum.h"
#include "core/utf8.h"

static void
test_strnum(void **state)
{
	uint64_t v = 0;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pli_parse_u64("65535", 0, 65535, &v, &err), PL_OK);
	assert_int_equal(v, 65535);
	assert_int_equal(pli_parse_u64("18446744073709551615", 0, UINT64_MAX, &v, NULL), PL_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(pli_parse_u64("18446744073709551616", 0, UINT64_MAX, &v, &err),
	                 PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "too large"));
	static const char *const bad[] = {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "١"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pli_parse_u64(bad[i], 0, 100, &v, NULL), PL_ERR_PARSE);
	assert_int_equal(pli_parse_u64("70000", 0, 65535, &v, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "out of range 0-65535"));
	/* Digits written backwards to an end: the longest number fits, 0 is one digit. */
	char digits[PLI_U64_DIGITS + 1], *end = digits + PLI_U64_DIGITS;
	*end = '\0';
	assert_string_equal(pli_u64_digits(UINT64_MAX, end), "18446744073709551615");
	assert_string_equal(pli_u64_digits(0, end), "0");
	assert_string_equal(pli_u64_digits(65535, end), "65535");
}

static void
test_port_spec(void **state)
{
	struct pl_port_spec s;
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pl_port_spec_parse("2323", &s, &err), PL_OK);
	assert_int_equal(s.port, 2323);
	assert_int_equal(s.protos, PL_PROTO_ALL);
	assert_int_equal(pl_port_spec_parse("23/UDP", &s, &err), PL_OK);
	assert_int_equal(s.protos, PL_PROTO_BIT(PL_PROTO_UDP));
	assert_int_equal(pl_port_spec_parse("70000", &s, &err), PL_ERR_PARSE);
	assert_string_equal(err.msg, "port 70000 is out of range 0-65535");
	assert_int_equal(pl_port_spec_parse("23/xyz", &s, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "unknown transport 'xyz'"));
	assert_int_equal(pl_port_spec_parse("/tcp", &s, &err), PL_ERR_PARSE);
	assert_int_equal(pl_port_spec_parse("99999999999999999999999", &s, &err), PL_ERR_PARSE);
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_int_equal(pli_utf8_invalid_at("plain", 5), 5);
	assert_int_equal(pli_utf8_invalid_at("\xed\x95\x9c\xea\xb5\xad", 6), 6); /* 한국 */
	assert_int_equal(pli_utf8_invalid_at("\xf0\x9f\x98\x80", 4), 4);         /* emoji */
	assert_int_equal(pli_utf8_invalid_at("a\xc0\x80", 3), 1);                /* overlong */
	assert_int_equal(pli_utf8_invalid_at("\xed\xa0\x80", 3), 0);             /* surrogate */
	assert_int_equal(pli_utf8_invalid_at("\xf4\x90\x80\x80", 4), 0);         /* > U+10FFFF */
	assert_int_equal(pli_utf8_invalid_at("ab\xe2\x82", 4), 2);               /* truncated */
	assert_int_equal(pli_utf8_invalid_at("\x80", 1), 0);                     /* stray */
}

static void
test_buf(void **state)
{
	struct pl_buf b;

	(void)state;
	pli_buf_init(&b);
	assert_string_equal(pli_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(pli_buf_printf(&b, "%d,", i), PL_OK);
	assert_int_equal(strncmp(pli_buf_str(&b), "0,1,2,", 6), 0);
	assert_int_equal(b.data[b.len], '\0');
	pli_buf_reset(&b);
	assert_int_equal(b.len, 0);
	pli_buf_cleanup(&b);
	pli_buf_cleanup(&b);
}

static void
test_json_escape(void **state)
{
	struct pl_buf b;
	struct pl_jsonw w;

	(void)state;
	pli_buf_init(&b);
	pli_jsonw_init(&w, &b, 0);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "s", "q\"b\\n\n\x01\x7f\xff!");
	pli_jsonw_kint(&w, "i", -5);
	pli_jsonw_key(&w, "a");
	pli_jsonw_array(&w);
	pli_jsonw_bool(&w, 1);
	pli_jsonw_null(&w);
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
	assert_string_equal(
	    pli_buf_str(&b),
	    "{\"s\":\"q\\\"b\\\\n\\n\\u0001\\u007f\\ufffd!\",\"i\":-5,\"a\":[true,null]}");
	pli_buf_cleanup(&b);
}

/* A failed append marks the buffer: later appends fail too, so a renderer's result is
 * never a silently shortened document (issue: JSON truncated on out-of-memory). */
static void
test_buf_sticky(void **state)
{
	struct pl_buf b;
	char *stolen;

	(void)state;
	pli_buf_init(&b);
	assert_int_equal(pli_buf_puts(&b, "{\"a\":"), PL_OK);
	assert_false(pli_buf_failed(&b));
	/* An append that cannot fit in memory. */
	assert_int_equal(pli_buf_append(&b, "x", SIZE_MAX), PL_ERR_NOMEM);
	assert_true(pli_buf_failed(&b));
	assert_int_not_equal(pli_buf_puts(&b, "1}"), PL_OK);
	assert_int_not_equal(pli_buf_putc(&b, '\n'), PL_OK);
	assert_int_not_equal(pli_buf_printf(&b, "%d", 2), PL_OK);
	assert_string_equal(pli_buf_str(&b), "{\"a\":");
	/* Stealing a failed buffer gives NULL, not the incomplete text. */
	stolen = pli_buf_steal(&b);
	assert_null(stolen);
	assert_false(pli_buf_failed(&b));
	assert_int_equal(pli_buf_puts(&b, "ok"), PL_OK);
	pli_buf_reset(&b);
	assert_int_equal(pli_buf_append(&b, "x", SIZE_MAX), PL_ERR_NOMEM);
	pli_buf_reset(&b);
	assert_false(pli_buf_failed(&b));
	pli_buf_cleanup(&b);
}

/* The temporary file never follows a symlink planted at a predictable name, and the
 * target is replaced whole. */
static void
test_atomic_file(void **state)
{
	char dir[] = "/tmp/pl-atomic.XXXXXX", target[256], victim[256], planted[256];
	char got[64] = {0};
	struct pl_err err = {0};
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/out.txt", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(planted, sizeof(planted), "%s/out.txt.tmp", dir);
	fp = fopen(victim, "w");
	assert_non_null(fp);
	fputs("precious\n", fp);
	fclose(fp);
	assert_int_equal(symlink(victim, planted), 0);
	assert_int_equal(pli_atomic_write(target, "new\n", 4, &err), PL_OK);
	fp = fopen(victim, "r");
	assert_non_null(fp);
	assert_non_null(fgets(got, sizeof(got), fp));
	fclose(fp);
	assert_string_equal(got, "precious\n");
	fp = fopen(target, "r");
	assert_non_null(fp);
	assert_non_null(fgets(got, sizeof(got), fp));
	fclose(fp);
	assert_string_equal(got, "new\n");
	/* A directory that does not exist: an error naming the file, nothing left behind. */
	snprintf(target, sizeof(target), "%s/nodir/out.txt", dir);
	assert_int_equal(pli_atomic_write(target, "x", 1, &err), PL_ERR_IO);
	assert_non_null(strstr(err.msg, "nodir/out.txt"));
	unlink(planted);
	unlink(victim);
	snprintf(target, sizeof(target), "%s/out.txt", dir);
	unlink(target);
	assert_int_equal(rmdir(dir), 0);
}

/* One rule per output: terminal, Markdown, CSV (core/escape.c). */
static void
test_escape_rules(void **state)
{
	static const struct {
		const char *in, *term, *md, *csv;
	} cases[] = {
	    {"plain text", "plain text", "plain text", "plain text"},
	    {"\x1b]0;t\x07", "\\x1b]0;t\\x07", "\\\\x1b\\]0;t\\\\x07", "\\x1b]0;t\\x07"},
	    {"caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9"},
	    {"\xc2\x9b"
	     "2J",
	     "\\xc2\\x9b2J", "\\\\xc2\\\\x9b2J", "\\xc2\\x9b2J"}, /* C1 CSI */
	    {"bad\xff", "bad\\xff", "bad\\\\xff", "bad\\xff"},
	    {"*a*|[l](u)<b>&", "*a*|[l](u)<b>&", "\\*a\\*\\|\\[l\\](u)\\<b\\>\\&",
	     "*a*|[l](u)<b>&"},
	    {"=1+2", "=1+2", "=1+2", "'=1+2"},
	    {"+1", "+1", "+1", "'+1"},
	    {"-2", "-2", "-2", "'-2"},
	    {"@SUM(A1)", "@SUM(A1)", "@SUM(A1)", "'@SUM(A1)"},
	    {"\t=1", "\\x09=1", "\\\\x09=1", "'\\x09=1"},
	    {"\r=1", "\\x0d=1", "\\\\x0d=1", "'\\x0d=1"},
	    {"a,b", "a,b", "a,b", "\"a,b\""},
	    {"say \"hi\"", "say \"hi\"", "say \"hi\"", "\"say \"\"hi\"\"\""},
	};
	struct pl_buf b;

	(void)state;
	pli_buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pli_buf_reset(&b);
		pli_esc_term(&b, cases[i].in);
		assert_string_equal(pli_buf_str(&b), cases[i].term);
		assert_int_equal(pli_esc_term_needed(cases[i].in, strlen(cases[i].in)),
		                 strcmp(cases[i].in, cases[i].term) != 0);
		pli_buf_reset(&b);
		pli_esc_markdown(&b, cases[i].in);
		assert_string_equal(pli_buf_str(&b), cases[i].md);
		pli_buf_reset(&b);
		pli_esc_csv(&b, cases[i].in, 1);
		assert_string_equal(pli_buf_str(&b), cases[i].csv);
	}
	pli_buf_cleanup(&b);
}

/* An allocation failure injected through the per-buffer limit: the buffer is marked
 * failed, and pli_buf_write (which every output path uses) writes none of it, so no
 * truncated JSON reaches a file; a complete buffer is written whole. */
static void
test_buf_limit_write(void **state)
{
	struct pl_buf b;
	FILE *fp = tmpfile();
	char got[64] = "";

	(void)state;
	assert_non_null(fp);
	pli_buf_init(&b);
	pli_buf_set_limit(&b, 12);
	assert_int_equal(pli_buf_puts(&b, "{\"port\":22"), PL_OK); /* 10 bytes: fits */
	assert_int_equal(pli_buf_write(&b, fp), PL_OK);
	assert_int_equal(pli_buf_puts(&b, ",\"state\":\"open\"}"), PL_ERR_NOMEM);
	assert_true(pli_buf_failed(&b));
	assert_int_equal(pli_buf_putc(&b, '}'), PL_ERR_NOMEM); /* sticky */
	assert_int_equal(pli_buf_write(&b, fp), PL_ERR_NOMEM);
	fflush(fp);
	assert_int_equal(ftell(fp), 10); /* only the complete first write */
	rewind(fp);
	assert_non_null(fgets(got, sizeof(got), fp));
	assert_string_equal(got, "{\"port\":22");
	/* reset keeps the limit: the bound is the buffer's, not one append's */
	pli_buf_reset(&b);
	assert_false(pli_buf_failed(&b));
	assert_int_equal(pli_buf_puts(&b, "0123456789abc"), PL_ERR_NOMEM);
	pli_buf_cleanup(&b);
	fclose(fp);
}

/* pli_buf_printf formats into the space already there when it fits, else grows the
 * buffer and formats again; either way the text is whole, the limit holds, and a
 * refused or cut first attempt leaves nothing behind. Integers are written by hand. */
static void
test_buf_printf_paths(void **state)
{
	char long_text[301];
	struct pl_buf b;
	struct pl_jsonw w;

	(void)state;
	memset(long_text, 'x', 300);
	long_text[300] = '\0';
	pli_buf_init(&b);
	assert_int_equal(pli_buf_printf(&b, "%s", "ab"), PL_OK);        /* first: no space yet */
	assert_int_equal(pli_buf_printf(&b, "%d", 42), PL_OK);          /* fits in place */
	assert_int_equal(pli_buf_printf(&b, "[%s]", long_text), PL_OK); /* cut, then regrown */
	assert_int_equal(b.len, 4 + 302);
	assert_int_equal(strncmp(pli_buf_str(&b), "ab42[xxx", 8), 0);
	assert_int_equal(b.data[b.len - 1], ']');
	pli_buf_cleanup(&b);

	pli_buf_init(&b);
	pli_buf_set_limit(&b, 12);
	assert_int_equal(pli_buf_printf(&b, "%s", "0123456789"), PL_OK);
	assert_int_equal(pli_buf_printf(&b, "%s", "abc"), PL_ERR_NOMEM); /* 13 > 12 */
	assert_true(pli_buf_failed(&b));
	assert_string_equal(b.data, "0123456789"); /* the refused text left nothing */
	pli_buf_cleanup(&b);

	pli_buf_init(&b);
	pli_jsonw_init(&w, &b, 0);
	pli_jsonw_array(&w);
	pli_jsonw_int(&w, 0);
	pli_jsonw_int(&w, 7);
	pli_jsonw_int(&w, -1);
	pli_jsonw_int(&w, INT64_MAX);
	pli_jsonw_int(&w, INT64_MIN);
	pli_jsonw_end(&w);
	assert_string_equal(pli_buf_str(&b), "[0,7,-1,9223372036854775807,-9223372036854775808]");
	pli_buf_cleanup(&b);
}

UNIT_MAIN(cmocka_unit_test(test_strnum), cmocka_unit_test(test_port_spec),
          cmocka_unit_test(test_utf8), cmocka_unit_test(test_buf),
          cmocka_unit_test(test_json_escape), cmocka_unit_test(test_buf_sticky),
          cmocka_unit_test(test_atomic_file), cmocka_unit_test(test_escape_rules),
          cmocka_unit_test(test_buf_limit_write), cmocka_unit_test(test_buf_printf_paths))
