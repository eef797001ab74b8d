// SPDX-License-Identifier: MIT
/*
 * recog.c - loads one Rapid7 Recog XML database with expat (a streaming parser: the
 * callbacks below build fingerprints as elements open and close) and compiles each
 * pattern with PCRE2.
 *
 * Recog's reference implementation is Ruby, so patterns carry Ruby semantics, which are
 * mapped here: ^ and $ always match at line breaks (PCRE2_MULTILINE); Ruby's /m, the
 * REG_MULTILINE and REG_DOT_NEWLINE flags and inline (?m) mean "dot matches newline"
 * (PCRE2_DOTALL, inline (?s)); REG_ICASE is PCRE2_CASELESS. Matching is on bytes (no
 * UTF mode), because banners are arbitrary bytes. Example texts with _encoding="base64"
 * are decoded here.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <expat.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "probe/recog_impl.h"
#include "core/buf.h"
#include "core/array.h"
#include "xml/xmlread.h"

struct parse_state {
	struct pl_recog_db *db;
	XML_Parser parser;
	struct pl_err *err;
	enum pl_rc rc;
	int in_fp;       /* inside <fingerprint> */
	int text_target; /* 0 none, 1 description, 2 example */
	struct pl_buf text;
	int example_b64;
};

/* Room for element n of the array whose pointer is at arrayp (a T ** passed as void *);
 * the new slots are zeroed because the parser fills an element field by field. */
static int
grow(void *arrayp, size_t *cap, size_t n, size_t elem)
{
	size_t old = *cap;
	char *arr;

	if (pli_array_reserve(arrayp, cap, n + 1, elem, 8) != PL_OK)
		return -1;
	memcpy(&arr, arrayp, sizeof(arr));
	memset(arr + old * elem, 0, (*cap - old) * elem);
	return 0;
}

static void
fail(struct parse_state *st, enum pl_rc rc, const char *what)
{
	pli_xml_fail(st->parser, &st->rc, st->err, st->db->name, rc, what);
}

static unsigned
parse_flags(const char *flags)
{
	unsigned f = 0;

	if (!flags)
		return 0;
	if (strstr(flags, "REG_ICASE"))
		f |= PCRE2_CASELESS;
	if (strstr(flags, "REG_DOT_NEWLINE") || strstr(flags, "REG_MULTILINE"))
		f |= PCRE2_DOTALL;
	return f;
}

static void
start_fingerprint(struct parse_state *st, const XML_Char **atts)
{
	struct pl_recog_db *db = st->db;
	const char *pat = pli_xml_attr(atts, "pattern");
	struct recog_fp *fp;

	if (!pat) {
		fail(st, PL_ERR_PARSE, "<fingerprint> without a pattern attribute");
		return;
	}
	if (grow(&db->fps, &db->cap, db->n, sizeof(*db->fps)) != 0) {
		fail(st, PL_ERR_NOMEM, "out of memory");
		return;
	}
	fp = &db->fps[db->n++];
	fp->pattern = strdup(pat);
	fp->flags = parse_flags(pli_xml_attr(atts, "flags"));
	if (!fp->pattern)
		fail(st, PL_ERR_NOMEM, "out of memory");
	st->in_fp = 1;
}

static void
start_param(struct parse_state *st, const XML_Char **atts)
{
	struct recog_fp *fp = &st->db->fps[st->db->n - 1];
	const char *pos = pli_xml_attr(atts, "pos"), *name = pli_xml_attr(atts, "name");
	const char *value = pli_xml_attr(atts, "value");
	struct recog_param *p;
	char *end;
	long v;

	if (!pos || !name) {
		fail(st, PL_ERR_PARSE, "<param> needs pos and name");
		return;
	}
	v = strtol(pos, &end, 10);
	if (*pos == '\0' || *end != '\0' || v < 0 || v > 99) {
		fail(st, PL_ERR_PARSE, "<param> pos is not a number 0-99");
		return;
	}
	if (grow(&fp->params, &fp->params_cap, fp->n_params, sizeof(*fp->params))) {
		fail(st, PL_ERR_NOMEM, "out of memory");
		return;
	}
	p = &fp->params[fp->n_params++];
	p->pos = (unsigned)v;
	p->name = strdup(name);
	p->value = strdup(value ? value : "");
	if (!p->name || !p->value)
		fail(st, PL_ERR_NOMEM, "out of memory");
}

static void
start_example(struct parse_state *st, const XML_Char **atts)
{
	struct recog_fp *fp = &st->db->fps[st->db->n - 1];
	struct recog_example *ex;
	size_t n = 0;
	const char *enc = pli_xml_attr(atts, "_encoding");

	if (grow(&fp->examples, &fp->examples_cap, fp->n_examples, sizeof(*fp->examples))) {
		fail(st, PL_ERR_NOMEM, "out of memory");
		return;
	}
	ex = &fp->examples[fp->n_examples++];
	for (size_t i = 0; atts[i]; i += 2)
		if (atts[i][0] != '_')
			n++;
	ex->attrs = calloc(n * 2 + 1, sizeof(char *));
	if (!ex->attrs) {
		fail(st, PL_ERR_NOMEM, "out of memory");
		return;
	}
	for (size_t i = 0, k = 0; atts[i]; i += 2) {
		if (atts[i][0] == '_')
			continue;
		ex->attrs[k] = strdup(atts[i]);
		ex->attrs[k + 1] = strdup(atts[i + 1]);
		if (!ex->attrs[k] || !ex->attrs[k + 1])
			fail(st, PL_ERR_NOMEM, "out of memory");
		k += 2;
		ex->n_attrs++;
	}
	st->example_b64 = enc && strcmp(enc, "base64") == 0;
	if (enc && !st->example_b64)
		fail(st, PL_ERR_PARSE, "unknown example _encoding (only base64 is defined)");
	pli_buf_reset(&st->text);
	st->text_target = 2;
}

