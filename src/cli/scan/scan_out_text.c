// SPDX-License-Identifier: MIT
/*
 * scan_out_text.c - the normal (text) output of `portlens scan`, modelled on nmap's
 * normal output but streamed: one line per reported port as soon as it is known,
 * annotated with the registry service name and the knowledge base's note, then the
 * "done" summary. Also the grepable sink (-oG, nmap's format: one "Host:" line per
 * result), which is line-oriented the same way; CSV is in scan_out_csv.c.
 *
 * With --sV (nmap's layout): SERVICE is what the probe found ("ssh", "ssl/http"; the
 * registry's name with "?" when nothing was identified), a VERSION column follows
 * HOST, and the CPE and the evidence go on "| cpe: ..." / "|_banner: ..." lines under
 * the port, as nmap prints script output. The grepable line carries nmap's service and
 * version fields, then "CPE:" and "Banner:" fields. Every network-derived string is
 * escaped (scan_escape.c): no control byte or broken UTF-8 reaches a terminal or file.
 */
#include <string.h>

#include "cli/render/colfit.h"
#include "cli/scan/scan_escape.h"
#include "cli/scan/scan_sink.h"

static void
header(FILE *fp, const struct scan_info *info, const char *lead)
{
	char when[64];

	scan_time_str(info->start, when, sizeof(when));
	fprintf(fp, "%sportlens %s scan %s %s as: %s\n", lead, PL_VERSION,
	        info->resumed ? "resumed" : "initiated", when, info->args);
}

static void
summary(FILE *fp, const struct scan_info *info, const char *lead)
{
	const struct pl_scan_progress *p = info->prog;
	char when[64];

	scan_time_str(info->end, when, sizeof(when));
	if (info->error)
		fprintf(fp, "%sportlens failed: %s\n", lead, info->error);
	/* nmap's words, singular included: "1 IP address (1 host up)". */
	fprintf(fp,
	        "%sportlens done at %s -- %llu IP address%s (%llu host%s up) scanned in %.2f "
	        "seconds%s\n",
	        lead, when, (unsigned long long)info->n_targets, info->n_targets == 1 ? "" : "es",
	        (unsigned long long)info->hosts_up, info->hosts_up == 1 ? "" : "s", p->elapsed_s,
	        info->interrupted ? " (interrupted)"
	        : info->error     ? " (failed)"
	                          : "");
}

/*
 * One line per up host whose ports were not all listed, as nmap's "Not shown": a host
 * that answered only with RSTs is up, and says so here.
 */
static void
hidden_lines(struct scan_sink *s, const struct scan_info *info, int grepable)
{
	for (size_t i = 0; i < info->n_up; i++) {
		struct scan_uphost_view v;
		struct pl_buf b;

		scan_uphost_view(info, &info->up[i], &v);
		pli_buf_init(&b);
		if (info->ping && !grepable) { /* -sn: every up host, with why */
			pli_buf_printf(&b, "%s", v.host);
			if (v.name) {
				pli_buf_puts(&b, " (");
				scan_esc_clean(&b, v.name);
				pli_buf_putc(&b, ')');
			}
			pli_buf_printf(&b, " is up (%s, %.2f ms)",
			               pl_scan_reason_name((enum pl_scan_reason)info->up[i].reason),
			               info->up[i].rtt_us / 1000.0);
		} else if (grepable) { /* nmap's status line */
			pli_buf_printf(&b, "Host: %s (", v.host);
			scan_esc_clean(&b, v.name ? v.name : "");
			pli_buf_puts(&b, ")\tStatus: Up");
			if (v.closed)
				pli_buf_printf(&b, "\tIgnored State: closed (%llu)",
				               (unsigned long long)v.closed);
		} else if (v.closed || v.other > 0) {
			pli_buf_printf(&b, "# %s", v.host);
			if (v.name) {
				pli_buf_puts(&b, " (");
				scan_esc_clean(&b, v.name);
				pli_buf_putc(&b, ')');
			}
			pli_buf_puts(&b, " is up; not shown:");
			if (v.closed)
				pli_buf_printf(&b, " %llu closed", (unsigned long long)v.closed);
			if (v.other > 0)
				pli_buf_printf(&b, "%s %lld filtered or unreachable",
				               v.closed ? "," : "", (long long)v.other);
		}
		if (b.len) {
			pli_buf_putc(&b, '\n');
			scan_sink_put(s, s->fp, &b);
		}
		pli_buf_cleanup(&b);
	}
}

