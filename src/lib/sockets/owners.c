// SPDX-License-Identifier: MIT
/*
 * owners.c - which processes hold which sockets: the inode -> pid map built from the
 * links in /proc/PID/fd ("socket:[12345]"), and the per-process facts shown next to a
 * socket (comm, command line, user, cgroup).
 *
 * The scan is the expensive part of `portlens listen` (one readlink per open file on
 * the machine), so it runs on background threads while the caller dumps sockets over
 * netlink; when the caller finishes, it joins in. Threads take the next process from
 * a shared atomic counter, so a process with many fds does not leave others idle.
 * Each reads a process's fds with readlinkat relative to its open fd directory. On
 * procfs the directory's size is its number of open fds (Linux 6.2+), so the fds are
 * read by number 0, 1, 2, ... until that many were found; getdents64 lists only what
 * is left after holes in the numbering (listing costs the kernel a dentry per fd:
 * about a third of the scan when every fd was listed).
 * Results are merged unsorted: finish.c joins them to the sockets through a hash
 * table. When the caller wants only a few inodes (the port page), the scan keeps only
 * those.
 * As root on a busy machine the kernel's task_file iterator (owners_bpf.c) does the
 * same work several times faster; pli_owner_scan_start picks one or the other, and the
 * iterator's result is completed here with any process it did not show.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sockets/sockets_impl.h"
#include "core/array.h"
#include "core/cpus.h"
#include "core/strnum.h"

#define DENTS_BUF (32u * 1024u)

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int
parse_pid(const char *s, int32_t *pid)
{
	int64_t v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0x7fffffff / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	*pid = (int32_t)v;
	return v > 0;
}

int
pli_owner_wanted(const uint64_t *wanted, size_t n_wanted, uint64_t ino)
{
	size_t lo = 0, hi = n_wanted;

	if (!wanted)
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (wanted[mid] < ino)
			lo = mid + 1;
		else if (wanted[mid] > ino)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

static void
add_ref(struct pl_owner_job *j, uint64_t ino, int32_t pid, int32_t fd)
{
	if (!pli_owner_wanted(j->wanted, j->n_wanted, ino))
		return;
	if (PLI_ARRAY_RESERVE(j->refs, j->cap, j->n + 1, 1024) != PL_OK) {
		j->nomem = 1;
		return;
	}
	j->refs[j->n++] = (struct pl_owner_ref){.inode = ino, .pid = pid, .fd = fd};
}

/* "socket:[123]" -> 123; 0 for anything else. */
static uint64_t
socket_inode(const char *l, ssize_t n)
{
	uint64_t v = 0;

	if (n < 10 || memcmp(l, "socket:[", 8) != 0 || l[n - 1] != ']')
		return 0;
	for (ssize_t i = 8; i < n - 1; i++) {
		if (l[i] < '0' || l[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(l[i] - '0');
	}
	return v;
}

static int32_t
fd_number(const char *s)
{
	int32_t v = 0;

	for (; *s >= '0' && *s <= '9' && v < 0x7fffffff / 10; s++)
		v = v * 10 + (*s - '0');
	return v;
}

/* Reads the link of fd name (its number is num) in the fd directory dirfd and records a
 * socket. Returns 1 when the fd exists, 0 when it does not (closed meanwhile). */
static int
read_fd_link(struct pl_owner_job *j, int dirfd, const char *name, int32_t pid, int32_t num)
{
	char link[48];
	ssize_t n = readlinkat(dirfd, name, link, sizeof(link));
	uint64_t ino;

	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		/* A readable directory with unreadable links (LSM, hidepid, another PID
		 * namespace's init) hides its sockets as surely as a closed one. */
		if (errno == EACCES || errno == EPERM)
			j->incomplete = 1;
		return 1;
	}
	ino = socket_inode(link, n);
	if (ino)
		add_ref(j, ino, pid, num);
	return 1;
}

/*
 * Reads fds 0, 1, 2, ... by number while they are dense: the directory's size (Linux
 * 6.2+) is its number of open fds, so when the numbers have no holes no getdents64 is
 * needed at all (listing /proc/PID/fd costs the kernel a dentry per fd, about a third
 * of the scan). Gives up after a few holes; returns the first number not yet read.
 */
static int32_t
probe_dense(struct pl_owner_job *j, int dirfd, int32_t pid, int64_t open_fds)
{
	int64_t found = 0, holes = 0, max_holes = 2 + open_fds / 16;
	int32_t num = 0;

	for (; found < open_fds && holes <= max_holes && num < 0x7fffffff; num++) {
		char name[PLI_U64_DIGITS + 1], *end = name + sizeof(name) - 1;

		*end = '\0';
		end = pli_u64_digits((uint64_t)num, end);
		if (read_fd_link(j, dirfd, end, pid, num))
			found++;
		else
			holes++;
	}
	return found < open_fds ? num : -1;
}

static void
scan_pid(struct pl_owner_job *j, int32_t pid, char *dents)
{
	char path[32];
	struct stat st;
	int32_t from = 0;
	long nr;
	int fd;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	fd = openat(j->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			j->incomplete = 1;
		return;
	}
	if (j->procfs && fstat(fd, &st) == 0 && st.st_size > 0) {
		from = probe_dense(j, fd, pid, st.st_size);
		/* The rest by listing, from the first fd not read (offset = fd + 2). */
		if (from > 0)
			lseek(fd, (off_t)from + 2, SEEK_SET);
	}
	while (from >= 0 && (nr = syscall(SYS_getdents64, fd, dents, DENTS_BUF)) > 0) {
		for (long off = 0; off < nr;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
			int32_t num;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			num = fd_number(d->d_name);
			if (num >= from)
				read_fd_link(j, fd, d->d_name, pid, num);
		}
	}
	close(fd);
}

static void *
scan_thread(void *arg)
{
	struct pl_owner_job *j = arg;
	char *dents = malloc(DENTS_BUF);

	if (!dents) {
		j->nomem = 1;
		return NULL;
	}
	for (;;) {
		size_t i = atomic_fetch_add(j->next, 1);

		if (i >= j->n_pids || j->nomem)
			break;
		scan_pid(j, j->pids[i], dents);
	}
	free(dents);
	return NULL;
}

static enum pl_rc
list_pids(int procfd, int32_t **pids_out, size_t *n_out)
{
	char *dents = malloc(DENTS_BUF);
	int32_t *pids = NULL;
	size_t n = 0, cap = 0;
	long nr;
	int fd = dup(procfd);

	if (!dents || fd < 0) {
		free(dents);
		if (fd >= 0)
			close(fd);
		return dents ? PL_ERR_SYS : PL_ERR_NOMEM;
	}
	lseek(fd, 0, SEEK_SET);
	while ((nr = syscall(SYS_getdents64, fd, dents, DENTS_BUF)) > 0) {
		for (long off = 0; off < nr;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
			int32_t pid;

			off += d->d_reclen;
			if (!parse_pid(d->d_name, &pid))
				continue;
			if (PLI_ARRAY_RESERVE(pids, cap, n + 1, 1024) != PL_OK) {
				free(pids);
				free(dents);
				close(fd);
				return PL_ERR_NOMEM;
			}
			pids[n++] = pid;
		}
	}
	free(dents);
	close(fd);
	*pids_out = pids;
	*n_out = n;
	return PL_OK;
}

static unsigned
pick_threads(unsigned threads, size_t n_pids)
{
	if (threads == 0)
		threads = pli_usable_cpus();
	if (threads > PL_OWNER_MAX_THREADS)
		threads = PL_OWNER_MAX_THREADS;
	if (n_pids < 64)
		threads = 1;
	return threads;
}

static enum pl_rc
merge_jobs(struct pl_owner_job *jobs, unsigned nt, struct pl_owner_map *map)
{
	size_t total = 0;

	for (unsigned t = 0; t < nt; t++) {
		if (jobs[t].nomem)
			return PL_ERR_NOMEM;
		total += jobs[t].n;
		if (jobs[t].incomplete)
			map->complete = 0;
	}
	map->refs = malloc((total ? total : 1) * sizeof(*map->refs));
	if (!map->refs)
		return PL_ERR_NOMEM;
	for (unsigned t = 0; t < nt; t++) {
		if (jobs[t].n)
			memcpy(map->refs + map->n, jobs[t].refs, jobs[t].n * sizeof(*map->refs));
		map->n += jobs[t].n;
	}
	return PL_OK;
}

static enum pl_rc
procfs_scan_start(const char *proc_root, unsigned threads, const uint64_t *wanted, size_t n_wanted,
                  struct pl_owner_scan *scan, struct pl_err *err)
{
	struct pl_owner_job *jobs = scan->jobs;
	struct statfs fs;
	enum pl_rc rc;
	int procfs;

	scan->procfd = open(proc_root ? proc_root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (scan->procfd < 0)
		return pl_err_set(err, PL_ERR_IO, "cannot open /proc: %s", strerror(errno));
	rc = list_pids(scan->procfd, &scan->pids, &scan->n_pids);
	if (rc != PL_OK) {
		close(scan->procfd);
		scan->procfd = -1;
		return pl_err_set(err, rc, "cannot list processes");
	}
	/* Only procfs gives a directory's number of fds as its size (not a test's tree). */
	procfs = fstatfs(scan->procfd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
	scan->nt = pick_threads(threads, scan->n_pids);
	atomic_init(&scan->next, 0);
	for (unsigned t = 0; t <= scan->nt; t++) {
		jobs[t] = (struct pl_owner_job){.procfd = scan->procfd,
		                                .pids = scan->pids,
		                                .n_pids = scan->n_pids,
		                                .next = &scan->next,
		                                .wanted = wanted,
		                                .n_wanted = n_wanted,
		                                .procfs = procfs};
		/* Job nt is the caller's, run in finish; with one thread only it runs. */
		if (t < scan->nt && scan->nt > 1 &&
		    pthread_create(&scan->tids[t], NULL, scan_thread, &jobs[t]) == 0)
			scan->started |= 1u << t;
	}
	return PL_OK;
}

static enum pl_rc
procfs_scan_finish(struct pl_owner_scan *scan, struct pl_owner_map *map, struct pl_err *err)
{
	struct pl_owner_job *jobs = scan->jobs;
	enum pl_rc rc;

	memset(map, 0, sizeof(*map));
	map->complete = 1;
	map->source = "/proc/PID/fd";
	/* The caller helps with whatever is left, then waits for the threads. */
	scan_thread(&jobs[scan->nt]);
	for (unsigned t = 0; t < scan->nt; t++)
		if (scan->started & (1u << t))
			pthread_join(scan->tids[t], NULL);
	rc = merge_jobs(jobs, scan->nt + 1, map);
	for (unsigned t = 0; t <= scan->nt; t++)
		free(jobs[t].refs);
	free(scan->pids);
	close(scan->procfd);
	scan->pids = NULL;
	scan->procfd = -1;
	if (rc != PL_OK) {
		pli_owner_map_cleanup(map);
		return pl_err_set(err, rc, "out of memory mapping sockets to processes");
	}
	return PL_OK;
}

static int
pid_seen(const int32_t *seen, size_t n, int32_t pid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (seen[mid] == pid)
			return 1;
		if (seen[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Reads from /proc the processes the kernel iterator did not show: those with no open
 * file (kernel threads: an empty directory, cheap), those started after it, and any
 * the kernel chose to skip. So the iterator can only add holders to what /proc shows,
 * never hide one; a process /proc cannot read either marks the map incomplete.
 */
static enum pl_rc
read_unseen(struct pl_owner_scan *scan, const int32_t *seen, size_t n_seen)
{
	struct pl_owner_map *map = &scan->bpf_map;
	struct pl_owner_job job;
	_Atomic size_t next;
	int32_t *pids = NULL;
	size_t n_pids = 0, n_unseen = 0;
	enum pl_rc rc;
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (procfd < 0)
		return PL_ERR_IO;
	rc = list_pids(procfd, &pids, &n_pids);
	if (rc != PL_OK)
		goto out;
	for (size_t i = 0; i < n_pids; i++)
		if (!pid_seen(seen, n_seen, pids[i]))
			pids[n_unseen++] = pids[i];
	atomic_init(&next, 0);
	job = (struct pl_owner_job){.procfd = procfd,
	                            .pids = pids,
	                            .n_pids = n_unseen,
	                            .next = &next,
	                            .wanted = scan->wanted,
	                            .n_wanted = scan->n_wanted,
	                            .procfs = 1};
	scan_thread(&job);
	if (job.nomem) {
		rc = PL_ERR_NOMEM;
	} else if (job.n) {
		struct pl_owner_ref *r = realloc(map->refs, (map->n + job.n) * sizeof(*r));

		if (!r) {
			rc = PL_ERR_NOMEM;
		} else {
			memcpy(r + map->n, job.refs, job.n * sizeof(*r));
			map->refs = r;
			map->n += job.n;
		}
	}
	if (job.incomplete)
		map->complete = 0;
	free(job.refs);
out:
	free(pids);
	close(procfd);
	return rc;
}

static void *
bpf_thread(void *arg)
{
	struct pl_owner_scan *scan = arg;
	int32_t *seen = NULL;
	size_t n_seen = 0;

	scan->bpf_rc = pli_owner_bpf_collect(scan->wanted, scan->n_wanted, &scan->bpf_map, &seen,
	                                     &n_seen, &scan->bpf_err);
	if (scan->bpf_rc == PL_OK) {
		scan->bpf_rc = read_unseen(scan, seen, n_seen);
		if (scan->bpf_rc != PL_OK) {
			pl_err_set(&scan->bpf_err, scan->bpf_rc, "cannot read /proc: %s",
			           pl_strerror(scan->bpf_rc));
			pli_owner_map_cleanup(&scan->bpf_map);
		}
	}
	free(seen);
	return NULL;
}

enum pl_rc
pli_owner_scan_start(const char *proc_root, unsigned threads, unsigned source,
                     const uint64_t *wanted, size_t n_wanted, struct pl_owner_scan *scan,
                     struct pl_err *err)
{
	enum pl_rc rc;

	memset(scan, 0, sizeof(*scan));
	scan->procfd = -1;
	scan->source = source;
	if (source == PL_OWNERS_BPF) {
		rc = pli_owner_bpf_check(proc_root, err);
		if (rc != PL_OK)
			return rc;
	}
	if (source == PL_OWNERS_PROCFS ||
	    (source == PL_OWNERS_AUTO && !pli_owner_bpf_worthwhile(proc_root)))
		return procfs_scan_start(proc_root, threads, wanted, n_wanted, scan, err);
	/* One thread suffices: the kernel walks the file tables in a few milliseconds. */
	scan->bpf = 1;
	scan->threads = threads;
	scan->proc_root = proc_root;
	scan->wanted = wanted;
	scan->n_wanted = n_wanted;
	scan->bpf_started = pthread_create(&scan->bpf_tid, NULL, bpf_thread, scan) == 0;
	return PL_OK;
}

enum pl_rc
pli_owner_scan_finish(struct pl_owner_scan *scan, struct pl_owner_map *map, struct pl_err *err)
{
	enum pl_rc rc;

	if (!scan->bpf)
		return procfs_scan_finish(scan, map, err);
	if (scan->bpf_started)
		pthread_join(scan->bpf_tid, NULL);
	else
		bpf_thread(scan);
	scan->bpf = 0;
	if (scan->bpf_rc == PL_OK) {
		*map = scan->bpf_map;
		return PL_OK;
	}
	if (scan->source == PL_OWNERS_BPF || scan->bpf_rc != PL_ERR_UNSUPPORTED)
		return pl_err_set(err, scan->bpf_rc, "%s", scan->bpf_err.msg);
	/* This kernel cannot run the iterator after all: read /proc as usual, and say so,
	 * since the user may wonder why a busy machine is slow. */
	rc = procfs_scan_start(scan->proc_root, scan->threads, scan->wanted, scan->n_wanted, scan,
	                       err);
	if (rc == PL_OK)
		rc = procfs_scan_finish(scan, map, err);
	if (rc == PL_OK)
		snprintf(map->note, sizeof(map->note), "%s", scan->bpf_err.msg);
	return rc;
}

enum pl_rc
pli_owner_map_build(const char *proc_root, unsigned threads, unsigned source,
                    const uint64_t *wanted, size_t n_wanted, struct pl_owner_map *map,
                    struct pl_err *err)
{
	struct pl_owner_scan scan;
	enum pl_rc rc =
	    pli_owner_scan_start(proc_root, threads, source, wanted, n_wanted, &scan, err);

	if (rc != PL_OK)
		return rc;
	return pli_owner_scan_finish(&scan, map, err);
}

void
pli_owner_map_cleanup(struct pl_owner_map *map)
{
	free(map->refs);
	map->refs = NULL;
	map->n = 0;
}
