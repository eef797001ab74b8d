// SPDX-License-Identifier: MIT
/*
 * test_recog.c - every <example> of every shipped Recog database (data/recog/xml) is a
 * test vector: it must match its own fingerprint, and every param the example names
 * (service.version="..." etc.) must come out with that value. Also the loader's
 * errors, Ruby-flag mapping, interpolation and the embedded copies.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "probe/recog.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long n;

	*len = 0;
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	*len = fread(data, 1, (size_t)n, fp);
	data[*len] = '\0';
	fclose(fp);
	return data;
}

/* Checks every example of db; returns the number of failures (printed). */
static size_t
check_examples(const struct pl_recog_db *db, size_t *n_examples)
{
	size_t fails = 0;

	for (size_t i = 0; i < pli_recog_db_count(db); i++) {
		for (size_t j = 0; j < pli_recog_fp_examples(db, i); j++) {
			struct pl_recog_result res;
			size_t len, n_attrs;
			const char *ex = pli_recog_example(db, i, j, &len, &n_attrs);

			(*n_examples)++;
			if (!pli_recog_match_one(db, i, ex, len, &res)) {
				printf("%s: fingerprint %zu /%s/ %s: example %zu does not match: "
				       "%.80s\n",
				       pli_recog_db_name(db), i, pli_recog_fp_pattern(db, i),
				       pli_recog_fp_error(db, i), j, ex);
				fails++;
				continue;
			}
			for (size_t k = 0; k < n_attrs; k++) {
				const char *name, *want, *got;

				pli_recog_example_attr(db, i, j, k, &name, &want);
				got = pli_recog_get(&res, name);
				if (!got)
					got = "";
				if (strcmp(got, want) != 0) {
					printf("%s: fingerprint %zu example %zu: %s is '%s', "
					       "expected '%s'\n",
					       pli_recog_db_name(db), i, j, name, got, want);
					fails++;
				}
			}
		}
	}
	return fails;
}

