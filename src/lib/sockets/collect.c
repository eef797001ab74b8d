// SPDX-License-Identifier: MIT
/*
 * collect.c - pl_sockets_collect: the one entry point that turns a query into a
 * finished, sorted, annotated set of sockets.
 *
 * Order of work, chosen for speed: the owner scan (/proc/PID/fd or the kernel
 * iterator, see owners_bpf.c; the slow part) starts on background threads first, the netlink dumps
 * run meanwhile on this thread, then the two are joined by inode. When the query names a port, the
 * dump runs first and the scan keeps only the few inodes that matched. Other namespaces (netns.c)
 * are dumped through netlink sockets opened inside them. If netlink is unavailable the same rows
 * come from /proc/net, and the set says so in its source.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockets/collect_impl.h"

static const int families[2] = {AF_INET, AF_INET6};

static int
want_proto(const struct pl_sock_query *q, enum pl_proto p)
{
	/* --raw alone asks for raw and packet sockets only, as ss -w/-0 do. */
	if (!q->protos && q->raw)
		return 0;
	return (q->protos ? q->protos : PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP)) &
	       PL_PROTO_BIT(p);
}

/*
 * Raw and packet sockets of the namespace this thread is in, from /proc (see
 * procnet_parse.c). Interface names are looked up here, where ifindex means something;
 * through another process's /proc/PID/net they cannot be, and show as "if#N".
 */
static enum pl_rc
collect_raw(struct pl_collect_ctx *c, const char *procnet_dir, int can_name)
{
	size_t first = c->list.n;
	enum pl_rc rc = pli_procnet_read_raw(procnet_dir, &c->list, c->err);

	for (size_t i = first; rc == PL_OK && i < c->list.n; i++) {
		struct pl_sock *s = &c->list.v[i];
		char name[IF_NAMESIZE];

		if (s->kind != PL_SK_PACKET || s->ifindex == 0)
			continue;
		if (can_name && if_indextoname(s->ifindex, name))
			snprintf(s->ifname, sizeof(s->ifname), "%s", name);
		else
			snprintf(s->ifname, sizeof(s->ifname), "if#%u", s->ifindex);
	}
	return rc;
}

static uint32_t
states_for(const struct pl_sock_query *q, enum pl_proto p)
{
	unsigned what = q->what ? q->what : PL_SQ_LISTEN;

	return p == PL_PROTO_TCP ? pli_sock_tcp_states(what) : pli_sock_udp_states(what);
}

/* Dumps one proto/family; falls back to /proc for the rest of the run on failure. */
static enum pl_rc
collect_one(struct pl_collect_ctx *c, int nlfd, enum pl_proto p, int fam, const char *procdir)
{
	struct pl_err nerr = {0};
	char why[sizeof(nerr.msg) + 64];
	enum pl_rc rc;

	if (nlfd >= 0 && !c->use_proc) {
		rc = pli_sockdiag_dump(nlfd, p, fam, states_for(c->q, p), c->q->port, &c->list,
		                       &nerr);
		if (rc == PL_OK)
			return PL_OK;
		if (rc == PL_ERR_NOMEM)
			return pl_err_set(c->err, rc, "out of memory");
		snprintf(why, sizeof(why), "netlink sock_diag failed for %s/%s (%s)",
		         pl_proto_name(p), fam == AF_INET ? "IPv4" : "IPv6", nerr.msg);
		rc = pl_sockset_note_kind(c->set, PL_SNOTE_READ_INSTEAD, why, procdir);
		if (rc != PL_OK)
			return pl_err_set(c->err, rc, "out of memory");
		c->proc_used = 1;
	}
	c->proc_used = 1;
	return pli_procnet_read(procdir, p, fam, states_for(c->q, p), &c->list, c->err);
}

/*
 * TCP sockets of both families from one dump (netlink.c: the TCPDIAG_GETSOCK request,
 * one walk of the established hash instead of two). PL_ERR_UNSUPPORTED when it cannot
 * be used (no netlink, /proc asked for, or the kernel refused it): the caller then asks
 * per family as before.
 */
