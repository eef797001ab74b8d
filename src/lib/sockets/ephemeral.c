// SPDX-License-Identifier: MIT
/*
 * ephemeral.c - which UDP sockets sit on a port the kernel hands out to clients.
 *
 * A UDP socket that sends without binding first, or binds port 0 (Squid's DNS and ICP
 * sockets, resolvers, NTP and SNMP clients), gets a port the kernel draws from its
 * network namespace's net.ipv4.ip_local_port_range (32768-60999 by default; IPv6 uses
 * the same setting), never one listed in net.ipv4.ip_local_reserved_ports. Such a
 * socket is UNCONN like a server's, but its port number says nothing about it, so the
 * "unassigned" verdict (listen's flag, audit's unknown-service-unassigned-port rule)
 * does not apply to it: without this, every Squid restart raised a new "unassigned"
 * alarm on a random port. IANA's own dynamic range (49152-65535, RFC 6335) is never
 * judged unassigned anyway: the registry stops at 49151.
 *
 * A server bound on purpose to a port inside the range looks the same to sock_diag; that
 * is the price of not crying wolf over client sockets. A reserved port is never drawn,
 * so a socket there was bound on purpose and keeps its verdict. TCP listeners are
 * always bound on purpose and are never marked.
 *
 * Both settings are read where the calling thread is: /proc/sys/net is per namespace.
 * When sockets come from another namespace's /proc/PID/net (it could not be entered),
 * its settings cannot be read and the kernel's defaults are assumed (core/localports.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/localports.h"
#include "sockets/collect_impl.h"

void
pli_mark_ephemeral(struct pl_sock_list *l, size_t first, const char *procnet_dir)
{
	char dir[512];
	size_t n = strlen(procnet_dir);
	struct pli_local_ports lp;
	const char *sysdir = NULL;
	int any = 0;

	for (size_t i = first; i < l->n && !any; i++)
		any = l->v[i].kind == PL_SK_INET && l->v[i].proto == PL_PROTO_UDP;
	if (!any)
		return;
	/* "ROOT/net" -> ROOT/sys/net/ipv4; "/proc/thread-self/net" -> /proc/sys/net/ipv4
	 * (this thread's namespace); "/proc/PID/net" -> /proc/PID/sys/..., which does not
	 * exist: the defaults. */
	if (n > 4 && n - 4 < 400 && strcmp(procnet_dir + n - 4, "/net") == 0) {
		n -= 4;
		if (n >= 12 && strncmp(procnet_dir + n - 12, "/thread-self", 12) == 0)
			n -= 12;
		snprintf(dir, sizeof(dir), "%.*s/sys/net/ipv4", (int)n, procnet_dir);
		sysdir = dir;
	}
	/* Out of memory for the reserved list: the range alone decides. */
	(void)pli_local_ports_read(sysdir, &lp);
	for (size_t i = first; i < l->n; i++) {
		struct pl_sock *s = &l->v[i];

		s->ephemeral = s->kind == PL_SK_INET && s->proto == PL_PROTO_UDP &&
		               pli_local_ports_ephemeral(&lp, s->lport);
	}
	pli_local_ports_cleanup(&lp);
}
