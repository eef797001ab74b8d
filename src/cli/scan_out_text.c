// SPDX-License-Identifier: MIT
/*
 * scan_out_text.c - the normal (text) output of `portlens scan`, modelled on nmap's
 * normal output but streamed: one line per reported port as soon as it is known,
 * annotated with the registry service name and the knowledge base's note, then the
 * "done" summary. Also the grepable (-oG, nmap's format: one "Host:" line per result)
 * and CSV (-oC, RFC 4180) sinks, which are line-oriented the same way.
 */
#include <string.h>

#include "cli/scan_sink.h"

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
	fprintf(fp,
	        "%sportlens done at %s -- %llu IP addresses (%llu hosts up) scanned in %.2f "
	        "seconds%s\n",
	        lead, when, (unsigned long long)info->n_targets, (unsigned long long)info->hosts_up,
	        p->elapsed_s, info->interrupted ? " (interrupted)" : "");
}

static int
text_begin(struct scan_sink *s, const struct scan_info *info)
{
	header(s->fp, info, "# ");
	fprintf(s->fp, "%-11s %-11s %-16s %-20s%s%s\n", "PORT", "STATE", "SERVICE", "HOST",
	        s->reason ? " REASON       " : " ", "NOTE");
	return 0;
}

static int
text_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r)
{
	char port[16], host[64], note[160] = "";
	const char *risk = NULL;
	const char *kb = scan_kb_note(info, r->port, r->proto, &risk);
	const char *name = pl_targets_name_at(info->targets, r->target);

	snprintf(port, sizeof(port), "%u/%s", r->port, pl_proto_name((enum pl_proto)r->proto));
	pl_scan_addr_str(&r->addr, host, sizeof(host));
	if (kb && r->state == PL_PORT_OPEN)
		snprintf(note, sizeof(note), "[%s] %s", risk, kb);
	fprintf(s->fp, "%-11s %-11s %-16s %-20s", port, pl_port_state_name(r->state),
	        scan_service_name(info, r->port, r->proto), host);
	if (s->reason)
		fprintf(s->fp, " %-12s", pl_scan_reason_name(r->reason));
	fprintf(s->fp, " %s%s%s%s\n", name ? "(" : "", name ? name : "", name ? ") " : "", note);
	return 0;
}

static int
text_end(struct scan_sink *s, const struct scan_info *info)
{
	const struct pl_scan_progress *p = info->prog;

	fprintf(s->fp, "# %llu open, %llu closed, %llu filtered, %llu unreachable, %llu skipped\n",
	        (unsigned long long)p->by_state[PL_PORT_OPEN],
	        (unsigned long long)p->by_state[PL_PORT_CLOSED],
	        (unsigned long long)p->by_state[PL_PORT_FILTERED],
	        (unsigned long long)p->by_state[PL_PORT_UNREACHABLE],
	        (unsigned long long)p->skipped);
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

static int
grep_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r)
{
	char host[64];
	const char *name = pl_targets_name_at(info->targets, r->target);

	pl_scan_addr_str(&r->addr, host, sizeof(host));
	/* nmap: port/state/protocol/owner/service/rpc info/version info/ */
	fprintf(s->fp, "Host: %s (%s)\tPorts: %u/%s/%s//%s///\n", host, name ? name : "", r->port,
	        pl_port_state_name(r->state), pl_proto_name((enum pl_proto)r->proto),
	        scan_service_name(info, r->port, r->proto));
	return 0;
}

static int
grep_end(struct scan_sink *s, const struct scan_info *info)
{
	summary(s->fp, info, "# ");
	return 0;
}

const struct scan_sink_ops scan_sink_grep = {
    .name = "grepable",
    .begin = grep_begin,
    .result = grep_result,
    .end = grep_end,
};

/* ---- CSV ---- */

static void
csv_field(FILE *fp, const char *v)
{
	if (!strpbrk(v, ",\"\r\n")) {
		fputs(v, fp);
		return;
	}
	fputc('"', fp);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', fp);
		fputc(*v, fp);
	}
	fputc('"', fp);
}

static int
csv_begin(struct scan_sink *s, const struct scan_info *info)
{
	(void)info;
	if (!s->append)
		fputs("host,hostname,port,proto,state,reason,service,rtt_ms,note\r\n", s->fp);
	return 0;
}

static int
csv_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r)
{
	char host[64];
	const char *name = pl_targets_name_at(info->targets, r->target);
	const char *kb =
	    r->state == PL_PORT_OPEN ? scan_kb_note(info, r->port, r->proto, NULL) : NULL;

	pl_scan_addr_str(&r->addr, host, sizeof(host));
	fprintf(s->fp, "%s,", host);
	csv_field(s->fp, name ? name : "");
	fprintf(s->fp, ",%u,%s,%s,%s,", r->port, pl_proto_name((enum pl_proto)r->proto),
	        pl_port_state_name(r->state), pl_scan_reason_name(r->reason));
	csv_field(s->fp, scan_service_name(info, r->port, r->proto));
	fprintf(s->fp, ",%.3f,", r->rtt_us / 1000.0);
	csv_field(s->fp, kb ? kb : "");
	fputs("\r\n", s->fp);
	return 0;
}

static int
csv_end(struct scan_sink *s, const struct scan_info *info)
{
	(void)s;
	(void)info;
	return 0;
}

const struct scan_sink_ops scan_sink_csv = {
    .name = "csv",
    .begin = csv_begin,
    .result = csv_result,
    .end = csv_end,
};
