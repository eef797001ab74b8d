// SPDX-License-Identifier: MIT
/*
 * owners_bpf.c - the owner map (socket inode -> pid, fd) from the kernel's task_file
 * iterator instead of /proc/PID/fd.
 *
 * Why: naming the holder of every socket through procfs costs one readlink per open
 * file on the machine, and each makes the kernel look up (often build) a dentry and
 * an inode and print "socket:[N]": about 2 us of kernel time per file, 40 ms at 20,000
 * sockets. The kernel can walk every process's file table itself: a BPF program of
 * type tracing/iter attached to "bpf_iter_task_file" runs once per open file and
 * writes (inode, pid, fd) for sockets into a seq_file that read() returns. That walk
 * costs about 0.3 us per file and allocates nothing.
 *
 * How, without libbpf or a compiler at run time: the program is 25 instructions
 * emitted here. The struct offsets it needs (file->f_inode, inode->i_mode/i_ino,
 * task_struct->tgid, the iterator context) come from the running kernel's BTF
 * (btf.c), so one binary works across kernel versions. Loading it needs CAP_BPF and
 * CAP_PERFMON (root); reading the BTF costs about 1.5 ms, so pli_owner_bpf_worthwhile
 * only picks it when the machine has enough open files to win. Any failure
 * (older kernel, lockdown, seccomp, a container) is PL_ERR_UNSUPPORTED, and the caller
 * falls back to /proc.
 *
 * The program is loaded with license "Dual MIT/GPL" because bpf_seq_write is a
 * GPL-only helper; this source is MIT, which the kernel accepts as GPL-compatible.
 * Records carry the global tgid, which equals the pid /proc shows only in the initial
 * PID namespace, so the iterator is used only there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sockets/btf_impl.h"
#include "sockets/sockets_impl.h"
#include "core/array.h"

#define VMLINUX_BTF     "/sys/kernel/btf/vmlinux"
#define INIT_PID_NS_INO 0xEFFFFFFCu /* PROC_PID_INIT_INO, fixed by the kernel */
#define S_IFMT_BITS     0170000
#define S_IFSOCK_BITS   0140000
#define RECORD_LEN      16 /* u64 inode, u32 pid, u32 fd, as the program writes them */
#define READ_CHUNK      (256u * 1024u)
/* Below this many open files on the machine, /proc/PID/fd is quicker than reading BTF. */
#define BPF_MIN_OPEN_FILES 3000

/* Capability numbers (linux/capability.h of older headers lacks the newer two). */
#define CAP_NR_SYS_ADMIN 21
#define CAP_NR_PERFMON   38
#define CAP_NR_BPF       39

/* Where the program reads from: byte offsets and load widths from the kernel's BTF. */
struct iter_layout {
	uint32_t func_id; /* BTF id of bpf_iter_task_file, the attach point */
	struct pl_btf_field ctx_meta, ctx_task, ctx_fd, ctx_file;
	struct pl_btf_field meta_seq, file_inode, inode_mode, inode_ino, task_tgid;
};

struct prog {
	struct bpf_insn insn[40];
	unsigned n;
	unsigned to_exit[8]; /* indexes of jumps to the final "return 0" */
	unsigned n_to_exit;
};

/* What the iterator saw: the sockets, and which processes it walked at all. */
struct bpf_reader {
	struct pl_owner_map *map;
	size_t cap;
	const uint64_t *want;
	size_t n_want;
	int32_t *seen; /* ascending: the iterator walks processes in pid order */
	size_t n_seen, cap_seen;
};

static int
has_cap(const struct __user_cap_data_struct *d, unsigned cap)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1u;
}

/* CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN, which implied both before Linux 5.8). */
static int
can_load_tracing(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (has_cap(d, CAP_NR_BPF) && has_cap(d, CAP_NR_PERFMON)) ||
	       has_cap(d, CAP_NR_SYS_ADMIN);
}

