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
	pl_jsonw_object(w);
	pl_jsonw_kstr(w, "service", e->service);
	pl_jsonw_kstr(w, "description", e->description);
	pl_jsonw_kstr(w, "status", pl_reg_status_name((enum pl_reg_status)e->status));
	pl_jsonw_kint(w, "port_low", e->port_lo);
	pl_jsonw_kint(w, "port_high", e->port_hi);
	pl_jsonw_kbool(w, "transport_listed", e->proto_given);
	pl_jsonw_kstr(w, "assignee", e->assignee);
	pl_jsonw_kstr(w, "contact", e->contact);
	pl_jsonw_kstr(w, "registered", e->registered);
	pl_jsonw_kstr(w, "modified", e->modified);
	pl_jsonw_kstr(w, "reference", e->reference);
	pl_jsonw_kstr(w, "service_code", e->service_code);
	pl_jsonw_kstr(w, "unauthorized_use", e->unauthorized_use);
	pl_jsonw_kstr(w, "notes", e->notes);
	pl_jsonw_kint(w, "csv_line", e->line);
	pl_jsonw_end(w);
}

static void
json_registry(struct pl_jsonw *w, const struct pl_page *p)
{
	pl_jsonw_key(w, "registry");
	pl_jsonw_object(w);
	pl_jsonw_kstr(w, "source", p->registry_source);
	pl_jsonw_kstr(w, "date", p->registry_date);
	pl_jsonw_kstr(w, "url", "https://www.iana.org/assignments/service-names-port-numbers/");
	pl_jsonw_key(w, "transports");
	pl_jsonw_array(w);
	for (size_t i = 0; i < p->n_transports; i++) {
		const struct pl_page_transport *tr = &p->transports[i];

		pl_jsonw_object(w);
		pl_jsonw_kstr(w, "transport", pl_proto_name(tr->proto));
		pl_jsonw_key(w, "records");
		pl_jsonw_array(w);
		for (size_t k = 0; k < tr->n; k++)
			json_record(w, tr->rows[k]);
		pl_jsonw_end(w);
		pl_jsonw_end(w);
	}
	pl_jsonw_end(w);
	pl_jsonw_end(w);
}

static void
json_range(struct pl_jsonw *w, const struct pl_page *p)
{
	pl_jsonw_key(w, "range");
	pl_jsonw_object(w);
	pl_jsonw_kstr(w, "class", pl_range_name(p->range));
	pl_jsonw_kint(w, "low", p->range_lo);
	pl_jsonw_kint(w, "high", p->range_hi);
	pl_jsonw_kstr(w, "reference", "rfc:6335");
	pl_jsonw_kint(w, "unprivileged_port_start", p->ephemeral.unprivileged_start);
	pl_jsonw_kstr(w, "unprivileged_port_start_source", p->ephemeral.unprivileged_source);
	pl_jsonw_key(w, "ephemeral");
	pl_jsonw_object(w);
	pl_jsonw_kint(w, "low", p->ephemeral.lo);
	pl_jsonw_kint(w, "high", p->ephemeral.hi);
	pl_jsonw_kstr(w, "source", p->ephemeral.source);
	pl_jsonw_kbool(w, "contains_port", p->in_ephemeral);
	pl_jsonw_end(w);
	pl_jsonw_end(w);
}