/* STATE is as wide as the longest state the scan can report: "open|filtered" (13)
 * where UDP is scanned, so that it never pushes the columns after it. */
static int
state_width(const struct scan_info *info)
{
	return (info->protocol && strcmp(info->protocol, "udp") == 0) || info->n_udp ? 13 : 11;
}

static int
text_begin(struct scan_sink *s, const struct scan_info *info)
{
	header(s->fp, info, "# ");
	if (info->ping)
		return 0; /* -sn: up hosts, one line each, at the end */
	struct pl_buf head, cut;

	pli_buf_init(&head);
	pli_buf_init(&cut);
	pli_buf_printf(&head, "%-11s %-*s %-16s %-20s%s%s%s", "PORT", state_width(info), "STATE",
	               "SERVICE", "HOST", s->reason ? " REASON       " : " ",
	               info->sv ? "VERSION                          " : "", "NOTE");
	/* On a terminal the column names end where the rows do (text_result). */
	if (s->width && !pli_buf_failed(&head))
		pli_colfit_put(&cut, head.data, head.len, s->width, 0);
	fprintf(s->fp, "%s\n", pli_buf_str(s->width ? &cut : &head));
	pli_buf_cleanup(&head);
	pli_buf_cleanup(&cut);
	return 0;
}

/* SERVICE: the registry's name, or with --sV on an open port what the probe found
 * ("ssl/http"), else the registry's name with nmap's "?" for "not confirmed". */
static void
service_col(const struct scan_info *info, const struct pl_scan_result *r,
            const struct scan_sv_result *sv, struct pl_buf *b)
{
	const struct pl_service *svc = scan_sv_found(sv);

	if (svc) {
		pli_buf_puts(b, svc->tls ? "ssl/" : "");
		scan_esc_clean(b, svc->service);
	} else {
		pli_buf_printf(b, "%s%s", scan_service_name(info, r->port, r->proto),
		               sv ? "?" : "");
	}
}

/* nmap-style detail lines under a probed port: "| cpe: ...", "|_banner: ...". */
static void
detail_lines(struct scan_sink *s, const struct scan_sv_result *sv)
{
	const int ok = sv->rc == PL_OK;
	const struct {
		const char *key, *val;
	} all[] = {
	    {"error", ok ? "" : sv->errmsg},
	    {"cpe", ok ? sv->svc->cpe : ""},
	    {"banner", ok ? sv->svc->evidence : ""},
	};
	size_t last = 0;
	struct pl_buf b;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i].val[0])
			last = i + 1;
	pli_buf_init(&b);
	for (size_t i = 0; i < last; i++) {
		if (!all[i].val[0])
			continue;
		pli_buf_printf(&b, "|%s%s: ", i + 1 == last ? "_" : " ", all[i].key);
		scan_esc_clean(&b, all[i].val);
		pli_buf_putc(&b, '\n');
	}
	scan_sink_put(s, s->fp, &b);
	pli_buf_cleanup(&b);
}

/*
 * The row for a terminal of width columns. An address is never cut (a cut address is a
 * wrong one): when the row's cut would fall inside HOST (bytes host_at..host_end), the
 * cells before it make one line and the host, then what follows it as far as it fits,
 * the next, indented.
 */
static void
fit_row(const struct pl_buf *line, size_t host_at, size_t host_end, unsigned width,
        struct pl_buf *out)
{
	size_t host_cols, indent = 2, head = host_at;

	if (pli_colfit_cols(line->data, host_end) < width ||
	    (pli_colfit_cols(line->data, host_end) == width && line->len == host_end)) {
		pli_colfit_put(out, line->data, line->len, width, 0);
		return;
	}
	while (head > 0 && line->data[head - 1] == ' ')
		head--;
	pli_colfit_put(out, line->data, head, width, 0);
	pli_buf_putc(out, '\n');
	host_cols = pli_colfit_cols(line->data + host_at, host_end - host_at);
	if (indent + host_cols > width)
		indent = 0;
	for (size_t i = 0; i < indent; i++)
		pli_buf_putc(out, ' ');
	/* The rest is cut after the host, never inside it: with no room for a character
	 * and the marker after it, the host stands alone. */
	if (line->len == host_end || indent + host_cols + 2 > width)
		pli_buf_append(out, line->data + host_at, host_end - host_at);
	else
		pli_colfit_put(out, line->data + host_at, line->len - host_at, width - indent, 0);
}

