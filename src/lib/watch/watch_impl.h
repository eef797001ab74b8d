/* SPDX-License-Identifier: MIT */
/*
 * watch/watch_impl.h - internals shared by the files of src/lib/watch: the TLS side of
 * the webhook (webhook_tls.c), kept behind void pointers so webhook.c needs no OpenSSL
 * header.
 */
#ifndef PL_WATCH_IMPL_H
#define PL_WATCH_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "portlens/watch.h"

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
