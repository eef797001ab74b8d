// SPDX-License-Identifier: MIT
/*
 * test_sockets.c - the pure parsers of the sockets module, replayed from recordings of
 * real sockets (tests/unit/data/sockets, made by record.py in a fresh namespace):
 * netlink sock_diag dumps, the same moment's /proc/net tables (which must give the same
 * rows), malformed input of both, and /proc/PID/cgroup -> unit and container.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "unit.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "portlens/sockets.h"

#define DATA PL_SOURCE_ROOT "/tests/unit/data/sockets/"

/* Inodes of the recorded sockets (inodes.txt). */
enum {
	INO_47101 = 318681,
	INO_47102 = 318682,
	INO_47103 = 318683,
	INO_47104 = 318684,
	INO_CLIENT = 318685,
	INO_SERVER = 318686,
	INO_47105 = 318687,
	INO_47106 = 318688,
};

static char *
slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), DATA "%s", name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
parse_nl(const char *name, enum pl_proto proto, struct pl_sock_list *l)
{
	size_t len;
	char *buf = slurp(name, &len);
	int done = 0;

	assert_int_equal(pl_sockdiag_parse(buf, len, proto, l, &done, NULL), PL_OK);
	assert_true(done);
	free(buf);
}

static const struct pl_sock *
by_inode(const struct pl_sock_list *l, uint64_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].inode == ino)
			return &l->v[i];
	fail_msg("inode %llu not found", (unsigned long long)ino);
	return NULL;
}

static void
test_sockdiag_tcp4(void **state)
{
	struct pl_sock_list l = {0};
	const struct pl_sock *s;
	char a[64];

	(void)state;
	parse_nl("tcp4.nl", PL_PROTO_TCP, &l);
	assert_int_equal(l.n, 3);
	s = by_inode(&l, INO_47101);
	assert_int_equal(s->state, PL_SS_LISTEN);
	assert_int_equal(s->lport, 47101);
	assert_int_equal(s->rport, 0);
	assert_int_equal(s->family, AF_INET);
	assert_int_equal(s->proto, PL_PROTO_TCP);
	assert_int_equal(s->uid, 0);
	pl_sock_addr_str(s, 0, a, sizeof(a));
	assert_string_equal(a, "127.0.0.1");
	assert_true(pl_sock_loopback(s));
	assert_false(pl_sock_dual_stack(s));
	assert_string_equal(pl_sock_state_name(s), "LISTEN");
	s = by_inode(&l, INO_CLIENT);
	assert_int_equal(s->state, PL_SS_ESTABLISHED);
	assert_int_equal(s->rport, 47101);
	s = by_inode(&l, INO_SERVER);
	assert_int_equal(s->lport, 47101);
	assert_string_equal(pl_sock_state_name(s), "ESTAB");
	pl_sock_list_cleanup(&l);
}

static void
test_sockdiag_tcp6(void **state)
{
	struct pl_sock_list l = {0};
	const struct pl_sock *s;
	char a[64];

	(void)state;
	parse_nl("tcp6.nl", PL_PROTO_TCP, &l);
	assert_int_equal(l.n, 3);
	s = by_inode(&l, INO_47102);
	pl_sock_addr_str(s, 0, a, sizeof(a));
	assert_string_equal(a, "::1");
	assert_true(pl_sock_loopback(s));
	s = by_inode(&l, INO_47103);
	assert_int_equal(s->lport, 47103);
	assert_int_equal(s->v6only, 0);
	assert_true(pl_sock_dual_stack(s));
	assert_false(pl_sock_loopback(s));
	s = by_inode(&l, INO_47104);
	assert_int_equal(s->v6only, 1);
	assert_false(pl_sock_dual_stack(s));
	pl_sock_list_cleanup(&l);
}

static void
test_sockdiag_udp(void **state)
{
	struct pl_sock_list l = {0};
	const struct pl_sock *s;

	(void)state;
	parse_nl("udp4.nl", PL_PROTO_UDP, &l);
	parse_nl("udp6.nl", PL_PROTO_UDP, &l);
	assert_int_equal(l.n, 2);
	s = by_inode(&l, INO_47105);
	assert_int_equal(s->state, PL_SS_CLOSE);
	assert_string_equal(pl_sock_state_name(s), "UNCONN");
	assert_int_equal(s->proto, PL_PROTO_UDP);
	s = by_inode(&l, INO_47106);
	assert_true(pl_sock_dual_stack(s));
	pl_sock_list_cleanup(&l);
}

