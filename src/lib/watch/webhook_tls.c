// SPDX-License-Identifier: MIT
/*
 * watch/webhook_tls.c - https:// for the webhook: TLS over the connected socket with
 * OpenSSL (already linked for the TLS probes). The receiver's certificate is verified
 * against the system's trust store (OpenSSL's default paths; SSL_CERT_FILE and
 * SSL_CERT_DIR override them) and must name the URL's host: its DNS name (sent as SNI)
 * or, for an address, its IP. TLS 1.2 at least. Every step is non-blocking and bounded
 * by the attempt's deadline, like the plain path, so a receiver that stalls a handshake
 * is a timeout, never a hung deliverer.
 */
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "core/deadline.h"
#include "watch/watch_impl.h"

/* Waits for what OpenSSL asked for (read or write); 0 on timeout or another error. */
static int
tls_wait(SSL *ssl, int fd, int r, int64_t deadline)
{
	int e = SSL_get_error(ssl, r);
	struct pollfd p = {.fd = fd};
	int64_t left = deadline - pli_clock_ms(CLOCK_MONOTONIC);

	if (e == SSL_ERROR_WANT_READ)
		p.events = POLLIN;
	else if (e == SSL_ERROR_WANT_WRITE)
		p.events = POLLOUT;
	else
		return 0;
	return left > 0 && poll(&p, 1, (int)left) == 1;
}

void *
webhook_tls_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

void
webhook_tls_ctx_free(void *ctx)
{
	SSL_CTX_free(ctx);
}

void *
webhook_tls_connect(void *ctx, int fd, const char *host, int64_t deadline)
{
	unsigned char ip[16];
	int is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
	SSL *ssl = SSL_new(ctx);
	int r;

	if (!ssl || SSL_set_fd(ssl, fd) != 1)
		goto fail;
	if (is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) != 1)
			goto fail;
	} else if (SSL_set_tlsext_host_name(ssl, host) != 1 || SSL_set1_host(ssl, host) != 1) {
		goto fail;
	}
	while ((r = SSL_connect(ssl)) != 1)
		if (!tls_wait(ssl, fd, r, deadline))
			goto fail;
	return ssl;
fail:
	ERR_clear_error();
	SSL_free(ssl);
	return NULL;
}

long
webhook_tls_io(void *tls, int fd, int writing, void *buf, size_t len, int64_t deadline)
{
	SSL *ssl = tls;

	for (;;) {
		int r = writing ? SSL_write(ssl, buf, (int)len) : SSL_read(ssl, buf, (int)len);

		if (r > 0)
			return r;
		if (!tls_wait(ssl, fd, r, deadline)) {
			ERR_clear_error();
			return -1;
		}
	}
}

void
webhook_tls_close(void *tls)
{
	if (!tls)
		return;
	SSL_shutdown(tls);
	SSL_free(tls);
	ERR_clear_error();
}
