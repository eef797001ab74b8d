/* SPDX-License-Identifier: MIT */
/*
 * scan/inflight.h - the in-flight table every scan engine shares: one slot per probe
 * that has been sent and not yet reported, its send time, attempts and deadline.
 *
 * Every attempt of a scan has the same timeout, so deadlines grow in send order and the
 * slots waiting for one form a doubly linked list ordered by deadline: expiry pops from
 * the head, an answer unlinks in place, both O(1). Engines whose answers carry the
 * target's address and port (raw SYN, UDP) also ask for an index from (address, port,
 * protocol) to slot: open addressing with linear probing and backward-shift deletion,
 * twice the slots in size, so lookups stay short and memory is fixed at creation.
 * foreach lists the position of every used slot: with the driver's cursor that is the
 * exact state a resume file needs.
 */
#ifndef PL_SCAN_INFLIGHT_H
#define PL_SCAN_INFLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/scan.h"

#define PL_INFLIGHT_NIL UINT32_MAX

struct pl_inflight_slot {
	struct pl_scan_probe probe;
	uint64_t t_send_ns;   /* the latest attempt */
	uint64_t deadline_ns; /* while linked */
	uint32_t prev, next;
	uint8_t attempts;
	uint8_t used;
	uint8_t linked; /* on the deadline list */
	uint8_t indexed;
};

struct pl_inflight {
	struct pl_inflight_slot *slots;
	uint32_t n_slots;
	uint32_t *free_ix;
	uint32_t n_free;
	uint32_t head, tail; /* deadline list */
	size_t count;        /* used slots */
	uint32_t *index;     /* (address, port, proto) -> slot, or NULL; index_mask + 1 long */
	uint32_t index_mask;
};

/*
 * Sets up a table of n slots (n >= 1), with the (address, port) index when with_index.
 * PL_OK or PL_ERR_NOMEM (nothing to clean up then beyond pli_inflight_cleanup).
 */
enum pl_rc pli_inflight_init(struct pl_inflight *t, uint32_t n, int with_index);
void pli_inflight_cleanup(struct pl_inflight *t);

/* Takes a free slot for p (attempts 0, unlinked, indexed when the table has an index);
 * PL_INFLIGHT_NIL when every slot is used. */
uint32_t pli_inflight_take(struct pl_inflight *t, const struct pl_scan_probe *p);

/* Gives slot i back (unlinks it, removes it from the index). */
void pli_inflight_release(struct pl_inflight *t, uint32_t i);

/* (Re)places slot i at the tail of the deadline list with this deadline. */
void pli_inflight_set_deadline(struct pl_inflight *t, uint32_t i, uint64_t deadline_ns);
void pli_inflight_unlink(struct pl_inflight *t, uint32_t i);

/* The slot at the head of the deadline list if its deadline is <= now, else NIL. */
uint32_t pli_inflight_expired(const struct pl_inflight *t, uint64_t now_ns);

/* Milliseconds until the earliest deadline, at most max_ms (0 when one has passed). */
int pli_inflight_wait_ms(const struct pl_inflight *t, uint64_t now_ns, int max_ms);

/* The used slot probing (addr, port, proto), or NIL (needs the index). */
uint32_t pli_inflight_find(const struct pl_inflight *t, const struct pl_scan_addr *addr,
                           uint16_t port, uint8_t proto);

/* Calls fn with the position of every probe in flight. */
void pli_inflight_foreach(const struct pl_inflight *t, void (*fn)(void *ctx, uint64_t pos),
                          void *ctx);

/*
 * Fills r with slot i's final result: state, reason, errno, attempts; the round trip
 * from its last send to now, except for no-response results.
 */
void pli_inflight_result(const struct pl_inflight *t, uint32_t i, enum pl_port_state st,
                         enum pl_scan_reason why, int sys_errno, uint64_t now_ns,
                         struct pl_scan_result *r);

#endif
