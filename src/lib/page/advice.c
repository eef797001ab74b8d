// SPDX-License-Identifier: MIT
/*
 * advice.c - the parts of a port page written from the facts rather than looked up:
 * "how to check" commands for Linux, macOS, Windows and portlens, and the FAQ (is it
 * dangerous, why is it open, what opened it, how to close it). Answers only restate
 * what the registry and the knowledge base say; nothing here invents facts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "page/page_impl.h"
#include "core/buf.h"

#define MAX_CHECKS 24

static enum pl_rc add_check(struct pl_page *page, const char *platform, const char *purpose,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum pl_rc
add_check(struct pl_page *page, const char *platform, const char *purpose, const char *fmt, ...)
{
	struct pl_buf b;
	va_list ap;
	enum pl_rc rc;

	if (page->n_checks == MAX_CHECKS)
		return PL_OK;
	pli_buf_init(&b);
	va_start(ap, fmt);
	rc = pli_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc != PL_OK)
		return rc;
	page->checks[page->n_checks++] = (struct pl_page_check){
	    .platform = platform, .purpose = purpose, .command = pli_buf_steal(&b)};
	return PL_OK;
}

static const char *
T(const struct pl_page *page, enum pli_page_text id)
{
	return pli_page_text(id, page->lang);
}

static int
has(const struct pl_page *page, enum pl_proto p)
{
	return (page->protos & PL_PROTO_BIT(p)) != 0;
}

enum pl_rc
pli_page_build_checks(struct pl_page *page)
{
	unsigned n = page->port;
	int tcp = has(page, PL_PROTO_TCP), udp = has(page, PL_PROTO_UDP);
	const char *ss_flags = tcp && udp ? "tulpn" : tcp ? "tlpn" : udp ? "ulpn" : "Slpn";
	const char *lsof_i = tcp && !udp ? "TCP" : udp && !tcp ? "UDP" : "";
	enum pl_rc rc = PL_OK;

	page->checks = calloc(MAX_CHECKS, sizeof(*page->checks));
	if (!page->checks)
		return PL_ERR_NOMEM;
	/* Nothing listens on port 0 (binding 0 asks for any free port), so commands that
	 * look for a listener or a connection on it would only mislead. */
	if (n == 0)
		return PL_OK;
	rc |= add_check(page, "Linux", T(page, PG_C_LISTENING), "sudo ss -%s 'sport = :%u'",
	                ss_flags, n);
	rc |= add_check(page, "Linux", T(page, PG_C_CONNECTED),
	                "sudo ss -%snp '( sport = :%u or dport = :%u )'",
	                tcp && udp ? "tu"
	                : tcp      ? "t"
	                           : "u",
	                n, n);
	rc |= add_check(page, "Linux", T(page, PG_C_OWNER), "sudo lsof -nP -i%s:%u", lsof_i, n);
	rc |= add_check(page, "Linux", T(page, PG_C_OLDER), "sudo netstat -%s | grep ':%u '",
	                ss_flags, n);
	if (tcp)
		rc |= add_check(page, "macOS", T(page, PG_C_LISTENING),
		                "sudo lsof -nP -iTCP:%u -sTCP:LISTEN", n);
	if (udp)
		rc |=
		    add_check(page, "macOS", T(page, PG_C_UDP_BOUND), "sudo lsof -nP -iUDP:%u", n);
	rc |= add_check(page, "macOS", T(page, PG_C_ALL), "netstat -anv | grep '\\.%u '", n);
	rc |= add_check(page, "Windows", T(page, PG_C_PIDS), "netstat -ano | findstr :%u", n);
	if (tcp)
		rc |= add_check(page, "Windows", T(page, PG_C_OWNER_PS),
		                "Get-NetTCPConnection -LocalPort %u | Select-Object "
		                "LocalAddress,State,OwningProcess",
		                n);
	if (udp)
		rc |= add_check(page, "Windows", T(page, PG_C_UDP_PS),
		                "Get-NetUDPEndpoint -LocalPort %u | Select-Object "
		                "LocalAddress,OwningProcess",
		                n);
	if (tcp)
		rc |= add_check(page, T(page, PG_P_REMOTE), T(page, PG_C_REACHABLE),
		                "nmap -p %u HOST", n);
	if (udp)
		rc |= add_check(page, T(page, PG_P_REMOTE), T(page, PG_C_REACHABLE_UDP),
		                "sudo nmap -sU -p %u HOST", n);
	rc |= add_check(page, "portlens", T(page, PG_C_HERE), "portlens listen --port %u", n);
	rc |= add_check(page, "portlens", T(page, PG_C_CONNECTED), "portlens conns --port %u", n);
	if (tcp)
		rc |=
		    add_check(page, "portlens", T(page, PG_C_SCAN), "portlens scan HOSTS -p %u", n);
	return rc == PL_OK ? PL_OK : PL_ERR_NOMEM;
}