static int
text_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
            const struct scan_sv_result *sv)
{
	char port[16], host[64], note[300] = "";
	const char *risk = NULL;
	char nbuf[256];
	const char *kb = scan_kb_note(info, r, sv, nbuf, sizeof(nbuf), &risk);
	const char *name = pl_targets_name_at(info->targets, r->target);
	const struct pl_service *svc = scan_sv_found(sv);
	struct pl_buf svc_col, ver, ver_esc, line, cut;
	unsigned width;
	size_t host_at, host_end;

	if (info->ping)
		return 0; /* -sn: the up hosts are listed at the end */

	snprintf(port, sizeof(port), "%u/%s", r->port, pl_proto_name((enum pl_proto)r->proto));
	pl_scan_addr_str(&r->addr, host, sizeof(host));
	if (kb && r->state == PL_PORT_OPEN)
		snprintf(note, sizeof(note), "[%s] %s", risk, kb);
	pli_buf_init(&svc_col);
	pli_buf_init(&ver);
	pli_buf_init(&ver_esc);
	pli_buf_init(&line);
	pli_buf_init(&cut);
	service_col(info, r, sv, &svc_col);
	pli_buf_printf(&line, "%-11s %-*s ", port, state_width(info), pl_port_state_name(r->state));
	/* Fixed columns stay fixed (cli/colfit.c): a long service or version is cut with a
	 * marker instead of pushing what follows; the full text is on the detail lines. */
	pli_colfit_put(&line, svc_col.data ? svc_col.data : "", svc_col.len, 16, 1);
	pli_buf_putc(&line, ' ');
	host_at = line.len;
	host_end = host_at + strlen(host);
	pli_buf_printf(&line, "%-20s", host);
	if (s->reason)
		pli_buf_printf(&line, " %-12s", pl_scan_reason_name(r->reason));
	if (info->sv) {
		if (svc)
			scan_sv_version(svc, &ver);
		scan_esc_clean(&ver_esc, pli_buf_str(&ver));
		pli_buf_putc(&line, ' ');
		pli_colfit_put(&line, pli_buf_str(&ver_esc), ver_esc.len, 32, 1);
	}
	pli_buf_printf(&line, " %s%s%s%s", name ? "(" : "", name ? name : "", name ? ") " : "",
	               note);
	if (pli_buf_failed(&svc_col) || pli_buf_failed(&ver) || pli_buf_failed(&ver_esc))
		pli_buf_set_failed(&line); /* a column is incomplete, so the line is */
	/* On a terminal the line ends at its width (the note is cut, with the marker; the
	 * host is never cut, fit_row); the padding after the last cell is no content, so
	 * it is never what gets cut. Files and pipes keep the row as it is (scripts match
	 * the padded columns). */
	width = s->width;
	while (width && line.len && line.data[line.len - 1] == ' ')
		line.len--;
	if (width && pli_buf_failed(&line))
		pli_buf_set_failed(&cut);
	else if (width)
		fit_row(&line, host_at, host_end < line.len ? host_end : line.len, width, &cut);
	pli_buf_putc(width ? &cut : &line, '\n');
	scan_sink_put(s, s->fp, width ? &cut : &line);
	if (sv)
		detail_lines(s, sv);
	pli_buf_cleanup(&svc_col);
	pli_buf_cleanup(&ver);
	pli_buf_cleanup(&ver_esc);
	pli_buf_cleanup(&line);
	pli_buf_cleanup(&cut);
	return 0;
}

