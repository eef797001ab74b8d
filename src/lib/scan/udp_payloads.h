/* SPDX-License-Identifier: MIT */
/*
 * scan/udp_payloads.h - the UDP payload table, parsed from data/udp-payloads.txt
 * (embedded in the library) by a pure parser (udp_payloads.c, fuzzed by
 * fuzz/fuzz_udp_payloads.c). The one source of UDP payload bytes: the scan engine
 * (engine_udp.c) and service detection (probe/udp_io.c) both read it.
 */
#ifndef PL_SCAN_UDP_PAYLOADS_H
#define PL_SCAN_UDP_PAYLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"

#define PL_UDP_PAYLOAD_MAX 1472 /* one datagram on a 1500-byte link */

struct pl_udp_payload_entry {
	char name[32];
	char source[512];
	uint8_t *data; /* owned */
	size_t len;
	int detect; /* service detection sends it to any port ("detect" line) */
};

struct pl_udp_payloads {
	struct pl_udp_payload_entry *items; /* owned */
	size_t n;
	uint8_t *by_port; /* 65536 entries: item index + 1, 0 = empty datagram; owned */
};

/*
 * Parses the payload file format (see data/udp-payloads.txt) from len bytes at text.
 * source names the text in errors (with the line). PL_OK, PL_ERR_PARSE or PL_ERR_NOMEM;
 * on failure *out is empty. Free with pli_udp_payloads_cleanup.
 */
enum pl_rc pli_udp_payloads_parse(const char *text, size_t len, const char *source,
                                  struct pl_udp_payloads *out, struct pl_err *err);

/* The built-in table (data/udp-payloads.txt as shipped). */
enum pl_rc pli_udp_payloads_builtin(struct pl_udp_payloads *out, struct pl_err *err);

/* The payload for port (NULL with *len 0 for an empty datagram); borrowed. */
const uint8_t *pli_udp_payload_for(const struct pl_udp_payloads *p, uint16_t port, size_t *len);

void pli_udp_payloads_cleanup(struct pl_udp_payloads *p);

#endif
