// SPDX-License-Identifier: MIT
/*
 * render_sockets_data.c - `portlens listen/conns` for programs: JSON (schema
 * "portlens.sockets/1", documented in docs/sockets.md) and CSV (RFC 4180; one row per
 * socket, several holders joined with ';' in the process columns).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/render_sockets.h"
#include "core/escape.h"
#include "core/jsonw.h"

static const char *
family_name(const struct pl_sock *s)
{
	if (s->kind == PL_SK_PACKET)
		return "packet";
	if (s->family == AF_INET)
		return "ipv4";
	return pl_sock_dual_stack(s) ? "dual" : "ipv6";
}

static const char *
owner_name(enum pl_owner_status st)
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

static void
json_proc(struct pl_jsonw *w, struct pl_user_cache *uc, const struct pl_proc *p)
{
	pl_jsonw_object(w);
	pl_jsonw_kint(w, "pid", p->pid);
	pl_jsonw_kstr(w, "name", p->comm);
	pl_jsonw_kstr(w, "cmdline", p->cmdline ? p->cmdline : "");
	if (p->uid != UINT32_MAX) {
		pl_jsonw_kint(w, "uid", p->uid);
		pl_jsonw_kstr(w, "user", pl_user_cached(uc, p->uid));
	}
	pl_jsonw_kstr(w, "unit", p->unit);
	pl_jsonw_kstr(w, "container", p->container);
	pl_jsonw_kstr(w, "cgroup", p->cgroup ? p->cgroup : "");
	pl_jsonw_end(w);
}

static void
json_flags(struct pl_jsonw *w, const struct pl_sockset *set, const struct pl_sock *s)
{
	char reason[512];

	pl_jsonw_key(w, "flags");
	pl_jsonw_array(w);
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
		enum pl_sock_flag flag = (enum pl_sock_flag)(1u << f);

		if (!(s->flags & flag))
			continue;
		pl_sock_flag_reason(set, s, flag, reason, sizeof(reason));
		pl_jsonw_object(w);
		pl_jsonw_kstr(w, "flag", pl_sock_flag_name(flag));
		pl_jsonw_kstr(w, "reason", reason);
		pl_jsonw_end(w);
	}
	pl_jsonw_end(w);
}

static void
json_socket(struct pl_jsonw *w, struct pl_user_cache *uc, const struct pl_sockset *set,
            const struct pl_sock *s)
{
	char addr[64];

	pl_jsonw_object(w);
	pl_jsonw_kstr(w, "netns", set->netns[s->netns].label);
	pl_jsonw_kstr(w, "transport", pl_sock_transport_name(s));
	pl_jsonw_kstr(w, "family", family_name(s));
	pl_jsonw_kbool(w, "dual_stack", pl_sock_dual_stack(s));
	pl_jsonw_kstr(w, "state", pl_sock_state_name(s));
	pl_sock_addr_str(s, 0, addr, sizeof(addr));
	pl_jsonw_kstr(w, "local_address", addr);
	pl_jsonw_kint(w, "local_port", s->lport);
	if (s->kind != PL_SK_INET) {
		/* local_port holds the IP protocol (raw) or ethertype (packet); name it. */
		pl_jsonw_kstr(w, "protocol", pl_sock_protocol_name(s));
		if (s->kind == PL_SK_PACKET)
			pl_jsonw_kstr(w, "socket_type", s->pkt_type == 2 ? "dgram" : "raw");
	}
	pl_sock_addr_str(s, 1, addr, sizeof(addr));
	pl_jsonw_kstr(w, "remote_address", addr);
	pl_jsonw_kint(w, "remote_port", s->rport);
	pl_jsonw_kint(w, "inode", (int64_t)s->inode);
	pl_jsonw_kint(w, "uid", s->uid);
	pl_jsonw_kstr(w, "user", pl_user_cached(uc, s->uid));
	pl_jsonw_kint(w, "recv_q", s->rqueue);
	pl_jsonw_kint(w, "send_q", s->wqueue);
	pl_jsonw_kstr(w, "service", s->reg ? s->reg->service : NULL);
	pl_jsonw_kstr(w, "owner", owner_name((enum pl_owner_status)s->owner_status));
	pl_jsonw_key(w, "processes");
	pl_jsonw_array(w);
	for (uint32_t k = 0; k < s->n_owners; k++)
		json_proc(w, uc, pl_sock_owner(set, s, k));
	pl_jsonw_end(w);
	pl_jsonw_kstr(w, "risk", pl_risk_name((enum pl_risk)s->risk));
	json_flags(w, set, s);
	pl_jsonw_end(w);
}