static void XMLCALL
on_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
	struct parse_state *st = ud;

	if (st->rc != PL_OK)
		return;
	if (st->text_target) { /* <description> and <example> hold text only */
		fail(st, PL_ERR_PARSE, "element inside <description> or <example>");
		return;
	}
	if (st->in_fp && strcmp(el, "fingerprint") == 0) {
		fail(st, PL_ERR_PARSE, "<fingerprint> inside <fingerprint>");
		return;
	}
	if (strcmp(el, "fingerprints") == 0) {
		const char *proto = pli_xml_attr(atts, "protocol");

		if (proto && !st->db->protocol && !(st->db->protocol = strdup(proto)))
			fail(st, PL_ERR_NOMEM, "out of memory");
	} else if (strcmp(el, "fingerprint") == 0) {
		start_fingerprint(st, atts);
	} else if (st->in_fp && strcmp(el, "param") == 0) {
		start_param(st, atts);
	} else if (st->in_fp && strcmp(el, "example") == 0) {
		start_example(st, atts);
	} else if (st->in_fp && strcmp(el, "description") == 0) {
		pli_buf_reset(&st->text);
		st->text_target = 1;
	}
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct parse_state *st = ud;

	if (st->rc == PL_OK && st->text_target &&
	    pli_buf_append(&st->text, s, (size_t)len) != PL_OK)
		fail(st, PL_ERR_NOMEM, "out of memory");
}

static void
end_example(struct parse_state *st)
{
	struct recog_fp *fp = &st->db->fps[st->db->n - 1];
	struct recog_example *ex = &fp->examples[fp->n_examples - 1];
	size_t n;

	if (st->example_b64) {
		if (pli_recog_b64_decode(&st->text, &n) != 0) {
			fail(st, PL_ERR_PARSE, "example is not valid base64");
			return;
		}
		st->text.len = n;
	}
	ex->len = st->text.len;
	ex->data = malloc(ex->len + 1);
	if (!ex->data) {
		fail(st, PL_ERR_NOMEM, "out of memory");
		return;
	}
	if (ex->len)
		memcpy(ex->data, st->text.data, ex->len);
	ex->data[ex->len] = '\0';
}

static void XMLCALL
on_end(void *ud, const XML_Char *el)
{
	struct parse_state *st = ud;

	if (st->rc != PL_OK)
		return;
	if (strcmp(el, "fingerprint") == 0) {
		st->in_fp = 0;
	} else if (st->text_target == 2 && strcmp(el, "example") == 0) {
		end_example(st);
		st->text_target = 0;
	} else if (st->text_target == 1 && strcmp(el, "description") == 0) {
		struct recog_fp *fp = &st->db->fps[st->db->n - 1];

		free(fp->description);
		fp->description = strdup(pli_buf_str(&st->text));
		if (!fp->description)
			fail(st, PL_ERR_NOMEM, "out of memory");
		st->text_target = 0;
	}
}

void
pli_recog_db_free(struct pl_recog_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++) {
		struct recog_fp *fp = &db->fps[i];

		free(fp->pattern);
		free(fp->description);
		free(fp->error);
		pcre2_code_free(fp->re);
		pcre2_code_free(fp->re_utf);
		for (unsigned k = 0; k < fp->n_params; k++) {
			free(fp->params[k].name);
			free(fp->params[k].value);
		}
		free(fp->params);
		for (unsigned k = 0; k < fp->n_examples; k++) {
			struct recog_example *ex = &fp->examples[k];

			for (size_t a = 0; ex->attrs && ex->attrs[a]; a++)
				free(ex->attrs[a]);
			free(ex->attrs);
			free(ex->data);
		}
		free(fp->examples);
	}
	free(db->fps);
	free(db->name);
	free(db->protocol);
	free(db);
}

enum pl_rc
pli_recog_db_parse(const char *xml, size_t len, const char *name, struct pl_recog_db **out,
                   struct pl_err *err)
{
	struct parse_state st = {.err = err, .rc = PL_OK};
	enum pl_rc rc = PL_ERR_NOMEM;

	pli_buf_init(&st.text);
	st.db = calloc(1, sizeof(*st.db));
	if (!st.db || !(st.db->name = strdup(name ? name : "<recog>"))) {
		pl_err_set(err, rc, "out of memory");
		goto out;
	}
	st.parser = XML_ParserCreate("UTF-8");
	if (!st.parser) {
		pl_err_set(err, rc, "out of memory");
		goto out;
	}
	XML_SetUserData(st.parser, &st);
	XML_SetElementHandler(st.parser, on_start, on_end);
	XML_SetCharacterDataHandler(st.parser, on_text);
	if (len > (size_t)INT32_MAX) {
		rc = pl_err_set(err, PL_ERR_LIMIT, "%s: database too large", st.db->name);
		XML_ParserFree(st.parser);
		goto out;
	}
	if (XML_Parse(st.parser, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR && st.rc == PL_OK)
		fail(&st, PL_ERR_PARSE, XML_ErrorString(XML_GetErrorCode(st.parser)));
	XML_ParserFree(st.parser);
	rc = st.rc;
	if (rc == PL_OK)
		pli_recog_db_compile(st.db);
out:
	pli_buf_cleanup(&st.text);
	if (rc != PL_OK)
		pli_recog_db_free(st.db);
	else
		*out = st.db;
	return rc;
}
