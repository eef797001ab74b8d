// SPDX-License-Identifier: MIT
/*
 * netns.c - --all-netns: finds every network namespace on the machine and collects
 * the sockets inside each.
 *
 * Namespaces are found two ways: names under /run/netns (ip netns add), and the
 * namespace of every process (/proc/PID/ns/net), which covers containers. A namespace
 * is identified by its inode. To read one, a short-lived thread calls setns() on
 * itself (network namespaces are per thread), then opens its netlink socket there or
 * reads /proc/thread-self/net; the rest of the process never changes namespace.
 * Without CAP_SYS_ADMIN setns fails; then a namespace with a process we may inspect is
 * still read through /proc/PID/net, and one without is reported in the set's notes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "sockets/collect_impl.h"
#include "core/array.h"

#define RUN_NETNS "/run/netns"

struct ns_found {
	uint64_t ino;
	int32_t pid;    /* 0 when known only by name */
	char name[256]; /* /run/netns name, or "" */
};

struct ns_list {
	struct ns_found *v;
	size_t n, cap;
};

struct ns_job {
	struct pl_collect_ctx *c;
	const char *path; /* namespace file to setns() */
	uint32_t index;
	enum pl_rc rc;
	int sys_errno; /* setns failure */
};

static struct ns_found *
ns_find_or_add(struct ns_list *l, uint64_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ino == ino)
			return &l->v[i];
	if (PLI_ARRAY_RESERVE(l->v, l->cap, l->n + 1, 16) != PL_OK)
		return NULL;
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].ino = ino;
	return &l->v[l->n++];
}

/*
 * Every network namespace other than ours (inode own) that dirpath's entries lead to:
 * by name, the files of /run/netns; by_pid, /proc/PID/ns/net of each process, the first
 * PID of a namespace kept to enter it through.
 */
static enum pl_rc
find_in(struct ns_list *l, uint64_t own, const char *dirpath, int by_pid)
{
	char path[600];
	struct dirent *d;
	DIR *dir = opendir(dirpath);
	enum pl_rc rc = PL_OK;

	if (!dir)
		return PL_OK;
	while (rc == PL_OK && (d = readdir(dir)) != NULL) {
		struct ns_found *f;
		struct stat st;
		char *end = NULL;
		long pid = by_pid ? strtol(d->d_name, &end, 10) : 0;

		if (by_pid ? (*end || pid <= 0) : d->d_name[0] == '.')
			continue;
		if (by_pid)
			snprintf(path, sizeof(path), "%s/%ld/ns/net", dirpath, pid);
		else
			snprintf(path, sizeof(path), "%s/%s", dirpath, d->d_name);
		if (stat(path, &st) != 0 || (uint64_t)st.st_ino == own)
			continue;
		f = ns_find_or_add(l, st.st_ino);
		if (!f)
			rc = PL_ERR_NOMEM;
		else if (!by_pid)
			snprintf(f->name, sizeof(f->name), "%s", d->d_name);
		else if (!f->pid)
			f->pid = (int32_t)pid;
	}
	closedir(dir);
	return rc;
}

static void *
ns_thread(void *arg)
{
	struct ns_job *j = arg;
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
		j->sys_errno = errno;
		j->rc = PL_ERR_PERM;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	j->rc = pli_collect_current_ns(j->c, j->index, "/proc/thread-self/net");
	return NULL;
}

/* Appends one namespace; set->netns has room (pli_collect_other_ns sized it once). */
static enum pl_rc
add_netns(struct pl_sockset *set, const struct ns_found *f, const char *proc_root)
{
	struct pl_netns *n = &set->netns[set->n_netns++];

	memset(n, 0, sizeof(*n));
	n->ino = f->ino;
	n->pid = f->pid;
	if (f->name[0])
		snprintf(n->label, sizeof(n->label), "%.63s", f->name);
	else
		snprintf(n->label, sizeof(n->label), "netns:%llu", (unsigned long long)f->ino);
	if (f->pid) {
		struct pl_proc p;

		if (pli_proc_read(proc_root, f->pid, &p) != PL_OK)
			return PL_ERR_NOMEM;
		n->container = p.container;
		p.container = NULL;
		pli_proc_cleanup(&p);
	}
	return PL_OK;
}

/* Collects one namespace; falls back to /proc/PID/net when it cannot be entered. */
static enum pl_rc
collect_ns(struct pl_collect_ctx *c, const struct ns_found *f, uint32_t index,
           const char *proc_root)
{
	char path[600], procnet[600];
	struct ns_job job = {.c = c, .path = path, .index = index};
	pthread_t tid;

	if (f->name[0])
		snprintf(path, sizeof(path), RUN_NETNS "/%s", f->name);
	else
		snprintf(path, sizeof(path), "%s/%d/ns/net", proc_root, (int)f->pid);
	if (pthread_create(&tid, NULL, ns_thread, &job) != 0)
		return pl_err_set(c->err, PL_ERR_SYS, "cannot start a thread");
	pthread_join(tid, NULL);
	if (job.rc != PL_ERR_PERM)
		return job.rc;
	if (f->pid) {
		int saved = c->use_proc;
		enum pl_rc rc;

		snprintf(procnet, sizeof(procnet), "%s/%d/net", proc_root, (int)f->pid);
		c->use_proc = 1;
		rc = pli_collect_current_ns(c, index, procnet);
		c->use_proc = saved;
		if (rc == PL_OK || rc == PL_ERR_NOMEM)
			return rc;
	}
	if (pl_sockset_note_kind(c->set, PL_SNOTE_NETNS, c->set->netns[index].label,
	                         strerror(job.sys_errno)) != PL_OK)
		return pl_err_set(c->err, PL_ERR_NOMEM, "out of memory");
	return PL_OK;
}

enum pl_rc
pli_collect_other_ns(struct pl_collect_ctx *c, struct pl_sockset *set, const char *proc_root,
                     struct pl_err *err)
{
	struct ns_list l = {0};
	uint64_t own = set->netns[0].ino;
	enum pl_rc rc;

	rc = find_in(&l, own, RUN_NETNS, 0);
	if (rc == PL_OK)
		rc = find_in(&l, own, proc_root, 1);
	if (rc == PL_OK && l.n) { /* room for all of them at once */
		struct pl_netns *v = realloc(set->netns, (set->n_netns + l.n) * sizeof(*v));

		if (v)
			set->netns = v;
		else
			rc = PL_ERR_NOMEM;
	}
	for (size_t i = 0; i < l.n && rc == PL_OK; i++) {
		rc = add_netns(set, &l.v[i], proc_root);
		if (rc == PL_OK)
			rc = collect_ns(c, &l.v[i], (uint32_t)(set->n_netns - 1), proc_root);
	}
	if (rc == PL_ERR_NOMEM)
		pl_err_set(err, rc, "out of memory");
	free(l.v);
	return rc;
}
