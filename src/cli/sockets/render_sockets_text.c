// SPDX-License-Identifier: MIT
/*
 * render_sockets_text.c - `portlens listen` and `portlens conns` as an aligned table.
 *
 * One row per socket; when several processes hold a socket (pre-fork servers) the
 * others follow on continuation lines under the process columns. Flags are listed in
 * the FLAGS column and each one's reason is printed under the row. Column widths come
 * from a first pass over the rows, so the table is aligned whatever the data.
 *
 * Speed (tens of thousands of rows): the text of each holder's columns (pid, name,
 * user, unit) and of each flag combination is made once, not per row; the first pass
 * only measures (IPv4 endpoints by counting digits); the second writes each cell
 * straight into the output buffer, reserved ahead of each socket, so no row goes
 * through printf, a temporary cell or a per-byte append. The buffer is handed to the
 * CLI every CHUNK bytes and reused, so its pages stay warm.
 *
 * On a terminal (or with COLUMNS or --width) the table fits the width (cli/colfit.c):
 * COMMAND gives up room first, then UNIT/CONTAINER, SERVICE, USER and PROCESS, FLAGS,
 * NETNS; a cut cell ends in a marker, and flag reasons are wrapped. Addresses are never
 * cut (a cut address is a wrong address): below the minimums columns are left out, and
 * when a connection's two endpoints still do not fit side by side, the peer goes on a
 * line of its own under the local address (fit_columns). Pipes and files get whole rows.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/render/colfit.h"
#include "cli/sockets/render_sockets.h"
#include "core/escape.h"
#include "core/strnum.h"

#define SGR_BOLD  "\033[1m"
#define SGR_RED   "\033[31m"
#define SGR_YEL   "\033[33m"
#define SGR_DIM   "\033[2m"
#define SGR_RESET "\033[0m"

/* A cell holds at most CELL_MAX bytes (longer text is cut). */
#define CELL_MAX 95
/* Room for one reason line: indent, colours, name, reason (pl_sock_flag_reason). */
#define REASON_ROOM 600
#define N_FLAG_SETS (1u << PL_SFLAG_COUNT)

enum col {
	C_NETNS,
	C_PROTO,
	C_STATE,
	C_LOCAL,
	C_PEER,
	C_SERVICE,
	C_PID,
	C_PROCESS,
	C_USER,
	C_UNIT,
	C_FLAGS,
	C_COMMAND,
	C_COUNT,
};

static const char *const col_title[C_COUNT] = {
    [C_NETNS] = "NETNS", [C_PROTO] = "PROTO",         [C_STATE] = "STATE", [C_LOCAL] = "LOCAL",
    [C_PEER] = "PEER",   [C_SERVICE] = "SERVICE",     [C_PID] = "PID",     [C_PROCESS] = "PROCESS",
    [C_USER] = "USER",   [C_UNIT] = "UNIT/CONTAINER", [C_FLAGS] = "FLAGS", [C_COMMAND] = "COMMAND",
};

/* A cell: text and length (not NUL-terminated when it points into longer text). */
struct cell {
	const char *s;
	size_t n;
};

/* The process columns of one holder, made once per process. Names and the command line
 * are any local user's choice: shown through the terminal rule (core/escape.h), so an
 * ESC or BEL in them never reaches root's terminal. */
struct proc_cells {
	char pid[12];
	char user[33];
	char unit[CELL_MAX + 1];
	char comm[4 * 16];      /* the process name, escaped */
	const char *cmd;        /* the command line, escaped (cmd_esc) or as it is */
	struct pl_buf cmd_esc;  /* storage when the command line needed escaping */
	struct cell c[C_COUNT]; /* C_PID, C_PROCESS, C_USER (if known), C_UNIT */
	int user_known;         /* 0: the process's uid is unknown; the socket's is shown */
};

