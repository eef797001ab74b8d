// SPDX-License-Identifier: MIT
/*
 * finish.c - the second half of a collection: joins sockets to their holders (the
 * owner map, by inode), reads each holder process once, applies the filters that need
 * holders or annotations (--pid, --user, --flagged). Before that, while the owner scan
 * still runs, pli_collect_prepare annotates ports and sorts the rows.
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

/*
 * An open-addressing hash table from a nonzero 64-bit key (socket inode, pid + 1) to a
 * 32-bit value, sized for n keys at most half full. Joining 100,000 sockets to their
 * holders through it is linear; sorting the references and searching them was not.
 */
struct u64map {
	uint64_t *keys; /* 0: empty slot */
	uint32_t *vals;
	size_t mask;
};

static enum pl_rc
u64map_init(struct u64map *m, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	m->keys = calloc(size, sizeof(*m->keys));
	m->vals = malloc(size * sizeof(*m->vals));
	m->mask = size - 1;
	return m->keys && m->vals ? PL_OK : PL_ERR_NOMEM;
}

static void
u64map_cleanup(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t
u64map_slot(const struct u64map *m, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & m->mask;

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & m->mask;
	return i;
}

/* Where the references of each socket go (a counting sort by socket). */
struct owner_join {
	struct u64map by_inode; /* inode -> first socket with it */
	uint32_t *next_same;    /* next socket with the same inode, or UINT32_MAX */
	size_t *start;          /* socket i's references: slots[start[i] .. start[i + 1]) */
	struct pl_owner_ref *slots;
	struct u64map by_pid; /* pid + 1 -> index into procs */
};

static enum pl_rc
join_index(struct owner_join *j, const struct pl_sock_list *l)
{
	enum pl_rc rc = u64map_init(&j->by_inode, l->n);

	j->next_same = malloc((l->n ? l->n : 1) * sizeof(*j->next_same));
	j->start = calloc(l->n + 2, sizeof(*j->start));
	if (rc != PL_OK || !j->next_same || !j->start)
		return PL_ERR_NOMEM;
	/* Backwards, so each chain lists its sockets in list order. */
	for (size_t i = l->n; i-- > 0;) {
		size_t k;

		j->next_same[i] = UINT32_MAX;
		if (!l->v[i].inode)
			continue;
		k = u64map_slot(&j->by_inode, l->v[i].inode);
		if (j->by_inode.keys[k])
			j->next_same[i] = j->by_inode.vals[k];
		j->by_inode.keys[k] = l->v[i].inode;
		j->by_inode.vals[k] = (uint32_t)i;
	}
	return PL_OK;
}

/* First socket holding inode, or UINT32_MAX. */
static uint32_t
join_first(const struct owner_join *j, uint64_t inode)
{
	size_t k = u64map_slot(&j->by_inode, inode);

	return j->by_inode.keys[k] ? j->by_inode.vals[k] : UINT32_MAX;
}

/* Places every reference to a listed socket under that socket (counting sort). */
static enum pl_rc
join_place(struct owner_join *j, const struct pl_sock_list *l, const struct pl_owner_map *map)
{
	size_t total = 0;

	for (size_t r = 0; r < map->n; r++)
		for (uint32_t i = join_first(j, map->refs[r].inode); i != UINT32_MAX;
		     i = j->next_same[i])
			j->start[i + 2]++;
	for (size_t i = 0; i < l->n; i++) {
		total += j->start[i + 2];
		j->start[i + 2] = total;
	}
	j->slots = malloc((total ? total : 1) * sizeof(*j->slots));
	if (!j->slots)
		return PL_ERR_NOMEM;
	/* start[i + 1] is the fill position of socket i; afterwards, its end. */
	for (size_t r = 0; r < map->n; r++)
		for (uint32_t i = join_first(j, map->refs[r].inode); i != UINT32_MAX;
		     i = j->next_same[i])
			j->slots[j->start[i + 1]++] = map->refs[r];
	/* Holders by pid (insertion sort: a socket has one holder or a few). */
	for (size_t i = 0; i < l->n; i++) {
		for (size_t a = j->start[i] + 1; a < j->start[i + 1]; a++) {
			struct pl_owner_ref ref = j->slots[a];
			size_t b = a;

			for (; b > j->start[i] && j->slots[b - 1].pid > ref.pid; b--)
				j->slots[b] = j->slots[b - 1];
			j->slots[b] = ref;
		}
	}
	return PL_OK;
}

/* Numbers the distinct holders by ascending pid into procs (read from /proc). */
static enum pl_rc
join_procs(struct owner_join *j, struct pl_sockset *set, const char *proc_root, size_t total)
{
	int32_t *pids = malloc((total ? total : 1) * sizeof(*pids));
	size_t n = 0;
	enum pl_rc rc = pids ? u64map_init(&j->by_pid, total) : PL_ERR_NOMEM;

	for (size_t r = 0; rc == PL_OK && r < total; r++) {
		size_t k = u64map_slot(&j->by_pid, (uint64_t)(uint32_t)j->slots[r].pid + 1);

		if (!j->by_pid.keys[k]) {
			j->by_pid.keys[k] = (uint64_t)(uint32_t)j->slots[r].pid + 1;
			pids[n++] = j->slots[r].pid;
		}
	}
	if (rc == PL_OK) {
		qsort(pids, n, sizeof(*pids), cmp_i32);
		set->procs = calloc(n ? n : 1, sizeof(*set->procs));
		if (!set->procs)
			rc = PL_ERR_NOMEM;
	}
	for (size_t i = 0; rc == PL_OK && i < n; i++) {
		j->by_pid.vals[u64map_slot(&j->by_pid, (uint64_t)(uint32_t)pids[i] + 1)] =
		    (uint32_t)i;
		rc = pli_proc_read(proc_root, pids[i], &set->procs[i]);
		if (rc == PL_OK)
			set->n_procs++;
	}
	free(pids);
	return rc;
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
	struct owner_join j = {0};
	enum pl_rc rc = join_index(&j, &c->list);

	if (rc == PL_OK)
		rc = join_place(&j, &c->list, map);
	if (rc == PL_OK)
		rc = join_procs(&j, set, proc_root, j.start[c->list.n]);
	set->owners_complete = map->complete;
	set->owners_source = map->source;
	if (rc == PL_OK) {
		set->owner_idx =
		    malloc((j.start[c->list.n] ? j.start[c->list.n] : 1) * sizeof(*set->owner_idx));
		if (!set->owner_idx)
			rc = PL_ERR_NOMEM;
	}
	for (size_t i = 0; rc == PL_OK && i < c->list.n; i++) {
		struct pl_sock *s = &c->list.v[i];

		s->owners = (uint32_t)set->n_owner_idx;
		for (size_t k = j.start[i]; k < j.start[i + 1]; k++) {
			if (k > j.start[i] && j.slots[k - 1].pid == j.slots[k].pid)
				continue; /* the same process holds it through two fds */
			set->owner_idx[set->n_owner_idx++] = j.by_pid.vals[u64map_slot(
			    &j.by_pid, (uint64_t)(uint32_t)j.slots[k].pid + 1)];
			s->n_owners++;
		}
		if (s->n_owners && s->v6only == PL_V6ONLY_UNKNOWN)
			s->v6only = v6only_of(j.slots[j.start[i]].pid, j.slots[j.start[i]].fd);
		if (s->n_owners)
			s->owner_status = PL_OWNER_FOUND;
		else if (s->inode && !map->complete)
			s->owner_status = PL_OWNER_HIDDEN;
		else
			s->owner_status = PL_OWNER_KERNEL;
	}
	u64map_cleanup(&j.by_inode);
	u64map_cleanup(&j.by_pid);
	free(j.next_same);
	free(j.start);
	free(j.slots);
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
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
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

/* A socket's sort position packed into 64 bits: namespace, kind (TCP/UDP first, then raw,
 * then packet), transport, local port, family, first 4 address bytes. Equal keys fall
 * back to cmp_sock. */
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

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

/*
 * Sorts keys by key: LSD radix sort, 11 bits a pass, skipping passes in which every key
 * has the same digit (namespace, transport and family rarely vary, so a listing of
 * tens of thousands of listeners takes two or three passes), then each run of equal
 * keys by cmp_sock. tmp has room for n keys. Returns the sorted array (keys or tmp).
 */
static struct sort_key *
radix_sort(struct sort_key *keys, struct sort_key *tmp, size_t n)
{
	size_t count[RADIX_SIZE];

	for (unsigned shift = 0; shift < 64; shift += RADIX_BITS) {
		size_t pos = 0;
		int constant = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(keys[i].key >> shift) & (RADIX_SIZE - 1)]++;
		for (size_t d = 0; d < RADIX_SIZE && !constant; d++)
			constant = count[d] == n;
		if (constant)
			continue;
		for (size_t d = 0; d < RADIX_SIZE; d++) {
			size_t c = count[d];

			count[d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(keys[i].key >> shift) & (RADIX_SIZE - 1)]++] = keys[i];
		{
			struct sort_key *swap = keys;

			keys = tmp;
			tmp = swap;
		}
	}
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && keys[j].key == keys[i].key;)
			j++;
		if (j - i > 1)
			qsort(keys + i, j - i, sizeof(*keys), cmp_key);
	}
	return keys;
}