/* The fallback must give the same rows as netlink, field by field. */
static void
compare_proc(const char *nl, const char *proc, enum pl_proto proto, int family)
{
	struct pl_sock_list a = {0}, b = {0};
	size_t len;
	char *text = slurp(proc, &len);

	parse_nl(nl, proto, &a);
	assert_int_equal(pl_procnet_parse(text, len, proto, family, &b, NULL), PL_OK);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		const struct pl_sock *x = &a.v[i], *y = by_inode(&b, a.v[i].inode);

		assert_int_equal(x->state, y->state);
		assert_int_equal(x->lport, y->lport);
		assert_int_equal(x->rport, y->rport);
		assert_int_equal(x->family, y->family);
		assert_int_equal(x->proto, y->proto);
		assert_int_equal(x->uid, y->uid);
		assert_memory_equal(x->local, y->local, 16);
		assert_memory_equal(x->remote, y->remote, 16);
		if (family == AF_INET6)
			assert_int_equal(y->v6only, PL_V6ONLY_UNKNOWN);
	}
	free(text);
	pl_sock_list_cleanup(&a);
	pl_sock_list_cleanup(&b);
}

static void
test_procnet_same_rows(void **state)
{
	(void)state;
	compare_proc("tcp4.nl", "proc-tcp", PL_PROTO_TCP, AF_INET);
	compare_proc("tcp6.nl", "proc-tcp6", PL_PROTO_TCP, AF_INET6);
	compare_proc("udp4.nl", "proc-udp", PL_PROTO_UDP, AF_INET);
	compare_proc("udp6.nl", "proc-udp6", PL_PROTO_UDP, AF_INET6);
}

static void
test_sockdiag_truncated(void **state)
{
	struct pl_sock_list l = {0};
	struct pl_err err = {0};
	size_t len;
	char *buf = slurp("tcp4.nl", &len);
	int done;

	(void)state;
	/* Cut inside the second message: the first parses, then the rest is an error. */
	assert_int_equal(pl_sockdiag_parse(buf, 150, PL_PROTO_TCP, &l, &done, &err), PL_ERR_PARSE);
	assert_false(done);
	assert_non_null(strstr(err.msg, "truncated"));
	/* A header claiming more bytes than the message has. */
	l.n = 0;
	((struct nlmsghdr *)buf)->nlmsg_len = 20;
	assert_int_equal(pl_sockdiag_parse(buf, len, PL_PROTO_TCP, &l, &done, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "too short"));
	/* A length above 2^31 must not walk backwards (found by fuzzing: an endless loop). */
	((struct nlmsghdr *)buf)->nlmsg_len = 0xfffffff0u;
	assert_int_equal(pl_sockdiag_parse(buf, len, PL_PROTO_TCP, &l, &done, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "truncated"));
	free(buf);
	pl_sock_list_cleanup(&l);
}

static void
test_sockdiag_error_and_family(void **state)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} msg = {.h = {.nlmsg_len = sizeof(msg), .nlmsg_type = NLMSG_ERROR}, .e = {.error = -2}};
	struct {
		struct nlmsghdr h;
		struct inet_diag_msg m;
	} bad = {.h = {.nlmsg_len = sizeof(bad), .nlmsg_type = SOCK_DIAG_BY_FAMILY},
	         .m = {.idiag_family = 99}};
	struct pl_sock_list l = {0};
	struct pl_err err = {0};
	int done;

	(void)state;
	assert_int_equal(pl_sockdiag_parse(&msg, sizeof(msg), PL_PROTO_TCP, &l, &done, &err),
	                 PL_ERR_SYS);
	assert_int_equal(err.sys_errno, 2);
	/* A nonsense error code (found by fuzzing: negating INT_MIN) becomes EIO. */
	msg.e.error = INT32_MIN;
	assert_int_equal(pl_sockdiag_parse(&msg, sizeof(msg), PL_PROTO_TCP, &l, &done, &err),
	                 PL_ERR_SYS);
	assert_int_equal(err.sys_errno, EIO);
	assert_int_equal(pl_sockdiag_parse(&bad, sizeof(bad), PL_PROTO_TCP, &l, &done, &err),
	                 PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "family 99"));
	assert_int_equal(l.n, 0);
	/* An empty buffer is no sockets and no end yet. */
	assert_int_equal(pl_sockdiag_parse("", 0, PL_PROTO_TCP, &l, &done, &err), PL_OK);
	assert_false(done);
	pl_sock_list_cleanup(&l);
}

