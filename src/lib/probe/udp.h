/* SPDX-License-Identifier: MIT */
/*
 * probe/udp.h - the UDP payloads service detection sends (udp.c), shared with the
 * sender (udp_io.c).
 */
#ifndef PL_PROBE_UDP_H
#define PL_PROBE_UDP_H

#include <stddef.h>
#include <stdint.h>

struct pl_udp_payload {
	const char *service;   /* what answers it: "dns", "ntp", ... */
	const uint16_t *ports; /* where that service is likely, 0-terminated */
	/* Writes the payload into buf (cap bytes); returns its length, 0 if it does not fit. */
	size_t (*build)(unsigned char *buf, size_t cap);
};

extern const struct pl_udp_payload pl_udp_payloads[];
extern const size_t pl_udp_payloads_count;

struct pl_service;
/*
 * udp_io.c: reads the answer to the NTP mode 6 READVAR follow-up (n bytes at buf, and a
 * NUL at buf[n]): "version=" naming ntpd or NTPsec fills out's product and version.
 * Pure; exposed for fuzz_udp_answer.
 */
void pl_probe_ntp_readvar(const unsigned char *buf, size_t n, struct pl_service *out);

#endif
