// SPDX-License-Identifier: MIT
/*
 * fuzz_target_list.c - the -iL / --excludefile readers on arbitrary bytes: the line
 * reader (pli_lines_read over a memory FILE, as the CLI streams the file) and the list
 * parser (pl_targets_add_list: specs separated by whitespace or commas, '#' comments).
 * The first byte picks exclude, IPv6 resolution, line by line or the whole text at once,
 * and a short or long line limit; the rest is the file.
 *
 * No DNS while fuzzing: the list parser resolves host names, so an input holding any
 * word that parses as a host name is skipped. The words are found here the way the
 * parser finds them, and the count of target addresses must then be the sum of their
 * counts, which also checks that the parser saw exactly those words. The line reader
 * must hand over every line whole, numbered, without its '\n', within the limit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"
#include "core/lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct list_run {
	struct pl_targets *ts;
	const char *text; /* the whole input, to check the lines against */
	size_t len, pos;  /* where the next line must start */
	unsigned lineno;
	size_t max_line;
	int exclude, v6;
};

/*
 * Sum of the address counts of the words of text, or -1 when a word is a host name
 * (skip the input) and -2 when the parser must refuse the text before the end.
 */
static int64_t
expected_count(const char *t, size_t n)
{
	int64_t total = 0;

	for (size_t i = 0; i < n;) {
		char word[300];
		struct pl_target_spec sp;
		size_t start;

		if (t[i] == '#') {
			while (i < n && t[i] != '\n')
				i++;
			continue;
		}
		if (strchr(" \t\r\n,", t[i]) && t[i] != '\0') {
			i++;
			continue;
		}
		start = i;
		while (i < n && t[i] != '\0' && !strchr(" \t\r\n,#", t[i]))
			i++;
		if (i - start >= sizeof(word))
			return -2; /* too long: refused before any lookup */
		memcpy(word, t + start, i - start);
		word[i - start] = '\0';
		if (pl_target_spec_parse(word, &sp, NULL) != PL_OK)
			return -2;
		if (sp.kind == PL_TARGET_NAME)
			return -1;
		if (i < n && t[i] == '\0')
			return -2; /* NUL byte: refused after the words before it */
		total += (int64_t)sp.count;
	}
	return total;
}

static enum pl_rc
on_line(void *ctx, const char *line, size_t len, unsigned lineno, struct pl_err *err)
{
	struct list_run *r = ctx;

	if (lineno != ++r->lineno || len > r->max_line || line[len] != '\0' ||
	    memchr(line, '\n', len) || r->pos + len > r->len ||
	    memcmp(line, r->text + r->pos, len) != 0)
		abort();
	r->pos += len;
	if (r->pos < r->len) {
		if (r->text[r->pos] != '\n')
			abort();
		r->pos++;
	}
	return pl_targets_add_list(r->ts, line, len, "fuzz", r->exclude, r->v6, err);
}

static void
check_result(const struct list_run *r, enum pl_rc rc, const struct pl_err *err, int64_t want)
{
	if (rc == PL_OK) {
		if (want < 0 || pl_targets_count(r->ts) != (uint64_t)(r->exclude ? 0 : want))
			abort();
	} else if (err->msg[0] == '\0') {
		abort(); /* every refusal says why */
	} else if (rc == PL_ERR_PARSE && want >= 0 && r->max_line >= r->len) {
		abort(); /* a list of good words, within the limits, was refused */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct list_run r = {0};
	struct pl_err err = {0};
	int64_t want;
	enum pl_rc rc;

	if (size < 1 || size > 8192)
		return 0;
	r.text = (const char *)data + 1;
	r.len = size - 1;
	want = expected_count(r.text, r.len);
	if (want == -1)
		return 0;
	r.exclude = data[0] & 1;
	r.v6 = (data[0] >> 1) & 1;
	r.max_line = (data[0] & 8) ? 16 : 65536;
	r.ts = pl_targets_new();
	if (!r.ts)
		return 0;
	if (data[0] & 4) {
		FILE *fp = fmemopen((void *)(uintptr_t)r.text, r.len ? r.len : 1, "r");

		if (fp && r.len == 0) {
			fclose(fp);
			fp = fopen("/dev/null", "r");
		}
		if (fp) {
			rc = pli_lines_read(fp, r.max_line, "fuzz", on_line, &r, &err);
			fclose(fp);
			if (rc == PL_OK && r.pos != r.len)
				abort(); /* a line was lost */
			if (rc == PL_ERR_LIMIT && r.max_line >= r.len)
				abort(); /* refused a line shorter than the limit */
			check_result(&r, rc, &err, want);
		}
	} else {
		r.max_line = r.len;
		rc = pl_targets_add_list(r.ts, r.text, r.len, "fuzz", r.exclude, r.v6, &err);
		check_result(&r, rc, &err, want);
	}
	pl_targets_free(r.ts);
	return 0;
}
