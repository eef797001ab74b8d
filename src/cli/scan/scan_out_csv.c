// SPDX-License-Identifier: MIT
/*
 * scan_out_csv.c - the CSV output of `portlens scan` (-oC): RFC 4180 with CRLF
 * records, one header line (not repeated when a resumed scan appends), one row per
 * reported port, streamed like the other sinks.
 *
 * Host discovery (-sn) writes one row per up host, as it is found: host,hostname,
 * state ("up"),reason,rtt_ms.
 *
 * Columns: host,hostname,port,proto,state,reason,service,rtt_ms,note; with --sV also
 * detected_service,product,version,cpe,evidence (empty for ports that were not probed
 * or not identified; detected_service is "ssl/http" for HTTP inside TLS, as nmap
 * writes it). Strings from the network are escaped by scan_esc_csv: cleaned to one
 * line of valid UTF-8, quoted when needed, and kept from being run as a spreadsheet
 * formula (a leading = + - @ gets a ').
 */
#include "cli/scan/scan_escape.h"
#include "cli/scan/scan_sink.h"

static int
csv_begin(struct scan_sink *s, const struct scan_info *info)
{
	if (!s->append && info->ping)
		fputs("host,hostname,state,reason,rtt_ms\r\n", s->fp);
	else if (!s->append)
		fprintf(s->fp, "host,hostname,port,proto,state,reason,service,rtt_ms,note%s\r\n",
		        info->sv ? ",detected_service,product,version,cpe,evidence" : "");
	return 0;
}

static void
sv_columns(struct pl_buf *b, const struct scan_sv_result *sv)
{
	const struct pl_service *svc = scan_sv_found(sv);
	struct pl_buf name;

	if (!svc) {
		pli_buf_puts(b, ",,,,,");
		if (sv && sv->rc == PL_OK)
			scan_esc_csv(b, sv->svc->evidence, 1); /* answered, but unidentified */
		return;
	}
	pli_buf_init(&name);
	pli_buf_printf(&name, "%s%s", svc->tls ? "ssl/" : "", svc->service);
	pli_buf_putc(b, ',');
	scan_esc_csv(b, pli_buf_str(&name), 1);
	if (pli_buf_failed(&name))
		pli_buf_set_failed(b);
	pli_buf_putc(b, ',');
	scan_esc_csv(b, svc->product[0] ? svc->product : svc->vendor, 1);
	pli_buf_putc(b, ',');
	scan_esc_csv(b, svc->version, 1);
	pli_buf_putc(b, ',');
	scan_esc_csv(b, svc->cpe, 1);
	pli_buf_putc(b, ',');
	scan_esc_csv(b, svc->evidence, 1);
	pli_buf_cleanup(&name);
}

static int
csv_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
           const struct scan_sv_result *sv)
{
	char host[64];
	const char *name = pl_targets_name_at(info->targets, r->target);
	char nbuf[256];
	const char *kb =
	    r->state == PL_PORT_OPEN ? scan_kb_note(info, r, sv, nbuf, sizeof(nbuf), NULL) : NULL;
	struct pl_buf b;

	pli_buf_init(&b);
	pli_buf_printf(&b, "%s,", pl_scan_addr_str(&r->addr, host, sizeof(host)));
	scan_esc_csv(&b, name ? name : "", 1); /* a DNS name: from outside */
	if (info->ping) {                      /* -sn: one row per up host */
		pli_buf_printf(&b, ",up,%s,%.3f\r\n", pl_scan_reason_name(r->reason),
		               r->rtt_us / 1000.0);
		scan_sink_put(s, s->fp, &b);
		pli_buf_cleanup(&b);
		return 0;
	}
	pli_buf_printf(&b, ",%u,%s,%s,%s,", r->port, pl_proto_name((enum pl_proto)r->proto),
	               pl_port_state_name(r->state), pl_scan_reason_name(r->reason));
	scan_esc_csv(&b, scan_service_name(info, r->port, r->proto), 0);
	pli_buf_printf(&b, ",%.3f,", r->rtt_us / 1000.0);
	scan_esc_csv(&b, kb ? kb : "", 0);
	if (info->sv)
		sv_columns(&b, sv);
	pli_buf_puts(&b, "\r\n");
	scan_sink_put(s, s->fp, &b);
	pli_buf_cleanup(&b);
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
