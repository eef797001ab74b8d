// SPDX-License-Identifier: MIT
/*
 * live.c - the port page's "On this machine" section: who listens on the page's port
 * here (process, user, unit or container, address) and how many connections it has, by
 * state. Built from one pl_sockets_collect call (portlens/sockets.h) restricted to the
 * port, so the owner scan keeps only the few sockets found. Failure to read sockets is
 * not a page failure: the section then carries the error text instead.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "page/page_impl.h"
#include "portlens/sockets.h"

static int
is_listener(const struct pl_sock *s)
{
	return s->state == PL_SS_LISTEN || (s->proto == PL_PROTO_UDP && s->state == PL_SS_CLOSE);
}

static void
fill_owner(struct pl_page_listener *l, const struct pl_proc *p)
{
	l->pid = p->pid;
	if (p->uid != UINT32_MAX)
		l->uid = p->uid;
	snprintf(l->process, sizeof(l->process), "%s", p->comm);
	if (p->container)
		snprintf(l->unit, sizeof(l->unit), "%s", p->container);
	else if (p->unit)
		snprintf(l->unit, sizeof(l->unit), "%s", p->unit);
	l->cmdline = strdup(p->cmdline ? p->cmdline : "");
}

/* Adds one row per holder of listening socket s (one row when nobody is known). */
static enum pl_rc
add_listener(struct pl_page_live *live, const struct pl_sockset *set, const struct pl_sock *s)
{
	uint32_t n = s->n_owners ? s->n_owners : 1;

	for (uint32_t k = 0; k < n; k++) {
		struct pl_page_listener *l;

		live->n_listeners_total++;
		if (live->n_listeners == PL_PAGE_MAX_LISTENERS)
			continue;
		l = &live->listeners[live->n_listeners++];
		memset(l, 0, sizeof(*l));
		l->proto = s->proto;
		l->dual_stack = (uint8_t)pl_sock_dual_stack(s);
		l->ipv6 = s->family == AF_INET6;
		l->flags = s->flags;
		l->uid = s->uid;
		pl_sock_addr_str(s, 0, l->address, sizeof(l->address));
		snprintf(l->netns, sizeof(l->netns), "%s", set->netns[s->netns].label);
		if (s->n_owners)
			fill_owner(l, pl_sock_owner(set, s, k));
		else
			l->owner = s->owner_status == PL_OWNER_HIDDEN ? 1 : 2;
		if (s->n_owners && !l->cmdline)
			return PL_ERR_NOMEM;
		pl_user_name(l->uid, l->user, sizeof(l->user));
	}
	return PL_OK;
}

enum pl_rc
pli_page_build_live(struct pl_page *page, const char *proc_root)
{
	struct pl_sock_query q = {
	    .what = PL_SQ_LISTEN | PL_SQ_CONNS,
	    .protos = page->protos & (PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP)),
	    .port = page->port,
	    .uid = -1,
	    .processes = 1,
	    .annotate = 1,
	    .reg = page->reg,
	    .kb = page->kb,
	    .proc_root = proc_root,
	};
	struct pl_page_live *live = calloc(1, sizeof(*live));
	struct pl_sockset *set = NULL;
	struct pl_err err = {0};
	enum pl_rc rc = PL_OK;

	if (!live)
		return PL_ERR_NOMEM;
	page->live = live;
	if (!q.protos) { /* SCTP or DCCP only: nothing this reads */
		live->source = "netlink sock_diag";
		live->processes_complete = 1;
		return PL_OK;
	}
	if (pl_sockets_collect(&q, &set, &err) != PL_OK) {
		snprintf(live->error, sizeof(live->error), "%s", err.msg);
		return err.msg[0] && strstr(err.msg, "out of memory") ? PL_ERR_NOMEM : PL_OK;
	}
	live->source = set->source;
	live->processes_complete = set->owners_complete;
	for (size_t i = 0; i < set->n_socks && rc == PL_OK; i++) {
		const struct pl_sock *s = &set->socks[i];

		if (is_listener(s) && s->lport == page->port) {
			rc = add_listener(live, set, s);
		} else if (!is_listener(s)) {
			/* NEW_SYN_RECV is SYN-RECV to a person. */
			uint8_t st = s->state == PL_SS_NEW_SYN_RECV ? PL_SS_SYN_RECV : s->state;

			live->n_conns++;
			live->conns_by_state[st < 16 ? st : 0]++;
		}
	}
	pl_sockset_free(set);
	return rc;
}

void
pli_page_live_free(struct pl_page_live *live)
{
	if (!live)
		return;
	for (size_t i = 0; i < live->n_listeners; i++)
		free(live->listeners[i].cmdline);
	free(live);
}