static int
text_end(struct scan_sink *s, const struct scan_info *info)
{
	const struct pl_scan_progress *p = info->prog;

	if (info->ping) { /* -sn: hosts, not ports */
		fprintf(s->fp, "# %llu up, %llu down, %llu skipped\n",
		        (unsigned long long)p->by_state[PL_PORT_OPEN],
		        (unsigned long long)(p->by_state[PL_PORT_FILTERED] +
		                             p->by_state[PL_PORT_UNREACHABLE]),
		        (unsigned long long)p->skipped);
		hidden_lines(s, info, 0);
		scan_skip_line(s->fp, info);
		summary(s->fp, info, "# ");
		return 0;
	}
	fprintf(s->fp, "# %llu open, %llu closed, %llu filtered, %llu unreachable, ",
	        (unsigned long long)p->by_state[PL_PORT_OPEN],
	        (unsigned long long)p->by_state[PL_PORT_CLOSED],
	        (unsigned long long)p->by_state[PL_PORT_FILTERED],
	        (unsigned long long)p->by_state[PL_PORT_UNREACHABLE]);
	if (p->by_state[PL_PORT_OPEN_FILTERED]) /* UDP */
		fprintf(s->fp, "%llu open|filtered, ",
		        (unsigned long long)p->by_state[PL_PORT_OPEN_FILTERED]);
	fprintf(s->fp, "%llu skipped\n", (unsigned long long)p->skipped);
	hidden_lines(s, info, 0);
	scan_skip_line(s->fp, info);
	summary(s->fp, info, "# ");
	return 0;
}

const struct scan_sink_ops scan_sink_text = {
    .name = "text",
    .begin = text_begin,
    .result = text_result,
    .end = text_end,
};

/* ---- grepable ---- */

static int
grep_begin(struct scan_sink *s, const struct scan_info *info)
{
	header(s->fp, info, "# ");
	return 0;
}

/* nmap's service field: "ssh", "ssl|http" (its '/' is a field separator). */
static void
grep_service(const struct scan_info *info, const struct pl_scan_result *r,
             const struct pl_service *svc, struct pl_buf *b)
{
	if (!svc) {
		scan_esc_grep(b, scan_service_name(info, r->port, r->proto));
		return;
	}
	pli_buf_puts(b, svc->tls ? "ssl|" : "");
	scan_esc_grep(b, svc->service);
}

static int
grep_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
            const struct scan_sv_result *sv)
{
	char host[64];
	const char *name = pl_targets_name_at(info->targets, r->target);
	const struct pl_service *svc = scan_sv_found(sv);
	struct pl_buf b, ver;

	if (info->ping)
		return 0; /* -sn: the up hosts are listed at the end */

	pli_buf_init(&b);
	pli_buf_init(&ver);
	pl_scan_addr_str(&r->addr, host, sizeof(host));
	/* nmap: port/state/protocol/owner/service/rpc info/version info/ */
	pli_buf_printf(&b, "Host: %s (", host);
	scan_esc_clean(&b, name ? name : "");
	pli_buf_printf(&b, ")\tPorts: %u/%s/%s//", r->port, pl_port_state_name(r->state),
	               pl_proto_name((enum pl_proto)r->proto));
	grep_service(info, r, svc, &b);
	pli_buf_puts(&b, "//");
	if (svc)
		scan_sv_version(svc, &ver);
	scan_esc_grep(&b, pli_buf_str(&ver));
	pli_buf_putc(&b, '/');
	/* Beyond nmap's fields, tab-separated as its "Ignored State:" is. */
	if (svc && svc->cpe[0]) {
		pli_buf_puts(&b, "\tCPE: ");
		scan_esc_clean(&b, svc->cpe);
	}
	if (sv && sv->rc == PL_OK && sv->svc->evidence[0]) {
		pli_buf_puts(&b, "\tBanner: ");
		scan_esc_clean(&b, sv->svc->evidence);
	}
	if (pli_buf_failed(&ver))
		pli_buf_set_failed(&b);
	pli_buf_putc(&b, '\n');
	scan_sink_put(s, s->fp, &b);
	pli_buf_cleanup(&b);
	pli_buf_cleanup(&ver);
	return 0;
}

static int
grep_end(struct scan_sink *s, const struct scan_info *info)
{
	hidden_lines(s, info, 1);
	scan_skip_line(s->fp, info);
	summary(s->fp, info, "# ");
	return 0;
}

const struct scan_sink_ops scan_sink_grep = {
    .name = "grepable",
    .begin = grep_begin,
    .result = grep_result,
    .end = grep_end,
};
