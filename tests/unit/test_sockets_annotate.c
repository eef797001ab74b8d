// SPDX-License-Identifier: MIT
/*
 * test_sockets_annotate.c - flags and their reasons (exposed, unassigned, malware,
 * unexpected) over hand-built socket sets, with the built-in registry and knowledge
 * base; and pl_sockets_collect on sockets this test opens itself on 127.0.0.1 and ::1,
 * through netlink and through the /proc/net fallback, which must agree.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"

#include "portlens/sockets.h"

/* A set of n sockets, the first held by one process named comm. */
static struct pl_sockset *
make_set(size_t n, const char *comm)
{
	struct pl_sockset *set = calloc(1, sizeof(*set));

	assert_non_null(set);
	set->socks = calloc(n, sizeof(*set->socks));
	set->procs = calloc(1, sizeof(*set->procs));
	set->owner_idx = calloc(1, sizeof(*set->owner_idx));
	set->netns = calloc(1, sizeof(*set->netns));
	assert_non_null(set->socks);
	assert_non_null(set->procs);
	set->n_socks = n;
	set->n_procs = 1;
	set->n_owner_idx = 1;
	set->n_netns = 1;
	set->procs[0].pid = 4242;
	snprintf(set->procs[0].comm, sizeof(set->procs[0].comm), "%s", comm);
	set->procs[0].cmdline = strdup(comm);
	set->procs[0].cgroup = strdup("/");
	set->socks[0].n_owners = 1;
	return set;
}

static void
listener(struct pl_sock *s, enum pl_proto proto, const char *v4, uint16_t port)
{
	s->proto = (uint8_t)proto;
	s->family = AF_INET;
	s->state = proto == PL_PROTO_TCP ? PL_SS_LISTEN : PL_SS_CLOSE;
	s->lport = port;
	assert_int_equal(inet_pton(AF_INET, v4, s->local), 1);
}

static void
reason_has(const struct pl_sockset *set, const struct pl_sock *s, enum pl_sock_flag f,
           const char *needle)
{
	char buf[512];

	pl_sock_flag_reason(set, s, f, buf, sizeof(buf));
	if (!strstr(buf, needle))
		fail_msg("reason '%s' lacks '%s'", buf, needle);
}

static void
test_telnet_exposed(void **state)
{
	struct pl_sockset *set = make_set(3, "python3");

	(void)state;
	listener(&set->socks[0], PL_PROTO_TCP, "0.0.0.0", 23);
	listener(&set->socks[1], PL_PROTO_TCP, "127.0.0.1", 23);
	listener(&set->socks[2], PL_PROTO_TCP, "198.18.0.1", 2323);
	pl_sockets_annotate(set, pl_registry_builtin(), pl_kb_builtin());
	/* 0.0.0.0:23 held by python3: exposed and not a Telnet server. */
	assert_true(set->socks[0].flags & PL_SFLAG_EXPOSED);
	assert_true(set->socks[0].flags & PL_SFLAG_UNEXPECTED);
	assert_non_null(set->socks[0].reg);
	assert_string_equal(set->socks[0].reg->service, "telnet");
	assert_true(set->socks[0].risk >= PL_RISK_HIGH);
	reason_has(set, &set->socks[0], PL_SFLAG_EXPOSED, "listening on 0.0.0.0, beyond loopback");
	/* The fact is the port's, not the program's: the reason says so. */
	reason_has(set, &set->socks[0], PL_SFLAG_EXPOSED, "what this port is known for: ");
	reason_has(set, &set->socks[0], PL_SFLAG_UNEXPECTED,
	           "well-known port 23 (telnet) is held by python3, not by a Telnet server");
	/* Loopback is not exposed; nobody holds socks[1], so nothing is unexpected. */
	assert_int_equal(set->socks[1].flags, 0);
	/* 2323 beyond loopback: exposed; registered (3d-nfsd), so not unassigned. */
	assert_true(set->socks[2].flags & PL_SFLAG_EXPOSED);
	assert_false(set->socks[2].flags & PL_SFLAG_UNASSIGNED);
	assert_string_equal(set->socks[2].reg->service, "3d-nfsd");
	pl_sockset_free(set);
}

static void
test_expected_holder(void **state)
{
	struct pl_sockset *set = make_set(1, "sshd");

	(void)state;
	listener(&set->socks[0], PL_PROTO_TCP, "0.0.0.0", 22);
	pl_sockets_annotate(set, pl_registry_builtin(), pl_kb_builtin());
	assert_false(set->socks[0].flags & PL_SFLAG_UNEXPECTED);
	assert_string_equal(set->socks[0].reg->service, "ssh");
	/* Socket activation: systemd holds it for sshd. */
	snprintf(set->procs[0].comm, sizeof(set->procs[0].comm), "systemd");
	pl_sockets_annotate(set, pl_registry_builtin(), pl_kb_builtin());
	assert_false(set->socks[0].flags & PL_SFLAG_UNEXPECTED);
	snprintf(set->procs[0].comm, sizeof(set->procs[0].comm), "nc");
	pl_sockets_annotate(set, pl_registry_builtin(), pl_kb_builtin());
	assert_true(set->socks[0].flags & PL_SFLAG_UNEXPECTED);
	pl_sockset_free(set);
}

