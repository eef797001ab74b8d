// SPDX-License-Identifier: MIT
/*
 * page.c - builds the port page model (see portlens/page.h) from the registry, the
 * knowledge base and, optionally, /proc: registry rows per transport, the RFC 6335
 * range class, the kernel's ephemeral range and the curated facts with their risk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page/page_impl.h"
#include "core/localports.h"

/* Where the range came from when /proc could not tell (pl_page_origin translates it). */
#define LINUX_DEFAULT "Linux default"

static void
read_ephemeral(struct pl_page_ephemeral *eph, const char *proc_root)
{
	char path[512], line[64];
	FILE *fp;
	unsigned lo = 0;
	struct pli_local_ports lp;

	eph->known = 1;
	eph->lo = PLI_EPHEMERAL_DEFAULT_LO;
	eph->hi = PLI_EPHEMERAL_DEFAULT_HI;
	eph->source = LINUX_DEFAULT;
	eph->unprivileged_start = 1024;
	eph->unprivileged_source = LINUX_DEFAULT;
	if (!proc_root)
		return;
	snprintf(path, sizeof(path), "%s/proc/sys/net/ipv4/ip_unprivileged_port_start",
	         *proc_root ? proc_root : "");
	fp = fopen(path, "r");
	if (fp) {
		if (fgets(line, sizeof(line), fp) && sscanf(line, "%u", &lo) == 1 && lo <= 65536) {
			eph->unprivileged_start = lo;
			eph->unprivileged_source = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
		}
		fclose(fp);
	}
	/* The one reader of the range (core/localports.h), as listen's verdicts use it. */
	snprintf(path, sizeof(path), "%s/proc/sys/net/ipv4", *proc_root ? proc_root : "");
	if (pli_local_ports_read(path, &lp) == PL_OK && lp.from_kernel) {
		eph->lo = lp.lo;
		eph->hi = lp.hi;
		eph->source = "/proc/sys/net/ipv4/ip_local_port_range";
	}
	pli_local_ports_cleanup(&lp);
}

static void
collect_registry(struct pl_page *page)
{
	size_t n;
	const uint32_t *idx = pl_registry_lookup(page->reg, page->port, &n);

	for (unsigned p = 0; p < PL_PROTO_COUNT; p++) {
		struct pl_page_transport *t;

		if (!(page->protos & PL_PROTO_BIT(p)))
			continue;
		t = &page->transports[page->n_transports];
		t->proto = (enum pl_proto)p;
		t->n = 0;
		for (size_t i = 0; i < n && t->n < PL_PAGE_MAX_ASSIGN; i++) {
			const struct pl_reg_entry *e = pl_registry_entry(page->reg, idx[i]);

			if (e->protos & PL_PROTO_BIT(p))
				t->rows[t->n++] = e;
		}
		/* Without an explicit transport, SCTP and DCCP are shown only when the
		 * registry has a row for them: "no row" for each of them is noise. */
		if (t->n == 0 && !page->explicit_protos &&
		    (p == PL_PROTO_SCTP || p == PL_PROTO_DCCP))
			continue;
		page->n_transports++;
	}
}

static void
collect_facts(struct pl_page *page)
{
	size_t n;
	const uint32_t *idx = pl_kb_lookup(page->kb, page->port, &n);

	page->risk = PL_RISK_INFO;
	for (size_t i = 0; i < n && page->n_facts < PL_PAGE_MAX_FACTS; i++) {
		const struct pl_kb_entry *e = pl_kb_entry(page->kb, idx[i]);

		if (!(e->protos & page->protos))
			continue;
		page->facts[page->n_facts++] = e;
		if (e->risk > page->risk)
			page->risk = (enum pl_risk)e->risk;
	}
}

/* The sockets module wants the /proc directory itself; opts name the file system root. */
static enum pl_rc
build_live(struct pl_page *page, const char *root)
{
	char proc[512];

	if (!root || !*root)
		return pli_page_build_live(page, NULL);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	return pli_page_build_live(page, proc);
}

enum pl_rc
pl_page_build(uint16_t port, const struct pl_page_opts *opts, struct pl_page **out,
              struct pl_err *err)
{
	struct pl_page *page = calloc(1, sizeof(*page));
	enum pl_rc rc;