static enum pl_rc
collect_tcp_both(struct pl_collect_ctx *c, int nlfd)
{
	struct pl_err nerr = {0};
	enum pl_rc rc;

	if (nlfd < 0 || c->use_proc)
		return PL_ERR_UNSUPPORTED;
	rc = pli_sockdiag_dump(nlfd, PL_PROTO_TCP, AF_UNSPEC, states_for(c->q, PL_PROTO_TCP),
	                       c->q->port, &c->list, &nerr);
	if (rc == PL_ERR_NOMEM)
		return pl_err_set(c->err, rc, "out of memory");
	return rc == PL_OK ? PL_OK : PL_ERR_UNSUPPORTED;
}

enum pl_rc
pli_collect_current_ns(struct pl_collect_ctx *c, uint32_t ns, const char *procnet_dir)
{
	size_t first = c->list.n;
	struct pl_err nerr = {0};
	enum pl_rc rc = PL_OK;
	int nlfd = -1;

	if (!c->use_proc) {
		nlfd = pli_sockdiag_open(&nerr);
		if (nlfd < 0 && pl_sockset_note_kind(c->set, PL_SNOTE_READ_INSTEAD, nerr.msg,
		                                     procnet_dir) != PL_OK)
			return pl_err_set(c->err, PL_ERR_NOMEM, "out of memory");
	}
	for (unsigned p = 0; p < 2 && rc == PL_OK; p++) {
		if (!want_proto(c->q, (enum pl_proto)p))
			continue;
		/* TCP: both families in one walk of the kernel's tables when it can. */
		if (p == PL_PROTO_TCP && (rc = collect_tcp_both(c, nlfd)) != PL_ERR_UNSUPPORTED)
			continue;
		rc = PL_OK;
		for (unsigned f = 0; f < 2 && rc == PL_OK; f++)
			rc = collect_one(c, nlfd, (enum pl_proto)p, families[f], procnet_dir);
	}
	if (rc == PL_OK && c->q->raw && ((c->q->what ? c->q->what : PL_SQ_LISTEN) & PL_SQ_LISTEN))
		rc = collect_raw(c, procnet_dir,
		                 ns == 0 || strcmp(procnet_dir, "/proc/thread-self/net") == 0);
	if (nlfd >= 0)
		close(nlfd);
	for (size_t i = first; i < c->list.n; i++)
		c->list.v[i].netns = ns;
	if (rc == PL_OK)
		pli_mark_ephemeral(&c->list, first, procnet_dir);
	return rc;
}

static int
keep_socket(const struct pl_sock_query *q, const struct pl_sock *s)
{
	unsigned fam = q->families ? q->families : PL_FAM_V4 | PL_FAM_V6;

	/* Packet sockets are neither IPv4 nor IPv6; no raw or packet socket has a port. */
	if (s->kind == PL_SK_PACKET && q->families)
		return 0;
	if (s->kind != PL_SK_INET && q->port >= 0)
		return 0;
	if (s->family == AF_INET && !(fam & PL_FAM_V4))
		return 0;
	if (s->family == AF_INET6 && !(fam & PL_FAM_V6) &&
	    !((fam & PL_FAM_V4) && pl_sock_dual_stack(s)))
		return 0;
	if (q->port >= 0 && s->lport != q->port && s->rport != q->port)
		return 0;
	return 1;
}

static void
filter_basic(struct pl_collect_ctx *c)
{
	size_t kept = 0;

	for (size_t i = 0; i < c->list.n; i++)
		if (keep_socket(c->q, &c->list.v[i]))
			c->list.v[kept++] = c->list.v[i];
	c->list.n = kept;
}

