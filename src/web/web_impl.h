/* SPDX-License-Identifier: MIT */
/*
 * web/web_impl.h - internals of the web front end shared by its files:
 *   server.c    libmicrohttpd glue: request state, headers, security checks, dispatch
 *   routes.c    the URL table and the small handlers (static files, redirects, errors)
 *   html.c      HTML escaping, templates, the page frame (head, navigation, footer)
 *   html_port.c the port page (renders struct pl_page)
 *   html_pages.c home, search, listeners, saved scans
 *   api.c       the JSON API
 *   guard.c     visitor ids, CSRF tokens, rate limiting, access token
 *   form.c      application/x-www-form-urlencoded parsing
 *   cache.c     rendered-page cache
 *   live.c      the listeners table (/listen, /api/listen)
 */
#ifndef PL_WEB_IMPL_H
#define PL_WEB_IMPL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>

#include "portlens/page.h"
#include "portlens/sockets.h"
#include "portlens/store.h"
#include "core/buf.h"
#include "web/i18n.h"
#include "web/web.h"

#define WEB_VISITOR_HEX 32 /* visitor id: 128 random bits as hex */
#define WEB_COOKIE_LEN  (WEB_VISITOR_HEX + 1 + 16)
#define WEB_CSRF_HEX    32
#define WEB_MAX_BODY    4096 /* largest POST body accepted */
#define WEB_RATE_SLOTS  1024
#define WEB_CACHE_SLOTS 256
#define WEB_MAX_HOSTS   8
#define WEB_HOST_LEN    80
#define WEB_CONN_LIMIT  1024 /* connections in all (MHD_OPTION_CONNECTION_LIMIT) */
#define WEB_CONN_PER_IP 512  /* hard cap per address; reaper.c trims far sooner */
#define WEB_REAP_MAX    (WEB_CONN_LIMIT + 64)

/* ---- guard.c ---------------------------------------------------------------------- */

struct web_bucket {
	uint64_t key; /* hash of the client address; 0 = free */
	double tokens;
	int64_t last_ms;
};

struct web_guard {
	unsigned char secret[32]; /* random per server start: signs cookies and tokens */
	pthread_mutex_t lock;
	struct web_bucket buckets[WEB_RATE_SLOTS];
	double burst, per_ms;
	const char *token;           /* access token or NULL */
	unsigned char token_mac[32]; /* HMAC-SHA256(secret, token): what presented ones match */
};

enum pl_rc web_guard_init(struct web_guard *g, unsigned burst, unsigned per_minute,
                          const char *token, struct pl_err *err);
void web_guard_cleanup(struct web_guard *g);
/* Makes a fresh visitor id (hex), its cookie value "ID.MAC" and (csrf may be NULL) its
 * CSRF token. */
enum pl_rc web_visitor_new(const struct web_guard *g, char id[WEB_VISITOR_HEX + 1],
                           char cookie[WEB_COOKIE_LEN + 1], char csrf[WEB_CSRF_HEX + 1]);
/* Checks a cookie value; on success copies the id (and, csrf not NULL, the visitor's CSRF
 * token) out and returns 1. */
int web_visitor_check(const struct web_guard *g, const char *cookie, char id[WEB_VISITOR_HEX + 1],
                      char csrf[WEB_CSRF_HEX + 1]);
/* The CSRF token bound to a visitor id (hex, NUL-terminated). */
void web_csrf_token(const struct web_guard *g, const char *visitor, char out[WEB_CSRF_HEX + 1]);
/* Constant-time check of a submitted CSRF token. */
int web_csrf_check(const struct web_guard *g, const char *visitor, const char *token);
/* Takes one token from the client's bucket; 0 when the client must wait. */
int web_rate_take(struct web_guard *g, const char *client, int64_t now_ms);
/* Constant-time comparison of a presented access token. */
int web_token_ok(const struct web_guard *g, const char *presented);
int64_t web_now_ms(void);

/* ---- cache.c ---------------------------------------------------------------------- */

struct web_cache_entry {
	char key[64];
	int64_t at_ms;
	const char *ctype; /* the Content-Type it was served with (a static string) */
	char *body;
	size_t len;
	size_t token_off; /* where the CSRF token is spliced in; (size_t)-1: none */
	int refreshing;   /* a request is rendering a fresh copy */
};

