// SPDX-License-Identifier: MIT
/*
 * server.c - the HTTP server of `portlens serve`, on libmicrohttpd.
 *
 * libmicrohttpd parses requests (request line, headers, chunked bodies, URL decoding) and
 * enforces the limits that keep hostile clients cheap: a per-connection memory pool
 * of 16 KiB (overlong URLs and headers get 414/431 before any portlens code runs), a connection
 * timeout, and caps on connections in total and per address. This file adds, per
 * request and in this order:
 *   0. Exactly one Host header; a %00 in the path or arguments never ends a string early.
 *   1. Host check (no access token): only the names this server is reachable by on
 *      loopback, which defeats DNS rebinding against a server on 127.0.0.1.
 *   2. Access token (--allow-remote): Authorization: Bearer, the plt cookie, or ?token=
 *      once (answered with the cookie and a redirect that drops it from the URL).
 *   3. Language: ?lang=, the lang cookie, Accept-Language, English.
 *   4. Visitor id cookie (issued on HTML pages) and its CSRF token.
 *   5. For POST: Sec-Fetch-Site and Origin must say the request came from this site.
 * Then routes.c renders, and every response gets the same security headers: a strict
 * Content-Security-Policy (only this server's own CSS and JS, no inline code), nosniff,
 * no framing, no referrer to other sites.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/cpus.h"
#include "core/strnum.h"
#include "portlens/addr.h"
#include "web/web_impl.h"

#define CSP                                                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                \
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const char *
web_arg(const struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static const char *
header(const struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static const char *
cookie(const struct web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

static void
client_addr(struct web_req *rq)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	struct pl_addr a;

	/* libmicrohttpd's client address is a whole one of its family (no length given). */
	if (pl_addr_from_sockaddr(sa, sizeof(struct sockaddr_storage), &a) == PL_OK)
		pl_addr_ip_str(&a, rq->client, sizeof(rq->client));
	else
		snprintf(rq->client, sizeof(rq->client), "?");
}

static void
choose_lang(struct web_req *rq)
{
	const char *q = web_arg(rq, "lang"), *c = cookie(rq, "lang");
	const struct web_lang *l = NULL;

	if (q && (l = web_lang_find(q, strlen(q))) != NULL)
		rq->lang_asked = 1;
	else if (q && *q)
		rq->lang_unknown = q;
	if (!l && c)
		l = web_lang_find(c, strlen(c));
	if (!l)
		l = web_lang_negotiate(header(rq, "Accept-Language"));
	rq->lang = l ? l : &web_langs[0];
}

static enum MHD_Result
count_host(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	if (strcasecmp(key, "Host") == 0)
		(*(unsigned *)cls)++;
	return MHD_YES;
}

/* RFC 9112 section 3.2: a request with more than one Host field is a 400, whichever of
 * them a proxy in front would have looked at. */
static int
one_host(const struct web_req *rq)
{
	unsigned n = 0;

	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, count_host, &n);
	return n <= 1;
}

/*
 * Percent-decoding of the path and the query arguments (libmicrohttpd's own decoder),
 * except that a decoded NUL becomes the byte 0xFF: a NUL would end the string every
 * handler sees, so "/api/port/22%00x" would be served as /api/port/22. 0xFF is no valid
 * UTF-8, so such a path matches no route (404) and such an argument is shown as U+FFFD.
 */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	size_t n = MHD_http_unescape(s);

	(void)cls;
	(void)conn;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = (char)0xFF;
	return n;
}

static int
host_ok(const struct web_req *rq)
{
	const char *h = header(rq, "Host");

	if (rq->web->guard.token)
		return 1;
	if (!h)
		return 0;
	for (size_t i = 0; i < rq->web->n_hosts; i++)
		if (strcasecmp(h, rq->web->hosts[i]) == 0)
			return 1;
	return 0;
}