static void
json_facts(struct pl_jsonw *w, const struct pl_page *p, const char *key, int uses)
{
	pl_jsonw_key(w, key);
	pl_jsonw_array(w);
	for (size_t i = 0; i < p->n_facts; i++) {
		const struct pl_kb_entry *f = p->facts[i];

		if (pl_page_fact_is_use(f) != uses)
			continue;
		pl_jsonw_object(w);
		pl_jsonw_kstr(w, "title", f->title);
		pl_jsonw_kstr(w, "text", f->text);
		pl_jsonw_kstr(w, "kind", pl_kb_kind_name((enum pl_kb_kind)f->kind));
		pl_jsonw_kstr(w, "risk", pl_risk_name((enum pl_risk)f->risk));
		pl_jsonw_key(w, "transports");
		pl_jsonw_array(w);
		for (unsigned t = 0; t < PL_PROTO_COUNT; t++)
			if (f->protos & PL_PROTO_BIT(t))
				pl_jsonw_str(w, pl_proto_name((enum pl_proto)t));
		pl_jsonw_end(w);
		pl_jsonw_kstr(w, "ports", f->port_spec);
		pl_jsonw_key(w, "sources");
		pl_jsonw_array(w);
		for (uint32_t s = 0; s < f->n_sources; s++)
			pl_jsonw_str(w, f->sources[s]);
		pl_jsonw_end(w);
		pl_jsonw_kstr(w, "file", f->file);
		pl_jsonw_kint(w, "line", f->line);
		pl_jsonw_end(w);
	}
	pl_jsonw_end(w);
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
	pl_jsonw_key(w, "live");
	pl_jsonw_object(w);
	pl_jsonw_kstr(w, "source", live->source);
	pl_jsonw_kbool(w, "processes_complete", live->processes_complete);
	pl_jsonw_kstr(w, "error", live->error[0] ? live->error : NULL);
	pl_jsonw_key(w, "listeners");
	pl_jsonw_array(w);
	for (size_t i = 0; i < live->n_listeners; i++) {
		const struct pl_page_listener *l = &live->listeners[i];

		pl_jsonw_object(w);
		pl_jsonw_kstr(w, "transport", pl_proto_name((enum pl_proto)l->proto));
		pl_jsonw_kstr(w, "family", l->dual_stack ? "dual" : l->ipv6 ? "ipv6" : "ipv4");
		pl_jsonw_kstr(w, "address", l->address);
		pl_jsonw_kint(w, "port", port);
		pl_jsonw_kstr(w, "netns", l->netns);
		pl_jsonw_kstr(w, "owner", live_owner_name(l->owner));
		if (l->owner == 0) {
			pl_jsonw_kint(w, "pid", l->pid);
			pl_jsonw_kstr(w, "process", l->process);
			pl_jsonw_kstr(w, "cmdline", l->cmdline);
			pl_jsonw_kstr(w, "unit", l->unit[0] ? l->unit : NULL);
		}
		pl_jsonw_kint(w, "uid", l->uid);
		pl_jsonw_kstr(w, "user", l->user);
		pl_jsonw_key(w, "flags");
		pl_jsonw_array(w);
		for (unsigned f = 0; f < PL_SFLAG_COUNT; f++)
			if (l->flags & (1u << f))
				pl_jsonw_str(w, pl_sock_flag_name((enum pl_sock_flag)(1u << f)));
		pl_jsonw_end(w);
		pl_jsonw_end(w);
	}
	pl_jsonw_end(w);
	pl_jsonw_kint(w, "listeners_total", (int64_t)live->n_listeners_total);
	pl_jsonw_key(w, "connections");
	pl_jsonw_object(w);
	pl_jsonw_kint(w, "total", (int64_t)live->n_conns);
	pl_jsonw_key(w, "by_state");
	pl_jsonw_object(w);
	for (unsigned st = 1; st < 16; st++) {
		struct pl_sock tmp = {.state = (uint8_t)st};

		if (live->conns_by_state[st])
			pl_jsonw_kint(w, pl_sock_state_name(&tmp),
			              (int64_t)live->conns_by_state[st]);
	}
	pl_jsonw_end(w);
	pl_jsonw_end(w);
	pl_jsonw_end(w);
}

void
pl_page_json_append(const struct pl_page *p, struct pl_buf *out, int pretty)
{
	struct pl_jsonw w;
	char summary[256];

	pl_page_summary_in(p, PL_LANG_EN, summary, sizeof(summary));
	pl_jsonw_init(&w, out, pretty);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "schema", "portlens.port/1");
	pl_jsonw_kint(&w, "port", p->port);
	pl_jsonw_kstr(&w, "summary", summary);
	pl_jsonw_kstr(&w, "risk", pl_risk_name(p->risk));
	pl_jsonw_kbool(&w, "curated", p->n_facts > 0);
	json_registry(&w, p);
	json_range(&w, p);
	json_facts(&w, p, "unofficial_uses", 1);
	json_facts(&w, p, "security_notes", 0);
	pl_jsonw_key(&w, "checks");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < p->n_checks; i++) {
		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "platform", p->checks[i].platform);
		pl_jsonw_kstr(&w, "purpose", p->checks[i].purpose);
		pl_jsonw_kstr(&w, "command", p->checks[i].command);
		pl_jsonw_end(&w);
	}
	pl_jsonw_end(&w);
	pl_jsonw_key(&w, "faq");
	pl_jsonw_array(&w);
	for (size_t i = 0; i < p->n_faq; i++) {
		pl_jsonw_object(&w);
		pl_jsonw_kstr(&w, "id", p->faq[i].id);
		pl_jsonw_kstr(&w, "question", p->faq[i].question);
		pl_jsonw_kstr(&w, "answer", p->faq[i].answer);
		pl_jsonw_end(&w);
	}
	pl_jsonw_end(&w);
	if (p->live)
		json_live(&w, p->live, p->port);
	pl_jsonw_end(&w);
}

enum pl_rc
pl_page_json(const struct pl_page *page, int pretty, char **out)
{
	struct pl_buf b;

	pl_buf_init(&b);
	pl_page_json_append(page, &b, pretty);
	/* Growth failures leave the buffer short; an unterminated document is detected by
	 * checking that the closing brace made it. */
	if (!b.data || b.data[b.len - 1] != '}') {
		pl_buf_cleanup(&b);
		return PL_ERR_NOMEM;
	}
	*out = pl_buf_steal(&b);
	return PL_OK;
}
