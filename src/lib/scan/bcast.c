// SPDX-License-Identifier: MIT
/*
 * bcast.c - the IPv4 broadcast addresses of this machine's own interfaces, read through
 * netlink: a dump of the kernel's "local" routing table (RTM_GETROUTE), whose
 * RTN_BROADCAST routes are exactly the addresses the kernel treats as broadcast: the
 * subnet broadcast of every address shorter than /31 and any brd set explicitly.
 *
 * Why routes and not arithmetic: a block given on the command line is often not a
 * subnet (a routed /28 inside a larger network), and its last address is then an
 * ordinary host; nmap, zmap and masscan probe it. Only what the kernel itself calls a
 * broadcast is provably one, and those are the ones a scan from here must skip.
 *
 * The parser (pl_scan_bcast_parse) is a pure function over the bytes of netlink
 * messages, fuzzed like the other parsers; the I/O is one dump request.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "portlens/scan.h"
#include "core/array.h"

#define BCAST_MAX 4096 /* addresses kept; a machine has a handful */

struct parse_ctx {
	struct pl_bcast_list *l;
	int nomem;
};

static int
route_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	if ((type == RTA_DST && mnl_attr_validate(a, MNL_TYPE_U32) < 0) ||
	    (type == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) < 0))
		return MNL_CB_OK; /* malformed: ignored */
	tb[type] = a;
	return MNL_CB_OK;
}

static int
route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct parse_ctx *c = data;
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	const struct rtmsg *rt;
	struct pl_bcast *b;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rt)))
		return MNL_CB_OK;
	rt = mnl_nlmsg_get_payload(nlh);
	if (rt->rtm_family != AF_INET || rt->rtm_type != RTN_BROADCAST || rt->rtm_dst_len != 32)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rt), route_attr, tb);
	if (!tb[RTA_DST] || c->l->n >= BCAST_MAX)
		return MNL_CB_OK;
	if (PLI_ARRAY_RESERVE(c->l->v, c->l->cap, c->l->n + 1, 8) != PL_OK) {
		c->nomem = 1;
		return MNL_CB_ERROR;
	}
	b = &c->l->v[c->l->n++];
	memset(b, 0, sizeof(*b));
	b->addr.family = 4;
	memcpy(b->addr.bytes, mnl_attr_get_payload(tb[RTA_DST]), 4);
	b->ifindex = tb[RTA_OIF] ? mnl_attr_get_u32(tb[RTA_OIF]) : 0;
	return MNL_CB_OK;
}

enum pl_rc
pl_scan_bcast_parse(const void *buf, size_t len, struct pl_bcast_list *l, int *done,
                    struct pl_err *err)
{
	struct parse_ctx c = {.l = l};
	int r;

	/* libmnl's mnl_nlmsg_ok compares a header's length as an int: one claiming 2 GiB or
	 * more passes, and the walk then leaves the buffer. Every header must fit in what is
	 * left before libmnl sees it. */
	if (len > INT_MAX)
		return pl_err_set(err, PL_ERR_PARSE, "netlink route dump: too large");
	for (size_t off = 0; len - off >= sizeof(struct nlmsghdr);) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)buf + off);

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			return pl_err_set(err, PL_ERR_PARSE,
			                  "netlink route dump: malformed message");
		if (NLMSG_ALIGN(h->nlmsg_len) >= len - off)
			break;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	r = mnl_cb_run(buf, len, 0, 0, route_cb, &c);
	if (c.nomem)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (r == MNL_CB_STOP)
		*done = 1;
	else if (r == MNL_CB_ERROR)
		return pl_err_set(err, PL_ERR_PARSE, "netlink route dump: malformed or error");
	return PL_OK;
}

static enum pl_rc
send_dump(struct mnl_socket *nl, uint32_t seq, struct pl_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rt;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_LOCAL;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return pl_err_set(err, PL_ERR_SYS, "netlink route dump: %s", strerror(errno));
	return PL_OK;
}

enum pl_rc
pl_scan_local_broadcasts(struct pl_bcast_list *l, struct pl_err *err)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	uint32_t seq = (uint32_t)time(NULL);
	enum pl_rc rc;
	int done = 0;

	memset(l, 0, sizeof(*l));
	if (!nl || !buf || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = buf ? pl_err_set(err, PL_ERR_SYS, "netlink: %s", strerror(errno))
		         : pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = send_dump(nl, seq, err);
	while (rc == PL_OK && !done) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = pl_err_set(err, PL_ERR_SYS, "netlink route dump: %s",
			                n < 0 ? strerror(errno) : "closed");
			break;
		}
		rc = pl_scan_bcast_parse(buf, (size_t)n, l, &done, err);
	}
	for (size_t i = 0; rc == PL_OK && i < l->n; i++)
		if (!l->v[i].ifindex || !if_indextoname(l->v[i].ifindex, l->v[i].ifname))
			memcpy(l->v[i].ifname, "?", 2);
out:
	if (nl)
		mnl_socket_close(nl);
	free(buf);
	if (rc != PL_OK)
		pl_bcast_list_cleanup(l);
	return rc;
}

void
pl_bcast_list_cleanup(struct pl_bcast_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