struct web_cache {
	pthread_mutex_t lock;
	unsigned ttl_ms;
	struct web_cache_entry slots[WEB_CACHE_SLOTS];
};

void web_cache_init(struct web_cache *c, unsigned ttl_ms);
void web_cache_cleanup(struct web_cache *c);
/* On a fresh hit, returns a malloc'd body with token spliced in (length in *len) and the
 * Content-Type it was first served with in *ctype. */
char *web_cache_get(struct web_cache *c, const char *key, const char *token, size_t *len,
                    const char **ctype);
void web_cache_put(struct web_cache *c, const char *key, const char *ctype, const char *body,
                   size_t len, size_t token_off);
/* Drops every entry whose key starts with prefix. */
void web_cache_invalidate(struct web_cache *c, const char *prefix);

/* ---- reaper.c: deadlines for slow clients ----------------------------------------- */

enum web_phase { WEB_PHASE_HEADERS, WEB_PHASE_BODY, WEB_PHASE_RESPONSE };

struct web_conn;

struct web_reaper {
	pthread_mutex_t lock; /* guards the list and every entry's phase */
	struct web_conn *head;
	unsigned count, limit;
	struct web_conn *scratch[WEB_REAP_MAX];
	pthread_t thread;
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	int stop, running, inited;
};

void web_reaper_init(struct web_reaper *r, unsigned limit);
enum pl_rc web_reaper_start(struct web_reaper *r, struct pl_err *err);
/* Stops the thread (before the daemon stops); cleanup also frees the locks. */
void web_reaper_stop(struct web_reaper *r);
void web_reaper_cleanup(struct web_reaper *r);
/* MHD_OPTION_NOTIFY_CONNECTION: tracks each connection (cls is the struct pl_web). */
void web_reaper_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode toe);
/* A connection's request entered a phase; its deadline starts now. */
void web_reaper_phase(struct pl_web *web, struct MHD_Connection *conn, enum web_phase phase);

/* ---- the server ------------------------------------------------------------------- */

struct pl_web {
	struct MHD_Daemon *daemon;
	struct pl_web_config cfg;
	uint16_t port;
	struct pl_store *store; /* NULL when db_state is PL_WEB_DB_UNAVAILABLE */
	enum pl_web_db db_state;
	char db_why[512]; /* why the store is read-only or unavailable */
	pthread_mutex_t store_lock;
	struct web_guard guard;
	struct web_cache cache;
	struct web_reaper reaper;
	int listen_fd;                           /* ours until libmicrohttpd takes it; -1 after */
	char hosts[WEB_MAX_HOSTS][WEB_HOST_LEN]; /* accepted Host header values */
	size_t n_hosts;
	pthread_mutex_t live_lock; /* guards the live snapshot (live.c) */
	struct pl_sockset *live_set;
	int64_t live_at_ms;
	char live_why[256];
};

enum web_method { WEB_GET, WEB_HEAD, WEB_POST, WEB_OTHER };

struct web_req {
	struct pl_web *web;
	struct MHD_Connection *conn;
	const char *url;
	enum web_method method;
	const struct web_lang *lang;
	int lang_asked;           /* ?lang= was given */
	const char *lang_unknown; /* the ?lang= value when it names no language here, else NULL */
	char visitor[WEB_VISITOR_HEX + 1];   /* "" when the client has none (yet) */
	char cookie_new[WEB_COOKIE_LEN + 1]; /* set when a visitor cookie must be sent */
	char csrf[WEB_CSRF_HEX + 1];
	char client[64];
	struct pl_buf body;
	int body_too_big;
	int started;
};

struct web_resp {
	unsigned status;
	const char *ctype;
	struct pl_buf body;
	size_t token_off;   /* (size_t)-1, or where to splice the CSRF token */
	char *cache_key;    /* owned; non-NULL: store the rendered body in the cache */
	char location[512]; /* redirect target */
	const char *etag;
	const char *cache_control;
	const char *detail; /* error pages: what went wrong, shown escaped (NULL: nothing) */
	int retry_after;    /* seconds, for 429 */
	int oom;
};

#define WEB_NO_TOKEN ((size_t)-1)

