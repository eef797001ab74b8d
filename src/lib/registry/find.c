// SPDX-License-Identifier: MIT
/*
 * find.c - port search by relevance (see portlens/search.h, pl_find_ports). One pass
 * over the registry and one over the knowledge base record every match as a raw hit
 * (port range, how it matched); the raw hits are then sorted by port range and merged,
 * keeping the best match per range, and sorted again by relevance. Both collections are
 * a few thousand rows, so a linear pass per query costs well under a millisecond and
 * needs no index.
 *
 * A term matches a field when every space-separated word of it occurs in the field,
 * ASCII case folded; so "remote desktop" matches "Remote Desktop Protocol" but not
 * "remote" alone. UTF-8 text in other scripts compares byte for byte, which is exact
 * for Korean and Arabic.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portlens/search.h"
#include "core/strnum.h"
#include "core/array.h"

#define MAX_WORDS 8

struct finder {
	const struct pl_find_opts *o;
	const struct pl_registry *reg;
	const struct pl_kb *kb;
	char words[MAX_WORDS][128];
	size_t n_words;
	const char *const *alias;
	int use_regex;
	regex_t re;
	struct pl_port_hit *v;
	size_t n, cap;
};

static const char *const how_names[PL_FOUND_COUNT] = {
    [PL_FOUND_PORT] = "port",
    [PL_FOUND_NAME] = "name",
    [PL_FOUND_ALIAS] = "alias",
    [PL_FOUND_NAME_PREFIX] = "name-prefix",
    [PL_FOUND_NAME_PART] = "name",
    [PL_FOUND_KNOWLEDGE_TITLE] = "knowledge-title",
    [PL_FOUND_DESCRIPTION] = "description",
    [PL_FOUND_KNOWLEDGE_TEXT] = "knowledge-text",
    [PL_FOUND_ASSIGNEE] = "assignee",
};

const char *
pl_found_how_name(enum pl_found_how how)
{
	return (unsigned)how < PL_FOUND_COUNT ? how_names[how] : "?";
}

/* Splits the term into at most MAX_WORDS words; returns 0 when it has none. */
static size_t
split_words(struct finder *f, const char *term)
{
	const char *p = term;

	f->n_words = 0;
	while (*p && f->n_words < MAX_WORDS) {
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, " \t");
		if (len == 0)
			break;
		if (len >= sizeof(f->words[0]))
			len = sizeof(f->words[0]) - 1;
		memcpy(f->words[f->n_words], p, len);
		f->words[f->n_words][len] = '\0';
		f->n_words++;
		p += strcspn(p, " \t");
	}
	return f->n_words;
}

static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

static int
field_matches(const struct finder *f, const char *s)
{
	if (!s || !*s)
		return 0;
	if (f->use_regex)
		return regexec(&f->re, s, 0, NULL, 0) == 0;
	for (size_t i = 0; i < f->n_words; i++)
		if (!contains_ci(s, f->words[i]))
			return 0;
	return 1;
}

static enum pl_rc
push(struct finder *f, uint16_t lo, uint16_t hi, unsigned protos, enum pl_found_how how,
     const struct pl_reg_entry *reg, const struct pl_kb_entry *fact)
{
	if (f->o->protos && !(protos & f->o->protos))
		return PL_OK;
	if (PLI_ARRAY_RESERVE(f->v, f->cap, f->n + 1, 64) != PL_OK)
		return PL_ERR_NOMEM;
	f->v[f->n++] = (struct pl_port_hit){.port_lo = lo,
	                                    .port_hi = hi,
	                                    .protos = (uint8_t)protos,
	                                    .how = (uint8_t)how,
	                                    .risk = fact ? fact->risk : 0,
	                                    .reg = reg,
	                                    .fact = fact};
	return PL_OK;
}

static int
is_alias_target(const struct finder *f, const char *service)
{
	for (const char *const *a = f->alias; a && *a; a++)
		if (strcasecmp(*a, service) == 0)
			return 1;
	return 0;
}

/* How a registry record matches, or PL_FOUND_COUNT when it does not. */
static enum pl_found_how
match_record(const struct finder *f, const struct pl_reg_entry *e)
{
	const char *term = f->o->term;

	if (!f->use_regex && strcasecmp(e->service, term) == 0)
		return PL_FOUND_NAME;
	if (is_alias_target(f, e->service))
		return PL_FOUND_ALIAS;
	if (!f->use_regex && f->n_words == 1 && *e->service &&
	    strncasecmp(e->service, f->words[0], strlen(f->words[0])) == 0)
		return PL_FOUND_NAME_PREFIX;
	if (field_matches(f, e->service))
		return PL_FOUND_NAME_PART;
	if (field_matches(f, e->description))
		return PL_FOUND_DESCRIPTION;
	if (field_matches(f, e->assignee))
		return PL_FOUND_ASSIGNEE;
	return PL_FOUND_COUNT;
}

