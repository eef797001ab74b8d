// SPDX-License-Identifier: MIT
/*
 * watch/bpf_listen.c - the kernel tells `portlens watch` when a TCP socket starts or
 * stops listening, in any network namespace, instead of watch polling for it.
 *
 * A BPF program (13 instructions emitted here; no libbpf, no compiler at run time, as
 * src/lib/sockets/owners_bpf.c) is attached to the raw tracepoint
 * sock:inet_sock_set_state, whose arguments are (sk, oldstate, newstate). Raw
 * tracepoints need no tracefs mount and no per-CPU perf events: one bpf() call attaches
 * the program for the whole machine. When either state is TCP_LISTEN the program writes
 * a 48-byte record (sk, oldstate, newstate, pid_tgid, comm) into a BPF ring buffer;
 * the ring buffer's descriptor becomes readable, poll() wakes watch, and watch takes a
 * fresh snapshot. Records are only a wake-up: the snapshot is the evidence.
 *
 * The ring is read through its two mappings (the consumer page, read-write; the
 * producer page and data, read-only); draining means moving the consumer position up to
 * the producer position with release ordering, as the kernel's ring buffer ABI asks.
 * UDP has no tracepoint on bind, so watch still polls UDP (it says so).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "watch/watch_impl.h"

#define TCP_LISTEN_STATE 10
#define RECORD_LEN       48
#define RING_BYTES       (256u * 1024u) /* a power of two and a multiple of the page */
#define RING_BUSY_BIT    (1u << 31)

struct pl_watch_bpf {
	int map_fd, prog_fd, link_fd;
	size_t page;
	void *cons;       /* consumer page: unsigned long consumer_pos */
	const void *prod; /* producer page, then the data pages twice */
};

static int
sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

struct insns {
	struct bpf_insn v[32];
	unsigned n;
};

static void
emit(struct insns *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	p->v[p->n++] =
	    (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/*
 *   old = ctx->args[1]; new = ctx->args[2];
 *   if (old != LISTEN && new != LISTEN) return 0;
 *   rec = {ctx->args[0], (u32)old, (u32)new, bpf_get_current_pid_tgid(), comm[16]};
 *   bpf_get_current_comm(rec.comm, 16);
 *   bpf_ringbuf_output(&ring, &rec, 48, 0); return 0;
 * The record lives at fp-48 (8 bytes sk, 4 old, 4 new, 8 pid_tgid, 16 comm, 8 pad).
 */
static void
build(struct insns *p, int map_fd)
{
	unsigned skip;

	memset(p, 0, sizeof(*p));
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0);
	emit(p, BPF_LDX | BPF_MEM | BPF_DW, 7, 6, 8, 0);
	emit(p, BPF_LDX | BPF_MEM | BPF_DW, 8, 6, 16, 0);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1, TCP_LISTEN_STATE);
	skip = p->n;
	emit(p, BPF_JMP | BPF_JNE | BPF_K, 8, 0, 0, TCP_LISTEN_STATE); /* -> exit */
	emit(p, BPF_LDX | BPF_MEM | BPF_DW, 1, 6, 0, 0);
	emit(p, BPF_STX | BPF_MEM | BPF_DW, 10, 1, -48, 0);
	emit(p, BPF_STX | BPF_MEM | BPF_W, 10, 7, -40, 0);
	emit(p, BPF_STX | BPF_MEM | BPF_W, 10, 8, -36, 0);
	emit(p, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid);
	emit(p, BPF_STX | BPF_MEM | BPF_DW, 10, 0, -32, 0);
	emit(p, BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0);
	emit(p, BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, -24);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 16);
	emit(p, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_comm);
	/* r1 = the map (a 16-byte ld_imm64 with src BPF_PSEUDO_MAP_FD) */
	emit(p, BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map_fd);
	emit(p, 0, 0, 0, 0, 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
	emit(p, BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -RECORD_LEN);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, RECORD_LEN);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0);
	emit(p, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output);
	p->v[skip].off = (int16_t)(p->n - (skip + 1));
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static enum pl_rc
sys_fail(struct pl_err *err, const char *what)
{
	int e = errno;
	enum pl_rc rc = e == EPERM || e == EACCES ? PL_ERR_PERM : PL_ERR_UNSUPPORTED;

	pl_err_set(err, rc, "BPF tracepoint sock:inet_sock_set_state: %s: %s", what, strerror(e));
	if (err)
		err->sys_errno = e;
	return rc;
}

