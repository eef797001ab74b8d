/* SPDX-License-Identifier: MIT */
/*
 * scan/sockpool.h - the connect engine's reusable sockets, each with a local port of its
 * own and, once learned, the source address the kernel would choose (sockpool.c).
 * Internal to src/lib/scan.
 */
#ifndef PL_SCAN_SOCKPOOL_H
#define PL_SCAN_SOCKPOOL_H

#include <stdint.h>

#include "portlens/scan.h"

#define PL_SP_SOURCES 4 /* learned source addresses at a time */
#define PL_SP_POOLS   (2 + PL_SP_SOURCES)
#define PL_SP_DSTS    1024 /* destinations remembered (direct-mapped) */

struct pl_sp_idle {
	int fd;
	uint16_t port;   /* its own local port, 0 when the kernel picks one per connect */
	uint8_t watched; /* registered with the engine's epoll */
};

struct pl_sp_pool {
	uint8_t family;  /* 4 or 6; 0 = free */
	uint8_t has_src; /* sockets are bound to src */
	uint8_t src[16];
	uint32_t gen;            /* changes when the pool forgets its source */
	struct pl_sp_idle *idle; /* idle sockets */
	uint32_t n;
};

struct pl_sp_dst {
	uint8_t state; /* empty, seen once, has a source pool, cannot learn */
	uint8_t family;
	uint8_t pool;
	uint8_t addr[16];
	uint32_t gen;
};

struct pl_sockpool {
	struct pl_sp_pool pool[PL_SP_POOLS]; /* [0] unbound IPv4, [1] unbound IPv6, sources */
	struct pl_sp_dst *dst;               /* PL_SP_DSTS entries */
	uint32_t cap;                        /* sockets open at most (idle and in use) */
	uint32_t n_open;
	uint32_t port_lo, port_n, port_next; /* ip_local_port_range, cursor */
	uint8_t *reserved;                   /* ip_local_reserved_ports bitmap, or NULL */
};

/* A socket handed out: its descriptor, pool and the pool's generation. */
struct pl_sp_sock {
	int fd;
	uint16_t port;   /* as in struct pl_sp_idle */
	uint8_t watched; /* as in struct pl_sp_idle */
	uint8_t pool;
	uint32_t gen;
};

/*
 * Sets up an empty pool for at most cap open sockets and reads the namespace's local
 * port range and reserved ports. Returns PL_OK or PL_ERR_NOMEM (pli_sockpool_cleanup is
 * safe after a failure).
 */
enum pl_rc pli_sockpool_init(struct pl_sockpool *sp, uint32_t cap);

/* Closes every idle socket and frees the pool (not sockets handed out). */
void pli_sockpool_cleanup(struct pl_sockpool *sp);

/*
 * The pool a probe to dst takes its socket from. Sets *learn when the caller should
 * call pli_sockpool_learn() after its connect() (the second sighting of dst).
 */
unsigned pli_sockpool_pick(struct pl_sockpool *sp, const struct pl_scan_addr *dst, int *learn);

/*
 * A socket from pool (idle: returns 0) or a new non-blocking one with
 * IP_RECVERR/IPV6_RECVERR and its own local port (returns 1; not watched). Its local port is never
 * dport (a socket that probes its own port on this host would connect to itself). out->pool may
 * differ from pool when a source address no longer works. Returns -1 with errno set on failure
 * (EMFILE etc.; nothing left open).
 */
int pli_sockpool_get(struct pl_sockpool *sp, unsigned pool, uint16_t dport, struct pl_sp_sock *out);

/* Gives a socket back: kept for reuse when reuse is set and its pool still wants it, else closed.
 */
void pli_sockpool_put(struct pl_sockpool *sp, const struct pl_sp_sock *s, int reuse);

/* Records the source address the kernel chose for s (connect() started) as dst's. */
void pli_sockpool_learn(struct pl_sockpool *sp, const struct pl_scan_addr *dst,
                        const struct pl_sp_sock *s);

/* Drops a source pool whose address stopped working: idle sockets closed, dsts relearn. */
void pli_sockpool_forget(struct pl_sockpool *sp, unsigned pool);

#endif