/* A GET argument (decoded by libmicrohttpd), or NULL. */
const char *web_arg(const struct web_req *rq, const char *name);

/* server.c: turns a response whose handler ran out of memory (oom set, or the body
 * buffer failed) into a short 503/500 error; leaves any other response alone. */
void web_resp_settle(struct web_resp *rs);

/* routes.c */
void web_dispatch(struct web_req *rq, struct web_resp *rs);
/* Fills rs with an error page in the request's language (with rs->detail, if set). */
void web_error(struct web_req *rq, struct web_resp *rs, unsigned status);
/* web_error with a detail: the store's message, the same on pages and in the API. */
void web_error_detail(struct web_req *rq, struct web_resp *rs, unsigned status, const char *detail);
/* The reason a store call failed, as pages and the API show it. */
void web_store_why(const struct web_req *rq, const struct pl_err *err, char *why, size_t size);
/*
 * The gate of every state-changing POST: a body within the limit (else 413) and the
 * visitor's CSRF token in its "csrf" field (else 403). Returns 1 to go on, 0 when rs is
 * already answered.
 */
int web_post_allowed(struct web_req *rq, struct web_resp *rs);
/* Returns 1 when the store can take a write; 0 with rs answered 503 (read-only, or no
 * database). */
int web_store_writable(struct web_req *rq, struct web_resp *rs);
/*
 * Reads saved scan id and up to limit of its rows (0: all) under the store lock. Returns 1
 * with *s and *rows filled (the caller cleans up both); 0 when it failed, with rs already
 * answered (404 for an unknown id, 503 with the store's reason otherwise).
 */
int web_load_scan(struct web_req *rq, struct web_resp *rs, int64_t id, size_t limit,
                  struct pl_store_scan *s, struct pl_store_result_row **rows, size_t *n);
/* Lists saved scans (newest first) under the store lock; on failure why gets the reason. */
enum pl_rc web_list_scans(struct web_req *rq, size_t limit, struct pl_store_scan **v, size_t *n,
                          char *why, size_t why_size);
/* Nonzero when the path is under /api/. */
int web_is_api(const struct web_req *rq);
/* Nonzero when the client asks for JSON rather than HTML (Accept). */
int web_wants_json(const struct web_req *rq);

/* html.c */
void html_esc(struct pl_buf *b, const char *s);
/* One definition-list row: <dt>label</dt><dd ATTRS>value</dd>, value escaped; dd_attrs is
 * written as is (a literal such as " class=\"mono\"", or ""). */
void web_kv(struct pl_buf *b, const struct web_req *rq, enum web_str label, const char *dd_attrs,
            const char *value);
void html_escn(struct pl_buf *b, const char *s, size_t n);
/* The search box from its aria-label value on: label, placeholder, value (escaped; NULL:
 * no value attribute), attrs as is (" autofocus" or ""), the button, </form>. The caller
 * writes the form up to `aria-label="`, which differs between the server and the site. */
void web_search_field(struct pl_buf *b, const struct web_req *rq, const char *value,
                      const char *attrs);
/* <table[ id="ID"]><thead><tr> with a <th> per column label, up to <tbody>. */
void web_table_head(struct pl_buf *b, const struct web_req *rq, const char *id,
                    const enum web_str *cols, size_t n);
/* Appends template tmpl (escaped) with {1}..{n} replaced by args (escaped). */
void web_tmpl(struct pl_buf *b, const char *tmpl, const char *const *args, size_t n);
/* How much of a visitor's input (a path segment, a query value) an answer quotes back. */
#define WEB_SHOWN_MAX 32
/*
 * Copies up to WEB_SHOWN_MAX bytes of s[0..n) into out (NUL-terminated) to be quoted in a
 * message: cut before broken UTF-8, control bytes as '?', "…" when cut. Still to be
 * escaped for where it goes. size >= WEB_SHOWN_MAX + 4 holds any input.
 */
void web_shown_input(char *out, size_t size, const char *s, size_t n);
/* web_tmpl of string id with one or more args. */
void web_trf(struct pl_buf *b, const struct web_req *rq, enum web_str id, const char *a1,
             const char *a2, const char *a3, const char *a4);
