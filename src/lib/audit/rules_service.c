// SPDX-License-Identifier: MIT
/*
 * rules_service.c - audit rules over what a probe proved by talking to a service
 * (issue 14): an anonymous FTP login and what it listed, an HTTP proxy that relayed a
 * request to another host, TLS certificates (expired, expiring within 30 days,
 * self-signed, not naming the address) and TLS offers (1.0/1.1, weak ciphers), and
 * databases reachable beyond loopback. None of them fires on a port number: each needs
 * the probe's identification or the exposure bit it set, and says what was seen.
 */
#include <stdio.h>
#include <string.h>

#include "audit/audit_impl.h"

enum { EXPIRING_DAYS = 30 };

static enum pl_rc
rule_ftp_anonymous(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[800];

	if (!o->probed || !(o->svc.exposures & PL_EXP_FTP_ANON))
		return PL_OK;
	snprintf(ev, sizeof(ev), "USER anonymous / PASS accepted (230); %s", o->svc.info);
	return audit_add(st, o, o->reach == PL_REACH_NETWORK ? PL_SEV_HIGH : PL_SEV_MEDIUM,
	                 "ftp-anonymous", ev,
	                 "anyone can log in without an account and read (and, if writable, "
	                 "plant) files; anonymous FTP servers are crawled for leaked data and "
	                 "used to host malware",
	                 "disable anonymous login (vsftpd: anonymous_enable=NO) unless the files "
	                 "are meant to be public, and then make the area read-only",
	                 "Anonymous FTP login on %s", st->where);
}

static enum pl_rc
rule_open_proxy(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[800];

	if (!o->probed || !(o->svc.exposures & PL_EXP_OPEN_PROXY))
		return PL_OK;
	snprintf(ev, sizeof(ev), "%s %s: %s", o->svc.product[0] ? o->svc.product : "proxy",
	         o->svc.version, o->svc.info);
	return audit_add(st, o, PL_SEV_HIGH, "open-proxy", ev,
	                 "it forwards requests for anyone who can reach it: attackers use open "
	                 "proxies to hide their origin, reach internal hosts behind it, and "
	                 "abuse sites in its name",
	                 "allow only your clients (Squid: http_access allow with an acl of your "
	                 "networks, then http_access deny all) or require proxy authentication",
	                 "Open HTTP proxy on %s relays requests to other hosts", st->where);
}

static enum pl_rc
tls_cert_findings(struct audit_state *st, const struct pl_audit_obs *o)
{
	const struct pl_tls_info *t = &o->svc.tls_info;
	char ev[1200];
	enum pl_rc rc = PL_OK;

	snprintf(ev, sizeof(ev), "subject %s; issuer %s; valid %s to %s; names %s", t->subject,
	         t->issuer, t->not_before, t->not_after, t->sans[0] ? t->sans : "(no SANs)");
	if (t->expired)
		rc = audit_add(st, o, PL_SEV_MEDIUM, "tls-certificate-expired", ev,
		               "clients either refuse the connection or are trained to click "
		               "through certificate warnings, which hides real interception",
		               "renew the certificate (and automate renewal)",
		               "Expired TLS certificate on %s", st->where);
	else if (t->not_after[0] && t->days_left <= EXPIRING_DAYS)
		rc = audit_add(st, o, PL_SEV_LOW, "tls-certificate-expiring", ev,
		               "it stops being accepted within 30 days, and the service with it",
		               "renew the certificate now and automate renewal (ACME)",
		               "TLS certificate on %s expires in %d days", st->where, t->days_left);
	if (rc == PL_OK && t->self_signed)
		rc = audit_add(st, o, PL_SEV_LOW, "tls-certificate-self-signed", ev,
		               "no client can verify it, so clients either fail or skip "
		               "verification, and then an interceptor's certificate looks the same",
		               "use a certificate from a CA the clients trust (a public CA or your "
		               "own internal CA)",
		               "Self-signed TLS certificate on %s", st->where);
	if (rc == PL_OK && t->name_mismatch && t->subject[0])
		rc = audit_add(st, o, PL_SEV_LOW, "tls-certificate-name-mismatch", ev,
		               "the certificate does not name the address it is served on: clients "
		               "that verify refuse it, the others learn to ignore the warning",
		               "serve a certificate whose subjectAltName lists the names and "
		               "addresses clients use",
		               "TLS certificate on %s does not name %s", st->where, o->addr);
	return rc;
}