static void
test_procnet_malformed(void **state)
{
	static const char hdr[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
	                          "tm->when retrnsmt   uid  timeout inode\n";
	static const struct {
		const char *line;
		const char *msg;
	} bad[] = {
	    {"   0: 0100007F:B7FD 00000000:0000 0A", "bad queue"},
	    {"   0: 0100007G:B7FD 00000000:0000 0A 0:0 00:0 0 0 0 1", "bad local"},
	    {"   0: 0100007F:B7FD 00000000:0000 0F 00000000:00000000 00:00000000 00000000 0 "
	     "0 1",
	     "bad socket state"},
	    {"0100007F:B7FD", "slot"},
	    {"   0: 0100007F:B7FD 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x",
	     "bad uid"},
	};
	char text[512];
	struct pl_sock_list l = {0};
	struct pl_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s\n", hdr, bad[i].line);
		assert_int_equal(
		    pl_procnet_parse(text, strlen(text), PL_PROTO_TCP, AF_INET, &l, &err),
		    PL_ERR_PARSE);
		assert_int_equal(err.line, 2);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
	}
	assert_int_equal(l.n, 0);
	/* Header only: no rows. Nothing at all: no rows. */
	assert_int_equal(pl_procnet_parse(hdr, strlen(hdr), PL_PROTO_TCP, AF_INET, &l, &err),
	                 PL_OK);
	assert_int_equal(pl_procnet_parse("", 0, PL_PROTO_TCP, AF_INET, &l, &err), PL_OK);
	assert_int_equal(l.n, 0);
	pl_sock_list_cleanup(&l);
}

static void
check_cgroup(const char *text, const char *path, const char *unit, const char *container)
{
	char p[256], u[128], c[128];

	assert_int_equal(
	    pl_cgroup_parse(text, strlen(text), p, sizeof(p), u, sizeof(u), c, sizeof(c)), PL_OK);
	assert_string_equal(p, path);
	assert_string_equal(u, unit);
	assert_string_equal(c, container);
}

/* /proc/net/packet as the kernel prints it (pointer hidden by kptr_restrict, or not). */
static void
test_procnet_packet(void **state)
{
	static const char text[] =
	    "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
	    "0000000014c7071c 3      3    0003   1     1 0      0      30122648\n"
	    "0000000000000000 3      2    88cc   0     1 768    65534  30122650\n";
	static const struct {
		const char *line;
		const char *msg;
		unsigned column;
	} bad[] = {
	    {"zz 3 3 0003 1 1 0 0 1", "socket's address", 1},
	    {"00 3 3 003 1 1 0 0 1", "bad protocol", 8},
	    {"00 3 3 0003 x 1 0 0 1", "interface index", 13},
	    {"00 3 3 0003 1 1 0 0", "bad inode", 20},
	    {"00 3 999 0003 1 1 0 0 1", "socket type", 6},
	};
	struct pl_sock_list l = {0};
	struct pl_err err = {0};
	char buf[256];

	(void)state;
	assert_int_equal(pl_procnet_parse_packet(text, strlen(text), &l, &err), PL_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].kind, PL_SK_PACKET);
	assert_int_equal(l.v[0].family, AF_PACKET);
	assert_int_equal(l.v[0].pkt_type, SOCK_RAW);
	assert_int_equal(l.v[0].lport, 3); /* ETH_P_ALL */
	assert_int_equal(l.v[0].ifindex, 1);
	assert_int_equal(l.v[0].inode, 30122648);
	assert_string_equal(pl_sock_proto_label(&l.v[0]), "packet");
	assert_string_equal(pl_sock_transport_name(&l.v[0]), "packet");
	assert_string_equal(pl_sock_protocol_name(&l.v[0]), "all");
	assert_int_equal(l.v[1].pkt_type, SOCK_DGRAM);
	assert_int_equal(l.v[1].lport, 0x88cc);
	assert_string_equal(pl_sock_protocol_name(&l.v[1]), "lldp");
	assert_int_equal(l.v[1].uid, 65534);
	assert_int_equal(l.v[1].rqueue, 768);
	pl_sock_addr_str(&l.v[1], 0, buf, sizeof(buf));
	assert_string_equal(buf, "*"); /* every interface */
	assert_false(pl_sock_dual_stack(&l.v[0]));
	assert_false(pl_sock_loopback(&l.v[0])); /* no name looked up yet */
	snprintf(l.v[0].ifname, sizeof(l.v[0].ifname), "lo");
	assert_true(pl_sock_loopback(&l.v[0]));
	pl_sock_list_cleanup(&l);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "sk RefCnt Type Proto Iface R Rmem User Inode\n%s\n",
		         bad[i].line);
		assert_int_equal(pl_procnet_parse_packet(buf, strlen(buf), &l, &err), PL_ERR_PARSE);
		if (!strstr(err.msg, bad[i].msg) || err.line != 2 || err.column != bad[i].column)
			fail_msg("case %zu: %u:%u '%s', want 2:%u '%s'", i, err.line, err.column,
			         err.msg, bad[i].column, bad[i].msg);
	}
	assert_int_equal(l.n, 0);
	assert_int_equal(pl_procnet_parse_packet("", 0, &l, &err), PL_OK);
	assert_int_equal(pl_procnet_parse_packet("x", 1, &l, &err), PL_ERR_PARSE);
	pl_sock_list_cleanup(&l);
}