static void
test_unassigned_and_malware(void **state)
{
	struct pl_sockset *set = make_set(6, "x");

	(void)state;
	/* 47011 is Unassigned for tcp in the IANA registry. */
	listener(&set->socks[0], PL_PROTO_TCP, "0.0.0.0", 47011);
	/* 31337/udp: Back Orifice in the knowledge base. */
	listener(&set->socks[1], PL_PROTO_UDP, "127.0.0.1", 31337);
	/* Dynamic range: the registry has nothing to say, so no flag. */
	listener(&set->socks[2], PL_PROTO_TCP, "0.0.0.0", 50123);
	/* A connection from an ephemeral port is not a listener: no unassigned flag. */
	listener(&set->socks[3], PL_PROTO_TCP, "127.0.0.1", 47011);
	set->socks[3].state = PL_SS_ESTABLISHED;
	set->socks[3].rport = 22;
	/* On loopback an unassigned port is this machine's business (portlens serve's own
	 * 127.0.0.1:7678): no flag. */
	listener(&set->socks[4], PL_PROTO_TCP, "127.0.0.1", 47011);
	listener(&set->socks[5], PL_PROTO_TCP, "127.0.0.1", 7678);
	pl_sockets_annotate(set, pl_registry_builtin(), pl_kb_builtin());
	assert_int_equal(set->socks[4].flags, 0);
	assert_int_equal(set->socks[5].flags, 0);
	assert_int_equal(set->socks[0].flags, PL_SFLAG_UNASSIGNED);
	assert_null(set->socks[0].reg);
	assert_int_equal(set->socks[0].risk, PL_RISK_LOW);
	reason_has(set, &set->socks[0], PL_SFLAG_UNASSIGNED,
	           "the IANA registry lists 47011/tcp as Unassigned: do you know what this is");
	assert_true(set->socks[1].flags & PL_SFLAG_MALWARE);
	assert_non_null(set->socks[1].malware);
	reason_has(set, &set->socks[1], PL_SFLAG_MALWARE, "port associated with malware: ");
	assert_int_equal(set->socks[2].flags, 0);
	assert_int_equal(set->socks[3].flags, 0);
	assert_string_equal(set->socks[3].reg->service, "ssh"); /* the lower port's service */
	pl_sockset_free(set);
}

static void
test_names(void **state)
{
	struct pl_sock s = {.family = AF_INET6, .state = PL_SS_TIME_WAIT};
	char a[64];

	(void)state;
	assert_string_equal(pl_sock_state_name(&s), "TIME-WAIT");
	s.state = 200;
	assert_string_equal(pl_sock_state_name(&s), "UNKNOWN");
	assert_int_equal(inet_pton(AF_INET6, "::ffff:127.0.0.1", s.local), 1);
	assert_true(pl_sock_loopback(&s));
	pl_sock_addr_str(&s, 0, a, sizeof(a));
	assert_string_equal(a, "::ffff:127.0.0.1");
	s.v6only = PL_V6ONLY_UNKNOWN;
	memset(s.local, 0, sizeof(s.local));
	assert_false(pl_sock_dual_stack(&s)); /* unknown is not claimed as dual-stack */
	assert_string_equal(pl_sock_flag_name(PL_SFLAG_UNEXPECTED), "unexpected");
	pl_user_name(0, a, sizeof(a));
	assert_string_equal(a, "root");
}

/* Opens a listener on addr port 0 and returns its fd; *port gets the kernel's choice. */
static int
open_listener(int family, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd = socket(family, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &in->sin_addr), 1);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
		len = sizeof(*in6);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void
collect_own(int use_proc, uint16_t port, int family)
{
	struct pl_sock_query q = {.what = PL_SQ_LISTEN,
	                          .port = port,
	                          .uid = -1,
	                          .processes = 1,
	                          .annotate = 1,
	                          .use_proc = use_proc};
	struct pl_sockset *set = NULL;
	const struct pl_proc *p;

	assert_int_equal(pl_sockets_collect(&q, &set, NULL), PL_OK);
	assert_string_equal(set->source, use_proc ? "/proc/net" : "netlink sock_diag");
	assert_int_equal(set->n_socks, 1);
	assert_int_equal(set->socks[0].lport, port);
	assert_int_equal(set->socks[0].family, family);
	assert_int_equal(set->socks[0].state, PL_SS_LISTEN);
	assert_int_equal(set->socks[0].owner_status, PL_OWNER_FOUND);
	assert_int_equal(set->socks[0].n_owners, 1);
	p = pl_sock_owner(set, &set->socks[0], 0);
	assert_int_equal(p->pid, getpid());
	assert_int_equal(p->uid, geteuid());
	assert_non_null(strstr(p->cmdline, "test_sockets_annotate"));
	assert_string_equal(set->netns[0].label, "host");
	pl_sockset_free(set);
}

static void
test_collect_own_sockets(void **state)
{
	uint16_t p4, p6;
	int fd4 = open_listener(AF_INET, "127.0.0.1", &p4);
	int fd6 = open_listener(AF_INET6, "::1", &p6);

	(void)state;
	collect_own(0, p4, AF_INET);
	collect_own(1, p4, AF_INET);
	collect_own(0, p6, AF_INET6);
	collect_own(1, p6, AF_INET6);
	close(fd4);
	close(fd6);
}

UNIT_MAIN(cmocka_unit_test(test_telnet_exposed), cmocka_unit_test(test_expected_holder),
          cmocka_unit_test(test_unassigned_and_malware), cmocka_unit_test(test_names),
          cmocka_unit_test(test_collect_own_sockets))
