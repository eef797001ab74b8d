/* SPDX-License-Identifier: MIT */
/*
 * portlens/json.h - the library's JSON writers besides the port page's (page.h,
 * pl_page_json): a socket set, schema "portlens.sockets/1" (docs/sockets.md), and the
 * members of a probe result. The CLI and the web server write these documents through
 * here, so `portlens listen --json` and /api/listen are the same bytes, as are a
 * service in `probe --json`, `audit --json` and `scan --sV` JSON lines. Field names are
 * a stable interface: add fields, never rename or remove.
 */
#ifndef PORTLENS_JSON_H
#define PORTLENS_JSON_H

#include <stddef.h>

#include "portlens/probe.h"
#include "portlens/sockets.h"

struct pl_buf;   /* core/buf.h */
struct pl_jsonw; /* core/jsonw.h */

/*
 * Appends the socket set as one JSON document (pretty, newline-terminated) to out.
 * what: PL_SQ_LISTEN, PL_SQ_CONNS or both (the "view" member).
 */
void pl_sockets_json(const struct pl_sockset *set, unsigned what, struct pl_buf *out);

/* Writes the members of a service object to w (the caller opens and closes the object). */
void pl_service_json(struct pl_jsonw *w, const struct pl_service *s);

/*
 * Writes "key": the n bytes as read, escaped once for JSON; bytes that are not UTF-8
 * also come as "key_hex", byte for byte.
 */
void pl_json_bytes(struct pl_jsonw *w, const char *key, const char *raw, size_t n);

#endif
