// SPDX-License-Identifier: MIT
/*
 * cache.c - a small cache of rendered pages, keyed by page and language ("port/2323|ko").
 *
 * Port pages combine data that never changes while the server runs (registry, knowledge)
 * with live data and vote counts; reusing a rendering for cache_ms (default one second)
 * bounds how often the socket table is read, and a vote drops the page's entries at once.
 * An entry keeps the Content-Type it was rendered with, so a hit is served exactly as the
 * first rendering was (a hit once went out as text/plain, which nosniff browsers show as
 * source). The per-visitor CSRF token is not part of the cached bytes: each entry records the
 * offset where it goes, and a hit splices the caller's token in while copying.
 * Direct-mapped by key hash; a collision simply replaces the older entry.
 *
 * When an entry expires, the first request to notice renders it again while the others
 * keep getting the previous rendering (stale-while-revalidate, for at most STALE_FACTOR
 * times the TTL), so an expiry under load costs one rendering, not one per waiting
 * request.
 */
#include <stdlib.h>
#include <string.h>

#include "web/web_impl.h"

#define STALE_FACTOR 10

static size_t
slot_of(const char *key)
{
	uint64_t h = 1469598103934665603ull;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ull;
	return (size_t)(h % WEB_CACHE_SLOTS);
}

void
web_cache_init(struct web_cache *c, unsigned ttl_ms)
{
	memset(c, 0, sizeof(*c));
	c->ttl_ms = ttl_ms;
	pthread_mutex_init(&c->lock, NULL);
}

void
web_cache_cleanup(struct web_cache *c)
{
	for (size_t i = 0; i < WEB_CACHE_SLOTS; i++)
		free(c->slots[i].body);
	pthread_mutex_destroy(&c->lock);
}

char *
web_cache_get(struct web_cache *c, const char *key, const char *token, size_t *len,
              const char **ctype)
{
	struct web_cache_entry *e = &c->slots[slot_of(key)];
	size_t tlen = token ? strlen(token) : 0;
	char *out = NULL;
	int64_t age;

	if (c->ttl_ms == 0)
		return NULL;
	pthread_mutex_lock(&c->lock);
	if (!e->body || strcmp(e->key, key) != 0)
		goto out;
	age = web_now_ms() - e->at_ms;
	if (age > (int64_t)c->ttl_ms * STALE_FACTOR)
		goto out;
	if (age > c->ttl_ms && !e->refreshing) {
		e->refreshing = 1; /* this caller renders; the others get the old copy */
		goto out;
	}
	if (e->token_off == WEB_NO_TOKEN)
		tlen = 0;
	out = malloc(e->len + tlen + 1);
	if (!out)
		goto out;
	if (tlen) {
		memcpy(out, e->body, e->token_off);
		memcpy(out + e->token_off, token, tlen);
		memcpy(out + e->token_off + tlen, e->body + e->token_off, e->len - e->token_off);
	} else {
		memcpy(out, e->body, e->len);
	}
	*len = e->len + tlen;
	*ctype = e->ctype;
	out[*len] = '\0';
out:
	pthread_mutex_unlock(&c->lock);
	return out;
}

void
web_cache_put(struct web_cache *c, const char *key, const char *ctype, const char *body, size_t len,
              size_t token_off)
{
	struct web_cache_entry *e = &c->slots[slot_of(key)];
	char *copy;

	if (c->ttl_ms == 0 || strlen(key) >= sizeof(e->key))
		return;
	copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, body, len);
	copy[len] = '\0';
	pthread_mutex_lock(&c->lock);
	free(e->body);
	e->body = copy;
	e->len = len;
	e->token_off = token_off;
	e->ctype = ctype;
	e->at_ms = web_now_ms();
	e->refreshing = 0;
	memcpy(e->key, key, strlen(key) + 1);
	pthread_mutex_unlock(&c->lock);
}

void
web_cache_invalidate(struct web_cache *c, const char *prefix)
{
	size_t n = strlen(prefix);

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < WEB_CACHE_SLOTS; i++) {
		struct web_cache_entry *e = &c->slots[i];

		if (e->body && strncmp(e->key, prefix, n) == 0) {
			free(e->body);
			e->body = NULL;
		}
	}
	pthread_mutex_unlock(&c->lock);
}
