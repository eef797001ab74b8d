// SPDX-License-Identifier: MIT
/*
 * recog_match.c - compiles Recog patterns with PCRE2 and matches banners against them.
 *
 * Compilation rewrites Ruby inline option groups ((?m) -> (?s), since Ruby's m is
 * PCRE's s) and always sets PCRE2_MULTILINE (Ruby's ^ and $ are line anchors). Each
 * pattern is compiled twice: bytewise for binary banners and in UTF mode for valid
 * UTF-8 text, as Ruby matches binary strings by bytes and UTF-8 strings by characters. A
 * match fills params: pos 0 copies the literal value, pos N copies capture group N,
 * then "{name}" placeholders in values are replaced by the named param's value.
 * Match limits keep pathological patterns from running away on hostile banners.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/recog_impl.h"
#include "core/utf8.h"

#define MATCH_LIMIT 5000000u
#define DEPTH_LIMIT 100000u

/* Copies pattern to a new buffer with Ruby inline flag m turned into PCRE s. */
static char *
ruby_to_pcre(const char *pat)
{
	size_t n = strlen(pat);
	char *out = malloc(n + 1);
	int in_class = 0;

	if (!out)
		return NULL;
	memcpy(out, pat, n + 1);
	/*
	 * "(.+)*" backtracks exponentially in PCRE2 (one shipped SMTP pattern needs ~10^8
	 * steps on its own example); "(.*)" matches the same strings and captures the same
	 * text (the last iteration of the greedy form is the whole run).
	 */
	for (char *p = strstr(out, "(.+)*"); p; p = strstr(p, "(.+)*")) {
		memcpy(p, "(.*)", 4);
		memmove(p + 4, p + 5, strlen(p + 5) + 1);
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (out[i] == '\\') {
			i++;
			continue;
		}
		if (out[i] == '[')
			in_class = 1;
		else if (out[i] == ']')
			in_class = 0;
		if (in_class || out[i] != '(' || i + 1 >= n || out[i + 1] != '?')
			continue;
		for (size_t k = i + 2; k < n && strchr("imx-", out[k]); k++)
			if (out[k] == 'm')
				out[k] = 's';
	}
	return out;
}

void
pli_recog_db_compile(struct pl_recog_db *db)
{
	for (size_t i = 0; i < db->n; i++) {
		struct recog_fp *fp = &db->fps[i];
		char *pat = ruby_to_pcre(fp->pattern);
		int code;
		PCRE2_SIZE off;

		if (pat)
			fp->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
			                       fp->flags | PCRE2_MULTILINE, &code, &off, NULL);
		if (fp->re)
			fp->re_utf = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
			                           fp->flags | PCRE2_MULTILINE | PCRE2_UTF, &code,
			                           &off, NULL);
		if (!fp->re) {
			char msg[160] = "out of memory";

			if (pat)
				pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
			fp->error = malloc(strlen(msg) + 32);
			if (fp->error)
				snprintf(fp->error, strlen(msg) + 32, "%s at offset %zu", msg,
				         (size_t)(pat ? off : 0));
			db->bad++;
		}
		free(pat);
	}
}

