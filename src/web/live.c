// SPDX-License-Identifier: MIT
/*
 * live.c - the listeners table with flags highlighted (/listen, /api/listen), read
 * through portlens/sockets.h. (The port page's live section comes from the page model,
 * struct pl_page_live, like the CLI's.)
 *
 * Reading sockets and their owners costs a netlink dump plus a walk of /proc/PID/fd, so
 * one snapshot (listeners with processes and flags) is shared by all requests and re-read
 * at most once per second; readers hold live_lock while they look at it. /api/listen is
 * the same snapshot rendered by the CLI's own JSON renderer (passed in the configuration),
 * so it has the shape of `portlens listen --json` and, like it, holds listeners only (a
 * snapshot with connections once answered with 11,000 sockets and every remote peer after
 * a load test); a flood of API calls costs one socket reading per second, not one per
 * call.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "portlens/json.h"
#include "portlens/sockets.h"
#include "web/web_impl.h"

#define SNAPSHOT_MS 1000
#define LISTEN_ROWS 500   /* a page, not a dump: flagged rows first, then the rest */
#define API_MAX     20000 /* /api/listen: more listeners than any real machine has */

static int
is_listener(const struct pl_sock *s)
{
	return s->state == PL_SS_LISTEN || (s->proto == PL_PROTO_UDP && s->state == PL_SS_CLOSE);
}

/* Refreshes the snapshot if stale. Call with live_lock held. Returns it or NULL. */
static const struct pl_sockset *
snapshot(struct pl_web *web)
{
	struct pl_sock_query q = {
	    .what = PL_SQ_LISTEN, /* listeners only: connections grow with anyone's traffic */
	    .port = -1,
	    .uid = -1,
	    .processes = 1,
	    .annotate = 1,
	    .reg = web->cfg.reg,
	    .kb = web->cfg.kb,
	    .threads = 1,
	};
	struct pl_sockset *set = NULL;
	struct pl_err err = {0};
	int64_t now = web_now_ms();

	if (web->live_set && now - web->live_at_ms < SNAPSHOT_MS)
		return web->live_set;
	if (!web->live_set && web->live_why[0] && now - web->live_at_ms < SNAPSHOT_MS)
		return NULL;
	web->live_at_ms = now;
	if (pl_sockets_collect(&q, &set, &err) != PL_OK) {
		snprintf(web->live_why, sizeof(web->live_why), "%s",
		         err.msg[0] ? err.msg : "cannot read sockets");
		pl_sockset_free(web->live_set);
		web->live_set = NULL;
		return NULL;
	}
	pl_sockset_free(web->live_set);
	web->live_set = set;
	web->live_why[0] = '\0';
	return set;
}

static void
proto_label(const struct pl_sock *s, char *buf, size_t size)
{
	const char *fam = s->family == AF_INET ? "4" : pl_sock_dual_stack(s) ? "46" : "6";

	snprintf(buf, size, "%s%s", pl_proto_name((enum pl_proto)s->proto), fam);
}

static void
endpoint(const struct pl_sock *s, char *buf, size_t size)
{
	char addr[64];

	pl_sock_addr_str(s, 0, addr, sizeof(addr));
	snprintf(buf, size, s->family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr, s->lport);
}

static void
owner_text(const struct web_req *rq, const struct pl_sockset *set, const struct pl_sock *s,
           char *buf, size_t size)
{
	const struct pl_proc *p = s->n_owners ? pl_sock_owner(set, s, 0) : NULL;

	/* "run as root" is advice only for a server that is not root already; a root
	 * without CAP_SYS_PTRACE (a container, a hardened unit) cannot see it either. */
	if (p)
		snprintf(buf, size, "%s (pid %d)%s", p->comm, p->pid, s->n_owners > 1 ? " …" : "");
	else if (s->owner_status == PL_OWNER_HIDDEN)
		snprintf(buf, size, "%s",
		         web_tr(rq->lang, geteuid() != 0 ? S_OWNER_HIDDEN : S_OWNER_UNSEEN));
	else
		snprintf(buf, size, "%s",
		         s->owner_status == PL_OWNER_KERNEL ? web_tr(rq->lang, S_OWNER_NONE) : "-");
}

