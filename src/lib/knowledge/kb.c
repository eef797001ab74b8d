// SPDX-License-Identifier: MIT
/*
 * kb.c - knowledge base lookups (see portlens/knowledge.h) and the life cycle of a
 * knowledge base parsed at run time.
 */
#include <stdlib.h>

#include "knowledge/kb_impl.h"

struct pl_kb *
pl_kb_new(void)
{
	return calloc(1, sizeof(struct pl_kb));
}

void
pl_kb_free(struct pl_kb *kb)
{
	if (!kb)
		return;
	for (size_t i = 0; i < kb->n_strings; i++)
		free(kb->owned_strings[i]);
	free(kb->owned_strings);
	free(kb->owned_entries);
	pli_port_index_cleanup(&kb->owned_index);
	free(kb);
}

static int
kb_entry_range(const void *items, size_t i, uint16_t *lo, uint16_t *hi)
{
	const struct pl_kb_entry *e = (const struct pl_kb_entry *)items + i;

	*lo = e->port_lo;
	*hi = e->port_hi;
	return 1;
}

enum pl_rc
pl_kb_finish(struct pl_kb *kb, struct pl_err *err)
{
	enum pl_rc rc;

	pli_port_index_cleanup(&kb->owned_index);
	rc = pli_port_index_build(&kb->owned_index, kb->entries, kb->n_entries, kb_entry_range);
	if (rc != PL_OK)
		return pl_err_set(err, rc, "out of memory indexing the knowledge base");
	kb->offsets = kb->owned_index.offsets;
	kb->refs = kb->owned_index.refs;
	return PL_OK;
}

size_t
pl_kb_count(const struct pl_kb *kb)
{
	return kb->n_entries;
}

const struct pl_kb_entry *
pl_kb_entry(const struct pl_kb *kb, size_t i)
{
	return i < kb->n_entries ? &kb->entries[i] : NULL;
}

const uint32_t *
pl_kb_lookup(const struct pl_kb *kb, uint16_t port, size_t *n_out)
{
	uint32_t a, z;

	if (!kb->offsets) {
		*n_out = 0;
		return NULL;
	}
	a = kb->offsets[port];
	z = kb->offsets[port + 1u];
	*n_out = z - a;
	return kb->refs + a;
}

enum pl_risk
pl_kb_port_risk(const struct pl_kb *kb, uint16_t port, unsigned protos)
{
	size_t n;
	const uint32_t *idx = pl_kb_lookup(kb, port, &n);
	enum pl_risk risk = PL_RISK_INFO;

	for (size_t i = 0; i < n; i++) {
		const struct pl_kb_entry *e = &kb->entries[idx[i]];

		if ((e->protos & protos) && e->risk > risk)
			risk = (enum pl_risk)e->risk;
	}
	return risk;
}

static const char *
pick(const char *const *tr, const char *en, enum pl_lang lang, int *fell_back)
{
	const char *s = (unsigned)lang < PL_LANG_COUNT && lang != PL_LANG_EN ? tr[lang] : NULL;

	if (fell_back)
		*fell_back = lang != PL_LANG_EN && !s;
	return s ? s : en;
}

const char *
pl_kb_title(const struct pl_kb_entry *e, enum pl_lang lang, int *fell_back)
{
	return pick(e->title_tr, e->title, lang, fell_back);
}

const char *
pl_kb_text(const struct pl_kb_entry *e, enum pl_lang lang, int *fell_back)
{
	return pick(e->text_tr, e->text, lang, fell_back);
}

const struct pl_kb_entry *
pl_kb_top_fact(const struct pl_kb *kb, uint16_t port, unsigned max_width)
{
	size_t n;
	const uint32_t *idx = pl_kb_lookup(kb, port, &n);
	const struct pl_kb_entry *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct pl_kb_entry *e = &kb->entries[idx[i]];

		if ((unsigned)e->port_hi - e->port_lo <= max_width &&
		    (!best || e->risk > best->risk))
			best = e;
	}
	return best;
}
