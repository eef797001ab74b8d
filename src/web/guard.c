// SPDX-License-Identifier: MIT
/*
 * guard.c - what stands between the feedback widget and abuse:
 *
 * - Visitor ids: 128 random bits, sent as an HttpOnly, SameSite=Strict cookie
 *   "ID.MAC" where MAC is the first 64 bits of HMAC-SHA256(secret, "visitor:" ID), so a
 *   client cannot mint ids the server did not issue.
 * - CSRF tokens: the last 128 bits of the same HMAC, embedded in the vote form and
 *   checked in constant time (a synchronizer token bound to the visitor). Together with the
 *   SameSite cookie and the Origin / Sec-Fetch-Site checks in server.c, a page on another
 *   site cannot cast a vote.
 * - Rate limiting: a token bucket per client address (burst, refill per minute) in a
 *   fixed table; a full table evicts the bucket idle longest. Votes beyond the bucket get
 *   429, so a flood cannot grow the database faster than the refill rate per address.
 * - Access token: at least PL_WEB_TOKEN_MIN bytes; a presented token is compared as
 *   HMAC-SHA256(secret, token) against the same of the real one with CRYPTO_memcmp, so
 *   the time taken depends neither on where the first difference is nor on the lengths.
 *
 * The secret is random per server start (getrandom), so restarting invalidates tokens
 * and cookies, which only costs a visitor their "already voted" memory.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/deadline.h"
#include "web/web_impl.h"

static const char hexd[] = "0123456789abcdef";

int64_t
web_now_ms(void)
{
	return pli_clock_ms(CLOCK_MONOTONIC);
}

static void
to_hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexd[in[i] >> 4];
		out[2 * i + 1] = hexd[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/*
 * One HMAC-SHA256(secret, "visitor:" ID) per request gives both secrets of a visitor:
 * bytes 0-7 sign the cookie, bytes 16-31 are the CSRF token. They are disjoint parts of
 * one PRF output, so the cookie's MAC says nothing about the token.
 */
static void
visitor_prf(const struct web_guard *g, const char *id, unsigned char md[32])
{
	unsigned char msg[8 + WEB_VISITOR_HEX];
	unsigned int md_len = 0;
	size_t il = strnlen(id, WEB_VISITOR_HEX);

	memcpy(msg, "visitor:", 8);
	memcpy(msg + 8, id, il);
	HMAC(EVP_sha256(), g->secret, sizeof(g->secret), msg, 8 + il, md, &md_len);
}

static void
token_mac(const struct web_guard *g, const char *token, size_t n, unsigned char md[32])
{
	unsigned int md_len = 0;

	HMAC(EVP_sha256(), g->secret, sizeof(g->secret), (const unsigned char *)token, n, md,
	     &md_len);
}

enum pl_rc
web_guard_init(struct web_guard *g, unsigned burst, unsigned per_minute, const char *token,
               struct pl_err *err)
{
	memset(g, 0, sizeof(*g));
	if (getrandom(g->secret, sizeof(g->secret), 0) != (ssize_t)sizeof(g->secret))
		return pl_err_set(err, PL_ERR_SYS, "getrandom failed");
	g->burst = burst ? burst : 10;
	g->per_ms = (per_minute ? per_minute : 6) / 60000.0;
	g->token = token;
	if (token)
		token_mac(g, token, strlen(token), g->token_mac);
	if (pthread_mutex_init(&g->lock, NULL) != 0)
		return pl_err_set(err, PL_ERR_SYS, "mutex");
	return PL_OK;
}

void
web_guard_cleanup(struct web_guard *g)
{
	pthread_mutex_destroy(&g->lock);
	OPENSSL_cleanse(g->secret, sizeof(g->secret));
}

enum pl_rc
web_visitor_new(const struct web_guard *g, char id[WEB_VISITOR_HEX + 1],
                char cookie[WEB_COOKIE_LEN + 1], char csrf[WEB_CSRF_HEX + 1])
{
	unsigned char raw[WEB_VISITOR_HEX / 2], md[32];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return PL_ERR_SYS;
	to_hex(raw, sizeof(raw), id);
	memcpy(cookie, id, WEB_VISITOR_HEX);
	cookie[WEB_VISITOR_HEX] = '.';
	visitor_prf(g, id, md);
	to_hex(md, 8, cookie + WEB_VISITOR_HEX + 1);
	if (csrf)
		to_hex(md + 16, WEB_CSRF_HEX / 2, csrf);
	return PL_OK;
}

static int
all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
web_visitor_check(const struct web_guard *g, const char *cookie, char id[WEB_VISITOR_HEX + 1],
                  char csrf[WEB_CSRF_HEX + 1])
{
	unsigned char md[32];
	char want[17];

	if (!cookie || strlen(cookie) != WEB_COOKIE_LEN || cookie[WEB_VISITOR_HEX] != '.' ||
	    !all_hex(cookie, WEB_VISITOR_HEX) || !all_hex(cookie + WEB_VISITOR_HEX + 1, 16))
		return 0;
	memcpy(id, cookie, WEB_VISITOR_HEX);
	id[WEB_VISITOR_HEX] = '\0';
	visitor_prf(g, id, md);
	to_hex(md, 8, want);
	if (CRYPTO_memcmp(want, cookie + WEB_VISITOR_HEX + 1, 16) != 0) {
		id[0] = '\0';
		return 0;
	}
	if (csrf)
		to_hex(md + 16, WEB_CSRF_HEX / 2, csrf);
	return 1;
}

void
web_csrf_token(const struct web_guard *g, const char *visitor, char out[WEB_CSRF_HEX + 1])
{
	unsigned char md[32];

	visitor_prf(g, visitor, md);
	to_hex(md + 16, WEB_CSRF_HEX / 2, out);
}

int
web_csrf_check(const struct web_guard *g, const char *visitor, const char *token)
{
	char want[WEB_CSRF_HEX + 1];

	if (!visitor || !*visitor || !token || strlen(token) != WEB_CSRF_HEX)
		return 0;
	web_csrf_token(g, visitor, want);
	return CRYPTO_memcmp(want, token, WEB_CSRF_HEX) == 0;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}

int
web_rate_take(struct web_guard *g, const char *client, int64_t now_ms)
{
	uint64_t key = hash_str(client);
	size_t start = key % WEB_RATE_SLOTS, victim = start;
	struct web_bucket *b = NULL;
	int ok;

	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < 16; i++) {
		struct web_bucket *c = &g->buckets[(start + i) % WEB_RATE_SLOTS];

		if (c->key == key) {
			b = c;
			break;
		}
		if (c->key == 0 || c->last_ms < g->buckets[victim].last_ms)
			victim = (start + i) % WEB_RATE_SLOTS;
		if (c->key == 0)
			break;
	}
	if (!b) {
		b = &g->buckets[victim];
		b->key = key;
		b->tokens = g->burst;
		b->last_ms = now_ms;
	}
	b->tokens += (double)(now_ms - b->last_ms) * g->per_ms;
	if (b->tokens > g->burst)
		b->tokens = g->burst;
	b->last_ms = now_ms;
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	pthread_mutex_unlock(&g->lock);
	return ok;
}

int
web_token_ok(const struct web_guard *g, const char *presented)
{
	unsigned char md[32];

	if (!g->token)
		return 1;
	if (!presented)
		return 0;
	token_mac(g, presented, strnlen(presented, 4096), md);
	return CRYPTO_memcmp(md, g->token_mac, sizeof(md)) == 0;
}
