// SPDX-License-Identifier: MIT
/*
 * procnet_parse.c - pure parser for /proc/net/{tcp,tcp6,udp,udp6}, the fallback when
 * netlink sock_diag is unavailable, and the reader that feeds it from a directory.
 *
 * Each line after the header is
 *   "sl: LOCAL:PORT REMOTE:PORT ST TXQ:RXQ TR:WHEN RETR UID TIMEOUT INODE ..."
 * where addresses are the kernel's in-memory 32-bit words printed with %08X (so their
 * byte order is the host's) and ports, states and queues are hex numbers. Fields after
 * the inode differ between TCP and UDP and are ignored. The kernel does not report
 * IPV6_V6ONLY here, so IPv6 rows carry PL_V6ONLY_UNKNOWN. /proc/net/raw and raw6 have
 * the same layout, the IP protocol in the port's place.
 *
 * /proc/net/packet (packet sockets) has its own: "SK REFCNT TYPE PROTO IFACE R RMEM USER
 * INODE", the socket pointer and the ethertype in hex, the rest decimal. Raw and packet
 * sockets are read only from /proc: the netlink modules for them (raw_diag,
 * packet_diag) are often not built, and these files always are.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockets/sockets_impl.h"
#include "core/strnum.h"

struct cursor {
	const char *p, *end;
	const char *line_start;
	unsigned line;
};

static void
skip_spaces(struct cursor *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

static enum pl_rc
fail(struct cursor *c, struct pl_err *err, const char *what)
{
	return pl_err_set_at(err, PL_ERR_PARSE, "<proc/net>", c->line,
	                     (unsigned)(c->p - c->line_start) + 1, "%s", what);
}

/* Reads exactly ndig hex digits (ndig 0: 1-16 digits) into *v. */
static int
read_hex(struct cursor *c, unsigned ndig, uint64_t *v)
{
	unsigned n = 0;

	*v = 0;
	while (c->p < c->end && pli_hex_digit(*c->p) >= 0 && (ndig ? n < ndig : n < 16)) {
		*v = (*v << 4) | (uint64_t)pli_hex_digit(*c->p);
		c->p++;
		n++;
	}
	return n > 0 && (!ndig || n == ndig);
}

/* Reads a decimal number of at most 20 digits. */
static int
read_dec(struct cursor *c, uint64_t *v)
{
	unsigned n = 0;

	*v = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && n < 20) {
		uint64_t d = (uint64_t)(*c->p - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return 0;
		*v = *v * 10 + d;
		c->p++;
		n++;
	}
	return n > 0;
}

