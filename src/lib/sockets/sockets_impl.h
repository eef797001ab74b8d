/* SPDX-License-Identifier: MIT */
/*
 * sockets/sockets_impl.h - internal seams of the sockets module: the socket list, the
 * netlink reader, the /proc/net reader, the owner map (/proc/PID/fd) and namespaces.
 * collect.c drives them; each lives in its own file so it can be tested alone.
 */
#ifndef PL_SOCKETS_IMPL_H
#define PL_SOCKETS_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include "portlens/sockets.h"

/* Appends a zeroed socket to l; returns it, or NULL when out of memory. */
struct pl_sock *pli_sock_list_push(struct pl_sock_list *l);

/* Kernel state masks for a query (bit 1 << state). */
uint32_t pli_sock_tcp_states(unsigned what);
uint32_t pli_sock_udp_states(unsigned what);

/*
 * Dumps proto sockets of family (port >= 0: only those with that local or remote port,
 * filtered in the kernel) through the netlink socket nlfd (a NETLINK_SOCK_DIAG
 * socket, possibly opened inside another namespace) into l. Returns PL_OK,
 * PL_ERR_UNSUPPORTED (the kernel lacks sock_diag for it), PL_ERR_SYS or PL_ERR_NOMEM.
 */
enum pl_rc pli_sockdiag_dump(int nlfd, enum pl_proto proto, int family, uint32_t states, int port,
                             struct pl_sock_list *l, struct pl_err *err);
/* Opens a NETLINK_SOCK_DIAG socket in the calling thread's namespace; -1 on failure. */
int pli_sockdiag_open(struct pl_err *err);

/* Reads proto/family rows from DIR/{tcp,tcp6,udp,udp6} (DIR is e.g. "/proc/net" or
 * "/proc/PID/net") keeping states in mask. */
enum pl_rc pli_procnet_read(const char *dir, enum pl_proto proto, int family, uint32_t states,
                            struct pl_sock_list *l, struct pl_err *err);

/* Reads raw IP sockets (DIR/raw, raw6) and packet sockets (DIR/packet) into l, each row
 * marked with its kind; files the kernel lacks are skipped. */
enum pl_rc pli_procnet_read_raw(const char *dir, struct pl_sock_list *l, struct pl_err *err);

/* Owner map: socket inode -> holders, built from /proc/PID/fd. */
struct pl_owner_ref {
	uint64_t inode;
	int32_t pid;
	int32_t fd; /* the fd number in pid through which it holds the socket */
};
struct pl_owner_map {
	struct pl_owner_ref *refs; /* in no particular order */
	size_t n;
	int complete;       /* every process's fd directory could be read */
	const char *source; /* static: how the map was built, for the user */
	char note[300];     /* why the kernel iterator was not used after all (then /proc/PID/fd
	                       was read instead), or "" */
};
#define PL_OWNER_MAX_THREADS 4
struct pl_owner_job {
	int procfd;
	const int32_t *pids;
	size_t n_pids;
	_Atomic size_t *next; /* shared: index of the next pid to scan */
	const uint64_t *wanted;
	size_t n_wanted;
	struct pl_owner_ref *refs;
	size_t n, cap;
	int incomplete;
	int nomem;
	int procfs; /* proc_root is procfs: fd directories' sizes count their fds */
};
/* A scan running on background threads (start, do other work, finish). */
struct pl_owner_scan {
	struct pl_owner_job jobs[PL_OWNER_MAX_THREADS + 1]; /* the last is the caller's */
	pthread_t tids[PL_OWNER_MAX_THREADS];
	_Atomic size_t next;
	unsigned nt, started;
	int32_t *pids;
	size_t n_pids;
	int procfd;
	/* The kernel-iterator scan (owners_bpf.c), run on one thread instead. */
	int bpf, bpf_started;
	pthread_t bpf_tid;
	unsigned source, threads; /* enum pl_owner_source; thread count for a fallback */
	const char *proc_root;
	const uint64_t *wanted;
	size_t n_wanted;
	struct pl_owner_map bpf_map;
	enum pl_rc bpf_rc;
	struct pl_err bpf_err;
};
/*
 * Starts building the owner map of every process under proc_root (NULL: /proc) from
 * source (enum pl_owner_source) with threads threads (0: auto). When wanted (sorted,
 * n_wanted inodes) is non-NULL, only those inodes are recorded. wanted must outlive
 * the scan; scan must not move until pli_owner_scan_finish.
 */
enum pl_rc pli_owner_scan_start(const char *proc_root, unsigned threads, unsigned source,
                                const uint64_t *wanted, size_t n_wanted, struct pl_owner_scan *scan,
                                struct pl_err *err);
/* Waits for the scan and hands its result to map (pli_owner_map_cleanup). When the
 * kernel iterator fails and source is PL_OWNERS_AUTO, /proc is read instead. */
enum pl_rc pli_owner_scan_finish(struct pl_owner_scan *scan, struct pl_owner_map *map,
                                 struct pl_err *err);
/* Start and finish in one call. */
enum pl_rc pli_owner_map_build(const char *proc_root, unsigned threads, unsigned source,
                               const uint64_t *wanted, size_t n_wanted, struct pl_owner_map *map,
                               struct pl_err *err);
void pli_owner_map_cleanup(struct pl_owner_map *map);
/* Whether ino is in wanted (sorted, n_wanted of them); everything is when wanted is NULL. */
int pli_owner_wanted(const uint64_t *wanted, size_t n_wanted, uint64_t ino);

/*
 * The kernel-iterator owner scan (owners_bpf.c). pli_owner_bpf_check says whether it can
 * run here (PL_OK, or PL_ERR_PERM / PL_ERR_UNSUPPORTED with the reason);
 * pli_owner_bpf_worthwhile adds whether the machine has enough open files for it to beat
 * /proc. pli_owner_bpf_collect builds the map and returns in *seen (sorted, caller
 * frees) the pids whose file tables the iterator walked; a process it did not show
 * (it has no files, started later, or the kernel skipped it) must be read from /proc.
 * PL_ERR_UNSUPPORTED means this kernel cannot, and the caller may fall back to /proc.
 */
enum pl_rc pli_owner_bpf_check(const char *proc_root, struct pl_err *err);
int pli_owner_bpf_worthwhile(const char *proc_root);
enum pl_rc pli_owner_bpf_collect(const uint64_t *wanted, size_t n_wanted, struct pl_owner_map *map,
                                 int32_t **seen, size_t *n_seen, struct pl_err *err);

/* Fills a process record from /proc/PID (comm, cmdline, uid, cgroup). */
enum pl_rc pli_proc_read(const char *proc_root, int32_t pid, struct pl_proc *p);
void pli_proc_cleanup(struct pl_proc *p);

/* The two halves of pl_sockets_annotate: what the port says (registry, knowledge base,
 * address), which needs no holders, and the unexpected-program check, which does. */
void pli_annotate_ports(struct pl_sock *s, const struct pl_registry *reg, const struct pl_kb *kb);
void pli_annotate_holders(const struct pl_sockset *set, struct pl_sock *s);

/* Collects one namespace: sockets of the query into l (netns index ns). Implemented in
 * collect.c; netns.c calls it for each namespace it enters. */
struct pl_collect_ctx;
enum pl_rc pli_collect_current_ns(struct pl_collect_ctx *c, uint32_t ns, const char *procnet_dir);

/* Enumerates network namespaces other than the caller's and collects each (netns.c). */
enum pl_rc pli_collect_other_ns(struct pl_collect_ctx *c, struct pl_sockset *set,
                                const char *proc_root, struct pl_err *err);

#endif