struct text_table {
	struct pl_cli *cli;
	const struct pl_sockset *set;
	struct pl_user_cache users;
	int show[C_COUNT];
	size_t width[C_COUNT];
	size_t row_width;         /* sum of width + 2 over the shown columns before COMMAND */
	size_t fit;               /* the width to fit, or 0: whole rows (pipes, files) */
	int peer_below;           /* PEER is written under LOCAL, on a line of its own */
	size_t peer_indent;       /* the column LOCAL starts at */
	const char *hidden_label; /* "(hidden; run as root)", or as root "(not visible)" */
	struct proc_cells *procs; /* one per set->procs; shared read-only while writing */
	char (*netns)[4 * 64];    /* one escaped label per set->netns */
	char flags_text[N_FLAG_SETS][48];
	const char *sgr_risk[2]; /* yellow, red (or "" without colour) */
	const char *sgr_reset;
};

/* Writes v in decimal at p; returns the end (no NUL). */
static char *
put_u32(char *p, uint32_t v)
{
	char tmp[PLI_U64_DIGITS], *end = tmp + sizeof(tmp);
	const char *s = pli_u64_digits(v, end);

	memcpy(p, s, (size_t)(end - s));
	return p + (end - s);
}

static size_t
digits(uint32_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static struct cell
cell_of(const char *s)
{
	size_t n = strlen(s);

	return (struct cell){.s = s, .n = n > CELL_MAX ? CELL_MAX : n};
}

/* Copies at most size-1 bytes of src to dst with a NUL; returns the length. */
static size_t
put_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

/* Writes "a.b.c.d:port" or "[v6]:port" at p (room for 80 bytes); returns the end. */
static char *
put_endpoint(const struct pl_sock *s, int remote, char *p)
{
	const uint8_t *a = remote ? s->remote : s->local;

	if (s->kind != PL_SK_INET && !remote) {
		/* "0.0.0.0:icmp", "[::]:ipv6-icmp", "lo:all", "*:0x88b5": what it receives. */
		const char *name = pl_sock_protocol_name(s);

		if (s->kind == PL_SK_PACKET) {
			pl_sock_addr_str(s, 0, p, 20);
			p += strlen(p);
			*p++ = ':';
		} else if (s->family == AF_INET) {
			for (int i = 0; i < 4; i++) {
				p = put_u32(p, a[i]);
				*p++ = i < 3 ? '.' : ':';
			}
		} else {
			*p++ = '[';
			pl_sock_addr_str(s, 0, p, 64);
			p += strlen(p);
			*p++ = ']';
			*p++ = ':';
		}
		if (name)
			return p + put_str(p, 24, name);
		if (s->kind == PL_SK_PACKET)
			return p + snprintf(p, 12, "0x%04x", s->lport);
		return put_u32(p, s->lport);
	}
	if (s->family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			p = put_u32(p, a[i]);
			*p++ = i < 3 ? '.' : ':';
		}
	} else {
		*p++ = '[';
		pl_sock_addr_str(s, remote, p, 64);
		p += strlen(p);
		*p++ = ']';
		*p++ = ':';
	}
	return put_u32(p, remote ? s->rport : s->lport);
}

/* IPv4 is formatted by hand: this runs for every row, and printf dominated. */
void
pli_sock_endpoint(const struct pl_sock *s, int remote, char *buf, size_t size)
{
	char tmp[80];

	*put_endpoint(s, remote, tmp) = '\0';
	put_str(buf, size, tmp);
}

/* Length of the endpoint text, without writing it for IPv4. */
static size_t
endpoint_len(const struct pl_sock *s, int remote)
{
	const uint8_t *a = remote ? s->remote : s->local;
	char tmp[80];

	if (s->family != AF_INET || s->kind != PL_SK_INET)
		return (size_t)(put_endpoint(s, remote, tmp) - tmp);
	return digits(a[0]) + digits(a[1]) + digits(a[2]) + digits(a[3]) + 4 +
	       digits(remote ? s->rport : s->lport);
}

