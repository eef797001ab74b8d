// SPDX-License-Identifier: MIT
/*
 * rules_exposure.c - findings for the exposures a probe proved by talking to the
 * service (struct pl_service.exposures, set by the probes' follow-ups; see
 * docs/probe.md): VNC without authentication, rsync modules listed or opened by a
 * stranger, SMB shares listed anonymously, SMBv1, SMB signing not required, RDP without
 * NLA, LDAP readable anonymously, SNMP answering to "public", open DNS recursion, and
 * UDP services that answer with more bytes than they were sent (amplifiers, with the
 * factor measured from the real request and answer). Nothing here looks at a port
 * number: no exposure bit, no finding. Exposures of services reachable only on
 * loopback are milder (local users only), and the network-abuse ones (recursion,
 * SNMP public, amplifiers, RDP) are not reported there at all.
 */
#include <stdio.h>
#include <string.h>

#include "audit/audit_impl.h"

struct exposure_rule {
	uint32_t bit;
	const char *rule;
	enum pl_severity sev;
	int network_only;
	const char *title; /* "%s on %s" style: what, where ("[::1]:6379/tcp") */
	const char *why;
	const char *remedy;
};

static const struct exposure_rule exposure_rules[] = {
    {.bit = PL_EXP_VNC_NO_AUTH,
     .rule = "vnc-no-auth",
     .sev = PL_SEV_CRITICAL,
     .title = "VNC without authentication (security type None)",
     .why = "anyone who can reach the port gets the desktop: keyboard, mouse and screen of a "
            "logged-in session, with no password asked",
     .remedy = "require a password or VeNCrypt/TLS with credentials (e.g. -SecurityTypes "
               "VncAuth,TLSVnc), or bind the server to localhost and reach it through SSH"},
    {.bit = PL_EXP_RSYNC_OPEN,
     .rule = "rsync-module-open",
     .sev = PL_SEV_HIGH,
     .title = "rsync module readable without credentials",
     .why = "anyone can download (and, if the module is writable, replace) every file in "
            "the module; exposed rsync backups leak databases, keys and password files",
     .remedy = "set 'auth users' and a 'secrets file' for the module, restrict 'hosts allow', "
               "or stop exposing rsyncd beyond the backup network"},
    {.bit = PL_EXP_RSYNC_LIST,
     .rule = "rsync-modules-listable",
     .sev = PL_SEV_MEDIUM,
     .title = "rsync modules listable without credentials",
     .why = "the module list tells a stranger what is stored here and where to try next",
     .remedy = "set 'list = no' on every module, restrict 'hosts allow', or firewall TCP 873"},
    {.bit = PL_EXP_SMB_GUEST_SHARES,
     .rule = "smb-guest-shares",
     .sev = PL_SEV_HIGH,
     .title = "SMB shares listable by an anonymous (guest) session",
     .why = "share names are the map for the next step: guest-readable shares are how "
            "documents, backups and scripts with passwords leak",
     .remedy = "set 'restrict anonymous = 2' and 'map to guest = never' (Samba), or "
               "RestrictNullSessAccess/RestrictAnonymous (Windows); remove 'guest ok' shares"},
    {.bit = PL_EXP_SMB1,
     .rule = "smbv1-enabled",
     .sev = PL_SEV_HIGH,
     .title = "SMBv1 enabled",
     .why = "SMB1 is the protocol of EternalBlue (MS17-010) and the WannaCry and NotPetya "
            "worms; it has no pre-authentication integrity and is deprecated",
     .remedy = "disable SMB1: 'server min protocol = SMB2_10' (Samba) or "
               "Set-SmbServerConfiguration -EnableSMB1Protocol $false (Windows)"},
    {.bit = PL_EXP_SMB_NO_SIGNING,
     .rule = "smb-signing-not-required",
     .sev = PL_SEV_MEDIUM,
     .title = "SMB signing not required",
     .why = "without required signing, a machine in the middle can relay NTLM "
            "authentications to this server (NTLM relay) or alter the session",
     .remedy = "require signing: 'server signing = mandatory' (Samba) or the policy "
               "'Microsoft network server: Digitally sign communications (always)'"},
    {.bit = PL_EXP_RDP_NO_NLA,
     .rule = "rdp-no-nla",
     .sev = PL_SEV_HIGH,
     .network_only = 1,
     .title = "RDP reachable from the network without NLA",
     .why = "without Network Level Authentication the server starts a full session and "
            "shows its login screen to anyone before any credential is checked: the "
            "surface of BlueKeep-style pre-authentication bugs and of password spraying",
     .remedy = "require NLA (CredSSP; on xrdp, which has none, keep it behind a VPN or SSH "
               "tunnel) and do not expose RDP to untrusted networks"},
    {.bit = PL_EXP_LDAP_ANON_READ,
     .rule = "ldap-anonymous-read",
     .sev = PL_SEV_HIGH,
     .title = "LDAP directory readable by an anonymous bind",
     .why = "anyone can enumerate the directory: user names, groups, e-mail addresses, "
            "host names - the input of password spraying and phishing",
     .remedy = "allow anonymous access to the root DSE only (OpenLDAP: 'access to * by "
               "users read by anonymous auth'; AD: keep dsHeuristics anonymous access off)"},
    {.bit = PL_EXP_SNMP_PUBLIC,
     .rule = "snmp-public",
     .sev = PL_SEV_HIGH,
     .network_only = 1,
     .title = "SNMP answers to the community 'public'",
     .why = "the default community is the first one every scanner tries: the device's "
            "description, interfaces, routes, processes and often configuration are readable "
            "(and writable where 'private' works too); SNMP is also a UDP amplifier",
     .remedy = "remove the 'public' community (rocommunity public), use SNMPv3 with "
               "authentication, and restrict the agent to the management network"},
    {.bit = PL_EXP_DNS_RECURSION,
     .rule = "dns-open-recursion",
     .sev = PL_SEV_HIGH,
     .network_only = 1,
     .title = "DNS server resolves names for anyone (open recursion)",
     .why = "an open resolver is used to amplify DDoS attacks with spoofed queries and can "
            "be probed for what its users visit (cache snooping)",
     .remedy = "answer recursive queries only for your own clients (BIND: allow-recursion; "
               "dnsmasq: listen on internal interfaces only; Unbound: access-control)"},
};