static enum pl_rc
own_netns(struct pl_sockset *set, const char *proc_root)
{
	char path[256];
	struct stat st, init;

	set->netns = calloc(1, sizeof(*set->netns));
	if (!set->netns)
		return PL_ERR_NOMEM;
	set->n_netns = 1;
	snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
	if (stat(path, &st) == 0)
		set->netns[0].ino = st.st_ino;
	snprintf(path, sizeof(path), "%s/1/ns/net", proc_root);
	/* Without access to pid 1's namespace (not root), assume ours is the host's. */
	if (stat(path, &init) != 0 || init.st_ino == st.st_ino)
		snprintf(set->netns[0].label, sizeof(set->netns[0].label), "host");
	else
		snprintf(set->netns[0].label, sizeof(set->netns[0].label), "netns:%llu",
		         (unsigned long long)st.st_ino);
	set->netns[0].pid = (int32_t)getpid();
	return PL_OK;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The sorted inodes of the sockets found, for a scan that keeps only those. */
static enum pl_rc
wanted_inodes(const struct pl_sock_list *l, uint64_t **out, size_t *n_out)
{
	uint64_t *v = malloc((l->n ? l->n : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return PL_ERR_NOMEM;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].inode)
			v[n++] = l->v[i].inode;
	qsort(v, n, sizeof(*v), cmp_u64);
	*out = v;
	*n_out = n;
	return PL_OK;
}

static enum pl_rc
gather(struct pl_collect_ctx *c, const char *proc_root)
{
	char procnet[300];
	enum pl_rc rc;

	snprintf(procnet, sizeof(procnet), "%s/net", proc_root);
	rc = pli_collect_current_ns(c, 0, procnet);
	if (rc == PL_OK && c->q->all_netns)
		rc = pli_collect_other_ns(c, c->set, proc_root, c->err);
	if (rc == PL_OK)
		filter_basic(c);
	if (rc == PL_OK)
		rc = pli_collect_prepare(c);
	return rc;
}

static enum pl_rc
collect_with_owners(struct pl_collect_ctx *c, const char *proc_root, struct pl_owner_map *map)
{
	struct pl_owner_scan scan;
	uint64_t *wanted = NULL;
	size_t n_wanted = 0;
	enum pl_rc rc;

	if (c->q->port < 0 && !c->q->pid) {
		/* Everything is wanted: scan /proc while the kernel dumps. */
		rc = pli_owner_scan_start(proc_root, c->q->threads, c->q->owner_source, NULL, 0,
		                          &scan, c->err);
		if (rc != PL_OK)
			return rc;
		rc = gather(c, proc_root);
		if (rc != PL_OK) {
			struct pl_owner_map discard;

			if (pli_owner_scan_finish(&scan, &discard, NULL) == PL_OK)
				pli_owner_map_cleanup(&discard);
			return rc;
		}
		return pli_owner_scan_finish(&scan, map, c->err);
	}
	rc = gather(c, proc_root);
	if (rc == PL_OK)
		rc = wanted_inodes(&c->list, &wanted, &n_wanted);
	if (rc == PL_OK && n_wanted == 0) {
		map->complete = 1;
	} else if (rc == PL_OK) {
		rc = pli_owner_map_build(proc_root, c->q->threads, c->q->owner_source, wanted,
		                         n_wanted, map, c->err);
	}
	free(wanted);
	return rc;
}

enum pl_rc
pl_sockets_collect(const struct pl_sock_query *q, struct pl_sockset **out, struct pl_err *err)
{
	const char *proc_root = q->proc_root ? q->proc_root : "/proc";
	struct pl_collect_ctx c = {.q = q, .err = err, .use_proc = q->use_proc};
	struct pl_owner_map map = {.complete = 1};
	enum pl_rc rc;

	if (q->protos & ~(PL_PROTO_BIT(PL_PROTO_TCP) | PL_PROTO_BIT(PL_PROTO_UDP)))
		return pl_err_set(err, PL_ERR_ARG, "only tcp and udp sockets can be listed");
	c.set = calloc(1, sizeof(*c.set));
	if (!c.set)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	rc = own_netns(c.set, proc_root);
	if (rc != PL_OK) {
		pl_err_set(err, rc, "out of memory");
		goto out;
	}
	if (q->processes)
		rc = collect_with_owners(&c, proc_root, &map);
	else
		rc = gather(&c, proc_root);
	if (rc != PL_OK)
		goto out;
	/* Raw and packet sockets always come from /proc/net (see procnet_parse.c). */
	if (c.proc_used || (q->raw && !q->protos))
		c.set->source = "/proc/net";
	else if (q->raw)
		c.set->source = "netlink sock_diag; /proc/net for raw and packet sockets";
	else
		c.set->source = "netlink sock_diag";
	rc = pli_collect_finish(&c, proc_root, q->processes ? &map : NULL);
out:
	pli_owner_map_cleanup(&map);
	pl_sock_list_cleanup(&c.list);
	if (rc != PL_OK) {
		pl_sockset_free(c.set);
		return rc;
	}
	*out = c.set;
	return PL_OK;
}
