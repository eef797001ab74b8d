// SPDX-License-Identifier: MIT
/*
 * scan_util.c - small helpers the scan sinks share: the registry service name and the
 * knowledge note that annotate each open port, nmap-style dates, XML escaping, and the
 * --sV service facts as the sinks print them.
 */
#include <string.h>

#include "cli/scan_escape.h"
#include "cli/scan_sink.h"

const char *
scan_service_name(const struct scan_info *info, uint16_t port, uint8_t proto)
{
	size_t n;
	const uint32_t *ix = pl_registry_lookup(info->reg, port, &n);

	for (size_t i = 0; i < n; i++) {
		const struct pl_reg_entry *e = pl_registry_entry(info->reg, ix[i]);

		if (e->status == PL_REG_ASSIGNED && (e->protos & PL_PROTO_BIT(proto)) &&
		    e->service[0])
			return e->service;
	}
	return "unknown";
}

const char *
scan_kb_note(const struct scan_info *info, uint16_t port, uint8_t proto, const char **risk)
{
	const struct pl_kb_entry *best = NULL;
	size_t n;
	const uint32_t *ix = pl_kb_lookup(info->kb, port, &n);

	for (size_t i = 0; i < n; i++) {
		const struct pl_kb_entry *e = pl_kb_entry(info->kb, ix[i]);

		if ((e->protos & PL_PROTO_BIT(proto)) && (!best || e->risk > best->risk))
			best = e;
	}
	if (!best)
		return NULL;
	if (risk)
		*risk = pl_risk_name((enum pl_risk)best->risk);
	return best->title;
}

void
scan_uphost_hidden(const struct scan_info *info, const struct scan_uphost *u, uint64_t *closed,
                   int64_t *other)
{
	uint64_t answered = (uint64_t)u->open + u->closed;

	*closed = info->all_states ? 0 : u->closed;
	*other = -1;
	if (info->all_states)
		*other = 0;
	else if (info->all_counted && info->n_ports >= answered)
		*other = (int64_t)(info->n_ports - answered);
}

void
scan_skip_line(FILE *fp, const struct scan_info *info)
{
	if (info->n_skips == 0)
		return;
	fputs("# never probed:", fp);
	for (size_t i = 0; i < info->n_skips; i++)
		fprintf(fp, "%s %s (%s)", i ? "," : "", info->skips[i].addr, info->skips[i].why);
	if (info->skips_more)
		fprintf(fp, ", and %llu more probes to such addresses",
		        (unsigned long long)info->skips_more);
	fputc('\n', fp);
}

void
scan_time_str(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, size, "%a %b %d %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

void
scan_xml_escape(FILE *fp, const char *s)
{
	struct pl_buf b;

	pl_buf_init(&b);
	scan_esc_xml(&b, s);
	fwrite(pl_buf_str(&b), 1, b.len, fp);
	pl_buf_cleanup(&b);
}

const struct pl_service *
scan_sv_found(const struct scan_sv_result *sv)
{
	return sv && sv->rc == PL_OK && sv->svc && sv->svc->service[0] ? sv->svc : NULL;
}

void
scan_sv_version(const struct pl_service *svc, struct pl_buf *out)
{
	const char *prod = svc->product[0] ? svc->product : svc->vendor;
	size_t start = out->len;

	pl_buf_puts(out, prod);
	if (svc->version[0])
		pl_buf_printf(out, "%s%s", out->len > start ? " " : "", svc->version);
	if (svc->os[0] || svc->info[0])
		pl_buf_printf(out, "%s(%s%s%s)", out->len > start ? " " : "", svc->os,
		              svc->os[0] && svc->info[0] ? "; " : "", svc->info);
}
