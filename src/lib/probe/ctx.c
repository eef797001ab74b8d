// SPDX-License-Identifier: MIT
/*
 * ctx.c - the probe context: options with their defaults, the built-in Recog
 * databases (parsed and compiled once, then read-only, so threads may share them)
 * mapped to the roles the classifiers ask for (with the project's own additions,
 * data/fingerprints/ROLE_portlens.xml, consulted after Recog), the bridge from a Recog
 * match to struct pl_service fields (pli_probe_recog), and the OpenSSL client context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

static const char *const role_names[RECOG_ROLE_COUNT] = {
    [RECOG_SSH] = "ssh_banners",
    [RECOG_FTP] = "ftp_banners",
    [RECOG_SMTP] = "smtp_banners",
    [RECOG_POP] = "pop_banners",
    [RECOG_IMAP] = "imap_banners",
    [RECOG_TELNET] = "telnet_banners",
    [RECOG_HTTP_SERVER] = "http_servers",
    [RECOG_HTML_TITLE] = "html_title",
    [RECOG_MYSQL] = "mysql_banners",
    [RECOG_X509_SUBJECT] = "x509_subjects",
    [RECOG_X509_ISSUER] = "x509_issuers",
    [RECOG_HTTP_POWERED] = "http_xpoweredby",
    [RECOG_DNS_VERSION] = "dns_versionbind",
    [RECOG_SNMP_SYSDESCR] = "snmp_sysdescr",
    [RECOG_LDAP] = "ldap_searchresult",
    [RECOG_NTP] = "ntp_banners",
    [RECOG_SMB_OS] = "smb_native_os",
    [RECOG_SIP] = "sip_banners",
};

static unsigned
or_default(unsigned v, unsigned def)
{
	return v ? v : def;
}

void
pl_probe_ctx_free(struct pl_probe_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->n_dbs; i++)
		pli_recog_db_free(ctx->dbs[i]);
	free(ctx->dbs);
	pli_tls_ctx_free(ctx->ssl_ctx);
	free(ctx);
}

enum pl_rc
pl_probe_ctx_new(const struct pl_probe_opts *opts, struct pl_probe_ctx **out, struct pl_err *err)
{
	struct pl_probe_ctx *ctx = calloc(1, sizeof(*ctx));
	enum pl_rc rc = PL_ERR_NOMEM;

	if (!ctx || !(ctx->dbs = calloc(pl_recog_builtin_count, sizeof(*ctx->dbs)))) {
		pl_err_set(err, rc, "out of memory");
		goto out;
	}
	if (opts)
		ctx->opts = *opts;
	ctx->opts.connect_ms = or_default(ctx->opts.connect_ms, 3000);
	ctx->opts.banner_ms = or_default(ctx->opts.banner_ms, 2000);
	ctx->opts.read_ms = or_default(ctx->opts.read_ms, 2000);
	ctx->opts.total_ms = or_default(ctx->opts.total_ms, 15000);
	for (size_t i = 0; i < pl_recog_builtin_count; i++) {
		const struct pl_recog_blob *b = &pl_recog_builtin_blobs[i];

		rc = pli_recog_db_parse(b->xml, b->len, b->name, &ctx->dbs[i], err);
		if (rc != PL_OK)
			goto out;
		ctx->n_dbs++;
		for (int r = 0; r < RECOG_ROLE_COUNT; r++) {
			size_t k = strlen(role_names[r]);

			if (strcmp(b->name, role_names[r]) == 0)
				ctx->role[r] = ctx->dbs[i];
			else if (strncmp(b->name, role_names[r], k) == 0 &&
			         strcmp(b->name + k, "_portlens") == 0)
				ctx->role_extra[r] = ctx->dbs[i];
		}
	}
	if (!ctx->opts.no_tls) {
		ctx->ssl_ctx = pli_tls_ctx_new();
		if (!ctx->ssl_ctx) {
			rc = pl_err_set(err, PL_ERR_UNSUPPORTED, "OpenSSL client context failed");
			goto out;
		}
	}
	rc = PL_OK;
out:
	if (rc != PL_OK) {
		pl_probe_ctx_free(ctx);
		ctx = NULL;
	}
	*out = ctx;
	return rc;
}

int
pli_probe_recog(const struct pl_probe_ctx *ctx, enum recog_role role, const char *s, size_t n,
                struct pl_service *out)
{
	struct pl_recog_result res;
	const char *v, *osv;

	if (!ctx ||
	    ((!ctx->role[role] || !pli_recog_match(ctx->role[role], s, n, &res)) &&
	     (!ctx->role_extra[role] || !pli_recog_match(ctx->role_extra[role], s, n, &res))))
		return 0;
	v = pli_recog_get(&res, "service.certainty");
	if (v && strcmp(v, "0.0") == 0)
		return 0; /* Recog's "assert nothing" entries */
	if ((v = pli_recog_get(&res, "service.vendor")))
		pli_probe_set(out->vendor, sizeof(out->vendor), v);
	if ((v = pli_recog_get(&res, "service.product")))
		pli_probe_set(out->product, sizeof(out->product), v);
	if ((v = pli_recog_get(&res, "service.version")))
		pli_probe_set(out->version, sizeof(out->version), v);
	if ((v = pli_recog_get(&res, "service.cpe23")))
		pli_probe_set(out->cpe, sizeof(out->cpe), v);
	v = pli_recog_get(&res, "os.product");
	if (!v)
		v = pli_recog_get(&res, "os.family");
	osv = pli_recog_get(&res, "os.vendor");
	if (v && osv && !strstr(osv, v) && !strstr(v, osv))
		snprintf(out->os, sizeof(out->os), "%s %s", osv, v);
	else if (osv || v)
		pli_probe_set(out->os, sizeof(out->os), osv ? osv : v);
	if (!out->product[0] && (v = pli_recog_get(&res, "hw.product")))
		pli_probe_set(out->product, sizeof(out->product), v);
	if (!out->vendor[0] && (v = pli_recog_get(&res, "hw.vendor")))
		pli_probe_set(out->vendor, sizeof(out->vendor), v);
	return 1;
}
