// SPDX-License-Identifier: MIT
/*
 * p_tls.c - TLS: the handshake with OpenSSL over a probe connection (non-blocking,
 * bounded by the run's deadline), and the facts it yields: protocol version, cipher,
 * certificate subject, issuer, subjectAltNames and validity. Certificates are not
 * verified (a probe reports what a server presents; the audit judges it).
 *
 * The TLS probe's request is the ClientHello OpenSSL would send (written into a memory
 * BIO), so it can go out beside the other probes in a wave; its classifier recognises
 * a TLS record in any answer (a ServerHello, or an alert to our HTTP request), and the
 * scheduler then does the real handshake with pli_conn_tls and probes the service inside
 * (banner first, then HTTP).
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "probe/probe_impl.h"

struct ssl_ctx_st *
pli_tls_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* Talk to old servers too: a probe wants to see them, not to trust them. */
	SSL_CTX_set_min_proto_version(ctx, 0);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF);
	return ctx;
}

void
pli_tls_ctx_free(struct ssl_ctx_st *ctx)
{
	SSL_CTX_free(ctx);
}

static void
name_line(X509_NAME *name, char *out, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (!bio || !name)
		goto out;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
		goto out;
	n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		pli_probe_copy(out, size, p, (size_t)n);
out:
	BIO_free(bio);
}

static void
asn1_time(const ASN1_TIME *t, char *out, size_t size)
{
	struct tm tm;

	out[0] = '\0';
	if (t && ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
sans_line(X509 *cert, char *out, size_t size)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char item[80] = "";

		if (g->type == GEN_DNS) {
			const unsigned char *s = ASN1_STRING_get0_data(g->d.dNSName);

			snprintf(item, sizeof(item), "DNS:%.*s",
			         ASN1_STRING_length(g->d.dNSName) > 70
			             ? 70
			             : ASN1_STRING_length(g->d.dNSName),
			         (const char *)s);
		} else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4) {
			const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);

			snprintf(item, sizeof(item), "IP:%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		}
		if (item[0] && used + strlen(item) + 3 < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
			                         item);
	}
	GENERAL_NAMES_free(gens);
}

static void
cert_facts(SSL *ssl, struct pl_tls_info *info)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);

	pli_probe_set(info->version, sizeof(info->version), SSL_get_version(ssl));
	if (cipher)
		pli_probe_set(info->cipher, sizeof(info->cipher), SSL_CIPHER_get_name(cipher));
	if (!cert)
		return;
	name_line(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
	name_line(X509_get_issuer_name(cert), info->issuer, sizeof(info->issuer));
	sans_line(cert, info->sans, sizeof(info->sans));
	asn1_time(X509_get0_notBefore(cert), info->not_before, sizeof(info->not_before));
	asn1_time(X509_get0_notAfter(cert), info->not_after, sizeof(info->not_after));
	info->expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
	info->self_signed =
	    X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
	X509_free(cert);
}

/* Keeps a copy of every byte the handshake reads (what a non-TLS server answered). */
static long
capture_cb(BIO *b, int oper, const char *argp, size_t len, int argi, long argl, int ret,
           size_t *processed)
{
	struct probe_answer *a = (struct probe_answer *)BIO_get_callback_arg(b);

	(void)len;
	(void)argi;
	(void)argl;
	if (a && oper == (BIO_CB_READ | BIO_CB_RETURN) && ret > 0 && processed && argp) {
		size_t k = *processed;

		if (k > PL_PROBE_MAX_READ - a->len)
			k = PL_PROBE_MAX_READ - a->len;
		memcpy(a->data + a->len, argp, k);
		a->len += k;
		a->data[a->len] = '\0';
	}
	return ret;
}

int
pli_tls_handshake(struct probe_conn *c, struct ssl_st *ssl)
{
	for (;;) {
		int r = SSL_connect(ssl), e;
		struct pollfd pfd = {.fd = c->fd};
		uint64_t now = pli_probe_now_ms();

		if (r == 1)
			return 0;
		e = SSL_get_error(ssl, r);
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || now >= c->deadline)
			return -1;
		pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		if (poll(&pfd, 1, (int)(c->deadline - now)) <= 0)
			return -1;
	}
}

int
pli_conn_tls(struct probe_conn *c, struct ssl_ctx_st *ctx, const char *host,
             struct pl_tls_info *info, struct probe_answer *raw)
{
	SSL *ssl = SSL_new(ctx);

	if (!ssl || SSL_set_fd(ssl, c->fd) != 1) {
		SSL_free(ssl);
		return -1;
	}
	if (raw) {
		BIO_set_callback_ex(SSL_get_rbio(ssl), capture_cb);
		BIO_set_callback_arg(SSL_get_rbio(ssl), (char *)raw);
	}
	if (host && *host && !strchr(host, ':') && strspn(host, "0123456789.") != strlen(host))
		SSL_set_tlsext_host_name(ssl, host);
	if (pli_tls_handshake(c, ssl) != 0)
		goto fail;
	if (raw) {
		BIO_set_callback_ex(SSL_get_rbio(ssl), NULL);
		raw->len = 0; /* it was TLS: the handshake bytes are no answer */
	}
	c->ssl = ssl;
	cert_facts(ssl, info);
	return 0;
fail:
	ERR_clear_error();
	SSL_free(ssl);
	return -1;
}

static size_t
tls_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	SSL *ssl;
	BIO *rb = NULL, *wb = NULL;
	int n = 0;

	if (!run->ctx->ssl_ctx || run->ctx->opts.no_tls || !(ssl = SSL_new(run->ctx->ssl_ctx)))
		return 0;
	rb = BIO_new(BIO_s_mem());
	wb = BIO_new(BIO_s_mem());
	if (!rb || !wb) {
		BIO_free(rb);
		BIO_free(wb);
		goto out;
	}
	SSL_set_bio(ssl, rb, wb); /* ssl owns both now */
	SSL_set_connect_state(ssl);
	if (SSL_do_handshake(ssl) <= 0 && BIO_ctrl_pending(wb) <= cap)
		n = BIO_read(wb, buf, (int)cap);
out:
	ERR_clear_error();
	SSL_free(ssl);
	return n > 0 ? (size_t)n : 0;
}

static unsigned
tls_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out)
{
	(void)ctx;
	/* A TLS record: content type alert (21) or handshake (22), version 3.x. */
	if (n >= 5 && (d[0] == 0x15 || d[0] == 0x16) && d[1] == 0x03 && d[2] <= 0x04) {
		pli_probe_set(out->service, sizeof(out->service), "tls");
		return 40;
	}
	return 0;
}

static const uint16_t tls_ports[] = {443, 465,  563,  636,  853,  990,  992,  993, 994,
                                     995, 4443, 5061, 5986, 6443, 8443, 9443, 0};

const struct probe_def pl_probe_tls = {
    .name = "tls",
    .ports = tls_ports,
    .talks_first = 0,
    .request = tls_request,
    .classify = tls_classify,
};
