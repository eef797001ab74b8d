// SPDX-License-Identifier: MIT
/*
 * scan_util.c - small helpers the scan sinks share: the registry service name and the
 * knowledge note that annotate each open port, nmap-style dates, XML escaping.
 */
#include <string.h>

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
scan_time_str(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, size, "%a %b %d %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

void
scan_xml_escape(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&apos;", fp);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, fp);
		}
	}
}