static void
copy_bounded(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

const char *
pli_recog_get(const struct pl_recog_result *res, const char *name)
{
	for (unsigned i = 0; i < res->n; i++)
		if (strcmp(res->kv[i].name, name) == 0)
			return res->kv[i].value[0] ? res->kv[i].value : NULL;
	return NULL;
}

/* Replaces {name} in each value by that param's value (one pass, bounded). */
static void
interpolate(struct pl_recog_result *res)
{
	for (unsigned i = 0; i < res->n; i++) {
		char *v = res->kv[i].value, out[sizeof(res->kv[i].value)];
		size_t o = 0;

		if (!strchr(v, '{'))
			continue;
		for (size_t k = 0; v[k] && o + 1 < sizeof(out);) {
			const char *close = v[k] == '{' ? strchr(v + k, '}') : NULL;
			char name[48];
			const char *rep;

			if (!close || (size_t)(close - (v + k)) >= sizeof(name)) {
				out[o++] = v[k++];
				continue;
			}
			copy_bounded(name, sizeof(name), v + k + 1, (size_t)(close - (v + k) - 1));
			rep = pli_recog_get(res, name);
			if (!rep)
				rep = "";
			for (size_t r = 0; rep[r] && o + 1 < sizeof(out); r++)
				out[o++] = rep[r];
			k = (size_t)(close - v) + 1;
		}
		out[o] = '\0';
		memcpy(v, out, o + 1);
	}
}

/* Ruby matches valid UTF-8 text by characters and binary strings by bytes. */
static int
wants_utf(const char *data, size_t n)
{
	int high = 0;

	for (size_t i = 0; i < n && !high; i++)
		high = (unsigned char)data[i] >= 0x80;
	return high && pli_utf8_invalid_at(data, n) == n;
}

static int
match_fp(const struct recog_fp *fp, const char *data, size_t n, int utf, pcre2_match_data *md,
         pcre2_match_context *mc, struct pl_recog_result *res)
{
	const pcre2_code *re = utf && fp->re_utf ? fp->re_utf : fp->re;
	PCRE2_SIZE *ov;
	int rc;

	if (!re)
		return 0;
	rc = pcre2_match(re, (PCRE2_SPTR)data, n, 0, utf && fp->re_utf ? PCRE2_NO_UTF_CHECK : 0, md,
	                 mc);
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(md);
	res->n = 0;
	res->description = fp->description ? fp->description : "";
	for (size_t k = 0; k < fp->n_params && res->n < PL_RECOG_MAX_PARAMS; k++) {
		const struct recog_param *p = &fp->params[k];
		struct pl_recog_kv *kv = &res->kv[res->n++];

		copy_bounded(kv->name, sizeof(kv->name), p->name, strlen(p->name));
		kv->value[0] = '\0';
		if (p->pos == 0)
			copy_bounded(kv->value, sizeof(kv->value), p->value, strlen(p->value));
		else if ((int)p->pos < rc && ov[2 * p->pos] != PCRE2_UNSET)
			copy_bounded(kv->value, sizeof(kv->value), data + ov[2 * p->pos],
			             ov[2 * p->pos + 1] - ov[2 * p->pos]);
	}
	interpolate(res);
	return 1;
}

static int
match_range(const struct pl_recog_db *db, size_t lo, size_t hi, const char *data, size_t n,
            struct pl_recog_result *res)
{
	pcre2_match_data *md = pcre2_match_data_create(100, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	int found = 0, utf = wants_utf(data, n);

	if (md && mc) {
		pcre2_set_match_limit(mc, MATCH_LIMIT);
		pcre2_set_depth_limit(mc, DEPTH_LIMIT);
		for (size_t i = lo; i < hi && !found; i++) {
			found = match_fp(&db->fps[i], data, n, utf, md, mc, res);
			if (found)
				res->index = i;
		}
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	return found;
}

int
pli_recog_match(const struct pl_recog_db *db, const char *data, size_t n,
                struct pl_recog_result *res)
{
	return db ? match_range(db, 0, db->n, data, n, res) : 0;
}

int
pli_recog_match_one(const struct pl_recog_db *db, size_t i, const char *data, size_t n,
                    struct pl_recog_result *res)
{
	return i < db->n ? match_range(db, i, i + 1, data, n, res) : 0;
}

const char *
pli_recog_db_name(const struct pl_recog_db *db)
{
	return db->name;
}

const char *
pli_recog_db_protocol(const struct pl_recog_db *db)
{
	return db->protocol ? db->protocol : "";
}

size_t
pli_recog_db_count(const struct pl_recog_db *db)
{
	return db->n;
}

size_t
pli_recog_db_bad_patterns(const struct pl_recog_db *db)
{
	return db->bad;
}

const char *
pli_recog_fp_pattern(const struct pl_recog_db *db, size_t i)
{
	return db->fps[i].pattern;
}

const char *
pli_recog_fp_error(const struct pl_recog_db *db, size_t i)
{
	return db->fps[i].error ? db->fps[i].error : "";
}

size_t
pli_recog_fp_examples(const struct pl_recog_db *db, size_t i)
{
	return db->fps[i].n_examples;
}

const char *
pli_recog_example(const struct pl_recog_db *db, size_t i, size_t j, size_t *len, size_t *n_attrs)
{
	const struct recog_example *ex = &db->fps[i].examples[j];

	*len = ex->len;
	*n_attrs = ex->n_attrs;
	return ex->data;
}

void
pli_recog_example_attr(const struct pl_recog_db *db, size_t i, size_t j, size_t k,
                       const char **name, const char **value)
{
	const struct recog_example *ex = &db->fps[i].examples[j];

	*name = ex->attrs[2 * k];
	*value = ex->attrs[2 * k + 1];
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
pli_recog_b64_decode(struct pl_buf *b, size_t *n)
{
	size_t o = 0;
	unsigned acc = 0, bits = 0;

	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		int v;

		if (c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		v = b64_value(c);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			b->data[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (b->data)
		b->data[o] = '\0';
	*n = o;
	return 0;
}
