// SPDX-License-Identifier: MIT
/*
 * resume.c - resume files: the arguments of an interrupted scan and where it stood.
 *
 * Format (text, one record per line, written atomically via a temporary file):
 *   portlens-resume 1
 *   arg ARG            one per argument, bytes outside 0x21-0x7e and '%' as %XX
 *   next N             the first position never taken
 *   pending P P ...    positions taken but not finished (any number of lines)
 *   end
 * The parser is a pure function over bytes (pl_scan_resume_parse), fuzzable like the
 * other parsers; a file without "end" is rejected as truncated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portlens/scan.h"
#include "shared/buf.h"
#include "shared/strnum.h"

#define MAGIC "portlens-resume 1"

static void
put_escaped(struct pl_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c > 0x7e || c == '%')
			pl_buf_printf(b, "%%%02X", c);
		else
			pl_buf_putc(b, (char)c);
	}
}

enum pl_rc
pl_scan_resume_save(const char *path, char *const *args, size_t n_args,
                    const struct pl_scan_state *st, struct pl_err *err)
{
	struct pl_buf b, tmp;
	FILE *fp = NULL;
	enum pl_rc rc = PL_OK;

	pl_buf_init(&b);
	pl_buf_init(&tmp);
	pl_buf_printf(&b, "%s\n", MAGIC);
	for (size_t i = 0; i < n_args; i++) {
		pl_buf_puts(&b, "arg ");
		put_escaped(&b, args[i]);
		pl_buf_putc(&b, '\n');
	}
	pl_buf_printf(&b, "next %llu\n", (unsigned long long)st->next);
	for (size_t i = 0; i < st->n_pending; i++)
		pl_buf_printf(&b, "%s%llu%s", i % 16 == 0 ? "pending " : " ",
		              (unsigned long long)st->pending[i],
		              i % 16 == 15 || i + 1 == st->n_pending ? "\n" : "");
	pl_buf_puts(&b, "end\n");
	pl_buf_printf(&tmp, "%s.tmp", path);
	fp = fopen(pl_buf_str(&tmp), "w");
	if (!fp || fwrite(b.data, 1, b.len, fp) != b.len || fflush(fp) != 0 ||
	    fsync(fileno(fp)) != 0) {
		rc = pl_err_set(err, PL_ERR_IO, "cannot write %s: %s", pl_buf_str(&tmp),
		                strerror(errno));
		goto out;
	}
	if (fclose(fp) != 0 || rename(pl_buf_str(&tmp), path) != 0) {
		fp = NULL;
		rc = pl_err_set(err, PL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	fp = NULL;
out:
	if (fp)
		fclose(fp);
	pl_buf_cleanup(&b);
	pl_buf_cleanup(&tmp);
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
		if (s[i] == '%' && i + 2 < n && pl_hex_digit(s[i + 1]) >= 0 &&
		    pl_hex_digit(s[i + 2]) >= 0) {
			out[k++] = (char)(pl_hex_digit(s[i + 1]) * 16 + pl_hex_digit(s[i + 2]));
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
	char **args;
	size_t n_args;
	uint64_t *pend;
	size_t n_pend, cap_pend;
	int have_next, have_end;
};

static enum pl_rc
parse_line(struct rparse *p, const char *s, size_t n, struct pl_scan_state *st)
{
	if (n > 4 && memcmp(s, "arg ", 4) == 0) {
		char **v = realloc(p->args, (p->n_args + 2) * sizeof(*v));

		if (!v)
			return PL_ERR_NOMEM;
		p->args = v;
		if (!(v[p->n_args] = unescape(s + 4, n - 4)))
			return PL_ERR_NOMEM;
		v[++p->n_args] = NULL;
		return PL_OK;
	}
	if (n > 5 && memcmp(s, "next ", 5) == 0) {
		p->have_next = 1;
		return pl_parse_u64n(s + 5, n - 5, 0, UINT64_MAX, &st->next, NULL);
	}
	if (n > 8 && memcmp(s, "pending ", 8) == 0) {
		for (size_t i = 8; i < n;) {
			size_t j = i;
			uint64_t v;

			while (j < n && s[j] != ' ')
				j++;
			if (pl_parse_u64n(s + i, j - i, 0, UINT64_MAX, &v, NULL) != PL_OK)
				return PL_ERR_PARSE;
			if (p->n_pend == p->cap_pend) {
				size_t cap = p->cap_pend ? p->cap_pend * 2 : 64;
				uint64_t *nv = realloc(p->pend, cap * sizeof(*nv));

				if (!nv)
					return PL_ERR_NOMEM;
				p->pend = nv;
				p->cap_pend = cap;
			}
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

enum pl_rc
pl_scan_resume_parse(const char *data, size_t len, const char *source, char ***args, size_t *n_args,
                     struct pl_scan_state *st, struct pl_err *err)
{
	struct rparse p = {0};
	size_t i = 0;
	unsigned line = 0;
	enum pl_rc rc = PL_OK;

	memset(st, 0, sizeof(*st));
	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : len - i;

		line++;
		if (line == 1 && (n != strlen(MAGIC) || memcmp(data, MAGIC, n) != 0)) {
			rc = pl_err_set_at(err, PL_ERR_PARSE, source, 1, 1,
			                   "not a portlens resume file");
			goto out;
		}
		if (line > 1 && (p.have_end || (rc = parse_line(&p, data + i, n, st)) != PL_OK)) {
			if (rc != PL_ERR_NOMEM)
				rc = pl_err_set_at(err, PL_ERR_PARSE, source, line, 1,
				                   "malformed resume record");
			goto out;
		}
		i += n + 1;
	}
	if (!p.have_next || !p.have_end || p.n_args == 0) {
		rc = pl_err_set(err, PL_ERR_PARSE, "%s: truncated resume file", source);
		goto out;
	}
	*args = p.args;
	*n_args = p.n_args;
	st->pending = p.pend;
	st->n_pending = p.n_pend;
	return PL_OK;
out:
	pl_scan_resume_args_free(p.args, p.n_args);
	free(p.pend);
	if (rc == PL_ERR_NOMEM)
		pl_err_set(err, rc, "out of memory");
	return rc;
}

enum pl_rc
pl_scan_resume_load(const char *path, char ***args, size_t *n_args, struct pl_scan_state *st,
                    struct pl_err *err)
{
	FILE *fp = fopen(path, "r");
	struct pl_buf b;
	char chunk[4096];
	size_t n;
	enum pl_rc rc;

	if (!fp)
		return pl_err_set(err, PL_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	pl_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (pl_buf_append(&b, chunk, n) != PL_OK) {
			fclose(fp);
			pl_buf_cleanup(&b);
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		}
	fclose(fp);
	rc = pl_scan_resume_parse(b.data ? b.data : "", b.len, path, args, n_args, st, err);
	pl_buf_cleanup(&b);
	return rc;
}
