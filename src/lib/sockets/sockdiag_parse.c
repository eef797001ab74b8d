// SPDX-License-Identifier: MIT
/*
 * sockdiag_parse.c - pure parser for answers to a netlink SOCK_DIAG_BY_FAMILY dump (or
 * the TCPDIAG_GETSOCK dump that covers both families: the same inet_diag_msg)
 * (struct inet_diag_msg plus attributes, linux/inet_diag.h), and the socket list the
 * parsers append to.
 *
 * The input is the bytes of one or more recv() calls, exactly as the kernel sent them,
 * so recorded dumps replay in tests and fuzzers. Every length is checked before use:
 * message lengths against the bytes left, the fixed inet_diag_msg by size, attributes
 * through mnl_attr_ok. Nothing is trusted from the buffer except what was validated.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets/sockets_impl.h"
#include "core/array.h"

struct pl_sock *
pli_sock_list_push(struct pl_sock_list *l)
{
	if (PLI_ARRAY_RESERVE(l->v, l->cap, l->n + 1, 256) != PL_OK)
		return NULL;
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

void
pl_sock_list_cleanup(struct pl_sock_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Reads the attributes after the fixed header; only IPv6-only is of interest. */
static enum pl_rc
parse_attrs(const struct nlmsghdr *nlh, struct pl_sock *s, size_t off, struct pl_err *err)
{
	const struct nlattr *attr;
	size_t hdr = MNL_ALIGN(sizeof(struct inet_diag_msg));

	if (mnl_nlmsg_get_payload_len(nlh) < hdr)
		return PL_OK;
	mnl_attr_for_each(attr, nlh, hdr)
	{
		if (mnl_attr_get_type(attr) != INET_DIAG_SKV6ONLY)
			continue;
		if (mnl_attr_get_payload_len(attr) < 1)
			return pl_err_set_at(err, PL_ERR_PARSE, "<sock_diag>", 0, (unsigned)off + 1,
			                     "empty IPv6-only attribute");
		s->v6only = *(const uint8_t *)mnl_attr_get_payload(attr) ? 1 : 0;
	}
	return PL_OK;
}

static enum pl_rc
parse_one(const struct nlmsghdr *nlh, enum pl_proto proto, struct pl_sock_list *l, size_t off,
          struct pl_err *err)
{
	const struct inet_diag_msg *m;
	struct inet_diag_msg msg;
	struct pl_sock *s;
	size_t alen;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(msg))
		return pl_err_set_at(err, PL_ERR_PARSE, "<sock_diag>", 0, (unsigned)off + 1,
		                     "sock_diag message of %u bytes is too short",
		                     (unsigned)nlh->nlmsg_len);
	m = mnl_nlmsg_get_payload(nlh);
	memcpy(&msg, m, sizeof(msg));
	if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6)
		return pl_err_set_at(err, PL_ERR_PARSE, "<sock_diag>", 0, (unsigned)off + 1,
		                     "unexpected address family %u", msg.idiag_family);
	s = pli_sock_list_push(l);
	if (!s)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	s->proto = (uint8_t)proto;
	s->family = msg.idiag_family;
	s->state = msg.idiag_state;
	s->v6only = msg.idiag_family == AF_INET6 ? PL_V6ONLY_UNKNOWN : 0;
	s->lport = ntohs(msg.id.idiag_sport);
	s->rport = ntohs(msg.id.idiag_dport);
	alen = msg.idiag_family == AF_INET ? 4 : 16;
	memcpy(s->local, msg.id.idiag_src, alen);
	memcpy(s->remote, msg.id.idiag_dst, alen);
	s->ifindex = msg.id.idiag_if;
	s->uid = msg.idiag_uid;
	s->inode = msg.idiag_inode;
	s->rqueue = msg.idiag_rqueue;
	s->wqueue = msg.idiag_wqueue;
	return parse_attrs(nlh, s, off, err);
}

static enum pl_rc
parse_error(const struct nlmsghdr *nlh, size_t off, struct pl_err *err)
{
	const struct nlmsgerr *e;
	enum pl_rc rc;
	int code;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return pl_err_set_at(err, PL_ERR_PARSE, "<sock_diag>", 0, (unsigned)off + 1,
		                     "truncated netlink error message");
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0)
		return PL_OK; /* an acknowledgement */
	/* Kernel errors are -1..-4095; anything else is garbage (and -INT_MIN is UB). */
	code = e->error < 0 && e->error > -4096 ? -e->error : EIO;
	rc = pl_err_set(err, PL_ERR_SYS, "sock_diag: %s", strerror(code));
	if (err)
		err->sys_errno = code;
	return rc;
}

enum pl_rc
pl_sockdiag_parse(const void *buf, size_t len, enum pl_proto proto, struct pl_sock_list *l,
                  int *done, struct pl_err *err)
{
	size_t off = 0;
	enum pl_rc rc;

	*done = 0;
	/* Bounds are checked here rather than with mnl_nlmsg_ok: it compares the length
	 * as an int, so a length above 2^31 passes it and mnl_nlmsg_next walks backwards. */
	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)((const char *)buf + off);
		size_t mlen = nlh->nlmsg_len;

		if (mlen < sizeof(*nlh) || mlen > len - off)
			return pl_err_set_at(err, PL_ERR_PARSE, "<sock_diag>", 0, (unsigned)off + 1,
			                     "truncated netlink message (length %zu, %zu bytes "
			                     "left)",
			                     mlen, len - off);
		switch (nlh->nlmsg_type) {
		case NLMSG_DONE:
			*done = 1;
			return PL_OK;
		case NLMSG_ERROR:
			rc = parse_error(nlh, off, err);
			if (rc != PL_OK)
				return rc;
			break;
		case SOCK_DIAG_BY_FAMILY:
		case TCPDIAG_GETSOCK: /* the answer to the one-walk TCP dump (netlink.c) */
			rc = parse_one(nlh, proto, l, off, err);
			if (rc != PL_OK)
				return rc;
			break;
		default:
			break; /* NLMSG_NOOP and anything newer: skip */
		}
		off += MNL_ALIGN(mlen) < len - off ? MNL_ALIGN(mlen) : len - off;
	}
	if (off != len)
		return pl_err_set_at(err, PL_ERR_PARSE, "<sock_diag>", 0, (unsigned)off + 1,
		                     "truncated netlink message (%zu bytes left over)", len - off);
	return PL_OK;
}
