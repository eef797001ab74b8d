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
	pli_jsonw_object(w);
	pli_jsonw_kint(w, "pid", p->pid);
	pli_jsonw_kstr(w, "name", p->comm);
	pli_jsonw_kstr(w, "cmdline", p->cmdline ? p->cmdline : "");
	if (p->uid != UINT32_MAX) {
		pli_jsonw_kint(w, "uid", p->uid);
		pli_jsonw_kstr(w, "user", pl_user_cached(uc, p->uid));
	}
	pli_jsonw_kstr(w, "unit", p->unit);
	pli_jsonw_kstr(w, "container", p->container);
	pli_jsonw_kstr(w, "cgroup", p->cgroup ? p->cgroup : "");
	pli_jsonw_end(w);
}

static void
json_flags(struct pl_jsonw *w, const struct pl_sockset *set, const struct pl_sock *s)
{
	char reason[512];

	pli_jsonw_key(w, "flags");
	pli_jsonw_array(w);
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
		enum pl_sock_flag flag = (enum pl_sock_flag)(1u << f);

		if (!(s->flags & flag))
			continue;
		pl_sock_flag_reason(set, s, flag, reason, sizeof(reason));
		pli_jsonw_object(w);
		pli_jsonw_kstr(w, "flag", pl_sock_flag_name(flag));
		pli_jsonw_kstr(w, "reason", reason);
		pli_jsonw_end(w);
	}
	pli_jsonw_end(w);
}

static void
json_socket(struct pl_jsonw *w, struct pl_user_cache *uc, const struct pl_sockset *set,
            const struct pl_sock *s)
{
	char addr[64];

	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "netns", set->netns[s->netns].label);
	pli_jsonw_kstr(w, "transport", pl_sock_transport_name(s));
	pli_jsonw_kstr(w, "family", pl_sock_family_name(s));
	pli_jsonw_kbool(w, "dual_stack", pl_sock_dual_stack(s));
	pli_jsonw_kstr(w, "state", pl_sock_state_name(s));
	pl_sock_addr_str(s, 0, addr, sizeof(addr));
	pli_jsonw_kstr(w, "local_address", addr);
	pli_jsonw_kint(w, "local_port", s->lport);
	pli_jsonw_kbool(w, "ephemeral_port", s->ephemeral);
	if (s->kind != PL_SK_INET) {
		/* local_port holds the IP protocol (raw) or ethertype (packet); name it. */
		pli_jsonw_kstr(w, "protocol", pl_sock_protocol_name(s));
		if (s->kind == PL_SK_PACKET)
			pli_jsonw_kstr(w, "socket_type", s->pkt_type == 2 ? "dgram" : "raw");
	}
	pl_sock_addr_str(s, 1, addr, sizeof(addr));
	pli_jsonw_kstr(w, "remote_address", addr);
	pli_jsonw_kint(w, "remote_port", s->rport);
	pli_jsonw_kint(w, "inode", (int64_t)s->inode);
	pli_jsonw_kint(w, "uid", s->uid);
	pli_jsonw_kstr(w, "user", pl_user_cached(uc, s->uid));
	pli_jsonw_kint(w, "recv_q", s->rqueue);
	pli_jsonw_kint(w, "send_q", s->wqueue);
	pli_jsonw_kstr(w, "service", s->reg ? s->reg->service : NULL);
	pli_jsonw_kstr(w, "owner", pl_owner_status_name((enum pl_owner_status)s->owner_status));
	pli_jsonw_key(w, "processes");
	pli_jsonw_array(w);
	for (uint32_t k = 0; k < s->n_owners; k++)
		json_proc(w, uc, pl_sock_owner(set, s, k));
	pli_jsonw_end(w);
	pli_jsonw_kstr(w, "risk", pl_risk_name((enum pl_risk)s->risk));
	json_flags(w, set, s);
	pli_jsonw_end(w);
}

void
pl_sockets_json(const struct pl_sockset *set, unsigned what, struct pl_buf *out)
{
	struct pl_user_cache uc = {.n = 0};
	struct pl_jsonw w;

	pli_jsonw_init(&w, out, 1);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "schema", "portlens.sockets/1");
	pli_jsonw_kstr(&w, "view",
	               what == PL_SQ_LISTEN  ? "listen"
	               : what == PL_SQ_CONNS ? "conns"
	                                     : "all");
	pli_jsonw_kstr(&w, "source", set->source);
	pli_jsonw_kbool(&w, "processes_complete", set->owners_complete);
	pli_jsonw_kstr(&w, "processes_source", set->owners_source);
	pli_jsonw_key(&w, "namespaces");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < set->n_netns; i++) {
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "label", set->netns[i].label);
		pli_jsonw_kint(&w, "inode", (int64_t)set->netns[i].ino);
		pli_jsonw_kstr(&w, "container", set->netns[i].container);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_jsonw_key(&w, "sockets");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < set->n_socks; i++)
		json_socket(&w, &uc, set, &set->socks[i]);
	pli_jsonw_end(&w);
	pli_jsonw_key(&w, "notes");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < set->n_notes; i++)
		pli_jsonw_str(&w, set->notes[i]);
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
	pli_buf_putc(out, '\n');
}