static enum pl_rc
rule_tls(struct audit_state *st, const struct pl_audit_obs *o)
{
	const struct pl_tls_info *t = &o->svc.tls_info;
	char ev[300];
	enum pl_rc rc;

	if (!o->probed || !o->svc.tls)
		return PL_OK;
	rc = tls_cert_findings(st, o);
	if (rc == PL_OK && t->old_protocol[0]) {
		snprintf(ev, sizeof(ev),
		         "a handshake capped at TLS 1.1 completed with %s (the "
		         "first handshake negotiated %s)",
		         t->old_protocol, t->version);
		rc = audit_add(st, o, PL_SEV_LOW, "tls-old-protocol", ev,
		               "TLS 1.0 and 1.1 are deprecated (RFC 8996): an attacker in the path "
		               "can force old clients down to them",
		               "allow TLS 1.2 and 1.3 only (nginx: ssl_protocols TLSv1.2 TLSv1.3)",
		               "%s accepts %s", st->where, t->old_protocol);
	}
	if (rc == PL_OK && t->weak_cipher[0]) {
		snprintf(ev, sizeof(ev), "offered only weak ciphers, it accepted %s",
		         t->weak_cipher);
		rc = audit_add(
		    st, o, PL_SEV_MEDIUM, "tls-weak-cipher", ev,
		    "3DES (Sweet32), RC4, DES, NULL, EXPORT and anonymous ciphers can be "
		    "broken or give no protection at all",
		    "remove them from the cipher list (nginx: ssl_ciphers HIGH:!aNULL:!MD5: "
		    "!3DES:!RC4)",
		    "%s accepts the weak cipher %s", st->where, t->weak_cipher);
	}
	return rc;
}

/* A database server that answered beyond loopback (and did not let us in: that is
 * the unauthenticated-service rule's finding, which says more). */
static enum pl_rc
rule_db_exposed(struct audit_state *st, const struct pl_audit_obs *o)
{
	static const char *const dbs[][2] = {{"mysql", "MySQL/MariaDB"},
	                                     {"postgresql", "PostgreSQL"},
	                                     {"mongodb", "MongoDB"},
	                                     {"elasticsearch", "Elasticsearch"}};
	char ev[400], sum[160];

	if (o->reach != PL_REACH_NETWORK || !o->probed || o->svc.auth_required == PL_TRI_NO)
		return PL_OK;
	/* MongoDB and Elasticsearch that did not show credentials are unauthenticated. */
	if (o->svc.auth_required == PL_TRI_UNKNOWN &&
	    (strcmp(o->svc.service, "mongodb") == 0 ||
	     strcmp(o->svc.service, "elasticsearch") == 0))
		return PL_OK;
	for (size_t i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		if (strcmp(o->svc.service, dbs[i][0]) != 0)
			continue;
		pl_service_summary(&o->svc, sum, sizeof(sum));
		snprintf(ev, sizeof(ev), "answered as %s (%.150s)%s%.190s", dbs[i][1],
		         sum[0] ? sum : "-", o->svc.info[0] ? "; " : "", o->svc.info);
		return audit_add(
		    st, o, PL_SEV_MEDIUM, "database-exposed", ev,
		    "a database reachable from the network is one password guess, "
		    "one authentication bug or one misconfiguration away from a leak; "
		    "exposed databases are scanned for continuously",
		    "bind it to 127.0.0.1 or a private interface (bind-address, "
		    "listen_addresses, net.bindIp, network.host) and firewall the port "
		    "to the application hosts",
		    "%s reachable beyond loopback on %s", dbs[i][1], st->where);
	}
	return PL_OK;
}

const struct audit_rule pl_audit_rules_service[] = {
    {.id = "ftp-anonymous", .fn = rule_ftp_anonymous},
    {.id = "open-proxy", .fn = rule_open_proxy},
    {.id = "tls", .fn = rule_tls},
    {.id = "database-exposed", .fn = rule_db_exposed},
};

const size_t pl_audit_rules_service_count =
    sizeof(pl_audit_rules_service) / sizeof(pl_audit_rules_service[0]);
