/* SPDX-License-Identifier: MIT */
/*
 * probe/udp.h - what the UDP classifiers (udp.c) share with the sender (udp_io.c). The
 * payloads come from data/udp-payloads.txt (scan/udp_payloads.h).
 */
#ifndef PL_PROBE_UDP_H
#define PL_PROBE_UDP_H

#include <stddef.h>
#include <stdint.h>

struct pl_service;
/*
 * udp_io.c: reads the answer to the NTP mode 6 READVAR follow-up (n bytes at buf, and a
 * NUL at buf[n]): "version=" naming ntpd or NTPsec fills out's product and version.
 * Pure; exposed for fuzz_udp_answer.
 */
void pli_probe_ntp_readvar(const unsigned char *buf, size_t n, struct pl_service *out);

#endif
