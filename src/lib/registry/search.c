// SPDX-License-Identifier: MIT
/*
 * search.c - registry search (see portlens/search.h). A linear scan: the registry has
 * ~15k records and one pass costs well under a millisecond, so an inverted index would
 * buy nothing a user could notice. Regexes use the C library's POSIX <regex.h>.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portlens/search.h"

struct matcher {
	const char *term;
	size_t term_len;
	int use_regex;
	regex_t re;
};

static int
contains_ci(const char *hay, const char *needle, size_t n)
{
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

static int
field_matches(const struct matcher *m, const char *s)
{
	if (*s == '\0')
		return 0;
	if (m->use_regex)
		return regexec(&m->re, s, 0, NULL, 0) == 0;
	return contains_ci(s, m->term, m->term_len);
}

static int
rank_entry(const struct matcher *m, const struct pl_reg_entry *e)
{
	if (!m->use_regex && strcasecmp(e->service, m->term) == 0)
		return PL_MATCH_NAME_EXACT;
	if (!m->use_regex && strncasecmp(e->service, m->term, m->term_len) == 0)
		return PL_MATCH_NAME_PREFIX;
	if (field_matches(m, e->service))
		return PL_MATCH_NAME;
	if (field_matches(m, e->description))
		return PL_MATCH_DESCRIPTION;
	if (field_matches(m, e->assignee))
		return PL_MATCH_ASSIGNEE;
	return -1;
}

struct sort_ctx_hit {
	struct pl_search_hit hit;
	uint32_t port;
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct sort_ctx_hit *x = a, *y = b;

	if (x->hit.rank != y->hit.rank)
		return x->hit.rank < y->hit.rank ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->hit.entry < y->hit.entry ? -1 : x->hit.entry > y->hit.entry;
}

enum pl_rc
pl_registry_search(const struct pl_registry *reg, const struct pl_search_opts *opts,
                   struct pl_search_hit **hits_out, size_t *n_out, struct pl_err *err)
{
	struct matcher m = {.term = opts->term, .use_regex = opts->regex};
	struct sort_ctx_hit *tmp = NULL;
	struct pl_search_hit *hits = NULL;
	size_t n = 0, count = pl_registry_count(reg);
	enum pl_rc rc = PL_OK;

	*hits_out = NULL;
	*n_out = 0;
	if (!opts->term || !*opts->term)
		return pl_err_set(err, PL_ERR_ARG, "empty search term");
	m.term_len = strlen(opts->term);
	if (m.use_regex) {
		int rerr = regcomp(&m.re, opts->term, REG_EXTENDED | REG_ICASE | REG_NOSUB);

		if (rerr != 0) {
			char msg[128];

			regerror(rerr, &m.re, msg, sizeof(msg));
			return pl_err_set(err, PL_ERR_PARSE, "bad regular expression '%.60s': %s",
			                  opts->term, msg);
		}
	}
	tmp = malloc((count ? count : 1) * sizeof(*tmp));
	if (!tmp) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, i);
		int rank;

		if (!opts->with_unused && (!e->has_port || e->status != PL_REG_ASSIGNED))
			continue;
		if (opts->protos && !(e->protos & opts->protos))
			continue;
		rank = rank_entry(&m, e);
		if (rank < 0)
			continue;
		tmp[n].hit.entry = (uint32_t)i;
		tmp[n].hit.rank = (uint8_t)rank;
		tmp[n].port = e->has_port ? e->port_lo : 65536u;
		n++;
	}
	qsort(tmp, n, sizeof(*tmp), hit_cmp);
	if (n) {
		hits = malloc(n * sizeof(*hits));
		if (!hits) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			hits[i] = tmp[i].hit;
	}
	*hits_out = hits;
	*n_out = n;
out:
	free(tmp);
	if (m.use_regex)
		regfree(&m.re);
	return rc;
}