static enum pl_rc
scan_registry(struct finder *f)
{
	size_t count = pl_registry_count(f->reg);

	for (size_t i = 0; i < count; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(f->reg, i);
		enum pl_found_how how;

		if (!e->has_port || (e->status != PL_REG_ASSIGNED && !f->o->with_unused))
			continue;
		how = match_record(f, e);
		if (how != PL_FOUND_COUNT &&
		    push(f, e->port_lo, e->port_hi, e->protos, how, e, NULL) != PL_OK)
			return PL_ERR_NOMEM;
	}
	return PL_OK;
}

/* The English text or any of its translations: a reader searches in their language. */
static int
any_matches(const struct finder *f, const char *en, const char *const *tr)
{
	if (field_matches(f, en))
		return 1;
	for (int l = PL_LANG_EN + 1; l < PL_LANG_COUNT; l++)
		if (tr[l] && field_matches(f, tr[l]))
			return 1;
	return 0;
}

static enum pl_rc
scan_knowledge(struct finder *f)
{
	size_t count = pl_kb_count(f->kb);

	for (size_t i = 0; i < count; i++) {
		const struct pl_kb_entry *e = pl_kb_entry(f->kb, i);
		enum pl_found_how how = PL_FOUND_COUNT;

		/* A fact about a whole range (the ephemeral ports, all of 1024-49151) says
		 * nothing specific about any one port in it. */
		if ((unsigned)e->port_hi - e->port_lo > 1024)
			continue;
		if (any_matches(f, e->title, e->title_tr))
			how = PL_FOUND_KNOWLEDGE_TITLE;
		else if (any_matches(f, e->text, e->text_tr))
			how = PL_FOUND_KNOWLEDGE_TEXT;
		if (how != PL_FOUND_COUNT &&
		    push(f, e->port_lo, e->port_hi, e->protos, how, NULL, e) != PL_OK)
			return PL_ERR_NOMEM;
	}
	return PL_OK;
}

/* "2323" or "8530-8531": every record and fact covering those ports, and the port
 * itself even when nothing is known about it. Returns 1 when the term was a port. */
static int
scan_port_term(struct finder *f, enum pl_rc *rc)
{
	uint64_t lo, hi;
	char a[8], b[8];
	const char *dash = strchr(f->o->term, '-');

	if (f->use_regex || f->n_words != 1)
		return 0;
	if (!dash && pli_parse_u64(f->words[0], 0, 65535, &lo, NULL) == PL_OK) {
		hi = lo;
	} else if (dash && dash - f->o->term < (long)sizeof(a) && strlen(dash + 1) < sizeof(b)) {
		memcpy(a, f->o->term, (size_t)(dash - f->o->term));
		a[dash - f->o->term] = '\0';
		memcpy(b, dash + 1, strlen(dash + 1) + 1);
		if (pli_parse_u64(a, 0, 65535, &lo, NULL) != PL_OK ||
		    pli_parse_u64(b, lo, 65535, &hi, NULL) != PL_OK || hi - lo > 64)
			return 0;
	} else {
		return 0;
	}
	*rc = PL_OK;
	for (uint64_t p = lo; p <= hi && *rc == PL_OK; p++) {
		size_t n = 0, k = 0;
		const uint32_t *idx = pl_registry_lookup(f->reg, (uint16_t)p, &n);
		const uint32_t *kidx = pl_kb_lookup(f->kb, (uint16_t)p, &k);

		for (size_t i = 0; i < n && *rc == PL_OK; i++) {
			const struct pl_reg_entry *e = pl_registry_entry(f->reg, idx[i]);

			*rc = push(f, (uint16_t)p, (uint16_t)p, e->protos, PL_FOUND_PORT, e, NULL);
		}
		for (size_t i = 0; i < k && *rc == PL_OK; i++)
			*rc = push(f, (uint16_t)p, (uint16_t)p, pl_kb_entry(f->kb, kidx[i])->protos,
			           PL_FOUND_PORT, NULL, pl_kb_entry(f->kb, kidx[i]));
		if (n == 0 && k == 0 && *rc == PL_OK)
			*rc = push(f, (uint16_t)p, (uint16_t)p,
			           PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP),
			           PL_FOUND_PORT, NULL, NULL);
	}
	return 1;
}