static int
same_site(const struct web_req *rq)
{
	const char *sfs = header(rq, "Sec-Fetch-Site"), *origin = header(rq, "Origin");
	const char *host = header(rq, "Host");
	char want[WEB_HOST_LEN + 16];

	if (sfs && strcmp(sfs, "same-origin") != 0)
		return 0;
	/* Browsers send "Origin: null" under some referrer policies; the fetch metadata
	 * then still says whether the request came from this origin. */
	if (!origin || (strcmp(origin, "null") == 0 && sfs))
		return 1;
	snprintf(want, sizeof(want), "http://%s", host ? host : "");
	return strcasecmp(origin, want) == 0;
}

static enum web_method
parse_method(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return WEB_GET;
	if (strcmp(m, "HEAD") == 0)
		return WEB_HEAD;
	if (strcmp(m, "POST") == 0)
		return WEB_POST;
	return WEB_OTHER;
}

/* Steps 1 and 2 of the file comment. Returns 0 when rs holds the answer already. */
static int
admit(struct web_req *rq, struct web_resp *rs)
{
	const char *auth = header(rq, "Authorization"), *qt = web_arg(rq, "token");

	if (!one_host(rq)) {
		web_error(rq, rs, 400);
		return 0;
	}
	if (!host_ok(rq)) {
		web_error(rq, rs, 403);
		return 0;
	}
	if (!rq->web->guard.token)
		return 1;
	if (qt && web_token_ok(&rq->web->guard, qt)) {
		rs->status = 303;
		snprintf(rs->location, sizeof(rs->location), "%s", rq->url);
		return 0;
	}
	if (auth && strncmp(auth, "Bearer ", 7) == 0 && web_token_ok(&rq->web->guard, auth + 7))
		return 1;
	if (web_token_ok(&rq->web->guard, cookie(rq, "plt")))
		return 1;
	web_error(rq, rs, 401);
	return 0;
}

static void
identify(struct web_req *rq)
{
	struct pl_web *web = rq->web;
	int html = !web_is_api(rq) && strncmp(rq->url, "/static/", 8) != 0;

	if (!web_visitor_check(&web->guard, cookie(rq, "plv"), rq->visitor, rq->csrf) && html &&
	    rq->method != WEB_POST) {
		if (web_visitor_new(&web->guard, rq->visitor, rq->cookie_new, rq->csrf) != PL_OK)
			rq->visitor[0] = rq->cookie_new[0] = rq->csrf[0] = '\0';
	}
}

static void
add_headers(struct web_req *rq, struct web_resp *rs, struct MHD_Response *r)
{
	char buf[160];

	MHD_add_response_header(r, "Content-Type", rs->ctype ? rs->ctype : "text/plain");
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Cache-Control",
	                        rs->cache_control ? rs->cache_control : "no-cache");
	/* JSON is English whatever the visitor's language (its words are identifiers and
	 * the library's messages); a page is in the language it was written in. */
	MHD_add_response_header(
	    r, "Content-Language",
	    rs->ctype && strncmp(rs->ctype, "application/json", 16) == 0 ? "en" : rq->lang->code);
	MHD_add_response_header(r, "Vary", "Accept-Language, Cookie");
	if (rs->etag)
		MHD_add_response_header(r, "ETag", rs->etag);
	if (rs->location[0])
		MHD_add_response_header(r, "Location", rs->location);
	if (rs->retry_after) {
		snprintf(buf, sizeof(buf), "%d", rs->retry_after);
		MHD_add_response_header(r, "Retry-After", buf);
	}
	if (rq->cookie_new[0]) {
		snprintf(buf, sizeof(buf),
		         "plv=%s; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict",
		         rq->cookie_new);
		MHD_add_response_header(r, "Set-Cookie", buf);
	}
	if (rq->lang_asked) {
		snprintf(buf, sizeof(buf), "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax",
		         rq->lang->code);
		MHD_add_response_header(r, "Set-Cookie", buf);
	}
	if (rs->status == 303 && web_arg(rq, "token") && rq->web->guard.token) {
		snprintf(buf, sizeof(buf), "plt=%s; Path=/; HttpOnly; SameSite=Strict",
		         rq->web->guard.token);
		MHD_add_response_header(r, "Set-Cookie", buf);
	}
}

/* A handler that ran out of memory (rs->oom), or whose page buffer failed part way, gets
 * a short error instead: an incomplete page or JSON document is never sent, nor cached. */
