// SPDX-License-Identifier: MIT
/*
 * json.c - the port page as JSON, schema "portlens.port/1" (docs/json-schema.md).
 * Lives in the library so the CLI's --json and the web API's /api/port/N are the same
 * bytes. Field names are a stable interface: add fields, never rename or remove.
 */
#include <stdlib.h>

#include "page/page_impl.h"
#include "portlens/sockets.h"
#include "core/jsonw.h"

static void
json_record(struct pl_jsonw *w, const struct pl_reg_entry *e)
{
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "service", e->service);
	pli_jsonw_kstr(w, "description", e->description);
	pli_jsonw_kstr(w, "status", pl_reg_status_name((enum pl_reg_status)e->status));
	pli_jsonw_kint(w, "port_low", e->port_lo);
	pli_jsonw_kint(w, "port_high", e->port_hi);
	pli_jsonw_kbool(w, "transport_listed", e->proto_given);
	pli_jsonw_kstr(w, "assignee", e->assignee);
	pli_jsonw_kstr(w, "contact", e->contact);
	pli_jsonw_kstr(w, "registered", e->registered);
	pli_jsonw_kstr(w, "modified", e->modified);
	pli_jsonw_kstr(w, "reference", e->reference);
	pli_jsonw_kstr(w, "service_code", e->service_code);
	pli_jsonw_kstr(w, "unauthorized_use", e->unauthorized_use);
	pli_jsonw_kstr(w, "notes", e->notes);
	pli_jsonw_kint(w, "csv_line", e->line);
	pli_jsonw_end(w);
}

static void
json_registry(struct pl_jsonw *w, const struct pl_page *p)
{
	pli_jsonw_key(w, "registry");
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "source", p->registry_source);
	pli_jsonw_kstr(w, "date", p->registry_date);
	pli_jsonw_kstr(w, "url", "https://www.iana.org/assignments/service-names-port-numbers/");
	pli_jsonw_key(w, "transports");
	pli_jsonw_array(w);
	for (size_t i = 0; i < p->n_transports; i++) {
		const struct pl_page_transport *tr = &p->transports[i];

		pli_jsonw_object(w);
		pli_jsonw_kstr(w, "transport", pl_proto_name(tr->proto));
		pli_jsonw_key(w, "records");
		pli_jsonw_array(w);
		for (size_t k = 0; k < tr->n; k++)
			json_record(w, tr->rows[k]);
		pli_jsonw_end(w);
		pli_jsonw_end(w);
	}
	pli_jsonw_end(w);
	pli_jsonw_end(w);
}

static void
json_range(struct pl_jsonw *w, const struct pl_page *p)
{
	pli_jsonw_key(w, "range");
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "class", pl_range_name(p->range));
	pli_jsonw_kint(w, "low", p->range_lo);
	pli_jsonw_kint(w, "high", p->range_hi);
	pli_jsonw_kstr(w, "reference", "rfc:6335");
	pli_jsonw_kint(w, "unprivileged_port_start", p->ephemeral.unprivileged_start);
	pli_jsonw_kstr(w, "unprivileged_port_start_source", p->ephemeral.unprivileged_source);
	pli_jsonw_key(w, "ephemeral");
	pli_jsonw_object(w);
	pli_jsonw_kint(w, "low", p->ephemeral.lo);
	pli_jsonw_kint(w, "high", p->ephemeral.hi);
	pli_jsonw_kstr(w, "source", p->ephemeral.source);
	pli_jsonw_kbool(w, "contains_port", p->in_ephemeral);
	pli_jsonw_end(w);
	pli_jsonw_end(w);
}

static void
json_facts(struct pl_jsonw *w, const struct pl_page *p, const char *key, int uses)
{
	pli_jsonw_key(w, key);
	pli_jsonw_array(w);
	for (size_t i = 0; i < p->n_facts; i++) {
		const struct pl_kb_entry *f = p->facts[i];

		if (pl_page_fact_is_use(f) != uses)
			continue;
		pli_jsonw_object(w);
		pli_jsonw_kstr(w, "title", f->title);
		pli_jsonw_kstr(w, "text", f->text);
		pli_jsonw_kstr(w, "kind", pl_kb_kind_name((enum pl_kb_kind)f->kind));
		pli_jsonw_kstr(w, "risk", pl_risk_name((enum pl_risk)f->risk));
		pli_jsonw_key(w, "transports");
		pli_jsonw_array(w);
		for (unsigned t = 0; t < PL_PROTO_COUNT; t++)
			if (f->protos & PL_PROTO_BIT(t))
				pli_jsonw_str(w, pl_proto_name((enum pl_proto)t));
		pli_jsonw_end(w);
		pli_jsonw_kstr(w, "ports", f->port_spec);
		pli_jsonw_key(w, "sources");
		pli_jsonw_array(w);
		for (uint32_t s = 0; s < f->n_sources; s++)
			pli_jsonw_str(w, f->sources[s]);
		pli_jsonw_end(w);
		pli_jsonw_kstr(w, "file", f->file);
		pli_jsonw_kint(w, "line", f->line);
		pli_jsonw_end(w);
	}
	pli_jsonw_end(w);
}

