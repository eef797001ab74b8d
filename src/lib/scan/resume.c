// SPDX-License-Identifier: MIT
/*
 * resume.c - resume files: the arguments of an interrupted scan and where it stood.
 *
 * Format (text, one record per line, written atomically: a temporary file made with
 * mkstemp in the same directory, then renamed; core/atomic_file.c):
 *   portlens-resume 1
 *   arg ARG            one per argument, bytes outside 0x21-0x7e and '%' as %XX
 *   next N             the first position never taken
 *   pending P P ...    positions taken but not finished (any number of lines)
 *   end
 * The parser is a pure function over bytes (pl_scan_resume_parse), fuzzable like the
 * other parsers; a file without "end" is rejected as truncated. Files are read line by
 * line with a bound on the line length (core/lines.h), never whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portlens/scan.h"
#include "core/atomic_file.h"
#include "core/buf.h"
#include "core/lines.h"
#include "core/strnum.h"
#include "core/array.h"

#define MAGIC "portlens-resume 1"
/* Bounds on what a resume file may hold: an argument line (a -p list of 100 KB is 300 KB
 * escaped) and the pending positions (what was in flight: at most the descriptor limit,
 * plus --sV's queue). */
#define RESUME_MAX_LINE    (1u << 20)
#define RESUME_MAX_PENDING (1u << 24)

static void
put_escaped(struct pl_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c > 0x7e || c == '%')
			pli_buf_printf(b, "%%%02X", c);
		else
			pli_buf_putc(b, (char)c);
	}
}

enum pl_rc
pl_scan_resume_save(const char *path, char *const *args, size_t n_args,
                    const struct pl_scan_state *st, struct pl_err *err)
{
	struct pl_buf b;
	enum pl_rc rc;

	pli_buf_init(&b);
	pli_buf_printf(&b, "%s\n", MAGIC);
	for (size_t i = 0; i < n_args; i++) {
		pli_buf_puts(&b, "arg ");
		put_escaped(&b, args[i]);
		pli_buf_putc(&b, '\n');
	}
	pli_buf_printf(&b, "next %llu\n", (unsigned long long)st->next);
	for (size_t i = 0; i < st->n_pending; i++)
		pli_buf_printf(&b, "%s%llu%s", i % 16 == 0 ? "pending " : " ",
		               (unsigned long long)st->pending[i],
		               i % 16 == 15 || i + 1 == st->n_pending ? "\n" : "");
	pli_buf_puts(&b, "end\n");
	/* A fresh temporary file (mkstemp: O_EXCL, never a planted symlink), then rename. */
	rc = pli_atomic_write(path, b.data, b.len, err);
	pli_buf_cleanup(&b);
	return rc;
}

