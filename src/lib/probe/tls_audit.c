// SPDX-License-Identifier: MIT
/*
 * tls_audit.c - the TLS facts the audit needs beyond what the first handshake showed.
 *
 * Certificate: days until notAfter (ASN1_TIME_diff against now), and whether it names
 * the address we connected to (X509_check_ip_asc against the IP SANs, RFC 6125; a probe
 * knows the address, not a host name). Offers: a server that negotiates TLS 1.3 with a
 * modern client may still accept TLS 1.0/1.1, or a weak cipher, from an old or hostile
 * one; the only way to know is to ask, so two more handshakes go out on new
 * connections: one capped at TLS 1.1, one at TLS 1.2 offering only weak ciphers (3DES,
 * RC4, DES, NULL, EXPORT, anonymous key exchange) at OpenSSL security level 0. A
 * handshake that completes proves the offer; one that fails proves nothing more.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "probe/probe_impl.h"

void
pli_tls_cert_checks(const struct probe_run *run, struct ssl_st *ssl, struct pl_tls_info *info)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	char ip[64];
	int day = 0, sec = 0;
	size_t n;

	if (!cert)
		return;
	if (ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(cert)) == 1)
		info->days_left = day - (sec < 0);
	/* run->host is numeric: "198.18.0.2" or "[2001:2::1]". */
	n = strlen(run->host);
	if (run->host[0] == '[' && n > 2)
		pli_probe_copy(ip, sizeof(ip), run->host + 1, n - 2);
	else
		pli_probe_set(ip, sizeof(ip), run->host);
	info->name_mismatch = X509_check_ip_asc(cert, ip, 0) != 1;
	X509_free(cert);
}

/* One handshake on a new connection with ssl's limits; 1 when it completed. */
static int
offer(const struct probe_run *run, int max_version, const char *ciphers, char *got, size_t size)
{
	struct probe_conn c = {.fd = -1};
	SSL *ssl = NULL;
	int ok = 0;

	if (!run->ctx->ssl_ctx || pli_probe_now_ms() >= run->deadline ||
	    pli_conn_open(&c, run->sa, run->salen, run->ctx->opts.connect_ms, run->deadline,
	                  NULL) != PL_OK)
		return 0;
	c.deadline = pli_probe_now_ms() + run->ctx->opts.read_ms;
	if (c.deadline > run->deadline)
		c.deadline = run->deadline;
	ssl = SSL_new(run->ctx->ssl_ctx);
	if (!ssl || SSL_set_fd(ssl, c.fd) != 1 ||
	    SSL_set_max_proto_version(ssl, max_version) != 1 ||
	    SSL_set_cipher_list(ssl, ciphers) != 1)
		goto out;
	if (pli_tls_handshake(&c, ssl) == 0) {
		ok = 1;
		if (max_version == TLS1_1_VERSION)
			pli_probe_set(got, size, SSL_get_version(ssl));
		else
			pli_probe_set(got, size, SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
	}
out:
	ERR_clear_error();
	SSL_free(ssl);
	pli_conn_close(&c);
	return ok;
}

void
pli_tls_offer_checks(const struct probe_run *run, struct pl_tls_info *info)
{
	if (strcmp(info->version, "TLSv1") == 0 || strcmp(info->version, "TLSv1.1") == 0 ||
	    strncmp(info->version, "SSL", 3) == 0)
		pli_probe_set(info->old_protocol, sizeof(info->old_protocol), info->version);
	if (!run->ctx->opts.intrusive)
		return; /* the extra handshakes prove exposures: the audit's, not --sV's */
	if (!info->old_protocol[0])
		offer(run, TLS1_1_VERSION, "DEFAULT:@SECLEVEL=0", info->old_protocol,
		      sizeof(info->old_protocol));
	offer(run, TLS1_2_VERSION, "3DES:RC4:DES:eNULL:EXPORT:aNULL:@SECLEVEL=0", info->weak_cipher,
	      sizeof(info->weak_cipher));
}