static void
unit_text(const struct pl_proc *p, char *buf, size_t size)
{
	if (p->container && p->unit && strncmp(p->unit, "docker-", 7) != 0 &&
	    strncmp(p->unit, "libpod-", 7) != 0)
		snprintf(buf, size, "%s %s", p->container, p->unit);
	else
		put_str(buf, size, p->container ? p->container : p->unit ? p->unit : "-");
}

/* Copies src into dst (size bytes) through the terminal rule; cut at a character. */
static void
put_escaped(char *dst, size_t size, const char *src)
{
	struct pl_buf b;

	if (!pli_esc_term_needed(src, strlen(src))) {
		put_str(dst, size, src);
		return;
	}
	pli_buf_init(&b);
	pli_esc_term(&b, src);
	put_str(dst, size, pli_buf_str(&b));
	pli_buf_cleanup(&b);
}

static void
make_proc_cells(struct text_table *t, const struct pl_proc *p, struct proc_cells *pc)
{
	char unit[CELL_MAX + 1];

	*put_u32(pc->pid, (uint32_t)p->pid) = '\0';
	pc->c[C_PID] = cell_of(pc->pid);
	put_escaped(pc->comm, sizeof(pc->comm), p->comm);
	pc->c[C_PROCESS] = cell_of(pc->comm);
	pli_buf_init(&pc->cmd_esc);
	pc->cmd = p->cmdline ? p->cmdline : "";
	if (pli_esc_term_needed(pc->cmd, strlen(pc->cmd))) {
		pli_esc_term(&pc->cmd_esc, pc->cmd);
		pc->cmd = pli_buf_str(&pc->cmd_esc);
	}
	pc->user_known = p->uid != UINT32_MAX;
	if (pc->user_known) {
		put_str(pc->user, sizeof(pc->user), pl_user_cached(&t->users, p->uid));
		pc->c[C_USER] = cell_of(pc->user);
	}
	unit_text(p, unit, sizeof(unit));
	put_escaped(pc->unit, sizeof(pc->unit), unit);
	pc->c[C_UNIT] = cell_of(pc->unit);
}

static void
make_flags_text(struct text_table *t)
{
	for (unsigned m = 0; m < N_FLAG_SETS; m++) {
		char *b = t->flags_text[m];
		size_t used = 0;

		for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
			if (!(m & (1u << f)))
				continue;
			if (used)
				b[used++] = ',';
			used += put_str(b + used, sizeof(t->flags_text[m]) - used,
			                pl_sock_flag_name((enum pl_sock_flag)(1u << f)));
		}
		if (!used)
			put_str(b, sizeof(t->flags_text[m]), "-");
	}
}

/* The prepared cells of holder k of s. */
static const struct proc_cells *
proc_of(const struct text_table *t, const struct pl_sock *s, uint32_t k)
{
	return &t->procs[pl_sock_owner(t->set, s, k) - t->set->procs];
}

/*
 * The process columns for holder k of s (k < n_owners), or the reason there is none;
 * uc resolves the socket's uid when the process's is unknown (the caller's cache).
 */
static void
owner_cells(const struct text_table *t, struct pl_user_cache *uc, const struct pl_sock *s,
            uint32_t k, struct cell *c)
{
	const struct proc_cells *pc;

	if (k >= s->n_owners) {
		c[C_PID] = cell_of("-");
		c[C_USER] = cell_of(pl_user_cached(uc, s->uid));
		c[C_UNIT] = cell_of("-");
		c[C_PROCESS] = cell_of(s->owner_status == PL_OWNER_HIDDEN   ? t->hidden_label
		                       : s->owner_status == PL_OWNER_KERNEL ? "(no process: kernel)"
		                                                            : "-");
		return;
	}
	pc = proc_of(t, s, k);
	c[C_PID] = pc->c[C_PID];
	c[C_PROCESS] = pc->c[C_PROCESS];
	c[C_USER] = pc->user_known ? pc->c[C_USER] : cell_of(pl_user_cached(uc, s->uid));
	c[C_UNIT] = pc->c[C_UNIT];
}