static char *
unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t k = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && pli_hex_digit(s[i + 1]) >= 0 &&
		    pli_hex_digit(s[i + 2]) >= 0) {
			out[k++] = (char)(pli_hex_digit(s[i + 1]) * 16 + pli_hex_digit(s[i + 2]));
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

void
pl_scan_resume_args_free(char **args, size_t n_args)
{
	if (!args)
		return;
	for (size_t i = 0; i < n_args; i++)
		free(args[i]);
	free(args);
}

struct rparse {
	char **args; /* NULL-terminated */
	size_t n_args, cap_args;
	uint64_t *pend;
	size_t n_pend, cap_pend;
	int have_next, have_end;
};

static enum pl_rc
parse_line(struct rparse *p, const char *s, size_t n, struct pl_scan_state *st)
{
	if (n > 4 && memcmp(s, "arg ", 4) == 0) {
		if (PLI_ARRAY_RESERVE(p->args, p->cap_args, p->n_args + 2, 16) != PL_OK)
			return PL_ERR_NOMEM;
		if (!(p->args[p->n_args] = unescape(s + 4, n - 4)))
			return PL_ERR_NOMEM;
		p->args[++p->n_args] = NULL;
		return PL_OK;
	}
	if (n > 5 && memcmp(s, "next ", 5) == 0) {
		p->have_next = 1;
		return pli_parse_u64n(s + 5, n - 5, 0, UINT64_MAX, &st->next, NULL);
	}
	if (n > 8 && memcmp(s, "pending ", 8) == 0) {
		for (size_t i = 8; i < n;) {
			size_t j = i;
			uint64_t v;

			while (j < n && s[j] != ' ')
				j++;
			if (pli_parse_u64n(s + i, j - i, 0, UINT64_MAX, &v, NULL) != PL_OK)
				return PL_ERR_PARSE;
			if (p->n_pend >= RESUME_MAX_PENDING)
				return PL_ERR_LIMIT;
			if (PLI_ARRAY_RESERVE(p->pend, p->cap_pend, p->n_pend + 1, 64) != PL_OK)
				return PL_ERR_NOMEM;
			p->pend[p->n_pend++] = v;
			i = j + 1;
		}
		return PL_OK;
	}
	if (n == 3 && memcmp(s, "end", 3) == 0) {
		p->have_end = 1;
		return PL_OK;
	}
	return PL_ERR_PARSE;
}

/* One line of the file (line 1 is the magic line). */
static enum pl_rc
feed_line(struct rparse *p, const char *s, size_t n, unsigned line, struct pl_scan_state *st,
          const char *source, struct pl_err *err)
{
	enum pl_rc rc;

	if (line == 1) {
		if (n != strlen(MAGIC) || memcmp(s, MAGIC, n) != 0)
			return pl_err_set_at(err, PL_ERR_PARSE, source, 1, 1,
			                     "not a portlens resume file");
		return PL_OK;
	}
	if (p->have_end)
		return pl_err_set_at(err, PL_ERR_PARSE, source, line, 1, "data after 'end'");
	rc = parse_line(p, s, n, st);
	if (rc == PL_ERR_NOMEM)
		return pl_err_set(err, rc, "out of memory");
	if (rc == PL_ERR_LIMIT)
		return pl_err_set_at(err, rc, source, line, 1, "more than %u pending positions",
		                     RESUME_MAX_PENDING);
	if (rc != PL_OK)
		return pl_err_set_at(err, PL_ERR_PARSE, source, line, 1, "malformed resume record");
	return PL_OK;
}

/* After the last line: hands the result over, or frees it. */
static enum pl_rc
finish_parse(struct rparse *p, enum pl_rc rc, const char *source, char ***args, size_t *n_args,
             struct pl_scan_state *st, struct pl_err *err)
{
	if (rc == PL_OK && (!p->have_next || !p->have_end || p->n_args == 0))
		rc = pl_err_set(err, PL_ERR_PARSE, "%s: truncated resume file", source);
	if (rc != PL_OK) {
		pl_scan_resume_args_free(p->args, p->n_args);
		free(p->pend);
		memset(st, 0, sizeof(*st));
		return rc;
	}
	*args = p->args;
	*n_args = p->n_args;
	st->pending = p->pend;
	st->n_pending = p->n_pend;
	return PL_OK;
}

enum pl_rc
pl_scan_resume_parse(const char *data, size_t len, const char *source, char ***args, size_t *n_args,
                     struct pl_scan_state *st, struct pl_err *err)
{
	struct rparse p = {0};
	size_t i = 0;
	unsigned line = 0;
	enum pl_rc rc = PL_OK;

	memset(st, 0, sizeof(*st));
	while (i < len && rc == PL_OK) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : len - i;

		rc = feed_line(&p, data + i, n, ++line, st, source, err);
		i += n + 1;
	}
	return finish_parse(&p, rc, source, args, n_args, st, err);
}

struct rload {
	struct rparse p;
	struct pl_scan_state *st;
	const char *source;
};

static enum pl_rc
load_line(void *ctx, const char *line, size_t len, unsigned lineno, struct pl_err *err)
{
	struct rload *l = ctx;

	return feed_line(&l->p, line, len, lineno, l->st, l->source, err);
}

enum pl_rc
pl_scan_resume_load(const char *path, char ***args, size_t *n_args, struct pl_scan_state *st,
                    struct pl_err *err)
{
	FILE *fp = fopen(path, "r");
	struct rload l = {.st = st, .source = path};
	enum pl_rc rc;

	memset(st, 0, sizeof(*st));
	if (!fp)
		return pl_err_set(err, PL_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	/* Streamed line by line: a resume file that is /dev/zero costs one line. */
	rc = pli_lines_read(fp, RESUME_MAX_LINE, path, load_line, &l, err);
	fclose(fp);
	return finish_parse(&l.p, rc, path, args, n_args, st, err);
}
