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

/*
 * Attaches holders from map (NULL: processes were not asked for), applies the pid, uid
 * and flagged filters, annotates, sorts and moves the sockets into c->set.
 */
enum pl_rc pl_collect_finish(struct pl_collect_ctx *c, const char *proc_root,
                             const struct pl_owner_map *map);

#endif