static int
by_range_then_how(const void *a, const void *b)
{
	const struct pl_port_hit *x = a, *y = b;

	if (x->port_lo != y->port_lo)
		return x->port_lo < y->port_lo ? -1 : 1;
	if (x->how != y->how)
		return (int)x->how - (int)y->how;
	return (int)y->risk - (int)x->risk;
}

static int
by_relevance(const void *a, const void *b)
{
	const struct pl_port_hit *x = a, *y = b;

	if (x->how != y->how)
		return (int)x->how - (int)y->how;
	if (x->risk != y->risk)
		return (int)y->risk - (int)x->risk;
	if (x->port_lo != y->port_lo)
		return x->port_lo < y->port_lo ? -1 : 1;
	return x->port_hi < y->port_hi ? -1 : x->port_hi > y->port_hi;
}

const struct pl_reg_entry *
pl_registry_record_for(const struct pl_registry *reg, uint16_t port, int any_status)
{
	size_t n = 0;
	const uint32_t *idx = pl_registry_lookup(reg, port, &n);
	const struct pl_reg_entry *any = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(reg, idx[i]);

		if (e->status == PL_REG_ASSIGNED)
			return e;
		if (!any && any_status)
			any = e;
	}
	return any;
}

/* Merges raw hits that start at the same port (sorted best first): the widest range,
 * the best how and the riskiest fact win, and the transports add up. 5900 (rfb in the
 * registry) and 5900-5903 (VNC in the knowledge base) become one row. */
static size_t
merge_ranges(struct finder *f)
{
	size_t out = 0;

	if (f->n == 0)
		return 0;
	qsort(f->v, f->n, sizeof(*f->v), by_range_then_how);
	for (size_t i = 0; i < f->n; i++) {
		struct pl_port_hit *h = &f->v[i];

		if (out > 0 && f->v[out - 1].port_lo == h->port_lo) {
			struct pl_port_hit *m = &f->v[out - 1];

			m->protos |= h->protos;
			if (h->port_hi > m->port_hi)
				m->port_hi = h->port_hi;
			if (!m->reg)
				m->reg = h->reg;
			if (!m->fact)
				m->fact = h->fact;
			continue;
		}
		f->v[out++] = *h;
	}
	for (size_t i = 0; i < out; i++) {
		struct pl_port_hit *h = &f->v[i];

		h->risk = (uint8_t)pl_kb_port_risk(f->kb, h->port_lo, h->protos);
		if (!h->reg)
			h->reg = pl_registry_record_for(f->reg, h->port_lo, 1);
	}
	qsort(f->v, out, sizeof(*f->v), by_relevance);
	return out;
}

static enum pl_rc
finder_init(struct finder *f, const struct pl_find_opts *o, struct pl_err *err)
{
	memset(f, 0, sizeof(*f));
	f->o = o;
	f->reg = o->reg ? o->reg : pl_registry_builtin();
	f->kb = o->kb ? o->kb : pl_kb_builtin();
	if (!o->term || split_words(f, o->term) == 0)
		return pl_err_set(err, PL_ERR_ARG, "empty search term");
	if (o->regex) {
		int rerr = regcomp(&f->re, o->term, REG_EXTENDED | REG_ICASE | REG_NOSUB);

		if (rerr != 0) {
			char msg[128];

			regerror(rerr, &f->re, msg, sizeof(msg));
			return pl_err_set(err, PL_ERR_PARSE, "bad regular expression '%.60s': %s",
			                  o->term, msg);
		}
		f->use_regex = 1;
	} else {
		f->alias = pl_service_alias(o->term);
	}
	return PL_OK;
}

enum pl_rc
pl_find_ports(const struct pl_find_opts *opts, struct pl_port_hit **hits_out, size_t *n_out,
              struct pl_err *err)
{
	struct finder f;
	enum pl_rc rc;

	*hits_out = NULL;
	*n_out = 0;
	rc = finder_init(&f, opts, err);
	if (rc != PL_OK)
		return rc;
	if (!scan_port_term(&f, &rc)) {
		rc = scan_registry(&f);
		if (rc == PL_OK)
			rc = scan_knowledge(&f);
	}
	if (rc != PL_OK) {
		pl_err_set(err, rc, "out of memory");
		free(f.v);
		f.v = NULL;
	} else {
		*n_out = merge_ranges(&f);
		*hits_out = *n_out ? f.v : NULL;
		if (!*n_out)
			free(f.v);
	}
	if (f.use_regex)
		regfree(&f.re);
	return rc;
}