/* What a packet or raw socket reads, in the page's language (plain text: the caller's
 * template escapes it). */
static void
reading_what(struct pl_buf *out, const struct web_req *rq, const struct pl_sock_reason *r)
{
	char num[16];

	snprintf(num, sizeof(num), r->kind == PL_SREASON_CAPTURE_ETHERTYPE ? "0x%04x" : "%u",
	         r->number);
	if (r->kind == PL_SREASON_RAW_NAMED) {
		pli_buf_puts(out, r->name);
		return;
	}
	web_trf_text(out, rq->lang,
	             r->kind == PL_SREASON_CAPTURE_ALL         ? S_READS_EVERY_FRAME
	             : r->kind == PL_SREASON_CAPTURE_NAMED     ? S_READS_FRAMES
	             : r->kind == PL_SREASON_CAPTURE_ETHERTYPE ? S_READS_ETHERTYPE
	                                                       : S_IP_PROTOCOL,
	             r->kind == PL_SREASON_CAPTURE_NAMED ? r->name : num, NULL, NULL, NULL);
}

/* A flag's reason in the page's language, from the library's parts (its own English
 * sentence, pl_sock_flag_reason, is what `portlens listen` and /api/listen say). Titles
 * of knowledge facts come in the page's language where the knowledge file has one. */
static void
flag_reason(struct pl_buf *b, const struct web_req *rq, const struct pl_sockset *set,
            const struct pl_sock *s, enum pl_sock_flag flag)
{
	const enum pl_lang lang = web_page_lang(rq);
	struct pl_sock_reason r;
	struct pl_buf part = {0};
	char num[16];

	pl_sock_flag_reason_parts(set, s, flag, &r);
	snprintf(num, sizeof(num), "%u", r.number);
	switch (r.kind) {
	case PL_SREASON_EXPOSED_FACT:
		web_trf(b, rq, S_REASON_EXPOSED_FACT, r.addr, pl_kb_title(r.fact, lang, NULL),
		        pl_risk_label((enum pl_risk)r.fact->risk, lang), NULL);
		break;
	case PL_SREASON_EXPOSED_PLAINTEXT:
		web_trf(b, rq, S_REASON_EXPOSED_PLAINTEXT, r.addr, NULL, NULL, NULL);
		break;
	case PL_SREASON_UNASSIGNED:
		web_trf(b, rq, S_REASON_UNASSIGNED, num, pl_proto_name(r.proto), NULL, NULL);
		break;
	case PL_SREASON_MALWARE:
		web_trf(b, rq, S_REASON_MALWARE,
		        r.fact ? pl_kb_title(r.fact, lang, NULL) : web_tr(rq->lang, S_SEE_INFO),
		        NULL, NULL, NULL);
		break;
	case PL_SREASON_CAPTURE_ALL:
	case PL_SREASON_CAPTURE_NAMED:
	case PL_SREASON_CAPTURE_ETHERTYPE:
		reading_what(&part, rq, &r);
		web_trf(b, rq, S_REASON_CAPTURE, part.data,
		        r.ifname[0] ? r.ifname : web_tr(rq->lang, S_EVERY_INTERFACE), NULL, NULL);
		break;
	case PL_SREASON_RAW_NAMED:
	case PL_SREASON_RAW_NUMBER:
		reading_what(&part, rq, &r);
		web_trf(b, rq, S_REASON_RAW, part.data, NULL, NULL, NULL);
		break;
	case PL_SREASON_UNEXPECTED:
		for (size_t i = 0; i < r.n_programs; i++)
			pli_buf_printf(&part, "%s%s", i ? ", " : "", r.programs[i]);
		web_trf(b, rq, S_REASON_UNEXPECTED, num, r.name, r.holder,
		        part.data ? part.data : "?");
		break;
	case PL_SREASON_NONE:
		pli_buf_puts(b, "?");
		break;
	}
	pli_buf_cleanup(&part);
}

