// SPDX-License-Identifier: MIT
/*
 * sockutil.c - small questions about one socket: its state's name, its address as
 * text, whether it is loopback or dual-stack; names of flags; user names; the set's
 * notes and destructor.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockets/sockets_impl.h"
#include "core/array.h"

static const char *const state_names[PL_SS_MAX] = {
    [0] = "UNKNOWN",
    [PL_SS_ESTABLISHED] = "ESTAB",
    [PL_SS_SYN_SENT] = "SYN-SENT",
    [PL_SS_SYN_RECV] = "SYN-RECV",
    [PL_SS_FIN_WAIT1] = "FIN-WAIT-1",
    [PL_SS_FIN_WAIT2] = "FIN-WAIT-2",
    [PL_SS_TIME_WAIT] = "TIME-WAIT",
    [PL_SS_CLOSE] = "UNCONN",
    [PL_SS_CLOSE_WAIT] = "CLOSE-WAIT",
    [PL_SS_LAST_ACK] = "LAST-ACK",
    [PL_SS_LISTEN] = "LISTEN",
    [PL_SS_CLOSING] = "CLOSING",
    [PL_SS_NEW_SYN_RECV] = "SYN-RECV",
};

const char *
pl_sock_state_name(const struct pl_sock *s)
{
	return s->state < PL_SS_MAX ? state_names[s->state] : "UNKNOWN";
}

uint32_t
pli_sock_tcp_states(unsigned what)
{
	uint32_t all = ((1u << PL_SS_MAX) - 1u) & ~1u;
	uint32_t m = 0;

	if (what & PL_SQ_LISTEN)
		m |= 1u << PL_SS_LISTEN;
	if (what & PL_SQ_CONNS)
		m |= all & ~(1u << PL_SS_LISTEN) & ~(1u << PL_SS_CLOSE);
	return m;
}

uint32_t
pli_sock_udp_states(unsigned what)
{
	uint32_t m = 0;

	if (what & PL_SQ_LISTEN)
		m |= 1u << PL_SS_CLOSE;
	if (what & PL_SQ_CONNS)
		m |= 1u << PL_SS_ESTABLISHED;
	return m;
}

static int
is_any6(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

int
pl_sock_dual_stack(const struct pl_sock *s)
{
	return s->kind == PL_SK_INET && s->family == AF_INET6 && s->v6only == 0 &&
	       is_any6(s->local);
}

int
pl_sock_loopback(const struct pl_sock *s)
{
	static const uint8_t lo6[16] = {[15] = 1};
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};

	/* A packet socket on lo sees only this machine's own traffic. */
	if (s->kind == PL_SK_PACKET)
		return strcmp(s->ifname, "lo") == 0;
	if (s->family == AF_INET)
		return s->local[0] == 127;
	if (memcmp(s->local, lo6, 16) == 0)
		return 1;
	return memcmp(s->local, mapped, 12) == 0 && s->local[12] == 127;
}

struct pl_addr
pl_sock_local_addr(const struct pl_sock *s)
{
	struct pl_addr none = {0};

	return s->kind == PL_SK_PACKET ? none : pl_addr_make(s->family, s->local, s->lport);
}

