/* SPDX-License-Identifier: MIT */
/*
 * web/web.h - the `portlens serve` web front end: an HTTP server on libmicrohttpd that
 * renders the library's models (port pages, search, listeners, saved scans) as HTML and
 * JSON. The CLI (cmd_serve.c) fills struct pl_web_config and calls pli_web_start; all
 * state lives in struct pl_web (no globals).
 */
#ifndef PL_WEB_H
#define PL_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "portlens/error.h"
#include "portlens/knowledge.h"
#include "portlens/registry.h"
#include "portlens/sockets.h"
#include "core/buf.h"

struct pl_web_config {
	struct sockaddr_storage addr; /* where to listen */
	socklen_t addr_len;
	const char *db_path; /* the store (SQLite file or postgresql:// URL); opened at start */
	const char *token;   /* access token; NULL: none (loopback only) */
	int allow_remote;    /* the address may be beyond loopback */
	unsigned threads;    /* worker threads; 0: one per CPU (at most 8) */
	unsigned vote_burst; /* votes a client may cast at once; 0: 10 */
	unsigned vote_per_minute; /* refill rate per client; 0: 6 */
	unsigned cache_ms;        /* how long a rendered page is reused; 0: 1000 */
	int live;                 /* read this machine's sockets and /proc (and /api/listen) */
	const struct pl_registry *reg;
	const struct pl_kb *kb;
};

struct pl_web;

/*
 * Opens the store, binds and starts serving in background threads. On success *out owns
 * the server (pli_web_stop). A store that cannot be opened for writing is opened read-only,
 * and one that cannot be opened at all is left out: the server still starts and its pages
 * say so (pli_web_db_state). Returns PL_OK, PL_ERR_ARG (remote address without
 * allow_remote and token, or a token shorter than PL_WEB_TOKEN_MIN), PL_ERR_SYS (bind;
 * errno in err), or PL_ERR_NOMEM.
 */
enum pl_rc pli_web_start(const struct pl_web_config *cfg, struct pl_web **out, struct pl_err *err);

/* What became of the store at start. */
enum pl_web_db {
	PL_WEB_DB_OK,          /* read and write */
	PL_WEB_DB_READONLY,    /* could not be opened for writing: pages say so, votes are off */
	PL_WEB_DB_UNAVAILABLE, /* could not be opened at all (corrupt, newer schema ...) */
};

/* The store's state; *why (may be NULL) gets the reason ("" when PL_WEB_DB_OK), owned by
 * the server. */
enum pl_web_db pli_web_db_state(const struct pl_web *web, const char **why);
/* Where the store is, as it may be shown (a PostgreSQL URL without its password). */
const char *pli_web_db_where(const struct pl_web *web);

/* The port actually bound (useful when the configuration asked for port 0). */
uint16_t pli_web_port(const struct pl_web *web);

/* Stops the server, waits for its threads, closes the store. NULL is a no-op. */
void pli_web_stop(struct pl_web *web);

/* The default port of `portlens serve`: listed as Unassigned in the shipped IANA
 * registry (checked by a unit test with pl_registry_lookup). */
#define PL_WEB_DEFAULT_PORT 7678

/* The shortest access token accepted (bytes): 16 characters of a random hex token are
 * already 64 bits; a generated one is 256 bits (64 hex digits). */
#define PL_WEB_TOKEN_MIN 16

/*
 * `portlens site DIR`: the port pages as a static site anyone can host. For every page
 * language it writes DIR/LANG/port/N.html (the same page model and sections as the
 * server, without the live section), DIR/LANG/index.html (every exported port), and
 * DIR/LANG/search-index.json for the pages' client-side search; plus DIR/index.html,
 * DIR/sitemap.xml (with hreflang alternates) and DIR/assets/. Each page links its
 * versions in the other languages (hreflang). With feedback_url, the page's "was this
 * helpful" widget sends readers to that `portlens serve` instance; without it there is no
 * widget.
 */
struct pl_site_opts {
	const char *dir;               /* created if missing */
	const struct pl_registry *reg; /* NULL: built-in */
	const struct pl_kb *kb;        /* NULL: built-in */
	const uint16_t *ports;         /* the ports to export; NULL: every port with data */
	size_t n_ports;
	const char *base_url;     /* absolute URL of DIR for canonical links and the sitemap
	                             ("https://ports.example/"); NULL or "": relative only */
	const char *feedback_url; /* a serve instance ("https://host:8080"); NULL: no widget */
};

struct pl_site_stats {
	size_t pages;   /* port pages written (all languages) */
	size_t files;   /* files written in all */
	uint64_t bytes; /* their total size */
	size_t ports;   /* ports exported */
};

/*
 * Writes the site. Returns PL_OK, PL_ERR_SYS (a directory or file could not be written;
 * err names it, errno kept), PL_ERR_ARG (no dir, or a URL that is not http(s)://) or
 * PL_ERR_NOMEM. stats may be NULL.
 */
enum pl_rc pli_web_site_export(const struct pl_site_opts *opts, struct pl_site_stats *stats,
                               struct pl_err *err);

#endif
