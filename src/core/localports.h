/* SPDX-License-Identifier: MIT */
/*
 * core/localports.h - the ports the kernel hands out to clients: a network namespace's
 * net.ipv4.ip_local_port_range (IPv6 uses it too) minus net.ipv4.ip_local_reserved_ports.
 * One reader for what listen's and audit's verdicts, and the port page, need to know.
 */
#ifndef PL_CORE_LOCALPORTS_H
#define PL_CORE_LOCALPORTS_H

#include <stdint.h>

#include "portlens/error.h"

/* Linux's compiled-in default for net.ipv4.ip_local_port_range. */
#define PLI_EPHEMERAL_DEFAULT_LO 32768u
#define PLI_EPHEMERAL_DEFAULT_HI 60999u

struct pli_local_ports {
	uint16_t lo, hi;   /* ip_local_port_range */
	int from_kernel;   /* 1: the range was read; 0: Linux's default is assumed */
	uint8_t *reserved; /* ip_local_reserved_ports as 65536 bits (owned), NULL if none */
	/* the reserved list was there but not in the kernel's format: which ports are
	 * reserved is unknown (the scanner then takes no port of the range itself) */
	int reserved_unknown;
};

/*
 * Reads DIR/ip_local_port_range and DIR/ip_local_reserved_ports (DIR: "/proc/sys/net/ipv4"
 * for the calling thread's namespace); NULL dir or unreadable files give Linux's default
 * range and no reserved ports. Release with pli_local_ports_cleanup. Returns PL_OK or
 * PL_ERR_NOMEM.
 */
enum pl_rc pli_local_ports_read(const char *dir, struct pli_local_ports *lp);

/* Nonzero when the kernel may hand port to a client: inside the range, not reserved. */
int pli_local_ports_ephemeral(const struct pli_local_ports *lp, uint16_t port);

/* Parses "32768\t60999\n" (ip_local_port_range) into lo <= hi; 0 on success, -1 if not. */
int pli_local_ports_parse_range(const char *s, uint16_t *lo, uint16_t *hi);

/* Sets the bits of a reserved-ports list ("8080,9000-9100\n") in bitmap (65536 bits);
 * 0 on success, -1 on text that is not such a list. */
int pli_local_ports_parse_reserved(const char *s, uint8_t *bitmap);

void pli_local_ports_cleanup(struct pli_local_ports *lp);

#endif