/* The cells of a socket's first line that are not endpoints or process columns. */
static void
row_cells(const struct text_table *t, const struct pl_sock *s, struct cell *c)
{
	c[C_NETNS] = cell_of(t->netns[s->netns]);
	c[C_PROTO] = cell_of(pl_sock_proto_label(s));
	c[C_STATE] = cell_of(pl_sock_state_name(s));
	c[C_SERVICE] = cell_of(s->reg ? s->reg->service : "-");
	c[C_FLAGS] = cell_of(t->flags_text[s->flags & (N_FLAG_SETS - 1)]);
}

static void
widen(struct text_table *t, unsigned col, size_t n)
{
	if (n > t->width[col])
		t->width[col] = n;
}

static void
measure_rows(struct text_table *t)
{
	struct cell c[C_COUNT];

	for (size_t i = 0; i < t->set->n_socks; i++) {
		const struct pl_sock *s = &t->set->socks[i];

		row_cells(t, s, c);
		for (unsigned col = C_NETNS; col <= C_FLAGS; col++) {
			if (col == C_LOCAL || col == C_PEER || (col >= C_PID && col <= C_UNIT))
				continue;
			widen(t, col, c[col].n);
		}
		widen(t, C_LOCAL, endpoint_len(s, 0));
		if (t->show[C_PEER])
			widen(t, C_PEER, endpoint_len(s, 1));
		for (uint32_t k = 0; k == 0 || k < s->n_owners; k++) {
			owner_cells(t, &t->users, s, k, c);
			for (unsigned col = C_PID; col <= C_UNIT; col++)
				widen(t, col, c[col].n);
			if (t->fit && k < s->n_owners)
				widen(t, C_COMMAND,
				      pli_colfit_cols(proc_of(t, s, k)->cmd,
				                      strlen(proc_of(t, s, k)->cmd)));
		}
	}
}

/* Makes sure out has room for extra more bytes (and a NUL); 0 when out of memory. */
static int
reserve(struct pl_buf *out, size_t extra)
{
	size_t need = out->len + extra + 1, cap = out->cap ? out->cap : 4096;
	char *d;

	if (need <= out->cap)
		return 1;
	while (cap < need)
		cap *= 2;
	d = realloc(out->data, cap);
	if (!d)
		return 0;
	out->data = d;
	out->cap = cap;
	return 1;
}

/* put_line for a table fitted to a width: cells cut with a marker (cli/colfit.c),
 * addresses never (their columns are as wide as the widest). */
static void
put_line_fit(const struct text_table *t, const struct cell *c, const char *cmd, struct pl_buf *out)
{
	size_t start = out->len;

	for (unsigned i = 0; i < C_COMMAND; i++) {
		if (!t->show[i])
			continue;
		pli_colfit_put(out, c[i].s, c[i].n, t->width[i], 1);
		pli_buf_puts(out, "  ");
	}
	if (t->show[C_COMMAND])
		pli_colfit_put(out, cmd, strlen(cmd), t->width[C_COMMAND], 0);
	while (out->len > start && out->data[out->len - 1] == ' ')
		out->len--;
	pli_buf_putc(out, '\n');
}

/* Writes one line: the shown cells padded to their widths, then cmd, without trailing
 * spaces. Room for row_width + strlen(cmd) + 1 bytes must be reserved. */
static void
put_line(const struct text_table *t, const struct cell *c, const char *cmd, struct pl_buf *out)
{
	char *p = out->data + out->len, *start = p;
	size_t n = strlen(cmd);

	if (t->fit) {
		put_line_fit(t, c, cmd, out);
		return;
	}
	for (unsigned i = 0; i < C_COMMAND; i++) {
		if (!t->show[i])
			continue;
		memcpy(p, c[i].s, c[i].n);
		memset(p + c[i].n, ' ', t->width[i] + 2 - c[i].n);
		p += t->width[i] + 2;
	}
	memcpy(p, cmd, n);
	p += n;
	/* Trailing spaces of an empty command column are trimmed. */
	while (p > start && p[-1] == ' ')
		p--;
	*p++ = '\n';
	*p = '\0';
	out->len = (size_t)(p - out->data);
}