void
web_resp_settle(struct web_resp *rs)
{
	if (!rs->oom && !pli_buf_failed(&rs->body))
		return;
	pli_buf_reset(&rs->body);
	rs->status = rs->oom ? 503 : 500;
	rs->ctype = "text/plain; charset=utf-8";
	rs->token_off = WEB_NO_TOKEN;
	rs->etag = NULL;
	free(rs->cache_key);
	rs->cache_key = NULL;
	pli_buf_puts(&rs->body, "out of memory\n");
}

/* Splices the CSRF token in (when the page has a form) and hands the bytes to MHD. */
static enum MHD_Result
send_response(struct web_req *rq, struct web_resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t tlen = strlen(rq->csrf);
	char *body;

	if (rs->cache_key && rs->status == 200)
		web_cache_put(&rq->web->cache, rs->cache_key, rs->ctype, pli_buf_str(&rs->body),
		              rs->body.len, rs->token_off);
	if (rs->token_off != WEB_NO_TOKEN && tlen) {
		body = malloc(rs->body.len + tlen + 1);
		if (body) {
			memcpy(body, rs->body.data, rs->token_off);
			memcpy(body + rs->token_off, rq->csrf, tlen);
			memcpy(body + rs->token_off + tlen, rs->body.data + rs->token_off,
			       rs->body.len - rs->token_off);
		}
		r = body ? MHD_create_response_from_buffer(rs->body.len + tlen, body,
		                                           MHD_RESPMEM_MUST_FREE)
		         : NULL;
		if (!r)
			free(body);
	} else {
		size_t len = rs->body.len;

		body = pli_buf_steal(&rs->body);
		r = MHD_create_response_from_buffer(len, body ? body : (char *)"",
		                                    body ? MHD_RESPMEM_MUST_FREE
		                                         : MHD_RESPMEM_PERSISTENT);
		if (!r)
			free(body);
	}
	if (!r)
		return MHD_NO;
	add_headers(rq, rs, r);
	ret = MHD_queue_response(rq->conn, rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
handle(struct web_req *rq)
{
	struct web_resp rs = {.status = 200, .token_off = WEB_NO_TOKEN};
	enum MHD_Result ret;

	pli_buf_init(&rs.body);
	client_addr(rq);
	choose_lang(rq);
	if (admit(rq, &rs)) {
		identify(rq);
		if (rq->method == WEB_POST && !same_site(rq))
			web_error(rq, &rs, 403);
		else if (rq->body_too_big)
			web_error(rq, &rs, 413);
		else
			web_dispatch(rq, &rs);
	}
	web_resp_settle(&rs);
	ret = send_response(rq, &rs);
	pli_buf_cleanup(&rs.body);
	free(rs.cache_key);
	return ret;
}

/*
 * 413 in the middle of a body. libmicrohttpd (0.9.75) takes a response only before the
 * body is read or after all of it has been, so the answer goes onto the socket directly:
 * a short fixed response, then FIN (shutdown SHUT_WR), then the handler's MHD_NO makes
 * libmicrohttpd close the connection without reading the rest.
 */
static void
refuse_body(struct web_req *rq)
{
	static const char resp[] = "HTTP/1.1 413 Content Too Large\r\n"
	                           "Content-Type: application/json\r\n"
	                           "Connection: close\r\n"
	                           "Content-Length: 50\r\n\r\n"
	                           "{\"error\": \"request body too large\", \"status\": 413}";
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);

	if (!ci)
		return;
	if (send(ci->connect_fd, resp, sizeof(resp) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
		shutdown(ci->connect_fd, SHUT_WR);
}

/* A Content-Length over the limit: known before the body, so refused before it. */
static int
declared_too_big(const struct web_req *rq)
{
	const char *cl = header(rq, "Content-Length");
	uint64_t n;

	return cl && pli_parse_u64(cl, 0, UINT64_MAX, &n, NULL) == PL_OK && n > WEB_MAX_BODY;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct web_req *rq = *con_cls;

	(void)version;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		rq->web = cls;
		rq->conn = conn;
		rq->url = url;
		rq->method = parse_method(method);
		pli_buf_init(&rq->body);
		*con_cls = rq;
		web_reaper_phase(rq->web, conn, WEB_PHASE_BODY);
		if (declared_too_big(rq)) {
			/* Refused before a byte of the body is read. */
			rq->body_too_big = 1;
			rq->started = 1;
			return handle(rq);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->started)
			return MHD_NO; /* the 413 is queued; no more body is wanted */
		if (rq->body.len + *upload_size > WEB_MAX_BODY) {
			/* Answer at once, without reading on: a chunked body has no length to
			 * refuse up front, and reading it to its end let one client stream
			 * gigabytes. libmicrohttpd sends the 413 and closes the connection. */
			rq->body_too_big = 1;
			rq->started = 1;
			*upload_size = 0;
			refuse_body(rq);
			return MHD_NO;
		}
		pli_buf_append(&rq->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->started)
		return MHD_NO;
	rq->started = 1;
	web_reaper_phase(rq->web, conn, WEB_PHASE_RESPONSE);
	return handle(rq);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	struct web_req *rq = *con_cls;

	(void)toe;
	/* The next request on this connection (keep-alive) must bring its headers in time. */
	web_reaper_phase(cls, conn, WEB_PHASE_HEADERS);
	if (!rq)
		return;
	pli_buf_cleanup(&rq->body);
	free(rq);
	*con_cls = NULL;
}

static void
add_host(struct pl_web *web, const char *name, int v6)
{
	if (web->n_hosts >= WEB_MAX_HOSTS)
		return;
	snprintf(web->hosts[web->n_hosts++], WEB_HOST_LEN, v6 ? "[%s]:%u" : "%s:%u", name,
	         web->port);
}

/* The Host header values a browser on this machine sends for this server. */
static void
init_hosts(struct pl_web *web)
{
	struct pl_addr a;
	char ip[PL_ADDR_STRLEN] = "";

	add_host(web, "localhost", 0);
	add_host(web, "127.0.0.1", 0);
	add_host(web, "::1", 1);
	pl_addr_from_sockaddr((const struct sockaddr *)&web->cfg.addr, sizeof(web->cfg.addr), &a);
	pl_addr_ip_str(&a, ip, sizeof(ip));
	if (*ip && strcmp(ip, "127.0.0.1") != 0 && strcmp(ip, "::1") != 0)
		add_host(web, ip, a.family == 6);
}

static int
addr_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)ss;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr);
	return 0;
}