static int
expect(struct cursor *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

/* "0100007F:0016": words in host order, then the port. */
static int
read_endpoint(struct cursor *c, int family, uint8_t *addr, uint16_t *port)
{
	unsigned words = family == AF_INET ? 1 : 4;
	uint64_t v;

	for (unsigned i = 0; i < words; i++) {
		uint32_t w;

		if (!read_hex(c, 8, &v))
			return 0;
		w = (uint32_t)v;
		memcpy(addr + 4 * i, &w, 4);
	}
	if (!expect(c, ':') || !read_hex(c, 4, &v))
		return 0;
	*port = (uint16_t)v;
	return 1;
}

static enum pl_rc
parse_line(struct cursor *c, enum pl_proto proto, int family, struct pl_sock *s, struct pl_err *err)
{
	uint64_t v, q;

	skip_spaces(c);
	if (!read_dec(c, &v) || !expect(c, ':'))
		return fail(c, err, "expected a slot number and ':'");
	skip_spaces(c);
	if (!read_endpoint(c, family, s->local, &s->lport))
		return fail(c, err, "bad local address");
	skip_spaces(c);
	if (!read_endpoint(c, family, s->remote, &s->rport))
		return fail(c, err, "bad remote address");
	skip_spaces(c);
	if (!read_hex(c, 2, &v) || v == 0 || v >= PL_SS_MAX)
		return fail(c, err, "bad socket state");
	s->state = (uint8_t)v;
	skip_spaces(c);
	if (!read_hex(c, 8, &q) || !expect(c, ':') || !read_hex(c, 8, &v))
		return fail(c, err, "bad queue sizes");
	s->wqueue = (uint32_t)q;
	s->rqueue = (uint32_t)v;
	skip_spaces(c);
	if (!read_hex(c, 2, &v) || !expect(c, ':') || !read_hex(c, 8, &v))
		return fail(c, err, "bad timer");
	skip_spaces(c);
	if (!read_hex(c, 8, &v))
		return fail(c, err, "bad retransmit count");
	skip_spaces(c);
	if (!read_dec(c, &v) || v > UINT32_MAX)
		return fail(c, err, "bad uid");
	s->uid = (uint32_t)v;
	skip_spaces(c);
	if (!read_dec(c, &v))
		return fail(c, err, "bad timeout");
	skip_spaces(c);
	if (!read_dec(c, &v))
		return fail(c, err, "bad inode");
	s->inode = v;
	s->proto = (uint8_t)proto;
	s->family = (uint8_t)family;
	s->v6only = family == AF_INET6 ? PL_V6ONLY_UNKNOWN : 0;
	return PL_OK;
}

/* Reads one blank-separated number (hex: ndig digits, 0 = 1-16) no larger than max;
 * on failure leaves the cursor at the field's start, for the error's column. */
static int
packet_field(struct cursor *c, int hex, unsigned ndig, uint64_t max, uint64_t *v)
{
	const char *start;
	int ok;

	skip_spaces(c);
	start = c->p;
	ok = hex ? read_hex(c, ndig, v) : read_dec(c, v);
	if (ok && *v <= max && (c->p == c->end || *c->p == ' ' || *c->p == '\r'))
		return 1;
	c->p = start;
	return 0;
}

static enum pl_rc
parse_packet_line(struct cursor *c, struct pl_sock *s, struct pl_err *err)
{
	uint64_t v;

	if (!packet_field(c, 1, 0, UINT64_MAX, &v))
		return fail(c, err, "expected the socket's address in hex");
	if (!packet_field(c, 0, 0, UINT32_MAX, &v))
		return fail(c, err, "bad reference count");
	if (!packet_field(c, 0, 0, 255, &v))
		return fail(c, err, "bad socket type");
	s->pkt_type = (uint8_t)v;
	if (!packet_field(c, 1, 4, 0xffff, &v))
		return fail(c, err, "bad protocol (4 hex digits)");
	s->lport = (uint16_t)v;
	if (!packet_field(c, 0, 0, UINT32_MAX, &v))
		return fail(c, err, "bad interface index");
	s->ifindex = (uint32_t)v;
	if (!packet_field(c, 0, 0, 1, &v))
		return fail(c, err, "bad running flag");
	if (!packet_field(c, 0, 0, UINT32_MAX, &v))
		return fail(c, err, "bad receive memory");
	s->rqueue = (uint32_t)v;
	if (!packet_field(c, 0, 0, UINT32_MAX, &v))
		return fail(c, err, "bad uid");
	s->uid = (uint32_t)v;
	if (!packet_field(c, 0, 0, UINT64_MAX, &v))
		return fail(c, err, "bad inode");
	s->inode = v;
	s->kind = PL_SK_PACKET;
	s->proto = PL_PROTO_COUNT;
	s->family = AF_PACKET;
	s->state = PL_SS_CLOSE;
	s->v6only = 0;
	return PL_OK;
}

/* Which of the two line layouts a file has (tcp/udp/raw, or packet). */
struct row_kind {
	enum pl_proto proto;
	int family;
	int packet;
};

/* Every line after the column header becomes one socket of l. */
static enum pl_rc
parse_rows(const char *data, size_t len, const struct row_kind *k, struct pl_sock_list *l,
           struct pl_err *err)
{
	struct cursor c = {.p = data, .end = data + len, .line_start = data, .line = 1};
	const char *nl = memchr(data, '\n', len);

	if (!nl)
		return len ? fail(&c, err, "no header line") : PL_OK;
	c.p = nl + 1;
	while (c.p < c.end) {
		const char *eol = memchr(c.p, '\n', (size_t)(c.end - c.p));
		struct cursor lc;
		struct pl_sock *s;
		enum pl_rc rc;

		c.line++;
		c.line_start = c.p;
		lc = c;
		lc.end = eol ? eol : c.end;
		s = pli_sock_list_push(l);
		if (!s)
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		rc = k->packet ? parse_packet_line(&lc, s, err)
		               : parse_line(&lc, k->proto, k->family, s, err);
		if (rc != PL_OK) {
			l->n--;
			return rc;
		}
		c.p = eol ? eol + 1 : c.end;
	}
	return PL_OK;
}

enum pl_rc
pl_procnet_parse(const char *data, size_t len, enum pl_proto proto, int family,
                 struct pl_sock_list *l, struct pl_err *err)
{
	const struct row_kind k = {.proto = proto, .family = family};

	if (family != AF_INET && family != AF_INET6)
		return pl_err_set(err, PL_ERR_ARG, "family must be AF_INET or AF_INET6");
	return parse_rows(data, len, &k, l, err);
}

enum pl_rc
pl_procnet_parse_packet(const char *data, size_t len, struct pl_sock_list *l, struct pl_err *err)
{
	const struct row_kind k = {.packet = 1};

	return parse_rows(data, len, &k, l, err);
}

static const char *
procnet_name(enum pl_proto proto, int family)
{
	if (proto == PL_PROTO_TCP)
		return family == AF_INET ? "tcp" : "tcp6";
	return family == AF_INET ? "udp" : "udp6";
}

static enum pl_rc
read_all(int fd, char **data, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return PL_ERR_NOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return PL_ERR_NOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return PL_ERR_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*data = buf;
	*len = n;
	return PL_OK;
}

/* Reads DIR/name into *data; PL_ERR_NOTFOUND when the file does not exist. */
static enum pl_rc
read_file(const char *dir, const char *name, char **data, size_t *len, struct pl_err *err)
{
	char path[512];
	enum pl_rc rc;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return PL_ERR_NOTFOUND;
		rc = pl_err_set(err, PL_ERR_IO, "cannot open %s: %s", path, strerror(e));
		if (err)
			err->sys_errno = e;
		return rc;
	}
	rc = read_all(fd, data, len);
	close(fd);
	return rc == PL_OK ? PL_OK : pl_err_set(err, rc, "cannot read %s", path);
}