static void
list_titles(struct pl_buf *b, const struct pl_page *page, int uses, enum pl_risk min_risk)
{
	size_t listed = 0;

	for (size_t i = 0; i < page->n_facts; i++) {
		const struct pl_kb_entry *f = page->facts[i];

		if (pl_page_fact_is_use(f) != uses || f->risk < min_risk)
			continue;
		/* A fact spanning several transports appears once per entry; list it once. */
		if (i > 0 && page->facts[i - 1]->title == f->title)
			continue;
		pli_buf_puts(b, listed++ ? T(page, PG_A_LIST_SEP) : "");
		/* Arabic is the one right-to-left page language: keep the titles' Latin words,
		 * numbers and options in order inside the answer. */
		pl_page_isolate_ltr(b, pl_kb_title(f, page->lang, NULL), page->lang == PL_LANG_AR);
	}
}

static size_t
count_facts(const struct pl_page *page, int uses, enum pl_risk min_risk)
{
	size_t n = 0;

	for (size_t i = 0; i < page->n_facts; i++)
		if (pl_page_fact_is_use(page->facts[i]) == uses && page->facts[i]->risk >= min_risk)
			n++;
	return n;
}

/* Appends a template with up to three values. */
static void
fill3(struct pl_buf *b, const struct pl_page *page, enum pli_page_text id, const char *a1,
      const char *a2, const char *a3)
{
	const char *args[3] = {a1, a2, a3};

	pl_page_fill(b, T(page, id), args, 3);
}

static void
answer_dangerous(struct pl_buf *b, const struct pl_page *page)
{
	char n[8];
	struct pl_buf titles;

	snprintf(n, sizeof(n), "%u", page->port);
	pli_buf_init(&titles);
	if (page->risk >= PL_RISK_MEDIUM) {
		list_titles(&titles, page, 0, PL_RISK_MEDIUM);
		fill3(b, page, PG_A_RATED, n, pl_risk_label(page->risk, page->lang),
		      pli_buf_str(&titles));
	} else if (count_facts(page, 0, PL_RISK_INFO)) {
		list_titles(&titles, page, 0, PL_RISK_INFO);
		fill3(b, page, PG_A_NOTES_ONLY, pli_buf_str(&titles), NULL, NULL);
	} else {
		fill3(b, page, PG_A_NOTHING, n, NULL, NULL);
	}
	pli_buf_cleanup(&titles);
	pli_buf_puts(b, T(page, PG_A_DANGER_TAIL));
}

/* Does an earlier transport than t already have an assigned record for service? */
static int
service_seen_before(const struct pl_page *page, size_t t, const char *service)
{
	for (size_t u = 0; u < t; u++)
		for (size_t k = 0; k < page->transports[u].n; k++)
			if (page->transports[u].rows[k]->status == PL_REG_ASSIGNED &&
			    strcmp(page->transports[u].rows[k]->service, service) == 0)
				return 1;
	return 0;
}

/* Appends "N/tcp and N/udp to svc (description)" for one service, from transport t on. */
static void
describe_one(struct pl_buf *b, const struct pl_page *page, size_t t, const struct pl_reg_entry *e)
{
	struct pl_buf ports, svc;
	int first = 1;

	pli_buf_init(&ports);
	pli_buf_init(&svc);
	for (size_t u = t; u < page->n_transports; u++)
		for (size_t k = 0; k < page->transports[u].n; k++)
			if (page->transports[u].rows[k]->status == PL_REG_ASSIGNED &&
			    strcmp(page->transports[u].rows[k]->service, e->service) == 0) {
				pli_buf_printf(&ports, "%s%u/%s", first ? "" : T(page, PG_A_AND),
				               page->port,
				               pl_proto_name(page->transports[u].proto));
				first = 0;
			}
	pli_buf_puts(&svc, e->service);
	if (strcasecmp(e->service, e->description) != 0)
		pli_buf_printf(&svc, " (%s)", e->description);
	fill3(b, page, PG_A_ASSIGN_TO, pli_buf_str(&ports), pli_buf_str(&svc), NULL);
	pli_buf_cleanup(&ports);
	pli_buf_cleanup(&svc);
}

/* Appends "The IANA registry assigns N/tcp and N/udp to svc (description)", one clause
 * per service, so the common tcp+udp pair reads as one. Returns the number of clauses. */
