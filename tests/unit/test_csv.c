// SPDX-License-Identifier: MIT
/*
 * test_csv.c - the RFC 4180 reader byte by byte: quoting, line endings, multi-line
 * fields, record line numbers, and every malformed-input error with its position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "registry/csv.h"

struct collected {
	char text[2048]; /* records as "f1|f2|...;" */
	unsigned lines[32];
	size_t n;
};

static enum pl_rc
collect(void *ctx, char **fields, size_t n, unsigned line, struct pl_err *err)
{
	struct collected *c = ctx;
	size_t used = strlen(c->text);

	(void)err;
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(c->text + used, sizeof(c->text) - used, "%s%s",
		                         i ? "|" : "", fields[i]);
	snprintf(c->text + used, sizeof(c->text) - used, ";");
	if (c->n < 32)
		c->lines[c->n] = line;
	c->n++;
	return PL_OK;
}

static enum pl_rc
parse(const char *input, struct collected *c, struct pl_err *err)
{
	size_t len = strlen(input);
	char *buf = malloc(len + 1);
	enum pl_rc rc;

	assert_non_null(buf);
	memcpy(buf, input, len + 1);
	memset(c, 0, sizeof(*c));
	rc = pli_csv_parse_inplace(buf, len, "t.csv", collect, c, err);
	free(buf);
	return rc;
}

/* Well-formed inputs: the records read (fields joined by '|', records ended by ';') and
 * the line each record starts on. */
static void
test_records(void **state)
{
	static const struct {
		const char *input, *records;
		unsigned lines[3];
	} good[] = {
	    {"a,b,c\r\n1,2,3\r\n", "a|b|c;1|2|3;", {1, 2}},
	    /* LF line ends, no final line end */
	    {"a,b\n1,2", "a|b;1|2;", {1, 2}},
	    {",x,\r\n,,\r\n", "|x|;||;", {1, 2}},
	    {"\"a,b\",\"say \"\"hi\"\"\",\"\"\r\n", "a,b|say \"hi\"|;", {1}},
	    /* a field over three lines: the next record's line number counts them */
	    {"h1,h2\r\nx,\"line one\nline two\r\nthree\"\r\ny,z\r\n",
	     "h1|h2;x|line one\nline two\r\nthree;y|z;",
	     {1, 2, 5}},
	    /* blank lines are skipped, and counted */
	    {"a\r\n\r\n\nb\r\n", "a;b;", {1, 4}},
	};

	(void)state;
	for (size_t i = 0; i < UNIT_COUNT(good); i++) {
		struct collected c;
		size_t records = 0;

		assert_int_equal(parse(good[i].input, &c, NULL), PL_OK);
		assert_string_equal(c.text, good[i].records);
		for (const char *p = good[i].records; *p; p++)
			records += *p == ';';
		assert_int_equal(c.n, records);
		for (size_t r = 0; r < records && r < 3; r++)
			assert_int_equal(c.lines[r], good[i].lines[r]);
	}
}

/* Each malformed record is refused with the line and column of the offending byte. */
static void
test_malformed(void **state)
{
	static const struct unit_bad_input bad[] = {
	    {"ok\r\nab\"c,d\r\n", 2, 3, "quote inside an unquoted field"},
	    {"\"ab\"x,1\r\n", 1, 5, "after closing quote"},
	    {"a,b\r\nc,\"never\nclosed\r\n", 2, 3, "never closed"},
	    {"a,b\rc\r\n", 1, 4, "carriage return not followed by"},
	};

	(void)state;
	for (size_t i = 0; i < UNIT_COUNT(bad); i++) {
		struct collected c;
		struct pl_err err = {0};

		assert_int_equal(parse(bad[i].text, &c, &err), PL_ERR_PARSE);
		unit_expect_err_at(&err, &bad[i]);
	}
}

static void
test_nul_byte(void **state)
{
	char input[] = "a,b\0c\r\n";
	char *buf = malloc(sizeof(input));
	struct collected c = {0};
	struct pl_err err = {0};

	(void)state;
	memcpy(buf, input, sizeof(input));
	assert_int_equal(pli_csv_parse_inplace(buf, sizeof(input) - 1, "t", collect, &c, &err),
	                 PL_ERR_PARSE);
	assert_int_equal(err.column, 4);
	assert_non_null(strstr(err.msg, "NUL"));
	free(buf);
}

static void
test_too_many_fields(void **state)
{
	char input[PL_CSV_MAX_FIELDS * 2 + 8];
	struct collected c;
	struct pl_err err = {0};
	size_t i;

	(void)state;
	for (i = 0; i < PL_CSV_MAX_FIELDS + 1; i++)
		input[i] = ',';
	input[i] = '\0';
	assert_int_equal(parse(input, &c, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "more than"));
}

static enum pl_rc
stop_at_second(void *ctx, char **fields, size_t n, unsigned line, struct pl_err *err)
{
	(void)fields;
	(void)n;
	(void)ctx;
	if (line == 2)
		return pl_err_set(err, PL_ERR_LIMIT, "stop");
	return PL_OK;
}

static void
test_callback_error_stops(void **state)
{
	char buf[] = "a\nb\nc\n";
	struct pl_err err = {0};

	(void)state;
	assert_int_equal(pli_csv_parse_inplace(buf, strlen(buf), "t", stop_at_second, NULL, &err),
	                 PL_ERR_LIMIT);
}

UNIT_MAIN(cmocka_unit_test(test_records), cmocka_unit_test(test_malformed),
          cmocka_unit_test(test_nul_byte), cmocka_unit_test(test_too_many_fields),
          cmocka_unit_test(test_callback_error_stops))
