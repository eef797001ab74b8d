// SPDX-License-Identifier: MIT
/*
 * result.c - names of port states and reasons (nmap's words where nmap has them), and
 * the monotonic clock the driver and engines share.
 */
#include <time.h>

#include "portlens/scan.h"
#include "scan/scan_impl.h"

static const char *const state_names[PL_PORT_STATE_COUNT] = {
    [PL_PORT_OPEN] = "open",
    [PL_PORT_CLOSED] = "closed",
    [PL_PORT_FILTERED] = "filtered",
    [PL_PORT_UNREACHABLE] = "unreachable",
    [PL_PORT_OPEN_FILTERED] = "open|filtered",
};

static const char *const reason_names[PL_REASON_COUNT] = {
    [PL_REASON_SYN_ACK] = "syn-ack",
    [PL_REASON_CONN_REFUSED] = "conn-refused",
    [PL_REASON_NO_RESPONSE] = "no-response",
    [PL_REASON_HOST_UNREACH] = "host-unreach",
    [PL_REASON_NET_UNREACH] = "net-unreach",
    [PL_REASON_ADMIN_PROHIBITED] = "admin-prohibited",
    [PL_REASON_ERROR] = "error",
    [PL_REASON_RESET] = "reset",
    [PL_REASON_PORT_UNREACH] = "port-unreach",
    [PL_REASON_UDP_RESPONSE] = "udp-response",
    [PL_REASON_PROTO_UNREACH] = "proto-unreach",
    [PL_REASON_NET_PROHIBITED] = "net-prohibited",
    [PL_REASON_HOST_PROHIBITED] = "host-prohibited",
    [PL_REASON_ECHO_REPLY] = "echo-reply",
    [PL_REASON_ARP_RESPONSE] = "arp-response",
    [PL_REASON_ND_RESPONSE] = "nd-response",
};

const char *
pl_port_state_name(enum pl_port_state s)
{
	return (unsigned)s < PL_PORT_STATE_COUNT ? state_names[s] : "?";
}

const char *
pl_scan_reason_name(enum pl_scan_reason r)
{
	return (unsigned)r < PL_REASON_COUNT ? reason_names[r] : "?";
}

uint64_t
pli_scan_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
