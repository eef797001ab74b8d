/* SPDX-License-Identifier: MIT */
/*
 * audit/audit_impl.h - what the rule table (rules.c) and the driver (audit.c) share.
 */
#ifndef PL_AUDIT_IMPL_H
#define PL_AUDIT_IMPL_H

#include "portlens/audit.h"

struct audit_state {
	const struct pl_registry *reg;
	const struct pl_kb *kb;
	struct pl_audit_report *report;
	size_t cap;
	/* The observation the rules are judging, as findings and titles name it:
	 * "198.18.0.2:2323/tcp", "[2001:2::2]:2323/tcp" (brackets, so the port is not read as
	 * part of an IPv6 address; the transport, so 11311/tcp and 11311/udp differ). */
	char where[96];
};

struct audit_rule {
	const char *id;
	enum pl_rc (*fn)(struct audit_state *st, const struct pl_audit_obs *o);
	/* Also for bound UDP sockets (never probed; the rule judges the port number). Rules
	 * without it see TCP observations only. */
	int udp;
};

extern const struct audit_rule pl_audit_rules[];
extern const size_t pl_audit_rules_count;
/* Rules over what a probe proved (rules_service.c): FTP, proxies, TLS, databases. */
extern const struct audit_rule pl_audit_rules_service[];
extern const size_t pl_audit_rules_service_count;

/* The rule for observations below TCP (PL_OBS_CAPTURE, PL_OBS_RAW), which the port rules
 * above never see. */
enum pl_rc audit_rule_below_tcp(struct audit_state *st, const struct pl_audit_obs *o);

/* Findings for the exposures a probe proved (rules_exposure.c), for TCP and UDP
 * observations; and the UDP amplification rule. */
enum pl_rc audit_rule_exposures(struct audit_state *st, const struct pl_audit_obs *o);
enum pl_rc audit_rule_amplifier(struct audit_state *st, const struct pl_audit_obs *o);

/* Adds a finding (strings copied). Returns PL_OK or PL_ERR_NOMEM. */
enum pl_rc audit_add(struct audit_state *st, const struct pl_audit_obs *o, enum pl_severity sev,
                     const char *rule, const char *evidence, const char *why, const char *remedy,
                     const char *title_fmt, ...) __attribute__((format(printf, 8, 9)));

/* audit_add with evidence of evidence_len bytes that may hold NUL (a raw banner). */
enum pl_rc audit_add_n(struct audit_state *st, const struct pl_audit_obs *o, enum pl_severity sev,
                       const char *rule, const char *evidence, size_t evidence_len, const char *why,
                       const char *remedy, const char *title_fmt, ...)
    __attribute__((format(printf, 9, 10)));

/* Appends len bytes of s to the n bytes in buf (size bytes in all, kept NUL-terminated,
 * cut to fit). Returns the new length. */
size_t audit_ev_cat(char *buf, size_t size, size_t n, const void *s, size_t len);

/* Appends lead and the service's answer as read (svc.evidence_raw), when it said
 * anything. Returns the new length. */
size_t audit_ev_answer(const struct pl_audit_obs *o, char *buf, size_t size, size_t n,
                       const char *lead);

/* Appends "held by PROGRAM[PID]" (after "; " when buf holds something already) when the
 * observation's holder is known. Returns the new length. */
size_t audit_ev_holder(const struct pl_audit_obs *o, char *buf, size_t size, size_t n);

#endif
