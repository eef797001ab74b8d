/* SPDX-License-Identifier: MIT */
/*
 * probe/udp.h - what the UDP classifiers (udp.c) share with the sender (udp_io.c). The
 * payloads come from data/udp-payloads.txt (scan/udp_payloads.h).
 */
#ifndef PL_PROBE_UDP_H
#define PL_PROBE_UDP_H

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "portlens/error.h"

struct pl_service;
struct pl_probe_ctx;

/*
 * udp_burst.c: pl_probe_udp_service when ctx->opts.udp_burst_ms is set: every payload
 * at once, the best-ranked answer classified. PL_OK (out->udp_answers 0 when the port
 * said nothing), PL_ERR_IO when only ICMP port unreachable came back, PL_ERR_SYS,
 * PL_ERR_NOMEM, PL_ERR_ARG (err filled).
 */
enum pl_rc pli_probe_udp_burst(const struct pl_probe_ctx *ctx, const struct sockaddr *sa,
                               socklen_t salen, struct pl_service *out, struct pl_err *err);
/*
 * udp_io.c: reads the answer to the NTP mode 6 READVAR follow-up (n bytes at buf, and a
 * NUL at buf[n]): "version=" naming ntpd or NTPsec fills out's product and version.
 * Pure; exposed for fuzz_udp_answer.
 */
void pli_probe_ntp_readvar(const unsigned char *buf, size_t n, struct pl_service *out);

#endif