static void
test_cgroup(void **state)
{
	char p[64], u[64], c[64];

	(void)state;
	check_cgroup("0::/system.slice/nginx.service\n", "/system.slice/nginx.service",
	             "nginx.service", "");
	check_cgroup("0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
	             "foo.service\n",
	             "/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service",
	             "foo.service", "");
	check_cgroup(
	    "0::/system.slice/docker-"
	    "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708.scope\n",
	    "/system.slice/docker-"
	    "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708.scope",
	    "docker-3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708.scope",
	    "docker:3f2a1b4c5d6e");
	/* cgroup v1 with Docker's cgroupfs driver; the unified line is only "/". */
	check_cgroup("12:memory:/docker/aabbccddeeff00112233\n"
	             "1:name=systemd:/docker/aabbccddeeff00112233\n0::/\n",
	             "/docker/aabbccddeeff00112233", "", "docker:aabbccddeeff");
	check_cgroup("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
	             "cri-containerd-0123456789abcdef0123.scope\n",
	             "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
	             "cri-containerd-0123456789abcdef0123.scope",
	             "cri-containerd-0123456789abcdef0123.scope", "containerd:0123456789ab");
	check_cgroup("0::/machine.slice/libpod-cafebabecafebabe.scope/container\n",
	             "/machine.slice/libpod-cafebabecafebabe.scope/container",
	             "libpod-cafebabecafebabe.scope", "podman:cafebabecafe");
	check_cgroup("0::/lxc.payload.web1/system.slice/nginx.service\n",
	             "/lxc.payload.web1/system.slice/nginx.service", "nginx.service", "lxc:web1");
	check_cgroup("0::/machine.slice/machine-lab1.scope/payload\n",
	             "/machine.slice/machine-lab1.scope/payload", "machine-lab1.scope",
	             "machine:lab1");
	check_cgroup("0::/\n", "/", "", "");
	check_cgroup("0::/system.slice/gone.service (deleted)\n", "/system.slice/gone.service",
	             "gone.service", "");
	assert_int_equal(pl_cgroup_parse("garbage", 7, p, sizeof(p), u, sizeof(u), c, sizeof(c)),
	                 PL_ERR_PARSE);
	/* Short output buffers truncate, never overflow. */
	assert_int_equal(
	    pl_cgroup_parse("0::/system.slice/nginx.service\n", 31, p, 8, u, 4, c, sizeof(c)),
	    PL_OK);
	assert_string_equal(p, "/system");
	assert_string_equal(u, "ngi");
}

UNIT_MAIN(cmocka_unit_test(test_sockdiag_tcp4), cmocka_unit_test(test_sockdiag_tcp6),
          cmocka_unit_test(test_sockdiag_udp), cmocka_unit_test(test_procnet_same_rows),
          cmocka_unit_test(test_sockdiag_truncated),
          cmocka_unit_test(test_sockdiag_error_and_family),
          cmocka_unit_test(test_procnet_malformed), cmocka_unit_test(test_procnet_packet),
          cmocka_unit_test(test_cgroup))