static int
describe_assignments(struct pl_buf *b, const struct pl_page *page)
{
	struct pl_buf list;
	int groups = 0;

	pli_buf_init(&list);
	for (size_t t = 0; t < page->n_transports; t++) {
		const struct pl_page_transport *tr = &page->transports[t];

		for (size_t i = 0; i < tr->n; i++) {
			const struct pl_reg_entry *e = tr->rows[i];

			if (e->status != PL_REG_ASSIGNED ||
			    service_seen_before(page, t, e->service))
				continue;
			if (groups++)
				pli_buf_puts(&list, T(page, PG_A_LIST_SEP));
			describe_one(&list, page, t, e);
		}
	}
	if (groups)
		fill3(b, page, PG_A_ASSIGNS, pli_buf_str(&list), NULL, NULL);
	pli_buf_cleanup(&list);
	return groups;
}

static void
answer_why_open(struct pl_buf *b, const struct pl_page *page)
{
	char n[8], lo[8], hi[8];

	snprintf(n, sizeof(n), "%u", page->port);
	if (!describe_assignments(b, page))
		fill3(b, page, PG_A_UNREGISTERED, n, NULL, NULL);
	if (count_facts(page, 1, PL_RISK_INFO)) {
		struct pl_buf titles;

		pli_buf_init(&titles);
		list_titles(&titles, page, 1, PL_RISK_INFO);
		fill3(b, page, PG_A_ALSO_USED, pli_buf_str(&titles), NULL, NULL);
		pli_buf_cleanup(&titles);
	}
	if (page->in_ephemeral) {
		struct pl_buf origin;

		snprintf(lo, sizeof(lo), "%u", page->ephemeral.lo);
		snprintf(hi, sizeof(hi), "%u", page->ephemeral.hi);
		/* A path is code (between backticks); "Linux default" is a phrase. */
		pli_buf_init(&origin);
		if (page->ephemeral.source[0] == '/')
			pli_buf_printf(&origin, "`%s`", page->ephemeral.source);
		else
			pl_page_origin(page, page->ephemeral.source, &origin);
		fill3(b, page, PG_A_EPHEMERAL, lo, hi, pli_buf_str(&origin));
		pli_buf_cleanup(&origin);
	}
	pli_buf_puts(b, T(page, PG_A_OWNER_TELLS));
}

static void
answer_find_owner(struct pl_buf *b, const struct pl_page *page)
{
	char n[8];

	snprintf(n, sizeof(n), "%u", page->port);
	fill3(b, page, PG_A_FIND_OWNER, n, NULL, NULL);
}

static void
answer_close(struct pl_buf *b, const struct pl_page *page)
{
	char n[8];
	int tcp = has(page, PL_PROTO_TCP);

	snprintf(n, sizeof(n), "%u", page->port);
	fill3(b, page, PG_A_CLOSE, n, tcp ? "tcp" : "udp", tcp ? "TCP" : "UDP");
}

static void
answer_port_zero(struct pl_buf *b, const struct pl_page *page)
{
	pli_buf_puts(b, T(page, PG_A_PORT_ZERO));
}

static enum pl_rc
add_faq(struct pl_page *page, const char *id, enum pli_page_text question,
        void (*answer)(struct pl_buf *, const struct pl_page *))
{
	struct pl_buf q, a;
	char n[8];

	pli_buf_init(&q);
	pli_buf_init(&a);
	snprintf(n, sizeof(n), "%u", page->port);
	fill3(&q, page, question, n, NULL, NULL);
	answer(&a, page);
	if (!q.data || !a.data) {
		pli_buf_cleanup(&q);
		pli_buf_cleanup(&a);
		return PL_ERR_NOMEM;
	}
	page->faq[page->n_faq++] = (struct pl_page_faq){
	    .id = id, .question = pli_buf_steal(&q), .answer = pli_buf_steal(&a)};
	return PL_OK;
}

enum pl_rc
pli_page_build_faq(struct pl_page *page)
{
	enum pl_rc rc = PL_OK;

	page->faq = calloc(4, sizeof(*page->faq));
	if (!page->faq)
		return PL_ERR_NOMEM;
	if (page->port == 0)
		return add_faq(page, "port-zero", PG_Q_PORT_ZERO, answer_port_zero);
	rc |= add_faq(page, "dangerous", PG_Q_DANGEROUS, answer_dangerous);
	rc |= add_faq(page, "why-open", PG_Q_WHY_OPEN, answer_why_open);
	rc |= add_faq(page, "find-owner", PG_Q_FIND_OWNER, answer_find_owner);
	rc |= add_faq(page, "close", PG_Q_CLOSE, answer_close);
	return rc == PL_OK ? PL_OK : PL_ERR_NOMEM;
}
