// SPDX-License-Identifier: MIT
/*
 * render_sockets_text.c - `portlens listen` and `portlens conns` as an aligned table.
 *
 * One row per socket; when several processes hold a socket (pre-fork servers) the
 * others follow on continuation lines under the process columns. Flags are listed in
 * the FLAGS column and each one's reason is printed under the row. Column widths come
 * from a first pass over the rows, so the table is aligned whatever the data.
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/render_sockets.h"

#define SGR_BOLD  "\033[1m"
#define SGR_RED   "\033[31m"
#define SGR_YEL   "\033[33m"
#define SGR_DIM   "\033[2m"
#define SGR_RESET "\033[0m"

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

struct cells {
	char v[C_COUNT][96];
};

struct text_table {
	struct pl_cli *cli;
	const struct pl_sockset *set;
	struct pl_user_cache users;
	int show[C_COUNT];
	size_t width[C_COUNT];
	const char *hidden_label; /* "(hidden; run as root)", or as root "(not visible)" */
};

/* Writes v in decimal at p; returns the end (no NUL). */
static char *
put_u32(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
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

const char *
pl_sock_proto_label(const struct pl_sock *s)
{
	int tcp = s->proto == PL_PROTO_TCP;

	if (s->family == AF_INET)
		return tcp ? "tcp4" : "udp4";
	if (pl_sock_dual_stack(s))
		return tcp ? "tcp46" : "udp46";
	return tcp ? "tcp6" : "udp6";
}

/* IPv4 is formatted by hand: this runs for every row, and printf dominated. */
void
pl_sock_endpoint(const struct pl_sock *s, int remote, char *buf, size_t size)
{
	const uint8_t *a = remote ? s->remote : s->local;
	uint16_t port = remote ? s->rport : s->lport;
	char tmp[80], *p = tmp;

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
	p = put_u32(p, port);
	*p = '\0';
	put_str(buf, size, tmp);
}

const char *
pl_user_cached(struct pl_user_cache *uc, uint32_t uid)
{
	size_t slot;

	for (size_t i = 0; i < uc->n; i++)
		if (uc->uid[i] == uid)
			return uc->name[i];
	slot = uc->n < 64 ? uc->n++ : uid % 64;
	uc->uid[slot] = uid;
	pl_user_name(uid, uc->name[slot], sizeof(uc->name[slot]));
	return uc->name[slot];
}

static void
unit_cell(const struct pl_proc *p, char *buf, size_t size)
{
	if (p->container && p->unit && strncmp(p->unit, "docker-", 7) != 0 &&
	    strncmp(p->unit, "libpod-", 7) != 0)
		snprintf(buf, size, "%s %s", p->container, p->unit);
	else
		put_str(buf, size, p->container ? p->container : p->unit ? p->unit : "-");
}

/* Process columns for holder k (k < n_owners), or the reason there is none. */
static void
owner_cells(struct text_table *t, const struct pl_sock *s, uint32_t k, struct cells *c)
{
	const struct pl_proc *p;

	c->v[C_COMMAND][0] = '\0';
	if (k >= s->n_owners) {
		put_str(c->v[C_PID], sizeof(c->v[0]), "-");
		put_str(c->v[C_USER], sizeof(c->v[0]), pl_user_cached(&t->users, s->uid));
		put_str(c->v[C_UNIT], sizeof(c->v[0]), "-");
		put_str(c->v[C_PROCESS], sizeof(c->v[0]),
		        s->owner_status == PL_OWNER_HIDDEN   ? t->hidden_label
		        : s->owner_status == PL_OWNER_KERNEL ? "(no process: kernel)"
		                                             : "-");
		return;
	}
	p = pl_sock_owner(t->set, s, k);
	*put_u32(c->v[C_PID], (uint32_t)p->pid) = '\0';
	put_str(c->v[C_PROCESS], sizeof(c->v[0]), p->comm);
	put_str(c->v[C_USER], sizeof(c->v[0]),
	        pl_user_cached(&t->users, p->uid != UINT32_MAX ? p->uid : s->uid));
	unit_cell(p, c->v[C_UNIT], sizeof(c->v[0]));
}

static void
row_cells(struct text_table *t, const struct pl_sock *s, struct cells *c)
{
	size_t used = 0;

	put_str(c->v[C_NETNS], sizeof(c->v[0]), t->set->netns[s->netns].label);
	put_str(c->v[C_PROTO], sizeof(c->v[0]), pl_sock_proto_label(s));
	put_str(c->v[C_STATE], sizeof(c->v[0]), pl_sock_state_name(s));
	pl_sock_endpoint(s, 0, c->v[C_LOCAL], sizeof(c->v[0]));
	if (t->show[C_PEER])
		pl_sock_endpoint(s, 1, c->v[C_PEER], sizeof(c->v[0]));
	put_str(c->v[C_SERVICE], sizeof(c->v[0]), s->reg ? s->reg->service : "-");
	c->v[C_FLAGS][0] = '\0';
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
		if (!(s->flags & (1u << f)))
			continue;
		if (used)
			c->v[C_FLAGS][used++] = ',';
		used += put_str(c->v[C_FLAGS] + used, sizeof(c->v[0]) - used,
		                pl_sock_flag_name((enum pl_sock_flag)(1u << f)));
	}
	if (!used)
		put_str(c->v[C_FLAGS], sizeof(c->v[0]), "-");
	owner_cells(t, s, 0, c);
}