/*
 * Binds the listening socket here rather than in libmicrohttpd: the port (also when 0
 * was asked) is then known before any request can arrive, so the Host list is complete
 * from the first request, and a failed bind reports its errno.
 */
static enum pl_rc
bind_socket(struct pl_web *web, struct pl_err *err)
{
	struct sockaddr_storage ss = web->cfg.addr;
	socklen_t len =
	    ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int one = 1, e, fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		goto fail;
	web->listen_fd = fd;
	web->port = pl_sockaddr_port((struct sockaddr *)&ss);
	return PL_OK;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	/* Name the address: "there" did not say which (the default 127.0.0.1:7678 may be
	 * another portlens serve's). */
	{
		struct pl_addr a = {0};
		char where[PL_ADDR_STRLEN + 8] = "?";

		if (pl_addr_from_sockaddr((const struct sockaddr *)&web->cfg.addr, len, &a) ==
		    PL_OK)
			pl_addr_str(&a, where, sizeof(where));
		pl_err_set(err, PL_ERR_SYS, "cannot listen on %s: %s%s", where, strerror(e),
		           e == EADDRINUSE ? " (choose another with --listen ADDR:PORT)" : "");
	}
	if (err)
		err->sys_errno = e;
	return PL_ERR_SYS;
}

static enum pl_rc
start_daemon(struct pl_web *web, struct pl_err *err)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO;
	unsigned threads = web->cfg.threads, cpus = pli_usable_cpus();

	if (!threads)
		threads = cpus < 8 ? cpus : 8;
	if (web->cfg.addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	web->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, web, MHD_OPTION_LISTEN_SOCKET, web->listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)WEB_CONN_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)16384, MHD_OPTION_NOTIFY_CONNECTION, web_reaper_notify, web,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, web, MHD_OPTION_UNESCAPE_CALLBACK, unescape,
	    NULL, MHD_OPTION_END);
	if (!web->daemon)
		return pl_err_set(err, PL_ERR_SYS, "cannot start the HTTP server");
	web->listen_fd = -1; /* libmicrohttpd closes it */
	return web_reaper_start(&web->reaper, err);
}