/* A note of the library in the page's language; the values in it (a namespace, a path,
 * the system's own error message) as the library gave them. */
static void
note_text(struct pl_buf *b, const struct web_req *rq, const struct pl_sockset *set, size_t i)
{
	const struct pl_sock_note *n = set->note_parts ? &set->note_parts[i] : NULL;

	switch (n ? n->kind : PL_SNOTE_TEXT) {
	case PL_SNOTE_READ_INSTEAD:
		web_trf(b, rq, S_NOTE_READ_INSTEAD, n->arg[0], n->arg[1], NULL, NULL);
		return;
	case PL_SNOTE_NETNS:
		web_trf(b, rq, S_NOTE_NETNS, n->arg[0], n->arg[1], NULL, NULL);
		return;
	case PL_SNOTE_HIDDEN_OTHERS:
		web_trs(b, rq, S_NOTE_HIDDEN_OTHERS);
		return;
	case PL_SNOTE_HIDDEN_ROOT:
		web_trs(b, rq, S_NOTE_HIDDEN_ROOT);
		return;
	case PL_SNOTE_TEXT:
		break;
	}
	html_esc(b, set->notes[i]);
}

/* Each flag in the page's language, its label and its one-sentence reason. */
static void
flag_cells(struct pl_buf *b, const struct web_req *rq, const struct pl_sockset *set,
           const struct pl_sock *s)
{
	for (unsigned f = 0; f < PL_SFLAG_COUNT; f++) {
		if (!(s->flags & (1u << f)))
			continue;
		pli_buf_puts(b, "<span class=\"flag\">");
		web_trs(b, rq, web_flag_str(1u << f));
		pli_buf_puts(b, "</span> <span class=\"meta\">");
		flag_reason(b, rq, set, s, (enum pl_sock_flag)(1u << f));
		pli_buf_puts(b, "</span> ");
	}
}

static void
listen_row(struct pl_buf *b, const struct web_req *rq, const struct pl_sockset *set,
           const struct pl_sock *s)
{
	const struct pl_proc *p = s->n_owners ? pl_sock_owner(set, s, 0) : NULL;
	char proto[8], ep[96], own[96], user[40];

	proto_label(s, proto, sizeof(proto));
	endpoint(s, ep, sizeof(ep));
	owner_text(rq, set, s, own, sizeof(own));
	pl_user_name(p ? p->uid : s->uid, user, sizeof(user));
	pli_buf_printf(b, "<tr%s data-port=\"%u\"><td>%s</td><td class=\"mono\">",
	               s->flags ? " class=\"flagged\"" : "", s->lport, proto);
	html_esc(b, ep);
	pli_buf_printf(b, "</td><td class=\"num\"><a href=\"/port/%u\">%u</a></td><td>", s->lport,
	               s->lport);
	html_esc(b, s->reg ? s->reg->service : "");
	pli_buf_puts(b, "</td><td><bdi>");
	html_esc(b, own);
	pli_buf_puts(b, "</bdi>");
	if (p && (p->unit || p->container)) {
		pli_buf_puts(b, " <span class=\"meta\">");
		html_esc(b, p->unit ? p->unit : p->container);
		pli_buf_puts(b, "</span>");
	}
	pli_buf_puts(b, "</td><td>");
	html_esc(b, user);
	pli_buf_puts(b, "</td><td>");
	flag_cells(b, rq, set, s);
	pli_buf_puts(b, "</td></tr>");
}