void
pl_render_sockets_json(const struct pl_sockset *set, unsigned what, struct pl_buf *out)
{
	struct pl_user_cache uc = {.n = 0};
	struct pl_jsonw w;

	pl_jsonw_init(&w, out, 1);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "schema", "portlens.sockets/1");
	pl_jsonw_kstr(&w, "view",
	              what == PL_SQ_LISTEN  ? "listen"
	              : what == PL_SQ_CONNS ? "conns"
	                                    : "all");
	pl_jsonw_kstr(&w, "source", set->source);
	pl_jsonw_kbool(&w, "processes_complete", set->owners_complete);
	pl_jsonw_kstr(&w, "processes_source", set->owners_source);
	pl_jsonw_key(&w, "namespaces");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < set->n_netns; i++) {
		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "label", set->netns[i].label);
		pl_jsonw_kint(&w, "inode", (int64_t)set->netns[i].ino);
		pl_jsonw_kstr(&w, "container", set->netns[i].container);
		pl_jsonw_end(&w);
	}
	pl_jsonw_end(&w);
	pl_jsonw_key(&w, "sockets");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < set->n_socks; i++)
		json_socket(&w, &uc, set, &set->socks[i]);
	pl_jsonw_end(&w);
	pl_jsonw_key(&w, "notes");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < set->n_notes; i++)
		pl_jsonw_str(&w, set->notes[i]);
	pl_jsonw_end(&w);
	pl_jsonw_end(&w);
	pl_buf_putc(out, '\n');
}

/* Appends one CSV field, quoted when it holds a comma, quote or line break. */
/* One CSV field (pl_esc_csv): untrusted for what local users choose (process names,
 * command lines, units, namespace names), which gets the formula guard. */
static void
csv_field(struct pl_buf *out, const char *s, int untrusted, int last)
{
	pl_esc_csv(out, s, untrusted);
	pl_buf_puts(out, last ? "\r\n" : ",");
}

enum { CSV_PID, CSV_NAME, CSV_USER, CSV_UNIT, CSV_CONTAINER, CSV_CMD, CSV_NPROC };

static void
csv_procs(struct pl_buf *cols, struct pl_user_cache *uc, const struct pl_sockset *set,
          const struct pl_sock *s)
{
	for (uint32_t k = 0; k < s->n_owners; k++) {
		const struct pl_proc *p = pl_sock_owner(set, s, k);
		const char *sep = k ? ";" : "";

		pl_buf_printf(&cols[CSV_PID], "%s%d", sep, (int)p->pid);
		pl_buf_printf(&cols[CSV_NAME], "%s%s", sep, p->comm);
		pl_buf_printf(&cols[CSV_USER], "%s%s", sep,
		              pl_user_cached(uc, p->uid != UINT32_MAX ? p->uid : s->uid));
		pl_buf_printf(&cols[CSV_UNIT], "%s%s", sep, p->unit ? p->unit : "");
		pl_buf_printf(&cols[CSV_CONTAINER], "%s%s", sep, p->container ? p->container : "");
		pl_buf_printf(&cols[CSV_CMD], "%s%s", sep, p->cmdline ? p->cmdline : "");
	}
}

static void
csv_socket(struct pl_buf *out, struct pl_buf *cols, struct pl_user_cache *uc,
           const struct pl_sockset *set, const struct pl_sock *s)
{
	char a[64], num[32], flags[96] = "";
	size_t used = 0;

	for (unsigned i = 0; i < CSV_NPROC; i++)
		pl_buf_reset(&cols[i]);
	csv_procs(cols, uc, set, s);
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++)
		if (s->flags & (1u << f))
			used += (size_t)snprintf(flags + used, sizeof(flags) - used, "%s%s",
			                         used ? ";" : "",
			                         pl_sock_flag_name((enum pl_sock_flag)(1u << f)));
	csv_field(out, set->netns[s->netns].label, 1, 0);
	csv_field(out, pl_sock_transport_name(s), 0, 0);
	csv_field(out, family_name(s), 0, 0);
	csv_field(out, pl_sock_state_name(s), 0, 0);
	pl_sock_addr_str(s, 0, a, sizeof(a));
	csv_field(out, a, 0, 0);
	snprintf(num, sizeof(num), "%u", s->lport);
	csv_field(out, num, 0, 0);
	pl_sock_addr_str(s, 1, a, sizeof(a));
	csv_field(out, a, 0, 0);
	snprintf(num, sizeof(num), "%u", s->rport);
	csv_field(out, num, 0, 0);
	csv_field(out, s->reg ? s->reg->service : "", 0, 0);
	csv_field(out, owner_name((enum pl_owner_status)s->owner_status), 0, 0);
	for (unsigned i = 0; i < CSV_CMD; i++)
		csv_field(out, pl_buf_str(&cols[i]), 1, 0);
	csv_field(out, flags, 0, 0);
	csv_field(out, pl_buf_str(&cols[CSV_CMD]), 1, 1);
}

void
pl_render_sockets_csv(const struct pl_sockset *set, unsigned what, struct pl_buf *out)
{
	struct pl_user_cache uc = {.n = 0};
	struct pl_buf cols[CSV_NPROC];

	(void)what;
	for (unsigned i = 0; i < CSV_NPROC; i++)
		pl_buf_init(&cols[i]);
	pl_buf_puts(out, "netns,transport,family,state,local_address,local_port,remote_address,"
	                 "remote_port,service,owner,pids,processes,users,units,containers,flags,"
	                 "commands\r\n");
	for (size_t i = 0; i < set->n_socks; i++)
		csv_socket(out, cols, &uc, set, &set->socks[i]);
	for (unsigned i = 0; i < CSV_NPROC; i++)
		pl_buf_cleanup(&cols[i]);
}
