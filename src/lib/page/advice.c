// SPDX-License-Identifier: MIT
/*
 * advice.c - the parts of a port page written from the facts rather than looked up:
 * "how to check" commands for Linux, macOS, Windows and portlens, and the FAQ (is it
 * dangerous, why is it open, what opened it, how to close it). Answers only restate
 * what the registry and the knowledge base say; nothing here invents facts.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "page/page_impl.h"
#include "shared/buf.h"

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
	pl_buf_init(&b);
	va_start(ap, fmt);
	rc = pl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc != PL_OK)
		return rc;
	page->checks[page->n_checks++] = (struct pl_page_check){
	    .platform = platform, .purpose = purpose, .command = pl_buf_steal(&b)};
	return PL_OK;
}

static int
has(const struct pl_page *page, enum pl_proto p)
{
	return (page->protos & PL_PROTO_BIT(p)) != 0;
}

enum pl_rc
pl_page_build_checks(struct pl_page *page)
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
	rc |=
	    add_check(page, "Linux", "what is listening", "sudo ss -%s 'sport = :%u'", ss_flags, n);
	rc |= add_check(page, "Linux", "who is connected",
	                "sudo ss -%snp '( sport = :%u or dport = :%u )'",
	                tcp && udp ? "tu"
	                : tcp      ? "t"
	                           : "u",
	                n, n);
	rc |= add_check(page, "Linux", "owning process", "sudo lsof -nP -i%s:%u", lsof_i, n);
	rc |= add_check(page, "Linux", "older systems", "sudo netstat -%s | grep ':%u '", ss_flags,
	                n);
	if (tcp)
		rc |= add_check(page, "macOS", "what is listening",
		                "sudo lsof -nP -iTCP:%u -sTCP:LISTEN", n);
	if (udp)
		rc |= add_check(page, "macOS", "bound UDP sockets", "sudo lsof -nP -iUDP:%u", n);
	rc |= add_check(page, "macOS", "all sockets", "netstat -anv | grep '\\.%u '", n);
	rc |= add_check(page, "Windows", "sockets and PIDs", "netstat -ano | findstr :%u", n);
	if (tcp)
		rc |= add_check(page, "Windows", "owning process (PowerShell)",
		                "Get-NetTCPConnection -LocalPort %u | Select-Object "
		                "LocalAddress,State,OwningProcess",
		                n);
	if (udp)
		rc |= add_check(page, "Windows", "UDP endpoint (PowerShell)",
		                "Get-NetUDPEndpoint -LocalPort %u | Select-Object "
		                "LocalAddress,OwningProcess",
		                n);
	if (tcp)
		rc |= add_check(page, "remote", "is it reachable", "nmap -p %u HOST", n);
	if (udp)
		rc |= add_check(page, "remote", "is it reachable (UDP)", "sudo nmap -sU -p %u HOST",
		                n);
	rc |= add_check(page, "portlens", "what is listening here", "portlens listen --port %u", n);
	rc |= add_check(page, "portlens", "who is connected", "portlens conns --port %u", n);
	if (tcp)
		rc |= add_check(page, "portlens", "scan a network", "portlens scan HOSTS -p %u", n);
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
		pl_buf_printf(b, "%s%s", listed++ ? "; " : "", f->title);
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

static void
answer_dangerous(struct pl_buf *b, const struct pl_page *page)
{
	unsigned n = page->port;

	if (page->risk >= PL_RISK_MEDIUM) {
		pl_buf_printf(b,
		              "portlens rates port %u as %s risk when it is reachable beyond "
		              "this machine, because: ",
		              n, pl_risk_name(page->risk));
		list_titles(b, page, 0, PL_RISK_MEDIUM);
		pl_buf_printf(b, ". ");
	} else if (count_facts(page, 0, PL_RISK_INFO)) {
		pl_buf_printf(b, "portlens knows of no specific danger beyond these notes: ");
		list_titles(b, page, 0, PL_RISK_INFO);
		pl_buf_printf(b, ". ");
	} else {
		pl_buf_printf(b, "Nothing in portlens's knowledge base marks port %u as risky. ",
		              n);
	}
	pl_buf_printf(b, "A port is only as dangerous as the program listening on it and who "
	                 "can reach it: find that program, decide whether it should run, and "
	                 "whether it should be reachable from other hosts.");
}

/* Appends "N/tcp and N/udp to svc (description)" grouping transports that share a
 * record text, so the common tcp+udp pair reads as one sentence. */
static int
describe_assignments(struct pl_buf *b, const struct pl_page *page)
{
	int groups = 0;

	for (size_t t = 0; t < page->n_transports; t++) {
		const struct pl_page_transport *tr = &page->transports[t];

		for (size_t i = 0; i < tr->n; i++) {
			const struct pl_reg_entry *e = tr->rows[i];
			int seen = 0, first = 1;

			if (e->status != PL_REG_ASSIGNED)
				continue;
			for (size_t u = 0; u < t && !seen; u++)
				for (size_t k = 0; k < page->transports[u].n; k++)
					seen |= page->transports[u].rows[k]->status ==
					            PL_REG_ASSIGNED &&
					        strcmp(page->transports[u].rows[k]->service,
					               e->service) == 0;
			if (seen)
				continue;
			pl_buf_printf(b, "%s",
			              groups++ ? "; it assigns " : "The IANA registry assigns ");
			for (size_t u = t; u < page->n_transports; u++)
				for (size_t k = 0; k < page->transports[u].n; k++)
					if (page->transports[u].rows[k]->status ==
					        PL_REG_ASSIGNED &&
					    strcmp(page->transports[u].rows[k]->service,
					           e->service) == 0) {
						pl_buf_printf(
						    b, "%s%u/%s", first ? "" : " and ", page->port,
						    pl_proto_name(page->transports[u].proto));
						first = 0;
					}
			pl_buf_printf(b, " to %s", e->service);
			if (strcasecmp(e->service, e->description) != 0)
				pl_buf_printf(b, " (%s)", e->description);
		}
	}
	return groups;
}