static void
put_text(struct pl_buf *out, const char *s)
{
	size_t n = strlen(s);

	memcpy(out->data + out->len, s, n);
	out->len += n;
}

/* Takes the reason just written at out->data + out->len into the output, escaped when it
 * needs to be (growing the reservation then); 0 when out of memory. */
static int
put_reason_escaped(struct pl_buf *out)
{
	char *r = out->data + out->len;
	size_t n = strlen(r);
	struct pl_buf esc;

	if (!pli_esc_term_needed(r, n)) {
		out->len += n;
		return 1;
	}
	pli_buf_init(&esc);
	pli_esc_term_n(&esc, r, n);
	if (pli_buf_failed(&esc) || !reserve(out, esc.len + REASON_ROOM)) {
		pli_buf_cleanup(&esc);
		return 0;
	}
	memcpy(out->data + out->len, esc.data, esc.len);
	out->len += esc.len;
	pli_buf_cleanup(&esc);
	return 1;
}

/* One "    ! flag: reason" line per flag; REASON_ROOM bytes each must be reserved. */
static void
put_reasons(const struct text_table *t, const struct pl_sock *s, struct pl_buf *out)
{
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
		enum pl_sock_flag flag = (enum pl_sock_flag)(1u << f);

		if (!(s->flags & flag))
			continue;
		put_text(out, "    ");
		put_text(out, t->sgr_risk[s->risk >= PL_RISK_HIGH]);
		put_text(out, "! ");
		put_text(out, pl_sock_flag_name(flag));
		put_text(out, ":");
		put_text(out, t->sgr_reset);
		put_text(out, " ");
		/* The reason is written in place (at most 512 bytes with its NUL); one that
		 * quotes a process name with control bytes goes through the terminal rule. */
		if (t->fit) {
			char reason[512];

			pl_sock_flag_reason(t->set, s, flag, reason, sizeof(reason));
			pli_colfit_wrap(out, reason, 4 + 2 + strlen(pl_sock_flag_name(flag)) + 2, 6,
			                t->fit);
			if (!reserve(out, REASON_ROOM))
				pli_buf_set_failed(out);
			continue;
		}
		pl_sock_flag_reason(t->set, s, flag, out->data + out->len, 512);
		if (!put_reason_escaped(out)) {
			pli_buf_set_failed(out);
			return;
		}
		out->data[out->len++] = '\n';
		out->data[out->len] = '\0';
	}
}

/* Room one socket needs: its lines with their commands, and its reasons. */
static size_t
socket_room(const struct text_table *t, const struct pl_sock *s)
{
	size_t room = (size_t)__builtin_popcount(s->flags) * REASON_ROOM + 1;

	for (uint32_t k = 0; k == 0 || k < s->n_owners; k++)
		room += t->row_width + 2 + (k < s->n_owners ? strlen(proc_of(t, s, k)->cmd) : 0);
	if (t->peer_below)
		room += t->peer_indent + 82;
	return room;
}

/* The peer of a connection on a line of its own, under the local address (peer_below);
 * room for peer_indent + 80 bytes must be reserved. */
static void
put_peer_line(const struct text_table *t, const struct pl_sock *s, struct pl_buf *out)
{
	char *p = out->data + out->len;

	memset(p, ' ', t->peer_indent);
	p = put_endpoint(s, 1, p + t->peer_indent);
	*p++ = '\n';
	*p = '\0';
	out->len = (size_t)(p - out->data);
}