/* Appends web_tr(id) escaped. */
void web_trs(struct pl_buf *b, const struct web_req *rq, enum web_str id);
/* Percent-encodes s for a query value. */
void web_urlenc(struct pl_buf *b, const char *s);
/* Opens the document: doctype, head, header with navigation and language links. */
void html_begin(struct web_req *rq, struct web_resp *rs, const char *title);
void html_end(struct web_req *rq, struct web_resp *rs);
/* A link to a source: URLs become links, rfc:N and cve:ID link to their records. */
void html_source(struct pl_buf *b, const char *src);
/* Formats a unix time as "YYYY-MM-DD HH:MM:SS UTC" ("—" for 0). */
void web_time(char *buf, size_t size, int64_t t);

/* html_port.c, html_pages.c */
/* The page language of a request (English when the web's language has no page text). */
enum pl_lang web_page_lang(const struct web_req *rq);
/* What a port page is built from: the server's registry and knowledge, and this machine's
 * sockets and /proc unless serve runs with --no-live; text in lang. */
struct pl_page_opts web_page_opts(const struct web_req *rq, enum pl_lang lang);
void web_page_port(struct web_req *rq, struct web_resp *rs, uint16_t port);
/* The port page's heading and sections (the live one only when live is nonzero), in
 * rq's language: what the server's page and the static site (site.c) share. */
void web_port_sections(struct pl_buf *b, struct web_req *rq, const struct pl_page *page, int live);
void web_vote_post(struct web_req *rq, struct web_resp *rs, uint16_t port);
void web_page_home(struct web_req *rq, struct web_resp *rs);
void web_page_search(struct web_req *rq, struct web_resp *rs);
void web_page_listen(struct web_req *rq, struct web_resp *rs);
void web_page_scans(struct web_req *rq, struct web_resp *rs);
void web_page_scan(struct web_req *rq, struct web_resp *rs, int64_t id);
/* html_fleet.c: hosts, a host, a port's timeline, deleting a scan, a scan's actions */
void web_page_hosts(struct web_req *rq, struct web_resp *rs);
void web_page_host(struct web_req *rq, struct web_resp *rs, const char *host);
void web_page_port_timeline(struct web_req *rq, struct web_resp *rs, uint16_t port);
void web_scan_delete_post(struct web_req *rq, struct web_resp *rs, int64_t id);
/* The export links and the delete form under a saved scan (sets the CSRF splice). */
void web_scan_actions(struct pl_buf *b, struct web_req *rq, struct web_resp *rs, int64_t id);
/* export.c: /scans/ID/export.FORMAT (json, csv, xml) and /metrics */
void web_scan_export(struct web_req *rq, struct web_resp *rs, int64_t id, const char *format);
void web_metrics(struct web_req *rq, struct web_resp *rs);
/* api.c: /api/hosts, /api/timeline?host=H or ?port=N */
void web_api_hosts(struct web_req *rq, struct web_resp *rs);
void web_api_timeline(struct web_req *rq, struct web_resp *rs);

/* api.c */
void web_api_port(struct web_req *rq, struct web_resp *rs, uint16_t port);
void web_api_search(struct web_req *rq, struct web_resp *rs);
void web_api_listen(struct web_req *rq, struct web_resp *rs);
void web_api_scans(struct web_req *rq, struct web_resp *rs);
void web_api_scan(struct web_req *rq, struct web_resp *rs, int64_t id);

/* form.c: finds key in an urlencoded body and decodes its value into out (NUL-terminated).
 * Returns 1 found, 0 absent, -1 malformed or longer than size - 1. Pure. */
int web_form_get(const char *body, size_t len, const char *key, char *out, size_t size);

/* live.c */
/* Appends the listeners table (HTML) or JSON for /listen and /api/listen. */
void web_live_listen_html(struct web_req *rq, struct pl_buf *b);
/* Counts this machine's listeners (total) and those with each of flags (counts[i]) from
 * the live snapshot; 0 when serve does not read sockets (--no-live) or cannot. */
int web_live_flag_counts(struct pl_web *web, const enum pl_sock_flag *flags, size_t nflags,
                         int64_t *counts, int64_t *total);
/* Returns the HTTP status (200, or 404 when live data is off, 503 when unreadable). */
int web_live_listen_json(struct web_req *rq, struct pl_buf *b);

#endif