/* "INFO; answered: BANNER; held by PROGRAM", the banner as read (may hold a NUL byte:
 * returns the length). */
static size_t
exposure_evidence(const struct pl_audit_obs *o, char *ev, size_t size)
{
	size_t n = (size_t)snprintf(ev, size, "%s%s", o->svc.info, o->svc.info[0] ? "; " : "");

	n = audit_ev_answer(o, ev, size, n < size ? n : size - 1, "answered: ");
	return audit_ev_holder(o, ev, size, n);
}

enum pl_rc
audit_rule_exposures(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[1024];
	size_t n;
	enum pl_rc rc;

	if (!o->probed || !o->svc.exposures)
		return PL_OK;
	for (size_t i = 0; i < sizeof(exposure_rules) / sizeof(exposure_rules[0]); i++) {
		const struct exposure_rule *r = &exposure_rules[i];
		enum pl_severity sev = r->sev;

		if (!(o->svc.exposures & r->bit))
			continue;
		if (o->reach != PL_REACH_NETWORK) {
			if (r->network_only)
				continue;
			sev = PL_SEV_LOW;
		}
		/* The listing finding says less than the open-module one: one of them. */
		if (r->bit == PL_EXP_RSYNC_LIST && (o->svc.exposures & PL_EXP_RSYNC_OPEN))
			continue;
		n = exposure_evidence(o, ev, sizeof(ev));
		rc = audit_add_n(st, o, sev, r->rule, ev, n, r->why, r->remedy, "%s on %s",
		                 r->title, st->where);
		if (rc != PL_OK)
			return rc;
	}
	return PL_OK;
}

enum pl_rc
audit_rule_amplifier(struct audit_state *st, const struct pl_audit_obs *o)
{
	char ev[1024], why[400];
	double factor;

	if (!o->probed || !o->svc.udp || o->reach != PL_REACH_NETWORK ||
	    !o->svc.udp_request_bytes || !o->svc.service[0])
		return PL_OK;
	factor = (double)o->svc.udp_answer_bytes / o->svc.udp_request_bytes;
	if (factor < 2.0)
		return PL_OK;
	snprintf(ev, sizeof(ev), "%u bytes sent, %u bytes answered (x%.1f) by %s%s%s",
	         o->svc.udp_request_bytes, o->svc.udp_answer_bytes, factor, o->svc.service,
	         o->svc.info[0] ? ": " : "", o->svc.info);
	snprintf(why, sizeof(why),
	         "UDP has no handshake: with a spoofed source address, every byte an attacker "
	         "sends here makes %.1f bytes arrive at the victim (reflected DDoS)",
	         factor);
	return audit_add(
	    st, o, factor >= 10.0 ? PL_SEV_HIGH : PL_SEV_MEDIUM, "udp-amplifier", ev, why,
	    "do not expose this UDP service to untrusted networks (firewall it, bind "
	    "it to internal addresses), or turn it off if unused",
	    "UDP amplifier: %s on %s answers x%.1f", o->svc.service, st->where, factor);
}