/* Writes one socket's lines; 0 when out of memory. */
static int
put_socket(const struct text_table *t, struct pl_user_cache *uc, const struct pl_sock *s,
           struct pl_buf *out)
{
	struct cell c[C_COUNT];
	char local[80], peer[80];

	if (!reserve(out, socket_room(t, s)))
		return 0;
	row_cells(t, s, c);
	c[C_LOCAL] = (struct cell){.s = local, .n = (size_t)(put_endpoint(s, 0, local) - local)};
	c[C_PEER] = (struct cell){.s = peer, .n = 0};
	if (t->show[C_PEER])
		c[C_PEER].n = (size_t)(put_endpoint(s, 1, peer) - peer);
	owner_cells(t, uc, s, 0, c);
	put_line(t, c, s->n_owners ? proc_of(t, s, 0)->cmd : "", out);
	if (t->peer_below)
		put_peer_line(t, s, out);
	for (unsigned i = 0; i < C_COUNT; i++)
		c[i] = (struct cell){.s = "", .n = 0};
	for (uint32_t k = 1; k < s->n_owners; k++) {
		owner_cells(t, uc, s, k, c);
		put_line(t, c, proc_of(t, s, k)->cmd, out);
	}
	put_reasons(t, s, out);
	return 1;
}

static void
put_header(struct text_table *t, struct pl_buf *out)
{
	struct cell c[C_COUNT];

	for (unsigned i = 0; i < C_COUNT; i++)
		c[i] = cell_of(col_title[i]);
	pli_buf_puts(out, pli_term_sgr(t->cli, SGR_BOLD));
	if (!reserve(out, t->row_width + 16))
		return;
	put_line(t, c, col_title[C_COMMAND], out);
	if (t->peer_below)
		pli_buf_printf(out, "%*s%s\n", (int)t->peer_indent, "", col_title[C_PEER]);
	if (t->cli->color) {
		out->len--; /* put the reset before the newline */
		pli_buf_printf(out, "%s\n", SGR_RESET);
	}
}

/* Narrows the columns to t->fit (cli/colfit.c): rank 0 gives up room first; the
 * protocol, the pid and the addresses are never cut. While columns can still be left
 * out, the state and process keep their names; after that (conns at 60 columns:
 * protocol, state, two addresses, pid and process) the tight minimums apply and the
 * state is cut; when the two endpoints still do not fit side by side, the peer goes
 * under the local address (peer_below) and LOCAL is as wide as the wider of the two. */
static void
fit_columns(struct text_table *t)
{
	static const struct {
		unsigned rank;
		size_t min, tight;
	} how[C_COUNT] = {
	    [C_COMMAND] = {0, 8, 8}, [C_UNIT] = {1, 5, 5},    [C_SERVICE] = {2, 6, 6},
	    [C_USER] = {3, 5, 5},    [C_PROCESS] = {3, 7, 5}, [C_FLAGS] = {4, 7, 7},
	    [C_NETNS] = {5, 6, 6},   [C_PEER] = {6, 99, 99},  [C_LOCAL] = {6, 99, 99},
	    [C_STATE] = {7, 99, 6},  [C_PROTO] = {9, 99, 99}, [C_PID] = {9, 99, 99},
	};
	/* When even the minimums do not fit, these columns are left out, in this order;
	 * a flag's name and reason stay on the line under the row. */
	static const enum col drop[] = {C_UNIT, C_USER, C_SERVICE, C_NETNS, C_COMMAND, C_FLAGS};
	const size_t n_drop = sizeof(drop) / sizeof(drop[0]);
	struct pl_colfit_col cols[C_COUNT];
	size_t width[C_COUNT], n, sum;
	unsigned idx[C_COUNT];

	for (size_t d = 0;; d++) {
		n = 0;
		for (unsigned i = 0; i < C_COUNT; i++) {
			if (!t->show[i])
				continue;
			cols[n] =
			    (struct pl_colfit_col){.want = t->width[i],
			                           .min = d < n_drop ? how[i].min : how[i].tight,
			                           .rank = how[i].rank};
			idx[n++] = i;
		}
		/* The last column has no gap after it: allow for the 2 the fitter counts. */
		sum = pli_colfit_fit(cols, n, 2, t->fit + 2, width);
		if (sum <= t->fit + 2 || d > n_drop || (d == n_drop && !t->show[C_PEER]))
			break;
		if (d < n_drop) {
			t->show[drop[d]] = 0;
		} else {
			t->peer_below = 1;
			t->show[C_PEER] = 0;
			if (t->width[C_PEER] > t->width[C_LOCAL])
				t->width[C_LOCAL] = t->width[C_PEER];
		}
	}
	for (size_t k = 0; k < n; k++)
		t->width[idx[k]] = width[k];
	for (unsigned i = 0; i < C_LOCAL; i++)
		if (t->show[i])
			t->peer_indent += t->width[i] + 2;
}

