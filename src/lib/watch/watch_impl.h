/* SPDX-License-Identifier: MIT */
/*
 * watch/watch_impl.h - internals shared by the files of src/lib/watch: the head every
 * event line starts with, and the TLS side of the webhook (webhook_tls.c), kept behind
 * void pointers so webhook.c needs no OpenSSL header.
 */
#ifndef PL_WATCH_IMPL_H
#define PL_WATCH_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "portlens/watch.h"
#include "core/jsonw.h"

/* Opens an event line in out: the object and its first fields (schema portlens.watch/1,
 * id, seq, time_ms, event, source), for the fields of its kind to follow. */
void watch_event_begin(struct pl_jsonw *w, struct pl_buf *out, const char *id, uint64_t seq,
                       int64_t time_ms, const char *event, const char *source);

/* A client context that verifies against the system's trust store; NULL on failure. */
void *webhook_tls_ctx_new(void);
void webhook_tls_ctx_free(void *ctx);
/* A verified TLS session over connected fd for host (name or address), within deadline
 * (monotonic ms); NULL on failure (handshake, certificate, name, timeout). */
void *webhook_tls_connect(void *ctx, int fd, const char *host, int64_t deadline);
/* One SSL_write (writing) or SSL_read of up to len bytes; bytes moved, or -1. */
long webhook_tls_io(void *tls, int fd, int writing, void *buf, size_t len, int64_t deadline);
void webhook_tls_close(void *tls);

#endif
