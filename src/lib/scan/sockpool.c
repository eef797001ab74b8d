// SPDX-License-Identifier: MIT
/*
 * sockpool.c - the connect engine's sockets: reused across probes, each bound to a local
 * port of its own and, once learned, to the source address the kernel would choose.
 *
 * Why: a connect scan's time is nearly all the kernel's per-connect() work, and the
 * part of it a scanner controls is the local endpoint. An unbound socket makes every
 * connect() search the bind table for a free ephemeral port (creating and freeing two
 * bind buckets per probe) and look the route up three times: to choose the source
 * address, with it, and again once the port is known. A socket bound to an explicit
 * port keeps it across reuses (the kernel's SOCK_BINDPORT_LOCK), so connect() only
 * checks that the 4-tuple is free; one also bound to the source address keeps that too
 * and needs one route lookup. On the lab that is about a fifth of a 65535-port scan's
 * CPU time (bench/RESULTS.md). Packets on the wire are the same SYNs from the same
 * address.
 *
 * Ports are picked here, as the kernel would: from the namespace's
 * ip_local_port_range, skipping ip_local_reserved_ports, from a random offset, moving
 * on when bind() says EADDRINUSE (someone holds it). If none can be had in a few tries
 * the socket stays unbound and connect() picks one, as before.
 *
 * Source addresses are learned, never guessed. The first probe to a destination uses
 * an unbound socket; at the second, after connect() has started, getsockname() tells
 * which source address the kernel chose for it, and later probes to that destination
 * take sockets bound to that address (policy routing sees the same source either way:
 * the kernel's own connect() routes with the address it chose). Destinations live in a
 * small direct-mapped table, so memory stays flat and a scan that visits each host
 * once (one port across a /16) never pays for learning. If a bound socket fails in a
 * way that says its address is gone, the engine calls pli_sockpool_forget(): the pool's
 * idle sockets are closed and its destinations go back to unbound sockets.
 *
 * Every socket open (idle here or in use by the engine) counts against cap, the
 * engine's descriptor budget: when a new socket would exceed it, an idle one from
 * another pool is closed first.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portlens/addr.h"
#include "scan/scan_impl.h"
#include "scan/sockpool.h"
#include "core/localports.h"

enum { DST_EMPTY, DST_SEEN, DST_SOURCE, DST_NOLEARN };

#define PORT_TRIES 32

static uint32_t
dst_hash(const struct pl_scan_addr *a)
{
	uint32_t h = a->family;
	int n = a->family == 6 ? 16 : 4;

	for (int i = 0; i < n; i++)
		h = (h ^ a->bytes[i]) * 16777619u;
	return (h ^ (h >> 15)) % PL_SP_DSTS;
}

static int
addr_len(int family)
{
	return family == 6 ? 16 : 4;
}

/*
 * The ports the pool may take itself: the kernel's ip_local_port_range, skipping
 * ip_local_reserved_ports (core/localports.c reads both). Where the reserved list is
 * unknown (not the kernel's format, or no memory to hold it) the pool takes no port of
 * its own and lets the kernel pick (port_n 0).
 */
static void
read_port_config(struct pl_sockpool *sp)
{
	struct pli_local_ports lp;
	uint64_t r = 0;

	if (pli_local_ports_read("/proc/sys/net/ipv4", &lp) != PL_OK)
		return;
	if (lp.reserved_unknown) {
		pli_local_ports_cleanup(&lp);
		return;
	}
	sp->port_lo = lp.lo;
	sp->port_n = (uint32_t)(lp.hi - lp.lo + 1);
	sp->reserved = lp.reserved; /* the pool owns it now (pli_sockpool_cleanup) */
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = pli_scan_now_ns() ^ (uint64_t)getpid() << 32;
	sp->port_next = (uint32_t)(r % sp->port_n);
}

enum pl_rc
pli_sockpool_init(struct pl_sockpool *sp, uint32_t cap)
{
	memset(sp, 0, sizeof(*sp));
	sp->cap = cap;
	sp->dst = calloc(PL_SP_DSTS, sizeof(*sp->dst));
	if (!sp->dst)
		return PL_ERR_NOMEM;
	for (unsigned k = 0; k < PL_SP_POOLS; k++) {
		sp->pool[k].idle = calloc(cap, sizeof(*sp->pool[k].idle));
		if (!sp->pool[k].idle)
			return PL_ERR_NOMEM;
	}
	sp->pool[0].family = 4;
	sp->pool[1].family = 6;
	read_port_config(sp);
	return PL_OK;
}

