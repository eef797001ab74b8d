/* SPDX-License-Identifier: MIT */
/*
 * portlens/diff.h - scans read back from their files and compared: the model of a
 * finished scan (hosts, each with its reported ports), parsers for the files scanners
 * write (portlens JSON lines, nmap XML from nmap, portlens or masscan, masscan JSON and
 * list output), and the host-by-host, port-by-port comparison behind `portlens diff`.
 *
 * A port that a scan did not report is "not open": nmap folds closed ports into
 * <extraports>, masscan and portlens report open ports only, so an absent port and a
 * reported closed or filtered one are the same answer to "is it open?". A state change
 * is reported only between two states both scans wrote down.
 */
#ifndef PORTLENS_DIFF_H
#define PORTLENS_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/port.h"

/* One reported port. Strings owned, "" when the scan did not say. */
struct pl_scandoc_port {
	uint16_t port;
	uint8_t proto;    /* enum pl_proto */
	uint8_t detected; /* the service was identified by probing (nmap -sV, portlens --sV) */
	char state[24];   /* "open", "closed", "filtered", "open|filtered", ... */
	char *service, *product, *version, *extrainfo;
};

/* One host with its ports, sorted by transport then port. */
struct pl_scandoc_host {
	uint8_t key[17]; /* family (4 or 6) then the address bytes: the sort order */
	char addr[46];   /* canonical text (inet_ntop) */
	char *hostname;  /* owned, "" when none */
	struct pl_scandoc_port *ports;
	size_t n_ports, cap_ports;
};

/* A scan as read from a file or the store. */
struct pl_scandoc {
	char format[24];  /* "nmap-xml", "portlens-json", "masscan-json", "masscan-list" */
	char scanner[32]; /* "nmap", "portlens", "masscan", ... as the file says */
	int64_t start;    /* unix seconds when the file says, else 0 */
	struct pl_scandoc_host *hosts;
	size_t n_hosts, cap_hosts;
	size_t n_skipped; /* ports of transports portlens does not model (nmap -sO "ip") */
	int no_extrainfo; /* the source cannot hold extrainfo (a saved scan): not compared */
	int sorted;       /* internal: pl_scandoc_finish ran */
	uint32_t *slots;  /* internal: hash of host keys -> index + 1 (0: free) */
	size_t n_slots;   /* internal: a power of two, or 0 */
};

/* One result to add; strings borrowed, NULL or "" when unknown (addr and state needed). */
struct pl_scandoc_entry {
	const char *addr, *hostname;
	uint16_t port;
	enum pl_proto proto;
	const char *state, *service, *product, *version, *extrainfo;
	int detected;
};

void pl_scandoc_init(struct pl_scandoc *doc);
void pl_scandoc_cleanup(struct pl_scandoc *doc);

/*
 * Adds one result. A later entry for the same host, transport and port updates the
 * earlier one (its non-empty fields win) when pl_scandoc_finish merges them. Returns
 * PL_OK, PL_ERR_PARSE (addr is not an IPv4/IPv6 address, empty state) or PL_ERR_NOMEM.
 */
enum pl_rc pl_scandoc_add(struct pl_scandoc *doc, const struct pl_scandoc_entry *e,
                          struct pl_err *err);

/* Adds a host without ports (nmap lists hosts that are up with nothing open). */
enum pl_rc pl_scandoc_add_host(struct pl_scandoc *doc, const char *addr, const char *hostname,
                               struct pl_err *err);

/* Sorts hosts and ports and merges repeated ones. Idempotent; PL_OK or PL_ERR_NOMEM. */
enum pl_rc pl_scandoc_finish(struct pl_scandoc *doc, struct pl_err *err);

/*
 * Parses a scan file's bytes, recognising the format from its content: nmap XML
 * (written by nmap, portlens -oX or masscan -oX), portlens JSON lines (-oJ), masscan
 * JSON (-oJ, -oD) or masscan list output (-oL). source names the input in errors.
 * On success doc is finished (sorted, merged). Returns PL_OK, PL_ERR_PARSE (with line
 * and column where known; also for an unrecognised format) or PL_ERR_NOMEM. doc must
 * be initialised; on failure it holds what was read before the error.
 */
enum pl_rc pl_scandoc_parse(const char *data, size_t len, const char *source,
                            struct pl_scandoc *doc, struct pl_err *err);

/* The format parsers pl_scandoc_parse dispatches to (same contract, no sniffing). */
enum pl_rc pl_scandoc_parse_nmap_xml(const char *data, size_t len, const char *source,
                                     struct pl_scandoc *doc, struct pl_err *err);
enum pl_rc pl_scandoc_parse_portlens_json(const char *data, size_t len, const char *source,
                                          struct pl_scandoc *doc, struct pl_err *err);
enum pl_rc pl_scandoc_parse_masscan_json(const char *data, size_t len, const char *source,
                                         struct pl_scandoc *doc, struct pl_err *err);
enum pl_rc pl_scandoc_parse_masscan_list(const char *data, size_t len, const char *source,
                                         struct pl_scandoc *doc, struct pl_err *err);

/* Number of ports doc reports open. */
size_t pl_scandoc_open_ports(const struct pl_scandoc *doc);

/* ---- comparison ------------------------------------------------------------------ */

enum pl_diff_kind {
	PL_DIFF_OPENED = 0, /* open in B, not open (or not reported) in A */
	PL_DIFF_CLOSED,     /* open in A, not open (or not reported) in B */
	PL_DIFF_STATE,      /* both reported it, neither open, different states */
	PL_DIFF_SERVICE,    /* open in both, both identified, name/product/version (and
	                     * extrainfo, when both scans can hold it) differ */
	PL_DIFF_KIND_COUNT,
};

/* One difference. Pointers borrow from the two scans (NULL: not reported there). */
struct pl_diff_change {
	enum pl_diff_kind kind;
	const struct pl_scandoc_host *ha, *hb; /* at least one set */
	const struct pl_scandoc_port *a, *b;   /* at least one set */
};

struct pl_diff {
	struct pl_diff_change *v; /* sorted by host, transport, port */
	size_t n, cap;
	size_t by_kind[PL_DIFF_KIND_COUNT];
	size_t hosts_changed;
	size_t not_compared; /* open in both, service identified in only one: not compared */
	int cmp_extrainfo;   /* extrainfo was compared (neither scan is a saved one) */
};

/*
 * Compares scan a with scan b (both finished) into *out (pl_diff_cleanup; borrows from
 * a and b, which must outlive it). Returns PL_OK or PL_ERR_NOMEM.
 */
enum pl_rc pl_scandoc_diff(const struct pl_scandoc *a, const struct pl_scandoc *b,
                           struct pl_diff *out, struct pl_err *err);
void pl_diff_cleanup(struct pl_diff *d);

/* "opened", "closed", "state", "service" (static). */
const char *pl_diff_kind_name(enum pl_diff_kind k);

#endif