void
web_live_listen_html(struct web_req *rq, struct pl_buf *b)
{
	static const enum web_str cols[] = {S_PROTO,   S_LOCAL_ADDR, S_PORT, S_SERVICE,
	                                    S_PROCESS, S_USER,       S_FLAGS};
	struct pl_web *web = rq->web;
	const struct pl_sockset *set;
	size_t shown = 0;

	pli_buf_puts(b, "<section id=\"live\" data-refresh=\"3\">");
	if (!web->cfg.live) {
		pli_buf_puts(b, "<p>");
		web_trs(b, rq, S_LIVE_OFF);
		pli_buf_puts(b, "</p></section>");
		return;
	}
	pthread_mutex_lock(&web->live_lock);
	set = snapshot(web);
	if (!set) {
		pli_buf_puts(b, "<p>");
		web_trf(b, rq, S_LIVE_UNAVAILABLE, web->live_why, NULL, NULL, NULL);
		pli_buf_puts(b, "</p>");
		goto out;
	}
	web_table_head(b, rq, "listeners", cols, sizeof(cols) / sizeof(cols[0]));
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < set->n_socks; i++) {
			const struct pl_sock *s = &set->socks[i];

			if (!is_listener(s) || (pass == 0) != (s->flags != 0))
				continue;
			if (shown++ < LISTEN_ROWS)
				listen_row(b, rq, set, s);
		}
	}
	pli_buf_puts(b, "</tbody></table>");
	if (shown > LISTEN_ROWS)
		pli_buf_printf(b,
		               "<p class=\"meta\" id=\"listen-more\">+%zu (portlens listen; "
		               "/api/listen)</p>",
		               shown - LISTEN_ROWS);
	if (!shown) {
		pli_buf_puts(b, "<p>");
		web_trs(b, rq, S_LISTEN_NONE);
		pli_buf_puts(b, "</p>");
	}
	for (size_t i = 0; i < set->n_notes; i++) {
		pli_buf_puts(b, "<p class=\"meta\">");
		note_text(b, rq, set, i);
		pli_buf_puts(b, "</p>");
	}
	pli_buf_puts(b, "<p class=\"source\">");
	web_trs(b, rq, S_SOURCE);
	pli_buf_puts(b, ": ");
	html_esc(b, set->source);
	pli_buf_puts(b, "</p>");
out:
	pthread_mutex_unlock(&web->live_lock);
	pli_buf_puts(b, "</section>");
}

/* /api/listen: the shared snapshot rendered by the CLI's JSON renderer. */
int
web_live_listen_json(struct web_req *rq, struct pl_buf *b)
{
	struct pl_web *web = rq->web;
	const struct pl_sockset *set;
	int status = 503;

	if (!web->cfg.live)
		return 404;
	pthread_mutex_lock(&web->live_lock);
	set = snapshot(web);
	if (set) {
		size_t all = web->live_set->n_socks;

		/* Bounded: a local user who opens a hundred thousand listeners cannot make
		 * every API answer megabytes long (the set is sorted by port; the first
		 * API_MAX are shown, `portlens listen --json` has them all). */
		if (all > API_MAX)
			web->live_set->n_socks = API_MAX;
		pl_sockets_json(set, PL_SQ_LISTEN, b); /* what `portlens listen --json` writes */
		web->live_set->n_socks = all;
		status = 200;
	}
	pthread_mutex_unlock(&web->live_lock);
	return status;
}

int
web_live_flag_counts(struct pl_web *web, const enum pl_sock_flag *flags, size_t nflags,
                     int64_t *counts, int64_t *total)
{
	const struct pl_sockset *set;

	if (!web->cfg.live)
		return 0;
	pthread_mutex_lock(&web->live_lock);
	set = snapshot(web);
	for (size_t i = 0; set && i < set->n_socks; i++) {
		if (!is_listener(&set->socks[i]))
			continue;
		(*total)++;
		for (size_t f = 0; f < nflags; f++)
			counts[f] += (set->socks[i].flags & flags[f]) != 0;
	}
	pthread_mutex_unlock(&web->live_lock);
	return set != NULL;
}