/*
 * Sorts by key and index rather than moving 120-byte records through qsort: at 100,000
 * sockets the record sort was one of the larger costs of `portlens listen`.
 */
static enum pl_rc
sort_list(struct pl_sock_list *l)
{
	size_t n = l->n;
	struct sort_key *keys = malloc((n ? n : 1) * sizeof(*keys)), *order;
	struct sort_key *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	struct pl_sock *sorted = malloc((n ? n : 1) * sizeof(*sorted));

	if (!keys || !tmp || !sorted) {
		free(keys);
		free(tmp);
		free(sorted);
		return PL_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pl_sock *s = &l->v[i];

		keys[i].key = (uint64_t)(s->netns & 0x3ff) << 54 | (uint64_t)(s->kind & 3) << 52 |
		              (uint64_t)(s->proto & 1) << 51 | (uint64_t)s->lport << 35 |
		              (uint64_t)(s->family == AF_INET6) << 34 |
		              (uint64_t)s->local[0] << 24 | (uint64_t)s->local[1] << 16 |
		              (uint64_t)s->local[2] << 8 | s->local[3];
		keys[i].s = s;
	}
	order = radix_sort(keys, tmp, n);
	for (size_t i = 0; i < n; i++)
		sorted[i] = *order[i].s;
	free(keys);
	free(tmp);
	free(l->v);
	l->v = sorted;
	l->cap = n ? n : 1;
	return PL_OK;
}

