// SPDX-License-Identifier: MIT
/*
 * json_sockets.c - a socket set as JSON, schema "portlens.sockets/1" (docs/sockets.md):
 * `portlens listen/conns --json` and the web's /api/listen write these same bytes, so
 * it lives in the library beside the port page's writer (json.c). Field names are a
 * stable interface: add fields, never rename or remove.
 */
#include <stdint.h>

#include "portlens/json.h"
#include "core/buf.h"
#include "core/jsonw.h"

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
	pl_jsonw_kstr(w, "family", pl_sock_family_name(s));
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
	pl_jsonw_kstr(w, "owner", pl_owner_status_name((enum pl_owner_status)s->owner_status));
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
pl_sockets_json(const struct pl_sockset *set, unsigned what, struct pl_buf *out)
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
