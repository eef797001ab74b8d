/* SPDX-License-Identifier: MIT */
/*
 * cli/scan_hosts.h - which scanned hosts are up, and what their unreported ports were.
 *
 * A host is up when any probe got an answer from it: open (SYN-ACK) or closed (RST), as
 * nmap decides (a host that answers only with RSTs is up). ICMP errors come from
 * routers and silence proves nothing, so neither makes a host up. For every up host
 * the set counts open and closed answers and the results the sinks were given, so the
 * outputs can say what they did not show (nmap's <extraports>, "Not shown").
 */
#ifndef PL_CLI_SCAN_HOSTS_H
#define PL_CLI_SCAN_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/scan.h"

/*
 * One up host, as the sinks get them at the end (sorted by address). 32 bytes: this is
 * what grows with the number of hosts that answer. The address is not kept: the
 * target index gives it back (scan_uphost_addr).
 */
struct scan_uphost {
	uint64_t target;   /* target index (its address and host name) */
	uint32_t open;     /* open answers */
	uint32_t closed;   /* closed answers */
	uint32_t reported; /* results written to the outputs */
	uint32_t rtt_us;   /* the first answer's round-trip time */
	uint8_t reason;    /* and its reason (host discovery: why it is up) */
};

/* Open-addressing table keyed by target index; memory grows with up hosts only. */
struct scan_hosts {
	struct scan_uphost *v; /* slots; target + 1 in .target when used, 0 when free */
	size_t n, cap;
	int nomem; /* a host could not be added: counts are lower bounds */
};

/*
 * Records one result for target (its address in r): up when open or closed; reported
 * when the sinks got it. Results of hosts not up only count once the host is up.
 */
void scan_hosts_add(struct scan_hosts *h, const struct pl_scan_result *r, int reported);
/* The up hosts sorted by address (family, bytes; targets gives the addresses); the
 * table is reordered in place and must not be added to afterwards. */
const struct scan_uphost *scan_hosts_sorted(struct scan_hosts *h, const struct pl_targets *targets,
                                            size_t *n);
/* The address of up host u. */
void scan_uphost_addr(const struct pl_targets *targets, const struct scan_uphost *u,
                      struct pl_scan_addr *a);
void scan_hosts_cleanup(struct scan_hosts *h);

#endif
