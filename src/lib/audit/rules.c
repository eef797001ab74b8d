// SPDX-License-Identifier: MIT
/*
 * rules.c - the audit rules. Each rule looks at one observation (address, port,
 * reach, probe result, default-credential result) and may add findings; the table at
 * the bottom lists them (designated initializers). Severity follows exposure: the same
 * service on loopback is a smaller risk than on the network, and "beyond loopback"
 * rules stay silent on loopback-only listeners.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit_impl.h"

static int
is(const struct pl_audit_obs *o, const char *service)
{
	return o->probed && strcmp(o->svc.service, service) == 0;
}

/*
 * "answered: BANNER (product version); held by PROGRAM[PID]" (bounded by size), the
 * banner as read (svc.evidence_raw, not escaped: renderers escape once). Returns its
 * length: the banner may hold a NUL byte.
 */
static size_t
svc_evidence(const struct pl_audit_obs *o, char *buf, size_t size)
{
	char sum[160], tail[200];
	size_t n;

	pl_service_summary(&o->svc, sum, sizeof(sum));
	/* "220 (vsFTPd 3.0.3)" already names what was found: no " (vsFTPd 3.0.3)" again. */
	if (sum[0] && strstr(o->svc.evidence, sum))
		sum[0] = '\0';
	buf[0] = '\0';
	n = audit_ev_answer(o, buf, size, 0, "answered: ");
	snprintf(tail, sizeof(tail), "%s%s%s", sum[0] ? " (" : "", sum, sum[0] ? ")" : "");
	n = audit_ev_cat(buf, size, n, tail, strlen(tail));
	return audit_ev_holder(o, buf, size, n);
}

static enum pl_rc
rule_default_creds(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[1024], remedy[256];

	if (!o->creds_checked || !o->creds.accepted)
		return PL_OK;
	snprintf(remedy, sizeof(remedy),
	         "change the password of account '%s' now (and of every account with a "
	         "default); disable Telnet or restrict it to a management network",
	         o->creds.username);
	snprintf(ev, sizeof(ev), "login accepted for %s / %s after %u %s; server said: %s",
	         o->creds.username, o->creds.password, o->creds.tried,
	         o->creds.tried == 1 ? "try" : "tries", o->creds.evidence);
	return audit_add(st, o, PL_SEV_CRITICAL, "default-credentials", ev,
	                 "anyone who can reach this port can log in with a factory-default pair "
	                 "that the Mirai botnet (2016) and its successors try automatically",
	                 remedy, "Telnet on %s accepts the factory-default login %s / %s",
	                 st->where, o->creds.username, o->creds.password);
}

static enum pl_rc
rule_telnet(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[1024];
	int mirai_port = o->port == 23 || o->port == 2323;

	if (is(o, "telnet")) {
		size_t n = svc_evidence(o, ev, sizeof(ev));

		return audit_add_n(
		    st, o, o->reach == PL_REACH_NETWORK ? PL_SEV_HIGH : PL_SEV_MEDIUM,
		    "telnet-exposed", ev, n,
		    "Telnet is plaintext remote login: user names and passwords cross the "
		    "network readable by anyone on the path. TCP 23 and 2323 are the ports "
		    "Mirai scanned for devices with factory-default logins",
		    "disable the Telnet service or restrict it to a management network; use "
		    "SSH instead; change any default credentials",
		    "Telnet answering on %s%s", st->where,
		    mirai_port ? " (a port Mirai scanned)" : "");
	}
	if (!o->probed && mirai_port)
		return audit_add(st, o, PL_SEV_MEDIUM, "telnet-port-open",
		                 "port open; service not probed",
		                 "TCP 23 and 2323 are Telnet ports that Mirai-style bots scan for "
		                 "devices with factory-default logins",
		                 "identify the program (portlens probe, portlens listen) and close "
		                 "the port if it is Telnet",
		                 "Open port %s is a Telnet port", st->where);
	return PL_OK;
}