/* Open files on the whole machine (/proc/sys/fs/file-nr: allocated, free, max). */
static long
open_files(void)
{
	char buf[96];
	long allocated = -1;
	int fd = open("/proc/sys/fs/file-nr", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%ld", &allocated) != 1)
		return -1;
	return allocated;
}

enum pl_rc
pli_owner_bpf_check(const char *proc_root, struct pl_err *err)
{
	struct stat st;

	/* A test's fake tree: the kernel's processes are not its processes. */
	if (proc_root && strcmp(proc_root, "/proc") != 0)
		return pl_err_set(err, PL_ERR_UNSUPPORTED,
		                  "the kernel iterator describes the real /proc, not %s",
		                  proc_root);
	if (stat("/proc/self/ns/pid", &st) != 0 || st.st_ino != INIT_PID_NS_INO)
		return pl_err_set(err, PL_ERR_UNSUPPORTED,
		                  "the kernel iterator works only in the initial PID namespace");
	if (!can_load_tracing())
		return pl_err_set(
		    err, PL_ERR_PERM,
		    "the kernel iterator needs CAP_BPF and CAP_PERFMON (run as root)");
	if (access(VMLINUX_BTF, R_OK) != 0)
		return pl_err_set(err, PL_ERR_UNSUPPORTED,
		                  "the kernel iterator needs %s (a kernel built with BTF)",
		                  VMLINUX_BTF);
	return PL_OK;
}

int
pli_owner_bpf_worthwhile(const char *proc_root)
{
	return pli_owner_bpf_check(proc_root, NULL) == PL_OK && open_files() >= BPF_MIN_OPEN_FILES;
}

static void
emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	p->insn[p->n++] =
	    (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* if (reg op imm) return 0; the jump is aimed at the exit when the program ends. */
static void
emit_exit_if(struct prog *p, uint8_t op, uint8_t reg, int32_t imm)
{
	p->to_exit[p->n_to_exit++] = p->n;
	emit(p, BPF_JMP | op | BPF_K, reg, 0, 0, imm);
}

static uint8_t
load_size(const struct pl_btf_field *f)
{
	return f->size == 1 ? BPF_B : f->size == 2 ? BPF_H : f->size == 4 ? BPF_W : BPF_DW;
}

static void
emit_load(struct prog *p, uint8_t dst, uint8_t base, const struct pl_btf_field *f)
{
	emit(p, BPF_LDX | BPF_MEM | load_size(f), dst, base, (int16_t)f->offset, 0);
}

/*
 * The program, run by the kernel once per open file of every process:
 *   if (!ctx->file || !ctx->task) return 0;
 *   inode = ctx->file->f_inode;
 *   ino = (inode->i_mode & S_IFMT) == S_IFSOCK ? inode->i_ino : 0;
 *   record = {ino, ctx->task->tgid, ctx->fd};
 *   bpf_seq_write(ctx->meta->seq, &record, 16); return 0;
 * Files other than sockets are written too (inode 0): they tell which processes the
 * iterator walked, so the caller can read the others from /proc (see owners.c).
 * Registers: r6 = ctx, r7 = file, r8 = inode, r9 = task; the record is at fp-16.
 */
static void
build_prog(const struct iter_layout *L, struct prog *p)
{
	unsigned to_store;

	memset(p, 0, sizeof(*p));
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0);
	emit_load(p, 7, 6, &L->ctx_file);
	emit_exit_if(p, BPF_JEQ, 7, 0);
	emit_load(p, 9, 6, &L->ctx_task);
	emit_exit_if(p, BPF_JEQ, 9, 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 0);
	emit_load(p, 8, 7, &L->file_inode);
	emit_load(p, 2, 8, &L->inode_mode);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, S_IFMT_BITS);
	to_store = p->n;
	emit(p, BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, S_IFSOCK_BITS);
	emit_load(p, 3, 8, &L->inode_ino);
	p->insn[to_store].off = (int16_t)(p->n - (to_store + 1));
	emit(p, BPF_STX | BPF_MEM | BPF_DW, 10, 3, -16, 0);
	emit_load(p, 3, 9, &L->task_tgid);
	emit(p, BPF_STX | BPF_MEM | BPF_W, 10, 3, -8, 0);
	emit_load(p, 3, 6, &L->ctx_fd);
	emit(p, BPF_STX | BPF_MEM | BPF_W, 10, 3, -4, 0);
	emit_load(p, 1, 6, &L->ctx_meta);
	emit_load(p, 1, 1, &L->meta_seq);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
	emit(p, BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -RECORD_LEN);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, RECORD_LEN);
	emit(p, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_seq_write);
	for (unsigned i = 0; i < p->n_to_exit; i++)
		p->insn[p->to_exit[i]].off = (int16_t)(p->n - (p->to_exit[i] + 1));
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* Checks a field's width is one the program can load and store as it expects. */
static enum pl_rc
want_width(const struct pl_btf_field *f, const char *what, int pointer, unsigned min, unsigned max,
           struct pl_err *err)
{
	if (f->is_pointer != pointer || f->size < min || f->size > max ||
	    (f->size & (f->size - 1)) || f->offset > INT16_MAX)
		return pl_err_set(err, PL_ERR_UNSUPPORTED,
		                  "kernel iterator: %s has an unexpected layout (%u bytes at %u)",
		                  what, f->size, f->offset);
	return PL_OK;
}