static void
answer_why_open(struct pl_buf *b, const struct pl_page *page)
{
	int any_assigned = describe_assignments(b, page);

	if (any_assigned)
		pl_buf_puts(b, ". ");
	else
		pl_buf_printf(b,
		              "No service is registered for port %u, so a program listening "
		              "there picked it on its own. ",
		              page->port);
	if (count_facts(page, 1, PL_RISK_INFO)) {
		pl_buf_puts(b, "In practice it is also used for: ");
		list_titles(b, page, 1, PL_RISK_INFO);
		pl_buf_puts(b, ". ");
	}
	if (page->in_ephemeral)
		pl_buf_printf(b,
		              "It lies in this system's ephemeral range %u-%u (%s), so it may "
		              "simply be the local end of an outgoing connection rather than "
		              "a server. ",
		              page->ephemeral.lo, page->ephemeral.hi, page->ephemeral.source);
	pl_buf_puts(b, "Only the owning process tells for sure (next question).");
}

static void
answer_find_owner(struct pl_buf *b, const struct pl_page *page)
{
	unsigned n = page->port;

	pl_buf_printf(b,
	              "On Linux run `portlens listen --port %u` or `sudo ss -tulpn 'sport = "
	              ":%u'`: both show the process id and program (root is needed to see "
	              "other users' processes). On macOS run `sudo lsof -nP -i :%u`. On Windows "
	              "run `netstat -ano | findstr :%u` and look the PID up with `Get-Process "
	              "-Id PID` or in Task Manager.",
	              n, n, n, n);
}

static void
answer_close(struct pl_buf *b, const struct pl_page *page)
{
	unsigned n = page->port;
	int tcp = has(page, PL_PROTO_TCP);
	const char *p = tcp ? "tcp" : "udp";
	const char *P = tcp ? "TCP" : "UDP";

	pl_buf_printf(b,
	              "The real fix is to stop or reconfigure the program that listens (find "
	              "it first), or bind it to 127.0.0.1 if only local programs need it. To "
	              "block the port meanwhile: on Linux with nftables `sudo nft add rule inet "
	              "filter input %s dport %u drop` (needs an inet filter table with an input "
	              "chain) or with ufw `sudo ufw deny %u/%s`; on macOS add `block in proto %s "
	              "from any to any port %u` to /etc/pf.conf and run `sudo pfctl -f "
	              "/etc/pf.conf -e`; on Windows `netsh advfirewall firewall add rule "
	              "name=\"Block %s %u\" dir=in action=block protocol=%s localport=%u`.",
	              p, n, n, p, p, n, P, n, P, n);
}

static enum pl_rc
add_faq(struct pl_page *page, const char *id, const char *q_before, const char *q_after,
        void (*answer)(struct pl_buf *, const struct pl_page *))
{
	struct pl_buf q, a;

	pl_buf_init(&q);
	pl_buf_init(&a);
	pl_buf_printf(&q, "%s%u%s", q_before, page->port, q_after);
	answer(&a, page);
	if (!q.data || !a.data) {
		pl_buf_cleanup(&q);
		pl_buf_cleanup(&a);
		return PL_ERR_NOMEM;
	}
	page->faq[page->n_faq++] = (struct pl_page_faq){
	    .id = id, .question = pl_buf_steal(&q), .answer = pl_buf_steal(&a)};
	return PL_OK;
}

static void
answer_port_zero(struct pl_buf *b, const struct pl_page *page)
{
	(void)page;
	pl_buf_puts(b, "The IANA registry lists port 0 as Reserved, and no program can listen on "
	               "it: a program that asks the operating system to bind port 0 is asking for "
	               "any free port, and gets one from the ephemeral range. So there is nothing "
	               "on port 0 to look for, close or firewall on this machine.");
}

enum pl_rc
pl_page_build_faq(struct pl_page *page)
{
	enum pl_rc rc = PL_OK;

	page->faq = calloc(4, sizeof(*page->faq));
	if (!page->faq)
		return PL_ERR_NOMEM;
	if (page->port == 0)
		return add_faq(page, "port-zero", "Can anything be open on port ", "?",
		               answer_port_zero);
	rc |= add_faq(page, "dangerous", "Is port ", " dangerous?", answer_dangerous);
	rc |= add_faq(page, "why-open", "Why would port ", " be open on my machine?",
	              answer_why_open);
	rc |=
	    add_faq(page, "find-owner", "How do I find what opened port ", "?", answer_find_owner);
	rc |= add_faq(page, "close", "How do I close or firewall port ", "?", answer_close);
	return rc == PL_OK ? PL_OK : PL_ERR_NOMEM;
}