enum pl_rc
pl_watch_bpf_open(struct pl_watch_bpf **out, struct pl_err *err)
{
	struct pl_watch_bpf *w = calloc(1, sizeof(*w));
	struct insns prog;
	union bpf_attr a;
	enum pl_rc rc = PL_OK;

	*out = NULL;
	if (!w)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	w->map_fd = w->prog_fd = w->link_fd = -1;
	w->page = (size_t)sysconf(_SC_PAGESIZE);
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_RINGBUF;
	a.max_entries = RING_BYTES;
	w->map_fd = sys_bpf(BPF_MAP_CREATE, &a);
	if (w->map_fd < 0) {
		rc = sys_fail(err, "ring buffer (kernel 5.8 or later, root)");
		goto out;
	}
	build(&prog, w->map_fd);
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uint64_t)(uintptr_t)prog.v;
	a.insn_cnt = prog.n;
	a.license = (uint64_t)(uintptr_t) "Dual MIT/GPL";
	memcpy(a.prog_name, "pl_watch_listen", sizeof("pl_watch_listen"));
	w->prog_fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (w->prog_fd < 0) {
		rc = sys_fail(err, "loading the program");
		goto out;
	}
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = (uint64_t)(uintptr_t) "inet_sock_set_state";
	a.raw_tracepoint.prog_fd = (uint32_t)w->prog_fd;
	w->link_fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
	if (w->link_fd < 0) {
		rc = sys_fail(err, "attaching");
		goto out;
	}
	w->cons = mmap(NULL, w->page, PROT_READ | PROT_WRITE, MAP_SHARED, w->map_fd, 0);
	w->prod = mmap(NULL, w->page + 2 * (size_t)RING_BYTES, PROT_READ, MAP_SHARED, w->map_fd,
	               (off_t)w->page);
	if (w->cons == MAP_FAILED || w->prod == MAP_FAILED) {
		rc = sys_fail(err, "mapping the ring buffer");
		goto out;
	}
out:
	if (rc != PL_OK) {
		pl_watch_bpf_close(w);
		return rc;
	}
	*out = w;
	return PL_OK;
}

int
pl_watch_bpf_fd(const struct pl_watch_bpf *w)
{
	return w->map_fd;
}

size_t
pl_watch_bpf_drain(struct pl_watch_bpf *w)
{
	unsigned long *cons = w->cons;
	const unsigned long *prod = w->prod;
	const uint8_t *data = (const uint8_t *)w->prod + w->page;
	unsigned long c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	unsigned long p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	size_t n = 0;

	while (c < p) {
		const uint32_t *hdr =
		    (const uint32_t *)(const void *)(data + (c & (RING_BYTES - 1)));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & RING_BUSY_BIT)
			break; /* still being written: the next wake-up takes it */
		len &= ~(RING_BUSY_BIT | (1u << 30));
		c += (8 + len + 7) & ~7ul;
		n++;
	}
	__atomic_store_n(cons, c, __ATOMIC_RELEASE);
	return n;
}

void
pl_watch_bpf_close(struct pl_watch_bpf *w)
{
	if (!w)
		return;
	if (w->cons && w->cons != MAP_FAILED)
		munmap(w->cons, w->page);
	if (w->prod && w->prod != MAP_FAILED)
		munmap((void *)(uintptr_t)w->prod, w->page + 2 * (size_t)RING_BYTES);
	if (w->link_fd >= 0)
		close(w->link_fd);
	if (w->prog_fd >= 0)
		close(w->prog_fd);
	if (w->map_fd >= 0)
		close(w->map_fd);
	free(w);
}