static void
test_every_shipped_example(void **state)
{
	const char *dir = PL_SOURCE_ROOT "/data/recog/xml";
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t fails = 0, files = 0, examples = 0, fps = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[1024];
		size_t len = 0;
		char *xml;
		struct pl_recog_db *db = NULL;
		struct pl_err err = {0};
		size_t nl = strlen(de->d_name);

		if (nl < 5 || strcmp(de->d_name + nl - 4, ".xml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		xml = slurp(path, &len);
		assert_non_null(xml);
		if (pli_recog_db_parse(xml, len, de->d_name, &db, &err) != PL_OK)
			fail_msg("%s:%u:%u: %s", de->d_name, err.line, err.column, err.msg);
		files++;
		fps += pli_recog_db_count(db);
		fails += check_examples(db, &examples);
		pli_recog_db_free(db);
		free(xml);
	}
	closedir(d);
	printf("recog: %zu files, %zu fingerprints, %zu examples, %zu failures\n", files, fps,
	       examples, fails);
	assert_int_equal(files, 50);
	assert_true(examples > 3000);
	assert_int_equal(fails, 0);
}

static void
test_embedded_copies(void **state)
{
	size_t examples = 0;

	(void)state;
	assert_true(pl_recog_builtin_count >= 12);
	for (size_t i = 0; i < pl_recog_builtin_count; i++) {
		struct pl_recog_db *db = NULL;

		assert_int_equal(pli_recog_db_parse(pl_recog_builtin_blobs[i].xml,
		                                    pl_recog_builtin_blobs[i].len,
		                                    pl_recog_builtin_blobs[i].name, &db, NULL),
		                 PL_OK);
		assert_int_equal(pli_recog_db_bad_patterns(db), 0);
		assert_int_equal(check_examples(db, &examples), 0);
		pli_recog_db_free(db);
	}
}

static struct pl_recog_db *
parse_str(const char *xml)
{
	struct pl_recog_db *db = NULL;

	assert_int_equal(pli_recog_db_parse(xml, strlen(xml), "t", &db, NULL), PL_OK);
	return db;
}

static void
test_ruby_semantics(void **state)
{
	struct pl_recog_result res;
	struct pl_recog_db *db = parse_str(
	    "<fingerprints protocol='x'>"
	    "<fingerprint pattern='^Foo (\\d+)$'><description>line anchors</description>"
	    "<param pos='0' name='service.product' value='Foo'/>"
	    "<param pos='1' name='service.version'/>"
	    "<param pos='0' name='service.cpe23' value='cpe:/a:foo:foo:{service.version}'/>"
	    "</fingerprint>"
	    "<fingerprint pattern='(?m)^a.b$'><description>ruby m is dotall</description>"
	    "<param pos='0' name='service.product' value='AB'/></fingerprint>"
	    "<fingerprint pattern='^case$' flags='REG_ICASE'><description>i</description>"
	    "<param pos='0' name='service.product' value='Case'/></fingerprint>"
	    "</fingerprints>");

	(void)state;
	/* Ruby's $ matches before a line break, ^ after one. */
	assert_true(pli_recog_match(db, "x\nFoo 12\nmore", 14, &res));
	assert_string_equal(pli_recog_get(&res, "service.version"), "12");
	assert_string_equal(pli_recog_get(&res, "service.cpe23"), "cpe:/a:foo:foo:12");
	assert_true(pli_recog_match(db, "a\nb", 3, &res));
	assert_string_equal(pli_recog_get(&res, "service.product"), "AB");
	assert_true(pli_recog_match(db, "CASE", 4, &res));
	assert_false(pli_recog_match(db, "nothing", 7, &res));
	assert_string_equal(pli_recog_db_protocol(db), "x");
	pli_recog_db_free(db);
}

static void
test_parse_errors(void **state)
{
	struct pl_recog_db *db = NULL;
	struct pl_err err = {0};
	const char *bad = "<fingerprints>\n<fingerprint><description/></fingerprint>";
	const char *b64 = "<fingerprints><fingerprint pattern='a'><example _encoding='base64'>"
	                  "!!!</example></fingerprint></fingerprints>";
	const char *broken = "<fingerprints><fingerprint pattern='('><description>x"
	                     "</description></fingerprint></fingerprints>";

	(void)state;
	assert_int_equal(pli_recog_db_parse(bad, strlen(bad), "bad.xml", &db, &err), PL_ERR_PARSE);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "pattern"));
	assert_int_equal(pli_recog_db_parse("<a>", 3, "t", &db, &err), PL_ERR_PARSE);
	assert_int_equal(pli_recog_db_parse(b64, strlen(b64), "t", &db, &err), PL_ERR_PARSE);
	/* Found by fuzz_recog: elements nested in an example must not confuse the loader. */
	{
		const char *nested = "<fingerprints><fingerprint pattern='a'><example>x"
		                     "<fingerprint pattern='b'></fingerprint></example>"
		                     "</fingerprint></fingerprints>";

		assert_int_equal(pli_recog_db_parse(nested, strlen(nested), "t", &db, &err),
		                 PL_ERR_PARSE);
	}
	/* A pattern PCRE2 rejects makes its fingerprint inert, not the database. */
	assert_int_equal(pli_recog_db_parse(broken, strlen(broken), "t", &db, &err), PL_OK);
	assert_int_equal(pli_recog_db_bad_patterns(db), 1);
	assert_string_not_equal(pli_recog_fp_error(db, 0), "");
	pli_recog_db_free(db);
}

static void
test_mirai_pairs(void **state)
{
	(void)state;
	assert_int_equal(pl_mirai_creds_count, 61);
	assert_string_equal(pl_mirai_creds[0].user, "root");
	assert_string_equal(pl_mirai_creds[0].pass, "xc3511");
}

UNIT_MAIN(cmocka_unit_test(test_every_shipped_example), cmocka_unit_test(test_embedded_copies),
          cmocka_unit_test(test_ruby_semantics), cmocka_unit_test(test_parse_errors),
          cmocka_unit_test(test_mirai_pairs))