static enum pl_rc
find_layout(const struct pl_btf *b, struct iter_layout *L, struct pl_err *err)
{
	struct pl_btf_want want[] = {
	    {PL_BTF_FUNC, "bpf_iter_task_file", 0},
	    {PL_BTF_STRUCT, "bpf_iter__task_file", 0},
	    {PL_BTF_STRUCT, "bpf_iter_meta", 0},
	    {PL_BTF_STRUCT, "file", 0},
	    {PL_BTF_STRUCT, "inode", 0},
	    {PL_BTF_STRUCT, "task_struct", 0},
	};
	const struct {
		size_t in;
		const char *name;
		struct pl_btf_field *out;
		int pointer;
		unsigned min, max;
	} fields[] = {
	    {1, "meta", &L->ctx_meta, 1, 8, 8},     {1, "task", &L->ctx_task, 1, 8, 8},
	    {1, "fd", &L->ctx_fd, 0, 4, 4},         {1, "file", &L->ctx_file, 1, 8, 8},
	    {2, "seq", &L->meta_seq, 1, 8, 8},      {3, "f_inode", &L->file_inode, 1, 8, 8},
	    {4, "i_mode", &L->inode_mode, 0, 2, 2}, {4, "i_ino", &L->inode_ino, 0, 4, 8},
	    {5, "tgid", &L->task_tgid, 0, 4, 4},
	};
	struct pl_err e = {0};
	enum pl_rc rc;

	pli_btf_find(b, want, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!want[i].id)
			return pl_err_set(err, PL_ERR_UNSUPPORTED,
			                  "kernel iterator: this kernel's BTF has no %s",
			                  want[i].name);
	L->func_id = want[0].id;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		rc = pli_btf_member(b, want[fields[i].in].id, fields[i].name, fields[i].out, &e);
		if (rc != PL_OK)
			return pl_err_set(err, PL_ERR_UNSUPPORTED, "kernel iterator: %s", e.msg);
		rc = want_width(fields[i].out, fields[i].name, fields[i].pointer, fields[i].min,
		                fields[i].max, err);
		if (rc != PL_OK)
			return rc;
	}
	return PL_OK;
}

/* Reads the running kernel's BTF and finds the layout (mmap when sysfs allows it). */
static enum pl_rc
kernel_layout(struct iter_layout *L, struct pl_err *err)
{
	struct pl_btf b;
	struct pl_err e = {0};
	struct stat st;
	void *data = MAP_FAILED;
	uint8_t *copy = NULL;
	size_t size = 0, got = 0;
	enum pl_rc rc = PL_ERR_UNSUPPORTED;
	int fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
		pl_err_set(err, rc, "kernel iterator: cannot read %s: %s", VMLINUX_BTF,
		           strerror(errno));
		goto out;
	}
	size = (size_t)st.st_size;
	/* Populated at once: faulting 1,300 pages in one by one costs more than the walk. */
	data = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (data == MAP_FAILED) {
		ssize_t n;

		copy = malloc(size);
		if (!copy) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory reading BTF");
			goto out;
		}
		while (got < size && (n = read(fd, copy + got, size - got)) > 0)
			got += (size_t)n;
		size = got;
	}
	rc = pli_btf_open(&b, copy ? (const void *)copy : data, size, &e);
	if (rc == PL_OK) {
		rc = find_layout(&b, L, err);
		pli_btf_cleanup(&b);
	} else {
		rc = pl_err_set(err, rc == PL_ERR_NOMEM ? rc : PL_ERR_UNSUPPORTED,
		                "kernel iterator: %s", e.msg);
	}
out:
	if (data != MAP_FAILED)
		munmap(data, size);
	free(copy);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Loads the program and opens an iterator over it; returns the iterator fd or -1. */
