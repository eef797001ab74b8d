// SPDX-License-Identifier: MIT
/*
 * baseline.c - the listeners a machine is expected to have, as a text file a person can
 * read and edit, and the check of the live listeners against it ("did I put it here?").
 *
 * One listener per line: PROTO ADDRESS PORT PROGRAM, separated by blanks; '#' starts a
 * comment line. PROTO is what `portlens listen` prints (tcp4, tcp6, tcp46, udp4, udp6,
 * udp46, raw4, raw6, packet) or tcp/udp/raw for any family; ADDRESS an IPv4 or IPv6
 * literal, for packet an interface name, or '*'; PORT a number (for raw the IP protocol,
 * for packet the ethertype, as `--json` gives them) or '*'; PROGRAM, the rest of the line (process
 * names may hold blanks), is a holder's name as /proc/PID/comm gives it, '*' for any, or '-' for a
 * socket with no visible process. `portlens listen --save-baseline FILE` writes one; `--baseline
 * FILE` shows only listeners no line covers, and which lines covered nothing. The parser is pure
 * (fuzzed, unit-tested); an error names the line and column.
 *
 * Matching: parse orders the lines by port ('*' first) once, O(m log m); a socket is then
 * compared with the '*' lines and, found by binary search, the lines of its own port. A
 * file of hundreds of thousands of lines checks in well under a second.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets/sockets_impl.h"
#include "core/array.h"

static const char *const protos[] = {"tcp",  "tcp4",  "tcp6", "tcp46", "udp",  "udp4",
                                     "udp6", "udp46", "raw",  "raw4",  "raw6", "packet"};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated field of line [*p, end): its start and length. */
static size_t
next_field(const char **p, const char *end, const char **start)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	*start = s;
	while (s < end && !is_blank(*s))
		s++;
	*p = s;
	return (size_t)(s - *start);
}

static enum pl_rc
field_error(struct pl_err *err, const char *source, unsigned line, const char *line_start,
            const char *at, const char *what, size_t n, const char *field)
{
	return pl_err_set_at(err, PL_ERR_PARSE, source, line, (unsigned)(at - line_start) + 1,
	                     "%s '%.*s'", what, (int)(n > 40 ? 40 : n), field);
}

/* Normalises an address literal ("::0" and "::" are one address) into out. */
static int
normal_addr(const char *f, size_t n, char *out, size_t size)
{
	struct pl_addr a;

	if (n == 1 && f[0] == '*') {
		snprintf(out, size, "*");
		return 1;
	}
	return pl_addr_parse_ip(f, n, &a) == 0 && *pl_addr_ip_str(&a, out, size);
}

static enum pl_rc
parse_line(const char *p, const char *end, const char *source, unsigned line,
           struct pl_baseline_entry *e, struct pl_err *err)
{
	const char *ls = p, *f;
	size_t n;
	int known = 0;

	memset(e, 0, sizeof(*e));
	e->line = line;
	n = next_field(&p, end, &f);
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		known |= n == strlen(protos[i]) && memcmp(f, protos[i], n) == 0;
	if (!known)
		return field_error(err, source, line, ls, f,
		                   "unknown protocol (want tcp4, tcp6, tcp46, udp4, udp6, udp46, "
		                   "tcp, udp, raw4, raw6, raw or packet):",
		                   n, f);
	memcpy(e->proto, f, n);
	n = next_field(&p, end, &f);
	if (n == 0)
		return field_error(err, source, line, ls, f, "missing address after", 0, "");
	if (strcmp(e->proto, "packet") == 0) {
		/* A packet socket's address is its interface: a name, or '*' for all. */
		if (n >= IF_NAMESIZE || memchr(f, '/', n))
			return field_error(err, source, line, ls, f,
			                   "not an interface name or '*':", n, f);
		memcpy(e->addr, f, n);
	} else if (!normal_addr(f, n, e->addr, sizeof(e->addr))) {
		return field_error(err, source, line, ls, f, "not an IP address or '*':", n, f);
	}
	n = next_field(&p, end, &f);
	if (n == 1 && f[0] == '*') {
		e->port = -1;
	} else {
		uint32_t v = 0;

		for (size_t i = 0; i < n && v <= 65535; i++)
			v = f[i] >= '0' && f[i] <= '9' ? v * 10 + (uint32_t)(f[i] - '0') : 65536;
		if (n == 0 || v > 65535)
			return field_error(err, source, line, ls, f,
			                   "not a port (0-65535 or '*'):", n, f);
		e->port = (int32_t)v;
	}
	/* The program is the rest of the line, trimmed: process names may hold blanks. */
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	n = (size_t)(end - p);
	if (n == 0)
		return field_error(err, source, line, ls, p, "missing program name (or '*', '-')",
		                   0, "");
	if (n >= sizeof(e->program))
		return field_error(err, source, line, ls, p,
		                   "program name longer than a process name (15 bytes):", n, p);
	memcpy(e->program, p, n);
	return PL_OK;
}

/* qsort context is not portable: the entries sort through this pair (index, port). */
struct port_ref {
	int32_t port;
	uint32_t idx;
};

