/* SPDX-License-Identifier: MIT */
/*
 * sockets/collect_impl.h - the state of one pl_sockets_collect call, shared by
 * collect.c (gathering), finish.c (owners, filters, sorting) and netns.c.
 */
#ifndef PL_SOCKETS_COLLECT_IMPL_H
#define PL_SOCKETS_COLLECT_IMPL_H

#include "sockets/sockets_impl.h"

struct pl_collect_ctx {
	const struct pl_sock_query *q;
	struct pl_sockset *set;
	struct pl_sock_list list;
	struct pl_err *err;
	int use_proc;  /* netlink is not to be used (asked for, or it failed to open) */
	int proc_used; /* some rows came from /proc/net */
};

/* Annotates what does not need holders and sorts the rows; runs while the owner scan
 * may still be going. */
enum pl_rc pli_collect_prepare(struct pl_collect_ctx *c);

/*
 * Attaches holders from map (NULL: processes were not asked for), applies the pid, uid
 * and flagged filters, finishes annotation and moves the sockets into c->set (in the
 * order pli_collect_prepare sorted them).
 */
enum pl_rc pli_collect_finish(struct pl_collect_ctx *c, const char *proc_root,
                              const struct pl_owner_map *map);

/*
 * Sets ephemeral on the UDP sockets l->v[first..] that sit on a port the kernel hands
 * out to clients in the namespace whose sockets procnet_dir holds (ephemeral.c).
 */
void pli_mark_ephemeral(struct pl_sock_list *l, size_t first, const char *procnet_dir);

#endif