static const char *
live_owner_name(unsigned owner)
{
	return owner == 0 ? "found" : owner == 1 ? "hidden" : "none";
}

/* "live": who listens on the port on this machine (only when the page was asked to read
 * sockets; pages built without live data have no "live" key). */
static void
json_live(struct pl_jsonw *w, const struct pl_page_live *live, uint16_t port)
{
	pli_jsonw_key(w, "live");
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "source", live->source);
	pli_jsonw_kbool(w, "processes_complete", live->processes_complete);
	pli_jsonw_kstr(w, "error", live->error[0] ? live->error : NULL);
	pli_jsonw_key(w, "listeners");
	pli_jsonw_array(w);
	for (size_t i = 0; i < live->n_listeners; i++) {
		const struct pl_page_listener *l = &live->listeners[i];

		pli_jsonw_object(w);
		pli_jsonw_kstr(w, "transport", pl_proto_name((enum pl_proto)l->proto));
		pli_jsonw_kstr(w, "family", l->dual_stack ? "dual" : l->ipv6 ? "ipv6" : "ipv4");
		pli_jsonw_kstr(w, "address", l->address);
		pli_jsonw_kint(w, "port", port);
		pli_jsonw_kstr(w, "netns", l->netns);
		pli_jsonw_kstr(w, "owner", live_owner_name(l->owner));
		if (l->owner == 0) {
			pli_jsonw_kint(w, "pid", l->pid);
			pli_jsonw_kstr(w, "process", l->process);
			pli_jsonw_kstr(w, "cmdline", l->cmdline);
			pli_jsonw_kstr(w, "unit", l->unit[0] ? l->unit : NULL);
		}
		pli_jsonw_kint(w, "uid", l->uid);
		pli_jsonw_kstr(w, "user", l->user);
		pli_jsonw_key(w, "flags");
		pli_jsonw_array(w);
		for (unsigned f = 0; f < PL_SFLAG_COUNT; f++)
			if (l->flags & (1u << f))
				pli_jsonw_str(w, pl_sock_flag_name((enum pl_sock_flag)(1u << f)));
		pli_jsonw_end(w);
		pli_jsonw_end(w);
	}
	pli_jsonw_end(w);
	pli_jsonw_kint(w, "listeners_total", (int64_t)live->n_listeners_total);
	pli_jsonw_key(w, "connections");
	pli_jsonw_object(w);
	pli_jsonw_kint(w, "total", (int64_t)live->n_conns);
	pli_jsonw_key(w, "by_state");
	pli_jsonw_object(w);
	for (unsigned st = 1; st < 16; st++) {
		struct pl_sock tmp = {.state = (uint8_t)st};

		if (live->conns_by_state[st])
			pli_jsonw_kint(w, pl_sock_state_name(&tmp),
			               (int64_t)live->conns_by_state[st]);
	}
	pli_jsonw_end(w);
	pli_jsonw_end(w);
	pli_jsonw_end(w);
}

void
pli_page_json_append(const struct pl_page *p, struct pl_buf *out, int pretty)
{
	struct pl_jsonw w;
	char summary[256];

	pli_page_summary_in(p, PL_LANG_EN, summary, sizeof(summary));
	pli_jsonw_init(&w, out, pretty);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "schema", "portlens.port/1");
	pli_jsonw_kint(&w, "port", p->port);
	pli_jsonw_kstr(&w, "summary", summary);
	pli_jsonw_kstr(&w, "risk", pl_risk_name(p->risk));
	pli_jsonw_kbool(&w, "curated", p->n_facts > 0);
	json_registry(&w, p);
	json_range(&w, p);
	json_facts(&w, p, "unofficial_uses", 1);
	json_facts(&w, p, "security_notes", 0);
	pli_jsonw_key(&w, "checks");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < p->n_checks; i++) {
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "platform", p->checks[i].platform);
		pli_jsonw_kstr(&w, "purpose", p->checks[i].purpose);
		pli_jsonw_kstr(&w, "command", p->checks[i].command);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	pli_jsonw_key(&w, "faq");
	pli_jsonw_array(&w);
	for (size_t i = 0; i < p->n_faq; i++) {
		pli_jsonw_object(&w);
		pli_jsonw_kstr(&w, "id", p->faq[i].id);
		pli_jsonw_kstr(&w, "question", p->faq[i].question);
		pli_jsonw_kstr(&w, "answer", p->faq[i].answer);
		pli_jsonw_end(&w);
	}
	pli_jsonw_end(&w);
	if (p->live)
		json_live(&w, p->live, p->port);
	pli_jsonw_end(&w);
}

enum pl_rc
pl_page_json(const struct pl_page *page, int pretty, char **out)
{
	struct pl_buf b;

	pli_buf_init(&b);
	pli_page_json_append(page, &b, pretty);
	/* Growth failures leave the buffer short; an unterminated document is detected by
	 * checking that the closing brace made it. */
	if (!b.data || b.data[b.len - 1] != '}') {
		pli_buf_cleanup(&b);
		return PL_ERR_NOMEM;
	}
	*out = pli_buf_steal(&b);
	return PL_OK;
}