static int
cmp_port_ref(const void *a, const void *b)
{
	const struct port_ref *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Fills b->by_port and b->n_any (see pl_baseline). */
static enum pl_rc
build_index(struct pl_baseline *b)
{
	struct pl_baseline_entry *v = b->v;
	struct port_ref *refs;

	if (b->n == 0)
		return PL_OK;
	refs = malloc(b->n * sizeof(*refs));
	b->by_port = malloc(b->n * sizeof(*b->by_port));
	if (!refs || !b->by_port) {
		free(refs);
		return PL_ERR_NOMEM;
	}
	for (size_t i = 0; i < b->n; i++)
		refs[i] = (struct port_ref){.port = v[i].port, .idx = (uint32_t)i};
	qsort(refs, b->n, sizeof(*refs), cmp_port_ref);
	b->n_any = 0;
	for (size_t i = 0; i < b->n; i++) {
		b->by_port[i] = refs[i].idx;
		if (refs[i].port < 0)
			b->n_any++;
	}
	free(refs);
	return PL_OK;
}

enum pl_rc
pl_baseline_parse(const char *data, size_t len, const char *source, struct pl_baseline *out,
                  struct pl_err *err)
{
	const char *p = data, *end = data + len;
	size_t cap = 0;
	unsigned line = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *s = p;
		enum pl_rc rc;

		if (!eol)
			eol = end;
		line++;
		while (s < eol && is_blank(*s))
			s++;
		if (memchr(p, '\0', (size_t)(eol - p))) {
			pl_baseline_cleanup(out);
			return pl_err_set_at(err, PL_ERR_PARSE, source, line, 0,
			                     "a NUL byte: not a text file");
		}
		if (s < eol && *s != '#') {
			if (PLI_ARRAY_RESERVE(out->v, cap, out->n + 1, 32) != PL_OK) {
				pl_baseline_cleanup(out);
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			}
			rc = parse_line(p, eol, source, line, &out->v[out->n], err);
			if (rc != PL_OK) {
				pl_baseline_cleanup(out);
				return rc;
			}
			out->n++;
		}
		p = eol < end ? eol + 1 : end;
	}
	if (build_index(out) != PL_OK) {
		pl_baseline_cleanup(out);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	return PL_OK;
}

void
pl_baseline_cleanup(struct pl_baseline *b)
{
	free(b->v);
	free(b->by_port);
	b->v = NULL;
	b->by_port = NULL;
	b->n = 0;
	b->n_any = 0;
}

static int
program_matches(const struct pl_sockset *set, const struct pl_sock *s, const char *program)
{
	if (strcmp(program, "*") == 0)
		return 1;
	if (strcmp(program, "-") == 0)
		return s->n_owners == 0;
	for (uint32_t k = 0; k < s->n_owners; k++)
		if (strcmp(pl_sock_owner(set, s, k)->comm, program) == 0)
			return 1;
	return 0;
}

static int
entry_covers(const struct pl_baseline_entry *e, const struct pl_sockset *set,
             const struct pl_sock *s, const char *label, const char *addr)
{
	/* "tcp" covers tcp4, tcp6 and tcp46; a full label only itself. */
	if (strcmp(e->proto, label) != 0 &&
	    !(strlen(e->proto) == 3 && strncmp(e->proto, label, 3) == 0))
		return 0;
	if (e->port >= 0 && e->port != s->lport)
		return 0;
	if (strcmp(e->addr, "*") != 0 && strcmp(e->addr, addr) != 0)
		return 0;
	return program_matches(set, s, e->program);
}

/* The first position in by_port[n_any..n) whose line has port >= port. */
static size_t
first_of_port(const struct pl_baseline *b, int32_t port)
{
	size_t lo = b->n_any, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->v[b->by_port[mid]].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
pl_baseline_covers(struct pl_baseline *b, const struct pl_sockset *set, const struct pl_sock *s)
{
	const char *label = pl_sock_proto_label(s);
	char addr[64];
	int covered = 0;

	if (b->n == 0)
		return 0;
	pl_sock_addr_str(s, 0, addr, sizeof(addr));
	/* Every covering line counts the socket, so no line is reported gone wrongly: the
	 * '*' lines, then the lines of this port. */
	for (size_t i = 0; i < b->n_any; i++) {
		struct pl_baseline_entry *e = &b->v[b->by_port[i]];

		if (entry_covers(e, set, s, label, addr)) {
			e->matched++;
			covered = 1;
		}
	}
	for (size_t i = first_of_port(b, s->lport);
	     i < b->n && b->v[b->by_port[i]].port == s->lport; i++) {
		struct pl_baseline_entry *e = &b->v[b->by_port[i]];

		if (entry_covers(e, set, s, label, addr)) {
			e->matched++;
			covered = 1;
		}
	}
	return covered;
}

void
pl_baseline_line(const struct pl_sockset *set, const struct pl_sock *s, char *buf, size_t size)
{
	char addr[64];

	pl_sock_addr_str(s, 0, addr, sizeof(addr));
	snprintf(buf, size, "%-6s %-15s %5u  %s", pl_sock_proto_label(s), addr, (unsigned)s->lport,
	         s->n_owners ? pl_sock_owner(set, s, 0)->comm : "-");
}