static void
close_idle(struct pl_sockpool *sp, struct pl_sp_pool *p)
{
	while (p->n) {
		close(p->idle[--p->n].fd);
		sp->n_open--;
	}
}

void
pli_sockpool_cleanup(struct pl_sockpool *sp)
{
	for (unsigned k = 0; k < PL_SP_POOLS; k++) {
		if (sp->pool[k].idle)
			close_idle(sp, &sp->pool[k]);
		free(sp->pool[k].idle);
		sp->pool[k].idle = NULL;
	}
	free(sp->dst);
	free(sp->reserved);
	sp->dst = NULL;
	sp->reserved = NULL;
}

unsigned
pli_sockpool_pick(struct pl_sockpool *sp, const struct pl_scan_addr *dst, int *learn)
{
	struct pl_sp_dst *d = &sp->dst[dst_hash(dst)];
	unsigned unbound = dst->family == 6;

	*learn = 0;
	if (d->state == DST_EMPTY || d->family != dst->family ||
	    memcmp(d->addr, dst->bytes, (size_t)addr_len(dst->family)) != 0) {
		d->state = DST_SEEN; /* a new destination (or a collision): start over */
		d->family = dst->family;
		memcpy(d->addr, dst->bytes, (size_t)addr_len(dst->family));
		return unbound;
	}
	if (d->state == DST_SOURCE && sp->pool[d->pool].gen == d->gen &&
	    sp->pool[d->pool].family == dst->family)
		return d->pool;
	*learn = d->state != DST_NOLEARN;
	return unbound;
}

/* Closes one idle socket from the fullest pool; 0, or -1 when none is idle. */
static int
evict_one(struct pl_sockpool *sp)
{
	struct pl_sp_pool *best = NULL;

	for (unsigned k = 0; k < PL_SP_POOLS; k++)
		if (sp->pool[k].n && (!best || sp->pool[k].n > best->n))
			best = &sp->pool[k];
	if (!best)
		return -1;
	close(best->idle[--best->n].fd);
	sp->n_open--;
	return 0;
}

/*
 * Binds fd to the pool's source (if any) and a port of its own other than avoid; the
 * port in *port (0: none, connect() picks). -1 when the source address is gone.
 */
static int
bind_local(struct pl_sockpool *sp, int fd, const struct pl_sp_pool *p, uint16_t avoid,
           uint16_t *out_port)
{
	static const uint8_t any[16];
	struct pl_addr local = pl_addr_make(p->family == 6 ? 6 : 4, p->has_src ? p->src : any, 0);
	struct sockaddr_storage ss;
	socklen_t len;

	*out_port = 0;
	for (uint32_t t = 0, seen = 0; t < PORT_TRIES && seen < sp->port_n; seen++) {
		uint32_t port = sp->port_lo + sp->port_next++ % sp->port_n;

		if (port == avoid || (sp->reserved && (sp->reserved[port / 8] >> (port % 8) & 1)))
			continue; /* reserved ports are not ours to take */
		t++;
		local.port = (uint16_t)port;
		len = pl_addr_to_sockaddr(&local, &ss);
		if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
			*out_port = (uint16_t)port;
			return 0;
		}
		if (errno != EADDRINUSE)
			break;
	}
	if (!p->has_src)
		return 0; /* no port of its own: connect() picks one */
	local.port = 0;
	len = pl_addr_to_sockaddr(&local, &ss);
	return bind(fd, (struct sockaddr *)&ss, len) == 0 ? 0 : -1;
}

