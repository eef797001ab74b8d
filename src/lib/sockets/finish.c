// SPDX-License-Identifier: MIT
/*
 * finish.c - the second half of a collection: joins sockets to their holders (the
 * owner map, by inode), reads each holder process once, applies the filters that need
 * holders or annotations (--pid, --user, --flagged). Before that, while the owner scan
 * still runs, pl_collect_prepare annotates ports and sorts the rows.
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockets/collect_impl.h"

static int
cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Distinct pids of the map's references that belong to a kept socket. */
static enum pl_rc
distinct_pids(const struct pl_owner_map *map, int32_t **out, size_t *n_out)
{
	int32_t *v = malloc((map->n ? map->n : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return PL_ERR_NOMEM;
	for (size_t i = 0; i < map->n; i++)
		v[n++] = map->refs[i].pid;
	qsort(v, n, sizeof(*v), cmp_i32);
	{
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (k == 0 || v[k - 1] != v[i])
				v[k++] = v[i];
		n = k;
	}
	*out = v;
	*n_out = n;
	return PL_OK;
}

static size_t
pid_index(const int32_t *pids, size_t n, int32_t pid)
{
	const int32_t *p = bsearch(&pid, pids, n, sizeof(*pids), cmp_i32);

	return p ? (size_t)(p - pids) : n;
}

/* Reads the processes that hold a listed socket; renumbers owner_idx to match. */
static enum pl_rc
read_used(struct pl_sockset *set, const char *proc_root, const int32_t *pids, size_t n_pids,
          const uint8_t *used)
{
	uint32_t *remap = malloc((n_pids ? n_pids : 1) * sizeof(*remap));

	if (!remap)
		return PL_ERR_NOMEM;
	for (size_t i = 0; i < n_pids; i++) {
		if (!used[i])
			continue;
		remap[i] = (uint32_t)set->n_procs;
		if (pl_proc_read(proc_root, pids[i], &set->procs[set->n_procs]) != PL_OK) {
			free(remap);
			return PL_ERR_NOMEM;
		}
		set->n_procs++;
	}
	for (size_t i = 0; i < set->n_owner_idx; i++)
		set->owner_idx[i] = remap[set->owner_idx[i]];
	free(remap);
	return PL_OK;
}

/*
 * /proc/net does not say whether an IPv6 socket also accepts IPv4. Ask the socket
 * itself: borrow it from its holder with pidfd_getfd (root, Linux 5.6+) and read
 * IPV6_V6ONLY. Returns PL_V6ONLY_UNKNOWN when that is not possible.
 */
static uint8_t
v6only_of(int32_t pid, int32_t fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int v = 0, sfd;
	socklen_t len = sizeof(v);
	uint8_t r = PL_V6ONLY_UNKNOWN;

	if (pidfd < 0)
		return r;
	sfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (sfd >= 0) {
		if (getsockopt(sfd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len) == 0)
			r = v ? 1 : 0;
		close(sfd);
	}
	close(pidfd);
	return r;
}

/* Fills owners of every socket; reads only the processes that hold a listed socket. */
static enum pl_rc
attach_owners(struct pl_collect_ctx *c, const char *proc_root, const struct pl_owner_map *map)
{
	struct pl_sockset *set = c->set;
	int32_t *pids = NULL;
	size_t n_pids = 0;
	uint8_t *used = NULL;
	enum pl_rc rc = distinct_pids(map, &pids, &n_pids);

	if (rc != PL_OK)
		return rc;
	set->owners_complete = map->complete;
	set->owner_idx = malloc((map->n ? map->n : 1) * sizeof(*set->owner_idx));
	set->procs = calloc(n_pids ? n_pids : 1, sizeof(*set->procs));
	used = calloc(n_pids ? n_pids : 1, 1);
	if (!set->owner_idx || !set->procs || !used) {
		rc = PL_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->list.n; i++) {
		struct pl_sock *s = &c->list.v[i];
		size_t k = s->inode ? pl_owner_map_find(map, s->inode) : map->n;

		s->owners = (uint32_t)set->n_owner_idx;
		for (; k < map->n && map->refs[k].inode == s->inode; k++) {
			size_t pi = pid_index(pids, n_pids, map->refs[k].pid);

			if (s->n_owners && set->owner_idx[set->n_owner_idx - 1] == pi)
				continue; /* the same process holds it through two fds */
			set->owner_idx[set->n_owner_idx++] = (uint32_t)pi;
			s->n_owners++;
			used[pi] = 1;
		}
		if (s->n_owners && s->v6only == PL_V6ONLY_UNKNOWN) {
			k = pl_owner_map_find(map, s->inode);
			s->v6only = v6only_of(map->refs[k].pid, map->refs[k].fd);
		}
		if (s->n_owners)
			s->owner_status = PL_OWNER_FOUND;
		else if (s->inode && !map->complete)
			s->owner_status = PL_OWNER_HIDDEN;
		else
			s->owner_status = PL_OWNER_KERNEL;
	}
	rc = read_used(set, proc_root, pids, n_pids, used);
out:
	free(used);
	free(pids);
	return rc;
}

static int
keep_owned(const struct pl_sockset *set, const struct pl_sock_query *q, const struct pl_sock *s)
{
	int pid_ok = q->pid == 0, uid_ok = q->uid < 0 || s->uid == (uint64_t)q->uid;

	for (uint32_t k = 0; k < s->n_owners; k++) {
		const struct pl_proc *p = pl_sock_owner(set, s, k);

		if (p->pid == q->pid)
			pid_ok = 1;
		if (q->uid >= 0 && p->uid == (uint64_t)q->uid)
			uid_ok = 1;
	}
	if (q->flagged_only && !s->flags)
		return 0;
	return pid_ok && uid_ok;
}

static int
cmp_sock(const void *a, const void *b)
{
	const struct pl_sock *x = a, *y = b;
	int c;

	if (x->netns != y->netns)
		return x->netns < y->netns ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->lport != y->lport)
		return x->lport < y->lport ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = memcmp(x->local, y->local, 16);
	if (c)
		return c;
	if (x->rport != y->rport)
		return x->rport < y->rport ? -1 : 1;
	c = memcmp(x->remote, y->remote, 16);
	if (c)
		return c;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

/* A socket's sort position packed into 64 bits: namespace, transport, local port, family,
 * first 4 address bytes. Equal keys fall back to cmp_sock. */
struct sort_key {
	uint64_t key;
	const struct pl_sock *s;
};

static int
cmp_key(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return cmp_sock(x->s, y->s);
}

/*
 * Sorts by key and index rather than moving 120-byte records through qsort: at 100,000
 * sockets the record sort was one of the larger costs of `portlens listen`.
 */
static enum pl_rc
sort_list(struct pl_sock_list *l)
{
	size_t n = l->n;
	struct sort_key *keys = malloc((n ? n : 1) * sizeof(*keys));
	struct pl_sock *sorted = malloc((n ? n : 1) * sizeof(*sorted));

	if (!keys || !sorted) {
		free(keys);
		free(sorted);
		return PL_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pl_sock *s = &l->v[i];

		keys[i].key = (uint64_t)(s->netns & 0x3ff) << 54 | (uint64_t)(s->proto & 1) << 53 |
		              (uint64_t)s->lport << 37 | (uint64_t)(s->family == AF_INET6) << 36 |
		              (uint64_t)s->local[0] << 24 | (uint64_t)s->local[1] << 16 |
		              (uint64_t)s->local[2] << 8 | s->local[3];
		keys[i].s = s;
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 0; i < n; i++)
		sorted[i] = *keys[i].s;
	free(keys);
	free(l->v);
	l->v = sorted;
	l->cap = n ? n : 1;
	return PL_OK;
}

enum pl_rc
pl_collect_prepare(struct pl_collect_ctx *c)
{
	const struct pl_sock_query *q = c->q;
	enum pl_rc rc;

	if (q->annotate || q->flagged_only) {
		const struct pl_registry *reg = q->reg ? q->reg : pl_registry_builtin();
		const struct pl_kb *kb = q->kb ? q->kb : pl_kb_builtin();

		for (size_t i = 0; i < c->list.n; i++)
			pl_annotate_ports(&c->list.v[i], reg, kb);
	}
	rc = sort_list(&c->list);
	if (rc != PL_OK)
		return pl_err_set(c->err, rc, "out of memory sorting sockets");
	return PL_OK;
}

enum pl_rc
pl_collect_finish(struct pl_collect_ctx *c, const char *proc_root, const struct pl_owner_map *map)
{
	const struct pl_sock_query *q = c->q;
	struct pl_sockset *set = c->set;
	size_t kept = 0;
	enum pl_rc rc;

	if (map) {
		rc = attach_owners(c, proc_root, map);
		if (rc != PL_OK)
			return pl_err_set(c->err, rc, "out of memory reading processes");
	} else {
		for (size_t i = 0; i < c->list.n; i++)
			c->list.v[i].owner_status = PL_OWNER_NOT_LOOKED;
	}
	set->socks = c->list.v;
	set->n_socks = c->list.n;
	c->list.v = NULL;
	c->list.n = c->list.cap = 0;
	/* Ports were annotated and rows sorted by pl_collect_prepare; filtering keeps the
	 * order. */
	for (size_t i = 0; i < set->n_socks; i++) {
		if (q->annotate || q->flagged_only)
			pl_annotate_holders(set, &set->socks[i]);
		if (keep_owned(set, q, &set->socks[i]))
			set->socks[kept++] = set->socks[i];
	}
	set->n_socks = kept;
	if (map && !map->complete &&
	    pl_sockset_note(set, "%s",
	                    geteuid() != 0 ? "some processes belong to other users, so their "
	                                     "sockets show no process; run as root to see them all"
	                                   : "some processes could not be inspected even as root "
	                                     "(security module, hidepid, or another PID "
	                                     "namespace's init); their sockets show no "
	                                     "process") != PL_OK)
		return pl_err_set(c->err, PL_ERR_NOMEM, "out of memory");
	return PL_OK;
}