/*
 * Opens the store for writing, else for reading, else not at all. The web's first job is
 * the port pages, which need no database: a read-only or broken file must not keep them
 * from being served, and every page then says what is wrong with it.
 */
static void
open_store(struct pl_web *web)
{
	struct pl_err rw = {0}, ro = {0};

	if (pl_store_open(web->cfg.db_path, PL_STORE_MKDIR, &web->store, &rw) == PL_OK)
		return;
	if (pl_store_open(web->cfg.db_path, PL_STORE_READONLY, &web->store, &ro) == PL_OK) {
		web->db_state = PL_WEB_DB_READONLY;
		snprintf(web->db_why, sizeof(web->db_why), "%s", rw.msg);
		return;
	}
	web->store = NULL;
	web->db_state = PL_WEB_DB_UNAVAILABLE;
	snprintf(web->db_why, sizeof(web->db_why), "%s", rw.msg);
}

const char *
pli_web_db_where(const struct pl_web *web)
{
	return web->store                          ? pl_store_where(web->store)
	       : pl_store_is_url(web->cfg.db_path) ? "PostgreSQL (unavailable)"
	                                           : web->cfg.db_path;
}

enum pl_web_db
pli_web_db_state(const struct pl_web *web, const char **why)
{
	if (why)
		*why = web->db_why;
	return web->db_state;
}

enum pl_rc
pli_web_start(const struct pl_web_config *cfg, struct pl_web **out, struct pl_err *err)
{
	struct pl_web *web;
	enum pl_rc rc;

	if (!addr_is_loopback(&cfg->addr) && (!cfg->allow_remote || !cfg->token))
		return pl_err_set(err, PL_ERR_ARG,
		                  "listening beyond loopback needs permission to allow remote "
		                  "clients, and then an access token");
	if (cfg->token && strlen(cfg->token) < PL_WEB_TOKEN_MIN)
		return pl_err_set(err, PL_ERR_ARG,
		                  "the access token is %zu characters; it needs at least %d",
		                  strlen(cfg->token), PL_WEB_TOKEN_MIN);
	web = calloc(1, sizeof(*web));
	if (!web)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	web->cfg = *cfg;
	web->listen_fd = -1;
	pthread_mutex_init(&web->store_lock, NULL);
	pthread_mutex_init(&web->live_lock, NULL);
	web_cache_init(&web->cache, cfg->cache_ms ? cfg->cache_ms : 1000);
	web_reaper_init(&web->reaper, WEB_CONN_LIMIT);
	rc = web_guard_init(&web->guard, cfg->vote_burst, cfg->vote_per_minute, cfg->token, err);
	if (rc == PL_OK)
		open_store(web);
	if (rc == PL_OK)
		rc = bind_socket(web, err);
	if (rc == PL_OK) {
		init_hosts(web);
		rc = start_daemon(web, err);
	}
	if (rc != PL_OK) {
		pli_web_stop(web);
		return rc;
	}
	*out = web;
	return PL_OK;
}

uint16_t
pli_web_port(const struct pl_web *web)
{
	return web->port;
}

void
pli_web_stop(struct pl_web *web)
{
	if (!web)
		return;
	web_reaper_stop(&web->reaper);
	if (web->daemon)
		MHD_stop_daemon(web->daemon);
	web_reaper_cleanup(&web->reaper);
	if (web->listen_fd >= 0)
		close(web->listen_fd);
	pl_store_close(web->store);
	pl_sockset_free(web->live_set);
	pthread_mutex_destroy(&web->live_lock);
	web_cache_cleanup(&web->cache);
	web_guard_cleanup(&web->guard);
	pthread_mutex_destroy(&web->store_lock);
	free(web);
}