static enum pl_rc
rule_plaintext_login(struct audit_state *st, const struct pl_audit_obs *o)
{
	static const char *const names[] = {"ftp", "pop3", "imap"};
	char ev[1024];

	if (o->reach != PL_REACH_NETWORK || !o->probed || o->svc.tls)
		return PL_OK;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!is(o, names[i]))
			continue;
		size_t n = svc_evidence(o, ev, sizeof(ev));

		if (o->svc.starttls == PL_TRI_YES)
			return audit_add_n(
			    st, o, PL_SEV_LOW, "plaintext-login-optional", ev, n,
			    "the server offers an upgrade to TLS, but clients that do "
			    "not ask for it still send passwords in the clear",
			    "require TLS before login (e.g. ssl_enable/force_local_logins_ssl, "
			    "disable_plaintext_auth) or use the implicit-TLS port",
			    "%s on %s accepts plaintext logins", names[i], st->where);
		return audit_add_n(
		    st, o, PL_SEV_MEDIUM, "plaintext-login", ev, n,
		    "logins to this service cross the network in the clear: anyone on "
		    "the path can read user names and passwords",
		    "enable TLS (STARTTLS/AUTH TLS or the implicit-TLS port) and require "
		    "it, or restrict the service to loopback or a VPN",
		    "%s without TLS on %s (plaintext logins)", names[i], st->where);
	}
	return PL_OK;
}

struct datastore {
	const char *service;
	const char *label;
	enum pl_severity sev;
	const char *remedy;
};

static const struct datastore datastores[] = {
    {.service = "redis",
     .label = "Redis",
     .sev = PL_SEV_HIGH,
     .remedy = "bind it to 127.0.0.1 (bind, protected-mode yes), set requirepass or ACL "
               "users, and firewall the port"},
    {.service = "memcached",
     .label = "Memcached",
     .sev = PL_SEV_HIGH,
     .remedy = "listen on 127.0.0.1 only (-l 127.0.0.1), disable UDP (-U 0), or enable "
               "SASL; firewall the port"},
    {.service = "mongodb",
     .label = "MongoDB",
     .sev = PL_SEV_HIGH,
     .remedy = "set net.bindIp to 127.0.0.1, enable security.authorization, firewall "
               "the port"},
    {.service = "elasticsearch",
     .label = "Elasticsearch",
     .sev = PL_SEV_HIGH,
     .remedy = "enable xpack security (authentication and TLS), bind network.host to a "
               "private address, firewall the port"},
    {.service = "docker",
     .label = "Docker Engine API",
     .sev = PL_SEV_CRITICAL,
     .remedy = "stop exposing the API over TCP (remove -H tcp://), or require TLS client "
               "certificates (--tlsverify); access to it is root on the host"},
    {.service = "postgresql",
     .label = "PostgreSQL with trust authentication",
     .sev = PL_SEV_HIGH,
     .remedy = "replace trust with scram-sha-256 in pg_hba.conf; listen_addresses = "
               "'localhost' if remote access is not needed"},
    {.service = "mqtt",
     .label = "MQTT broker",
     .sev = PL_SEV_MEDIUM,
     .remedy = "set allow_anonymous false and require passwords or client certificates"},
};

static enum pl_rc
rule_unauth_datastore(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[1024];

	if (o->reach != PL_REACH_NETWORK || !o->probed)
		return PL_OK;
	for (size_t i = 0; i < sizeof(datastores) / sizeof(datastores[0]); i++) {
		const struct datastore *d = &datastores[i];
		int open_db;

		if (!is(o, d->service) || o->svc.auth_required == PL_TRI_YES)
			continue;
		/* PostgreSQL and MQTT only count when they let us in without credentials. */
		open_db =
		    o->svc.auth_required == PL_TRI_NO ||
		    (strcmp(d->service, "postgresql") != 0 && strcmp(d->service, "mqtt") != 0);
		if (!open_db)
			continue;
		size_t n = svc_evidence(o, ev, sizeof(ev));

		return audit_add_n(st, o, d->sev, "unauthenticated-service", ev, n,
		                   o->svc.auth_required == PL_TRI_NO
		                       ? "it answered without asking for credentials: anyone who "
		                         "can reach it can read, change or delete the data (and "
		                         "these services are scanned for and wiped or ransomed)"
		                       : "it is reachable beyond loopback and did not show that it "
		                         "requires credentials; such services are scanned for and "
		                         "wiped or ransomed",
		                   d->remedy, "%s without authentication on %s", d->label,
		                   st->where);
	}
	return PL_OK;
}