void
pl_sock_addr_str(const struct pl_sock *s, int remote, char *buf, size_t size)
{
	struct pl_addr a;
	char tmp[INET6_ADDRSTRLEN];

	if (s->kind == PL_SK_PACKET) {
		/* A packet socket's "address" is the interface it reads. */
		snprintf(buf, size, "%s", remote || !s->ifname[0] ? "*" : s->ifname);
		return;
	}
	a = pl_addr_make(s->family == AF_INET ? 4 : 6, remote ? s->remote : s->local, 0);
	snprintf(buf, size, "%s", *pl_addr_ip_str(&a, tmp, sizeof(tmp)) ? tmp : "?");
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

const char *
pl_sock_family_name(const struct pl_sock *s)
{
	return s->kind == PL_SK_PACKET ? "packet"
	       : s->family == AF_INET  ? "ipv4"
	       : pl_sock_dual_stack(s) ? "dual"
	                               : "ipv6";
}

const char *
pl_owner_status_name(enum pl_owner_status st)
{
	switch (st) {
	case PL_OWNER_FOUND:
		return "found";
	case PL_OWNER_HIDDEN:
		return "hidden";
	case PL_OWNER_KERNEL:
		return "none";
	default:
		return "not-looked-up";
	}
}

const char *
pl_sock_flag_name(enum pl_sock_flag flag)
{
	switch (flag) {
	case PL_SFLAG_EXPOSED:
		return "exposed";
	case PL_SFLAG_UNASSIGNED:
		return "unassigned";
	case PL_SFLAG_MALWARE:
		return "malware";
	case PL_SFLAG_UNEXPECTED:
		return "unexpected";
	case PL_SFLAG_CAPTURE:
		return "capture";
	case PL_SFLAG_RAW:
		return "raw";
	}
	return "?";
}

const struct pl_proc *
pl_sock_owner(const struct pl_sockset *set, const struct pl_sock *s, size_t i)
{
	return &set->procs[set->owner_idx[s->owners + i]];
}

void
pl_user_name(uint32_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[2048];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res)
		snprintf(buf, size, "%s", res->pw_name);
	else
		snprintf(buf, size, "%u", uid);
}

/* Appends msg (copied) to set's notes, with its parts; capacity doubles, so n notes
 * cost O(n). */
static enum pl_rc
note_push(struct pl_sockset *set, const char *msg, enum pl_sock_note_kind kind, const char *arg0,
          const char *arg1)
{
	struct pl_sock_note *part;
	char *copy;

	if (PLI_ARRAY_RESERVE(set->notes, set->notes_cap, set->n_notes + 1, 8) != PL_OK ||
	    PLI_ARRAY_RESERVE(set->note_parts, set->note_parts_cap, set->n_notes + 1, 8) != PL_OK)
		return PL_ERR_NOMEM;
	part = &set->note_parts[set->n_notes];
	part->kind = kind;
	part->arg[0] = strdup(arg0 ? arg0 : "");
	part->arg[1] = strdup(arg1 ? arg1 : "");
	copy = strdup(msg);
	if (!copy || !part->arg[0] || !part->arg[1]) {
		free(copy);
		free(part->arg[0]);
		free(part->arg[1]);
		return PL_ERR_NOMEM;
	}
	set->notes[set->n_notes++] = copy;
	return PL_OK;
}

/* With dedupe, drops msg when an equal note is there (a linear search). */
static enum pl_rc
note_add(struct pl_sockset *set, int dedupe, const char *msg, enum pl_sock_note_kind kind,
         const char *arg0, const char *arg1)
{
	for (size_t i = 0; dedupe && i < set->n_notes; i++)
		if (strcmp(set->notes[i], msg) == 0)
			return PL_OK;
	return note_push(set, msg, kind, arg0, arg1);
}

enum pl_rc
pl_sockset_note_kind(struct pl_sockset *set, enum pl_sock_note_kind kind, const char *arg0,
                     const char *arg1)
{
	const char *a = arg0 ? arg0 : "", *b = arg1 ? arg1 : "";
	char msg[512];

	switch (kind) {
	case PL_SNOTE_READ_INSTEAD:
		snprintf(msg, sizeof(msg), "%s; read %s instead", a, b);
		break;
	case PL_SNOTE_NETNS:
		snprintf(msg, sizeof(msg), "cannot enter network namespace %s: %s (run as root)", a,
		         b);
		break;
	case PL_SNOTE_HIDDEN_OTHERS:
		snprintf(msg, sizeof(msg),
		         "some processes belong to other users, so their sockets "
		         "show no process; run as root to see them all");
		break;
	case PL_SNOTE_HIDDEN_ROOT:
		snprintf(msg, sizeof(msg),
		         "some processes could not be inspected even as root "
		         "(security module, hidepid, or another PID namespace's "
		         "init); their sockets show no process");
		break;
	case PL_SNOTE_TEXT:
	default:
		snprintf(msg, sizeof(msg), "%s", a);
		kind = PL_SNOTE_TEXT;
		break;
	}
	return note_add(set, 1, msg, kind, arg0, arg1);
}