enum pl_rc
pli_collect_prepare(struct pl_collect_ctx *c)
{
	const struct pl_sock_query *q = c->q;
	enum pl_rc rc;

	if (q->annotate || q->flagged_only) {
		const struct pl_registry *reg = q->reg ? q->reg : pl_registry_builtin();
		const struct pl_kb *kb = q->kb ? q->kb : pl_kb_builtin();

		for (size_t i = 0; i < c->list.n; i++)
			pli_annotate_ports(&c->list.v[i], reg, kb);
	}
	rc = sort_list(&c->list);
	if (rc != PL_OK)
		return pl_err_set(c->err, rc, "out of memory sorting sockets");
	return PL_OK;
}

static int
any_hidden(const struct pl_sockset *set)
{
	for (size_t i = 0; i < set->n_socks; i++)
		if (set->socks[i].owner_status == PL_OWNER_HIDDEN)
			return 1;
	return 0;
}

enum pl_rc
pli_collect_finish(struct pl_collect_ctx *c, const char *proc_root, const struct pl_owner_map *map)
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
	/* Ports were annotated and rows sorted by pli_collect_prepare; filtering keeps the
	 * order. */
	for (size_t i = 0; i < set->n_socks; i++) {
		if (q->annotate || q->flagged_only)
			pli_annotate_holders(set, &set->socks[i]);
		if (keep_owned(set, q, &set->socks[i]))
			set->socks[kept++] = set->socks[i];
	}
	set->n_socks = kept;
	if (map && map->note[0] &&
	    pl_sockset_note_kind(set, PL_SNOTE_READ_INSTEAD, map->note, "/proc/PID/fd") != PL_OK)
		return pl_err_set(c->err, PL_ERR_NOMEM, "out of memory");
	/* Processes that could not be read matter only when a socket shown has no owner
	 * because of them; otherwise the note would contradict every row above it. */
	if (map && !map->complete && any_hidden(set) &&
	    pl_sockset_note_kind(set,
	                         geteuid() != 0 ? PL_SNOTE_HIDDEN_OTHERS : PL_SNOTE_HIDDEN_ROOT,
	                         NULL, NULL) != PL_OK)
		return pl_err_set(c->err, PL_ERR_NOMEM, "out of memory");
	return PL_OK;
}
