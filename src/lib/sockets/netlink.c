// SPDX-License-Identifier: MIT
/*
 * netlink.c - the I/O half of sock_diag: sends one SOCK_DIAG_BY_FAMILY dump request
 * (struct inet_diag_req_v2, linux/inet_diag.h) through libmnl and feeds every datagram
 * the kernel answers to pl_sockdiag_parse until NLMSG_DONE.
 *
 * The receive buffer is large (256 KiB) so that a dump of 100,000 sockets takes a few
 * hundred recv() calls, not thousands; the kernel fills each datagram up to its own
 * limit (32 KiB) regardless.
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
#include <time.h>
#include <unistd.h>

#include "sockets/sockets_impl.h"

#define RECV_BUF (256u * 1024u)

int
pli_sockdiag_open(struct pl_err *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0) {
		int e = errno;

		pl_err_set(err, PL_ERR_UNSUPPORTED, "netlink sock_diag: %s", strerror(e));
		if (err)
			err->sys_errno = e;
	}
	return fd;
}

/*
 * Kernel-side filter "source port == port || destination port == port" (inet_diag
 * bytecode). Each op's `yes`/`no` is a byte offset to jump; landing exactly on the end
 * accepts the socket, 4 bytes past it rejects. A port test is an op followed by an op
 * whose `no` holds the port. The kernel's audit (inet_diag_bc_audit) walks the `yes`
 * chain and requires every `no` target on it, hence the JMP between the two tests
 * (the shape ss uses for "or"):
 *   0: S_EQ yes->8 (JMP) no->12 (D_EQ)   8: JMP (always `no`) ->20 accept
 *  12: D_EQ yes->20 accept no->24 reject
 */
static void
put_port_filter(struct nlmsghdr *nlh, uint16_t port)
{
	struct inet_diag_bc_op ops[5] = {
	    {.code = INET_DIAG_BC_S_EQ, .yes = 8, .no = 12},
	    {.no = port},
	    {.code = INET_DIAG_BC_JMP, .yes = 4, .no = 12},
	    {.code = INET_DIAG_BC_D_EQ, .yes = 8, .no = 12},
	    {.no = port},
	};

	mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, sizeof(ops), ops);
}

/*
 * One request. family AF_UNSPEC (TCP only) uses the older TCPDIAG_GETSOCK message, whose
 * dump the kernel runs with family AF_UNSPEC: IPv4 and IPv6 sockets in one walk of the
 * established hash, where SOCK_DIAG_BY_FAMILY needs one walk per family. On a machine
 * with a large TCP hash table (262,144 buckets with 24 GiB) each walk costs about a
 * millisecond even when the port filter matches nothing.
 */
static enum pl_rc
send_request(int fd, enum pl_proto proto, int family, uint32_t states, int port, uint32_t seq,
             struct pl_err *err)
{
	char buf[MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct inet_diag_req_v2)) +
	         MNL_ALIGN(sizeof(struct inet_diag_req)) + MNL_ATTR_HDRLEN +
	         5 * sizeof(struct inet_diag_bc_op)];
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct nlmsghdr *nlh;
	int e;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (family == AF_UNSPEC) {
		struct inet_diag_req *old = mnl_nlmsg_put_extra_header(nlh, sizeof(*old));

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		old->idiag_family = AF_UNSPEC;
		old->idiag_states = states;
	} else {
		struct inet_diag_req_v2 *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));

		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req->sdiag_family = (uint8_t)family;
		req->sdiag_protocol = proto == PL_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
		req->idiag_states = states;
	}
	if (port >= 0)
		put_port_filter(nlh, (uint16_t)port);
	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) >= 0)
		return PL_OK;
	e = errno;
	pl_err_set(err, PL_ERR_SYS, "sock_diag request: %s", strerror(e));
	if (err)
		err->sys_errno = e;
	return PL_ERR_SYS;
}

enum pl_rc
pli_sockdiag_dump(int nlfd, enum pl_proto proto, int family, uint32_t states, int port,
                  struct pl_sock_list *l, struct pl_err *err)
{
	uint32_t seq = (uint32_t)time(NULL) ^ (uint32_t)(family << 8) ^ (uint32_t)proto;
	char *buf = malloc(RECV_BUF);
	size_t first = l->n;
	enum pl_rc rc;
	int done = 0;

	if (!buf)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	rc = send_request(nlfd, proto, family, states, port, seq, err);
	while (rc == PL_OK && !done) {
		ssize_t n = recv(nlfd, buf, RECV_BUF, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			rc = pl_err_set(err, PL_ERR_SYS, "sock_diag receive: %s", strerror(e));
			if (err)
				err->sys_errno = e;
			break;
		}
		if (n == 0) {
			rc = pl_err_set(err, PL_ERR_SYS, "sock_diag: connection closed");
			break;
		}
		rc = pl_sockdiag_parse(buf, (size_t)n, proto, l, &done, err);
	}
	free(buf);
	/* No diag module for this protocol or family: the caller falls back to /proc. */
	if (rc == PL_ERR_SYS && err && (err->sys_errno == ENOENT || err->sys_errno == EOPNOTSUPP))
		rc = PL_ERR_UNSUPPORTED;
	if (rc != PL_OK)
		l->n = first;
	return rc;
}