enum pl_rc
pli_procnet_read(const char *dir, enum pl_proto proto, int family, uint32_t states,
                 struct pl_sock_list *l, struct pl_err *err)
{
	char *data = NULL;
	size_t len = 0, first = l->n, kept;
	enum pl_rc rc = read_file(dir, procnet_name(proto, family), &data, &len, err);

	if (rc == PL_ERR_NOTFOUND)
		return PL_OK; /* no IPv6 in this kernel: no rows, not an error */
	if (rc != PL_OK)
		return rc;
	rc = pl_procnet_parse(data, len, proto, family, l, err);
	if (rc == PL_ERR_PARSE && err)
		err->source = NULL;
	free(data);
	if (rc != PL_OK)
		return rc;
	kept = first;
	for (size_t i = first; i < l->n; i++)
		if (states & (1u << l->v[i].state))
			l->v[kept++] = l->v[i];
	l->n = kept;
	return PL_OK;
}

enum pl_rc
pli_procnet_read_raw(const char *dir, struct pl_sock_list *l, struct pl_err *err)
{
	static const char *const files[] = {"raw", "raw6", "packet"};

	for (size_t f = 0; f < 3; f++) {
		size_t first = l->n;
		char *data = NULL;
		size_t len = 0;
		enum pl_rc rc = read_file(dir, files[f], &data, &len, err);

		if (rc == PL_ERR_NOTFOUND)
			continue; /* no IPv6, or no AF_PACKET in this kernel */
		if (rc != PL_OK)
			return rc;
		if (f < 2)
			rc = pl_procnet_parse(data, len, PL_PROTO_UDP, f == 0 ? AF_INET : AF_INET6,
			                      l, err);
		else
			rc = pl_procnet_parse_packet(data, len, l, err);
		free(data);
		if (rc != PL_OK) {
			if (rc == PL_ERR_PARSE && err)
				err->source = NULL;
			return rc;
		}
		for (size_t i = first; f < 2 && i < l->n; i++) {
			l->v[i].kind = PL_SK_RAW;
			l->v[i].proto = PL_PROTO_COUNT;
			l->v[i].v6only = 1; /* dual-stack does not apply */
		}
	}
	return PL_OK;
}