static int
setup_table(struct text_table *t, unsigned what, int show_netns)
{
	const struct pl_sockset *set = t->set;

	t->hidden_label = geteuid() != 0 ? "(hidden; run as root)" : "(not visible)";
	for (unsigned i = 0; i < C_COUNT; i++)
		t->show[i] = 1;
	t->show[C_NETNS] = show_netns;
	t->show[C_STATE] = t->show[C_PEER] = what != PL_SQ_LISTEN;
	for (unsigned i = 0; i < C_COUNT; i++)
		t->width[i] = strlen(col_title[i]);
	t->sgr_risk[0] = pli_term_sgr(t->cli, SGR_YEL);
	t->sgr_risk[1] = pli_term_sgr(t->cli, SGR_RED);
	t->sgr_reset = pli_term_sgr(t->cli, SGR_RESET);
	make_flags_text(t);
	t->procs = calloc(set->n_procs ? set->n_procs : 1, sizeof(*t->procs));
	t->netns = calloc(set->n_netns ? set->n_netns : 1, sizeof(*t->netns));
	if (!t->procs || !t->netns)
		return 0;
	for (size_t i = 0; i < set->n_netns; i++)
		put_escaped(t->netns[i], sizeof(t->netns[i]), set->netns[i].label);
	for (size_t i = 0; i < set->n_procs; i++)
		make_proc_cells(t, &set->procs[i], &t->procs[i]);
	measure_rows(t);
	if (t->fit)
		fit_columns(t);
	for (unsigned i = 0; i < C_COMMAND; i++)
		if (t->show[i])
			t->row_width += t->width[i] + 2;
	return 1;
}

static void
table_cleanup(struct text_table *t)
{
	for (size_t i = 0; t->procs && i < t->set->n_procs; i++)
		pli_buf_cleanup(&t->procs[i].cmd_esc);
	free(t->procs);
	free(t->netns);
}

/* Output is handed to the CLI in chunks of this size, so a large table is never held
 * whole (building 6 MB of fresh memory cost more page faults than the text itself). */
#define CHUNK (256u * 1024u)

int
pli_render_sockets_text(struct pl_cli *cli, const struct pl_sockset *set, unsigned what,
                        int show_netns, struct pl_buf *out)
{
	struct text_table t = {.cli = cli, .set = set};
	int rc = PL_EXIT_OK;

	t.fit = pli_colfit_width(cli->width_given, cli->out);
	if (!setup_table(&t, what, show_netns)) {
		table_cleanup(&t);
		return pli_cli_fail(cli, "out of memory");
	}
	put_header(&t, out);
	for (size_t i = 0; i < set->n_socks && rc == PL_EXIT_OK; i++) {
		if (!put_socket(&t, &t.users, &set->socks[i], out)) {
			rc = pli_cli_fail(cli, "out of memory");
			break;
		}
		if (out->len >= CHUNK) {
			rc = pli_cli_emit(cli, out);
			pli_buf_reset(out);
		}
	}
	table_cleanup(&t);
	return rc;
}