static int
new_socket(struct pl_sockpool *sp, int family)
{
	int fd, one = 1;

	if (sp->n_open >= sp->cap)
		evict_one(sp);
	fd =
	    socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && evict_one(sp) == 0)
		fd = socket(family == 6 ? AF_INET6 : AF_INET,
		            SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (family == 6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	sp->n_open++;
	return fd;
}

/* Takes an idle socket whose port is not dport (swapping past one that is); 0 or -1. */
static int
take_idle(struct pl_sp_pool *p, uint16_t dport, struct pl_sp_sock *out)
{
	struct pl_sp_idle t;

	if (dport && p->n && p->idle[p->n - 1].port == dport) {
		if (p->n < 2)
			return -1;
		t = p->idle[p->n - 1];
		p->idle[p->n - 1] = p->idle[p->n - 2];
		p->idle[p->n - 2] = t;
	}
	if (!p->n)
		return -1;
	p->n--;
	out->fd = p->idle[p->n].fd;
	out->port = p->idle[p->n].port;
	out->watched = p->idle[p->n].watched;
	return 0;
}

int
pli_sockpool_get(struct pl_sockpool *sp, unsigned pool, uint16_t dport, struct pl_sp_sock *out)
{
	struct pl_sp_pool *p = &sp->pool[pool];
	int fd;

	out->fd = -1;
	out->watched = 0;
	out->pool = (uint8_t)pool;
	out->gen = p->gen;
	if (take_idle(p, dport, out) == 0)
		return 0;
	fd = new_socket(sp, p->family);
	if (fd < 0)
		return -1;
	if (bind_local(sp, fd, p, dport, &out->port) != 0) { /* the source address went away */
		int family = p->family;

		close(fd);
		sp->n_open--;
		pli_sockpool_forget(sp, pool);
		pool = family == 6;
		p = &sp->pool[pool];
		if ((fd = new_socket(sp, family)) < 0)
			return -1;
		bind_local(sp, fd, p, dport, &out->port);
	}
	out->fd = fd;
	out->pool = (uint8_t)pool;
	out->gen = p->gen;
	return 1;
}

void
pli_sockpool_put(struct pl_sockpool *sp, const struct pl_sp_sock *s, int reuse)
{
	struct pl_sp_pool *p = &sp->pool[s->pool];

	if (reuse && p->gen == s->gen && p->family && p->n < sp->cap) {
		p->idle[p->n].fd = s->fd;
		p->idle[p->n].watched = s->watched;
		p->idle[p->n++].port = s->port;
		return;
	}
	close(s->fd);
	sp->n_open--;
}

void
pli_sockpool_learn(struct pl_sockpool *sp, const struct pl_scan_addr *dst,
                   const struct pl_sp_sock *s)
{
	struct pl_sp_dst *d = &sp->dst[dst_hash(dst)];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct pl_addr local;
	const uint8_t *src = local.bytes;
	unsigned k, n = (unsigned)addr_len(dst->family), free_k = PL_SP_POOLS;

	if (d->state != DST_SEEN || d->family != dst->family || memcmp(d->addr, dst->bytes, n))
		return;
	d->state = DST_NOLEARN; /* unless all goes well below */
	if (getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0 ||
	    pl_addr_from_sockaddr((struct sockaddr *)&ss, len, &local) != PL_OK ||
	    local.family != dst->family)
		return;
	if (local.family == 6 && src[0] == 0xfe && (src[1] & 0xc0) == 0x80)
		return; /* link-local: a scope, not just an address */
	if (pl_addr_is_any(&local)) {
		d->state = DST_SEEN; /* not chosen yet (answered at once): next time */
		return;
	}
	for (k = 2; k < PL_SP_POOLS; k++) {
		struct pl_sp_pool *p = &sp->pool[k];

		if (p->family == dst->family && !memcmp(p->src, src, n))
			break;
		if (!p->family && free_k == PL_SP_POOLS)
			free_k = k;
	}
	if (k == PL_SP_POOLS && (k = free_k) < PL_SP_POOLS) {
		sp->pool[k].family = dst->family;
		sp->pool[k].has_src = 1;
		memcpy(sp->pool[k].src, src, n);
	}
	if (k == PL_SP_POOLS)
		return;
	d->state = DST_SOURCE;
	d->pool = (uint8_t)k;
	d->gen = sp->pool[k].gen;
}

void
pli_sockpool_forget(struct pl_sockpool *sp, unsigned pool)
{
	struct pl_sp_pool *p = &sp->pool[pool];

	if (pool < 2)
		return;
	close_idle(sp, p);
	p->gen++;
	p->family = 0;
	p->has_src = 0;
	memset(p->src, 0, sizeof(p->src));
}