static void
widen(struct text_table *t, const struct cells *c)
{
	for (unsigned i = 0; i < C_COUNT; i++) {
		size_t n = strlen(c->v[i]);

		if (t->show[i] && i != C_COMMAND && n > t->width[i])
			t->width[i] = n;
	}
}

static void
emit(struct text_table *t, const struct cells *c, const char *cmd, struct pl_buf *out)
{
	static const char spaces[] = "                                                  "
	                             "                                                  ";

	for (unsigned i = 0; i < C_COUNT; i++) {
		size_t n, pad;

		if (!t->show[i] || i == C_COMMAND)
			continue;
		n = strlen(c->v[i]);
		pad = t->width[i] + 2 - n;
		pl_buf_append(out, c->v[i], n);
		pl_buf_append(out, spaces, pad < sizeof(spaces) ? pad : sizeof(spaces) - 1);
	}
	pl_buf_puts(out, cmd);
	/* Trailing spaces of an empty command column are trimmed. */
	while (out->len && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	pl_buf_putc(out, '\n');
}

static void
emit_reasons(struct text_table *t, const struct pl_sock *s, struct pl_buf *out)
{
	char reason[512];

	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
		enum pl_sock_flag flag = (enum pl_sock_flag)(1u << f);

		if (!(s->flags & flag))
			continue;
		pl_sock_flag_reason(t->set, s, flag, reason, sizeof(reason));
		/* No printf here: thousands of rows can be flagged. */
		pl_buf_puts(out, "    ");
		pl_buf_puts(out, pl_term_sgr(t->cli, s->risk >= PL_RISK_HIGH ? SGR_RED : SGR_YEL));
		pl_buf_puts(out, "! ");
		pl_buf_puts(out, pl_sock_flag_name(flag));
		pl_buf_puts(out, ":");
		pl_buf_puts(out, pl_term_sgr(t->cli, SGR_RESET));
		pl_buf_putc(out, ' ');
		pl_buf_puts(out, reason);
		pl_buf_putc(out, '\n');
	}
}

static void
emit_socket(struct text_table *t, const struct pl_sock *s, struct pl_buf *out)
{
	struct cells c;

	row_cells(t, s, &c);
	emit(t, &c, s->n_owners ? pl_sock_owner(t->set, s, 0)->cmdline : "", out);
	for (uint32_t k = 1; k < s->n_owners; k++) {
		struct cells more;

		memset(&more, 0, sizeof(more));
		owner_cells(t, s, k, &more);
		emit(t, &more, pl_sock_owner(t->set, s, k)->cmdline, out);
	}
	emit_reasons(t, s, out);
}

