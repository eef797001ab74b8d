/* SPDX-License-Identifier: MIT */
/*
 * portlens/audit.h - the exposure audit: rules over observations ("this address and
 * port answer, and this is what the service said") that produce findings with a
 * severity, the evidence, why it matters and what to do.
 *
 * The audit is pure: it does no I/O. Front ends gather observations from this
 * machine's listeners (portlens listen + probes on loopback) or from a scan of
 * targets (portlens scan --sV), optionally add default-credential results, and call
 * pl_audit_run. Rules are a table (audit/rules.c), each a function over one
 * observation; adding a rule is one function and one line.
 */
#ifndef PORTLENS_AUDIT_H
#define PORTLENS_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/knowledge.h"
#include "portlens/port.h"
#include "portlens/probe.h"
#include "portlens/registry.h"

enum pl_severity {
	PL_SEV_INFO = 0,
	PL_SEV_LOW,
	PL_SEV_MEDIUM,
	PL_SEV_HIGH,
	PL_SEV_CRITICAL,
	PL_SEV_COUNT,
};

/* "info", "low", "medium", "high", "critical". */
const char *pl_severity_name(enum pl_severity s);
/* Parses a severity name (case-insensitive). PL_OK or PL_ERR_PARSE. */
enum pl_rc pl_severity_parse(const char *s, enum pl_severity *out);

/* Where an observed listener can be reached from. */
enum pl_reach {
	PL_REACH_LOOPBACK = 0, /* bound to 127.0.0.0/8 or ::1 only */
	PL_REACH_NETWORK,      /* bound to a routable address or the wildcard */
};

/* What an observation is. */
enum pl_obs_kind {
	PL_OBS_PORT = 0, /* an open TCP port */
	/* a packet socket (local audit): addr is the interface ("*" = all), port the
	 * ethertype (3 = every frame) */
	PL_OBS_CAPTURE,
	/* a raw IP socket (local audit): addr is the bound address, port the IP protocol */
	PL_OBS_RAW,
};

/* One open TCP port (or bound UDP port) and what answered on it, or a socket below TCP
 * (kind). */
struct pl_audit_obs {
	enum pl_obs_kind kind;
	char addr[64]; /* numeric address as shown ("198.18.0.2", "::1", "*") */
	uint16_t port;
	/* PL_OBS_PORT: PL_PROTO_TCP (0, the default) or PL_PROTO_UDP (a bound UDP socket of
	 * the local audit, never probed: only the port-number rules apply) */
	enum pl_proto proto;
	char proto_name[16]; /* PL_OBS_CAPTURE/RAW: "all", "lldp", "icmp", ... or "" */
	enum pl_reach reach;
	int probed; /* svc holds a probe result */
	struct pl_service svc;
	char process[64]; /* owning program when known (local audit), else "" */
	/* a UDP socket on a port the kernel hands out to clients (pl_sock.ephemeral): its
	 * number is no verdict, so the unassigned-port rule skips it */
	int ephemeral;
	int creds_checked; /* the default-credential check ran on this port */
	struct pl_cred_result creds;
};

/* One finding. Strings are owned by the report. */
struct pl_finding {
	enum pl_severity severity;
	const char *rule; /* stable id: "telnet-exposed", "default-credentials", ... */
	char where[96];   /* "198.18.0.2:2323/tcp" */
	char *title;      /* "Telnet answering on 198.18.0.2:2323" */
	/* What was seen (versions, a server's answer) as read, not escaped: it may hold
	 * control bytes or a NUL from a banner, so evidence_len counts its bytes and each
	 * renderer escapes it once for its format (JSON, terminal, Markdown, HTML). */
	char *evidence;
	size_t evidence_len;
	char *why;    /* why it matters */
	char *remedy; /* what to do */
};

struct pl_audit_report {
	struct pl_finding *findings; /* sorted: severity (highest first), then address, port */
	size_t n;
	size_t n_obs; /* observations audited */
};

struct pl_audit_opts {
	const struct pl_registry *reg; /* NULL: built-in; for the unassigned-port rule */
	const struct pl_kb *kb;        /* NULL: built-in; for the malware-port rule */
};

/*
 * Runs every rule over the n observations. On success fills *out (free with
 * pl_audit_report_cleanup). Returns PL_OK or PL_ERR_NOMEM.
 */
enum pl_rc pl_audit_run(const struct pl_audit_obs *obs, size_t n, const struct pl_audit_opts *opts,
                        struct pl_audit_report *out, struct pl_err *err);

void pl_audit_report_cleanup(struct pl_audit_report *r);

/* Highest severity in the report; -1 when there are no findings. */
int pl_audit_max_severity(const struct pl_audit_report *r);

/*
 * Port-number verdicts shared by `listen` (its flags) and `audit` (its rules), so the two
 * never disagree (audit/verdict.c).
 *
 * pl_port_malware: the knowledge base's malware fact for port on proto with the highest
 * risk (borrowed from kb), or NULL when none (or kb is NULL).
 * pl_port_unassigned: nonzero when the registry (NULL: the built-in one) lists port/proto
 * as Unassigned and assigns no service for it (pl_registry_assigned finds none); ports
 * above 49151 (dynamic) never are.
 */
const struct pl_kb_entry *pl_port_malware(const struct pl_kb *kb, uint16_t port,
                                          enum pl_proto proto);
int pl_port_unassigned(const struct pl_registry *reg, uint16_t port, enum pl_proto proto);

#endif