/*
 * A listener beyond loopback on a port IANA assigned to nothing (pl_port_unassigned, the
 * test listen's "unassigned" flag uses too), whose program did not identify itself. On
 * loopback only this machine can reach it, and a UDP client socket's port was drawn by
 * the kernel (o->ephemeral): no finding (listen does not flag either).
 */
static enum pl_rc
rule_unassigned_unknown(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[1024];
	size_t n;

	if (o->reach != PL_REACH_NETWORK || (o->probed && o->svc.service[0]) || o->ephemeral)
		return PL_OK;
	if (pl_port_malware(st->kb, o->port, o->proto))
		return PL_OK; /* the malware rule says more */
	if (!pl_port_unassigned(st->reg, o->port, o->proto))
		return PL_OK;
	n = (size_t)snprintf(ev, sizeof(ev), "%s",
	                     o->proto != PL_PROTO_TCP ? "bound UDP socket (not probed)"
	                     : o->probed              ? "no protocol recognised"
	                                              : "not probed");
	n = audit_ev_answer(o, ev, sizeof(ev), n, "; answered: ");
	n = audit_ev_holder(o, ev, sizeof(ev), n);
	return audit_add_n(
	    st, o, PL_SEV_LOW, "unknown-service-unassigned-port", ev, n,
	    "IANA has assigned this port to nothing and the program behind it did "
	    "not identify itself: backdoors and forgotten test servers look like this",
	    "find the owner (portlens listen --port N, ss -lnp) and stop it or bind it "
	    "to loopback if it is not needed",
	    "Unknown service on unassigned port %s", st->where);
}

/* A listener on a port the knowledge base ties to malware (pl_port_malware: the facts
 * listen's "malware" flag shows), on any address: a backdoor on loopback is one too. */
static enum pl_rc
rule_malware_port(struct audit_state *st, const struct pl_audit_obs *o)
{
	const struct pl_kb_entry *f = pl_port_malware(st->kb, o->port, o->proto);
	char ev[1024], why[400];
	int known = o->probed && o->svc.service[0];
	size_t n;

	if (!f)
		return PL_OK;
	n = svc_evidence(o, ev, sizeof(ev));
	snprintf(why, sizeof(why), "%u/%s is the known default of malware: %s%s", o->port,
	         pl_proto_name(o->proto), f->title,
	         known ? "; here a recognised service answers, which is less suspicious" : "");
	return audit_add_n(st, o, known ? PL_SEV_LOW : PL_SEV_MEDIUM, "malware-port",
	                   n ? ev : "port open", n ? n : 9, why,
	                   "check which program holds the port (portlens listen); if it is not one "
	                   "you installed, isolate the machine and investigate",
	                   "Listener on %s, a known malware port", st->where);
}

const struct audit_rule pl_audit_rules[] = {
    {.id = "default-credentials", .fn = rule_default_creds},
    {.id = "telnet-exposed", .fn = rule_telnet},
    {.id = "plaintext-login", .fn = rule_plaintext_login},
    {.id = "unauthenticated-service", .fn = rule_unauth_datastore},
    {.id = "unknown-service-unassigned-port", .fn = rule_unassigned_unknown, .udp = 1},
    {.id = "malware-port", .fn = rule_malware_port, .udp = 1},
    {.id = "exposures", .fn = audit_rule_exposures, .udp = 1},
    {.id = "udp-amplifier", .fn = audit_rule_amplifier, .udp = 1},
};

const size_t pl_audit_rules_count = sizeof(pl_audit_rules) / sizeof(pl_audit_rules[0]);