	if (!page)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	page->port = port;
	page->lang = (unsigned)opts->lang < PL_LANG_COUNT ? opts->lang : PL_LANG_EN;
	page->protos = opts->protos ? (opts->protos & PL_PROTO_ALL) : PL_PROTO_ALL;
	page->explicit_protos = opts->protos != 0;
	page->reg = opts->reg ? opts->reg : pl_registry_builtin();
	page->kb = opts->kb ? opts->kb : pl_kb_builtin();
	page->registry_date = pl_registry_date(page->reg);
	page->registry_source = pl_registry_source(page->reg);
	page->range = pl_port_range_class(port);
	pl_range_bounds(page->range, &page->range_lo, &page->range_hi);
	read_ephemeral(&page->ephemeral,
	               opts->read_proc ? (opts->proc_root ? opts->proc_root : "") : NULL);
	page->in_ephemeral = port >= page->ephemeral.lo && port <= page->ephemeral.hi;
	collect_registry(page);
	collect_facts(page);
	rc = pli_page_build_checks(page);
	if (rc == PL_OK)
		rc = pli_page_build_faq(page);
	if (rc == PL_OK && opts->live_sockets)
		rc = build_live(page, opts->proc_root);
	if (rc != PL_OK) {
		pl_page_free(page);
		return pl_err_set(err, rc, "out of memory building the page for port %u", port);
	}
	*out = page;
	return PL_OK;
}

void
pl_page_free(struct pl_page *page)
{
	if (!page)
		return;
	for (size_t i = 0; i < page->n_checks; i++)
		free(page->checks[i].command);
	free(page->checks);
	for (size_t i = 0; i < page->n_faq; i++) {
		free(page->faq[i].question);
		free(page->faq[i].answer);
	}
	free(page->faq);
	pli_page_live_free(page->live);
	free(page);
}

int
pl_page_fact_is_use(const struct pl_kb_entry *fact)
{
	return fact->kind == PL_KB_UNOFFICIAL_USE;
}

/* A registry status as a word of lang ("assigned", "reserved", ...). */
static const char *
status_word(unsigned status, enum pl_lang lang)
{
	static const enum pli_page_text words[] = {
	    [PL_REG_ASSIGNED] = PG_W_ASSIGNED,
	    [PL_REG_UNASSIGNED] = PG_W_UNASSIGNED,
	    [PL_REG_RESERVED] = PG_W_RESERVED,
	};

	if (status >= sizeof(words) / sizeof(words[0]))
		return pl_reg_status_name((enum pl_reg_status)status);
	return pli_page_text(words[status], lang);
}

void
pli_page_summary_in(const struct pl_page *page, enum pl_lang lang, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t t = 0; t < page->n_transports; t++) {
		const struct pl_page_transport *tr = &page->transports[t];

		for (size_t i = 0; i < tr->n && used < size; i++) {
			const struct pl_reg_entry *e = tr->rows[i];
			const char *name = *e->service ? e->service : status_word(e->status, lang);
			int dup = strstr(buf, name) != NULL;

			if (dup)
				continue;
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
			                         name);
		}
	}
	if (!buf[0])
		snprintf(buf, size, "%s", pli_page_text(PG_W_NOT_IN_REGISTRY, lang));
}

void
pl_page_summary(const struct pl_page *page, char *buf, size_t size)
{
	pli_page_summary_in(page, page->lang, buf, size);
}

const char *
pl_page_status_label(const struct pl_page *page, unsigned status)
{
	return status_word(status, page->lang);
}

void
pl_page_origin(const struct pl_page *page, const char *origin, struct pl_buf *out)
{
	const char *builtin = pl_registry_source(pl_registry_builtin());
	const char *file = strrchr(builtin, ' ');

	if (strcmp(origin, LINUX_DEFAULT) == 0) {
		pli_buf_puts(out, pli_page_text(PG_W_LINUX_DEFAULT, page->lang));
	} else if (strcmp(origin, builtin) == 0 && file) {
		const char *arg = file + 1;

		pl_page_fill(out, pli_page_text(PG_W_BUILTIN, page->lang), &arg, 1);
	} else {
		pli_buf_puts(out, origin);
	}
}
