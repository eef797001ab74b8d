/* SPDX-License-Identifier: MIT */
/*
 * scan/frame.h - what the packet engines (syn, udp) share: the in-flight table, the
 * sockets, one send batch per family, the receive buffer, and the vtable operations
 * that do not depend on the protocol (send, poll, inflight, capacity, foreach). An
 * engine's state starts with a struct pl_frame, so the engine's state pointer is also
 * the frame's; the engine supplies how to queue a probe (transmit) and how to read a
 * socket (drain).
 */
#ifndef PL_SCAN_FRAME_H
#define PL_SCAN_FRAME_H

#include "portlens/scan.h"
#include "scan/inflight.h"
#include "scan/rawsock.h"

#define PL_FRAME_FDS 6
/* The least an attempt waits once answers have been timed (nmap's min RTT timeout). */
#define PL_FRAME_MIN_WAIT_MS 100

struct pl_frame;

/* Queues the next attempt of slot i (pli_frame_queue does the bookkeeping). */
typedef void (*pl_frame_transmit_fn)(struct pl_frame *f, uint32_t i);
/* Reads what is waiting on socket k (revents from poll). */
typedef enum pl_rc (*pl_frame_drain_fn)(struct pl_frame *f, int k, short revents,
                                        struct pl_err *err);

struct pl_frame {
	struct pl_scan_engine_cfg cfg;
	struct pl_scan_raw_opts ro; /* from cfg.engine_opts, or all defaults */
	struct pl_inflight tab;     /* with the (address, port) index */
	int fd[PL_FRAME_FDS];       /* -1 when not open */
	struct pl_raw_batch *b[2];  /* send batches: IPv4, IPv6 (their fd set by the engine) */
	struct pli_raw_recv *rx;
	uint8_t silent_state; /* state after the last unanswered attempt */
	/* Adaptive waiting (RFC 6298 on first-attempt answers): an attempt waits
	 * srtt + 4 rttvar, at least PL_FRAME_MIN_WAIT_MS, at most cfg.timeout_ms. */
	uint64_t srtt_ns, rttvar_ns;
	pl_frame_transmit_fn transmit;
	pl_frame_drain_fn drain;
};

/* Sets the frame up; PL_OK or PL_ERR_NOMEM (then pli_frame_cleanup). */
enum pl_rc pli_frame_init(struct pl_frame *f, const struct pl_scan_engine_cfg *cfg,
                          enum pl_port_state silent_state, pl_frame_transmit_fn transmit,
                          pl_frame_drain_fn drain);
/*
 * The common start of a stateless raw engine (-sS, -sn): pli_frame_init, a fresh key for
 * the answer cookies, the source port (--source-port, or one drawn from the key in
 * 40000-59999) and the source-address cache (src->udp4 must be -1 beforehand). On
 * failure err says why and the caller releases what was set up with its destroy.
 */
enum pl_rc pli_frame_init_raw(struct pl_frame *f, const struct pl_scan_engine_cfg *cfg,
                              enum pl_port_state silent_state, pl_frame_transmit_fn transmit,
                              pl_frame_drain_fn drain, uint8_t key[16], uint16_t *sport,
                              struct pl_srccache *src, struct pl_err *err);
/*
 * Opens the four raw sockets of a stateless raw engine into fd[0..3]: TCP IPv4, TCP
 * IPv6, ICMP, ICMPv6 (the engines' FD_ order), each bound to --source-ip and
 * --interface where given; icmp_filter (or NULL: destination unreachable only) sets
 * what the ICMP sockets pass. A family this host lacks stays -1 (the engine decides
 * whether what is left will do); a missing privilege is the one-line refusal naming
 * what ("-sS", "-sn").
 */
enum pl_rc pli_frame_open_raw(struct pl_frame *f, uint16_t sport, const char *what,
                              int (*icmp_filter)(int fd, int v6), struct pl_err *err);
/* pli_frame_cleanup and the source-address cache of a stateless raw engine. */
void pli_frame_cleanup_raw(struct pl_frame *f, struct pl_srccache *src);
/* The scan's local port: --source-port, else r (random) mapped into 40000-59999. Every
 * packet engine draws it here. */
uint16_t pli_frame_source_port(const struct pl_frame *f, uint16_t r);
/* Closes every socket and frees the frame's memory (not f itself). */
void pli_frame_cleanup(struct pl_frame *f);

/* Reports slot i (UDP: with the answer and the payload that drew it) and frees it. */
void pli_frame_finish(struct pl_frame *f, uint32_t i, enum pl_port_state st,
                      enum pl_scan_reason why, int sys_errno, const uint8_t *ans, size_t n,
                      const uint8_t *req, size_t req_len);

/* The kernel refused to send slot i's probe (errno e): a local answer (no route, a
 * local firewall), reported as unreachable with the matching reason. ctx is the frame. */
void pli_frame_fail(void *ctx, uint32_t i, int e);

/* Counts the next attempt of slot i and starts its deadline (pli_frame_queue does this;
 * an engine that sends by itself calls it). */
void pli_frame_attempt(struct pl_frame *f, uint32_t i);

/*
 * Starts the next attempt of slot i: counts it, starts its deadline, and returns space
 * for a packet of len bytes to the probe's address (port: UDP destination, 0 for raw
 * TCP) in its family's batch; NULL when that family has no socket (the slot is then
 * reported as an error).
 */
uint8_t *pli_frame_queue(struct pl_frame *f, uint32_t i, uint16_t port, size_t len);

/* The vtable operations the packet engines share (state is the frame). */
enum pl_rc pli_frame_send(void *state, const struct pl_scan_probe *p, struct pl_err *err);
enum pl_rc pli_frame_poll(void *state, int timeout_ms, struct pl_err *err);
size_t pli_frame_inflight(void *state);
size_t pli_frame_capacity(void *state);
void pli_frame_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx);

#endif