/* One half of the rows, measured or written by its own thread (large tables only). */
struct text_part {
	struct text_table t; /* own copy: the user cache is not shared between threads */
	size_t from, to;
	struct pl_buf out;
};

static void
measure_rows(struct text_table *t, size_t from, size_t to)
{
	struct cells c;

	for (size_t i = from; i < to; i++) {
		const struct pl_sock *s = &t->set->socks[i];

		row_cells(t, s, &c);
		widen(t, &c);
		for (uint32_t k = 1; k < s->n_owners; k++) {
			owner_cells(t, s, k, &c);
			widen(t, &c);
		}
	}
}

static void *
measure_part(void *arg)
{
	struct text_part *p = arg;

	measure_rows(&p->t, p->from, p->to);
	return NULL;
}

static void *
emit_part(void *arg)
{
	struct text_part *p = arg;

	for (size_t i = p->from; i < p->to; i++)
		emit_socket(&p->t, &p->t.set->socks[i], &p->out);
	return NULL;
}

/* Runs fn over the two halves: the second on a thread, the first here (both here if
 * the thread cannot start). */
static void
run_halves(struct text_part *parts, void *(*fn)(void *))
{
	pthread_t tid;
	int threaded = pthread_create(&tid, NULL, fn, &parts[1]) == 0;

	fn(&parts[0]);
	if (threaded)
		pthread_join(tid, NULL);
	else
		fn(&parts[1]);
}

/*
 * Tables of more than PARALLEL_ROWS rows are measured and written in two halves on two
 * threads (the rendering was a third of `portlens listen`'s time after the kernel's
 * share), then the second half's text is appended to the first's.
 */
#define PARALLEL_ROWS 4096

void
pl_render_sockets_text(struct pl_cli *cli, const struct pl_sockset *set, unsigned what,
                       int show_netns, struct pl_buf *out)
{
	struct text_table t = {.cli = cli, .set = set};
	struct text_part parts[2];
	struct cells c;
	size_t half = set->n_socks / 2;
	int parallel = set->n_socks > PARALLEL_ROWS;

	t.hidden_label = geteuid() != 0 ? "(hidden; run as root)" : "(not visible)";
	for (unsigned i = 0; i < C_COUNT; i++)
		t.show[i] = 1;
	t.show[C_NETNS] = show_netns;
	t.show[C_STATE] = t.show[C_PEER] = what != PL_SQ_LISTEN;
	for (unsigned i = 0; i < C_COUNT; i++)
		t.width[i] = strlen(col_title[i]);
	if (parallel) {
		for (unsigned k = 0; k < 2; k++) {
			parts[k].t = t;
			parts[k].from = k ? half : 0;
			parts[k].to = k ? set->n_socks : half;
			pl_buf_init(&parts[k].out);
		}
		run_halves(parts, measure_part);
		for (unsigned i = 0; i < C_COUNT; i++)
			t.width[i] = parts[0].t.width[i] > parts[1].t.width[i]
			                 ? parts[0].t.width[i]
			                 : parts[1].t.width[i];
	} else {
		measure_rows(&t, 0, set->n_socks);
	}
	for (unsigned i = 0; i < C_COUNT; i++)
		snprintf(c.v[i], sizeof(c.v[i]), "%s", col_title[i]);
	pl_buf_puts(out, pl_term_sgr(cli, SGR_BOLD));
	emit(&t, &c, col_title[C_COMMAND], out);
	if (cli->color) {
		out->len--; /* put the reset before the newline */
		pl_buf_printf(out, "%s\n", SGR_RESET);
	}
	if (!parallel) {
		for (size_t i = 0; i < set->n_socks; i++)
			emit_socket(&t, &set->socks[i], out);
		return;
	}
	for (unsigned k = 0; k < 2; k++)
		memcpy(parts[k].t.width, t.width, sizeof(t.width));
	/* The first half writes straight after the header. */
	parts[0].out = *out;
	run_halves(parts, emit_part);
	*out = parts[0].out;
	pl_buf_append(out, parts[1].out.data, parts[1].out.len);
	pl_buf_cleanup(&parts[1].out);
}
