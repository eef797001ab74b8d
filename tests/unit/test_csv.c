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

static void
test_plain_records(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(parse("a,b,c\r\n1,2,3\r\n", &c, NULL), PL_OK);
	assert_string_equal(c.text, "a|b|c;1|2|3;");
	assert_int_equal(c.n, 2);
	assert_int_equal(c.lines[0], 1);
	assert_int_equal(c.lines[1], 2);
}

static void
test_lf_and_no_final_newline(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(parse("a,b\n1,2", &c, NULL), PL_OK);
	assert_string_equal(c.text, "a|b;1|2;");
}

static void
test_empty_fields(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(parse(",x,\r\n,,\r\n", &c, NULL), PL_OK);
	assert_string_equal(c.text, "|x|;||;");
}

static void
test_quoted_fields(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(parse("\"a,b\",\"say \"\"hi\"\"\",\"\"\r\n", &c, NULL), PL_OK);
	assert_string_equal(c.text, "a,b|say \"hi\"|;");
}

static void
test_multiline_field_keeps_line_numbers(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(parse("h1,h2\r\nx,\"line one\nline two\r\nthree\"\r\ny,z\r\n", &c, NULL),
	                 PL_OK);
	assert_string_equal(c.text, "h1|h2;x|line one\nline two\r\nthree;y|z;");
	assert_int_equal(c.lines[1], 2);
	assert_int_equal(c.lines[2], 5);
}

static void
test_blank_lines_skipped(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(parse("a\r\n\r\n\nb\r\n", &c, NULL), PL_OK);
	assert_string_equal(c.text, "a;b;");
	assert_int_equal(c.lines[1], 4);
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

UNIT_MAIN(cmocka_unit_test(test_plain_records), cmocka_unit_test(test_lf_and_no_final_newline),
          cmocka_unit_test(test_empty_fields), cmocka_unit_test(test_quoted_fields),
          cmocka_unit_test(test_multiline_field_keeps_line_numbers),
          cmocka_unit_test(test_blank_lines_skipped), cmocka_unit_test(test_malformed),
          cmocka_unit_test(test_nul_byte), cmocka_unit_test(test_too_many_fields),
          cmocka_unit_test(test_callback_error_stops))