static int
open_iterator(const struct iter_layout *L, struct pl_err *err)
{
	struct prog p;
	union bpf_attr a;
	int prog_fd, link_fd = -1, iter_fd = -1;

	build_prog(L, &p);
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_TRACING;
	a.expected_attach_type = BPF_TRACE_ITER;
	a.insns = (uint64_t)(uintptr_t)p.insn;
	a.insn_cnt = p.n;
	a.license = (uint64_t)(uintptr_t) "Dual MIT/GPL";
	a.attach_btf_id = L->func_id;
	memcpy(a.prog_name, "pl_sock_owners", sizeof("pl_sock_owners"));
	prog_fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (prog_fd < 0) {
		pl_err_set(err, PL_ERR_UNSUPPORTED, "kernel iterator: loading the program: %s",
		           strerror(errno));
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)prog_fd;
	a.link_create.attach_type = BPF_TRACE_ITER;
	link_fd = sys_bpf(BPF_LINK_CREATE, &a);
	if (link_fd >= 0) {
		memset(&a, 0, sizeof(a));
		a.iter_create.link_fd = (uint32_t)link_fd;
		iter_fd = sys_bpf(BPF_ITER_CREATE, &a);
	}
	if (iter_fd < 0)
		pl_err_set(err, PL_ERR_UNSUPPORTED, "kernel iterator: attaching: %s",
		           strerror(errno));
	/* The iterator holds the link, the link holds the program. */
	if (link_fd >= 0)
		close(link_fd);
	close(prog_fd);
	return iter_fd;
}

static enum pl_rc
note_seen(struct bpf_reader *r, int32_t pid)
{
	if (r->n_seen && r->seen[r->n_seen - 1] == pid)
		return PL_OK;
	if (PLI_ARRAY_RESERVE(r->seen, r->cap_seen, r->n_seen + 1, 256) != PL_OK)
		return PL_ERR_NOMEM;
	r->seen[r->n_seen++] = pid;
	return PL_OK;
}

static enum pl_rc
add_records(struct bpf_reader *r, const uint8_t *rec, size_t n)
{
	struct pl_owner_map *map = r->map;

	for (size_t i = 0; i < n; i++, rec += RECORD_LEN) {
		struct pl_owner_ref ref;

		memcpy(&ref.inode, rec, 8);
		memcpy(&ref.pid, rec + 8, 4);
		memcpy(&ref.fd, rec + 12, 4);
		if (note_seen(r, ref.pid) != PL_OK)
			return PL_ERR_NOMEM;
		if (!ref.inode || !pli_owner_wanted(r->want, r->n_want, ref.inode))
			continue;
		if (PLI_ARRAY_RESERVE(map->refs, r->cap, map->n + 1, 4096) != PL_OK)
			return PL_ERR_NOMEM;
		map->refs[map->n++] = ref;
	}
	return PL_OK;
}

static int
cmp_pid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

enum pl_rc
pli_owner_bpf_collect(const uint64_t *want, size_t n_want, struct pl_owner_map *map, int32_t **seen,
                      size_t *n_seen, struct pl_err *err)
{
	struct bpf_reader r = {.map = map, .want = want, .n_want = n_want};
	struct iter_layout L;
	uint8_t *buf = NULL;
	size_t have = 0;
	enum pl_rc rc;
	int iter_fd = -1;

	memset(map, 0, sizeof(*map));
	*seen = NULL;
	*n_seen = 0;
	rc = kernel_layout(&L, err);
	if (rc != PL_OK)
		return rc;
	iter_fd = open_iterator(&L, err);
	if (iter_fd < 0)
		return PL_ERR_UNSUPPORTED;
	buf = malloc(READ_CHUNK);
	if (!buf) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t n = read(iter_fd, buf + have, READ_CHUNK - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = pl_err_set(err, PL_ERR_SYS, "kernel iterator: read: %s",
			                strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		rc = add_records(&r, buf, have / RECORD_LEN);
		if (rc != PL_OK) {
			pl_err_set(err, rc, "out of memory mapping sockets to processes");
			goto out;
		}
		/* A record split across two reads keeps its first part for the next. */
		memmove(buf, buf + have / RECORD_LEN * RECORD_LEN, have % RECORD_LEN);
		have %= RECORD_LEN;
	}
	/* Pid order is the kernel's walk order; sorting makes it a promise. */
	qsort(r.seen, r.n_seen, sizeof(*r.seen), cmp_pid);
	map->complete = 1;
	map->source = "kernel task_file iterator (BPF)";
	*seen = r.seen;
	*n_seen = r.n_seen;
	r.seen = NULL;
out:
	free(buf);
	free(r.seen);
	close(iter_fd);
	if (rc != PL_OK)
		pli_owner_map_cleanup(map);
	return rc;
}