static enum pl_rc note_vadd(struct pl_sockset *set, int dedupe, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* A caller's own note (PL_SNOTE_TEXT), formatted. */
static enum pl_rc
note_vadd(struct pl_sockset *set, int dedupe, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return note_add(set, dedupe, msg, PL_SNOTE_TEXT, NULL, NULL);
}

enum pl_rc
pl_sockset_note(struct pl_sockset *set, const char *fmt, ...)
{
	enum pl_rc rc;
	va_list ap;

	va_start(ap, fmt);
	rc = note_vadd(set, 1, fmt, ap);
	va_end(ap);
	return rc;
}

enum pl_rc
pl_sockset_note_distinct(struct pl_sockset *set, const char *fmt, ...)
{
	enum pl_rc rc;
	va_list ap;

	va_start(ap, fmt);
	rc = note_vadd(set, 0, fmt, ap);
	va_end(ap);
	return rc;
}

void
pl_sockset_free(struct pl_sockset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_procs; i++)
		pli_proc_cleanup(&set->procs[i]);
	for (size_t i = 0; i < set->n_netns; i++)
		free(set->netns[i].container);
	for (size_t i = 0; i < set->n_notes; i++) {
		free(set->notes[i]);
		free(set->note_parts[i].arg[0]);
		free(set->note_parts[i].arg[1]);
	}
	free(set->notes);
	free(set->note_parts);
	free(set->netns);
	free(set->procs);
	free(set->owner_idx);
	free(set->socks);
	free(set);
}

const char *
pl_sock_transport_name(const struct pl_sock *s)
{
	if (s->kind == PL_SK_RAW)
		return "raw";
	if (s->kind == PL_SK_PACKET)
		return "packet";
	return s->proto == PL_PROTO_TCP ? "tcp" : "udp";
}

const char *
pl_sock_protocol_name(const struct pl_sock *s)
{
	/* The few protocols raw and packet sockets are opened for in practice. */
	static const struct {
		uint16_t num;
		const char *name;
	} ip[] = {{1, "icmp"},       {2, "igmp"},  {6, "tcp"},    {17, "udp"}, {47, "gre"},
	          {58, "ipv6-icmp"}, {89, "ospf"}, {112, "vrrp"}, {255, "raw"}},
	  eth[] = {{0x0003, "all"},  {0x0800, "ip"},    {0x0806, "arp"},  {0x86dd, "ipv6"},
	           {0x8100, "vlan"}, {0x888e, "eapol"}, {0x88cc, "lldp"}, {0x8035, "rarp"}};

	if (s->kind == PL_SK_RAW) {
		for (size_t i = 0; i < sizeof(ip) / sizeof(ip[0]); i++)
			if (ip[i].num == s->lport)
				return ip[i].name;
	} else if (s->kind == PL_SK_PACKET) {
		for (size_t i = 0; i < sizeof(eth) / sizeof(eth[0]); i++)
			if (eth[i].num == s->lport)
				return eth[i].name;
	}
	return NULL;
}

const char *
pl_sock_proto_label(const struct pl_sock *s)
{
	int tcp = s->proto == PL_PROTO_TCP;

	if (s->kind == PL_SK_RAW)
		return s->family == AF_INET ? "raw4" : "raw6";
	if (s->kind == PL_SK_PACKET)
		return "packet";
	if (s->family == AF_INET)
		return tcp ? "tcp4" : "udp4";
	if (pl_sock_dual_stack(s))
		return tcp ? "tcp46" : "udp46";
	return tcp ? "tcp6" : "udp6";
}
