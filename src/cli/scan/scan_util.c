// SPDX-License-Identifier: MIT
/*
 * scan_util.c - small helpers the scan sinks share: the registry service name and the
 * knowledge note that annotate each open port, nmap-style dates, XML escaping, and the
 * --sV service facts as the sinks print them; the port sets of -sn and of each scan
 * type (unprefixed ports: TCP, UDP under -sU, both under -sS -sU).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/scan/scan_cmd.h"
#include "cli/scan/scan_escape.h"
#include "cli/scan/scan_sink.h"

const char *
scan_service_name(const struct scan_info *info, uint16_t port, uint8_t proto)
{
	const struct pl_reg_entry *e = pl_registry_assigned(info->reg, port, (enum pl_proto)proto);

	return e ? e->service : "unknown"; /* nmap's word for it, in every output format */
}

/* Case-insensitive: does one of a and b contain the other (both non-empty)? */
static int
names_overlap(const char *a, const char *b)
{
	return a[0] && b[0] && (strcasestr(a, b) || strcasestr(b, a));
}

/* Is svc the software a fact names ("Redis" or "MySQL, MariaDB": any of the list)? */
static int
is_software(const struct pl_service *svc, const char *software)
{
	char one[64];

	for (const char *p = software; *p;) {
		size_t n = strcspn(p, ",");

		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		for (char *q = one + strlen(one); q > one && q[-1] == ' '; q--)
			q[-1] = '\0';
		if (one[0] && (strcasecmp(svc->service, one) == 0 ||
		               names_overlap(svc->product, one) || names_overlap(svc->vendor, one)))
			return 1;
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

/* Compares versions as sequences of numbers and letter runs ("9.2p1" < "9.8p1"). */
static int
version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		a += strspn(a, ".-_ ");
		b += strspn(b, ".-_ ");
		if (!*a || !*b)
			return *a ? 1 : *b ? -1 : 0;
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			unsigned long x = strtoul(a, (char **)&a, 10),
			              y = strtoul(b, (char **)&b, 10);

			if (x != y)
				return x < y ? -1 : 1;
		} else {
			if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
				return tolower((unsigned char)*a) < tolower((unsigned char)*b) ? -1
				                                                               : 1;
			a++;
			b++;
		}
	}
	return 0;
}

/* Is version inside "LO-HI" (LO included, HI not; an empty end is open)? */
static int
version_in(const char *version, const char *range)
{
	const char *dash = strchr(range, '-');
	char lo[64];

	if (!dash)
		return 1;
	snprintf(lo, sizeof(lo), "%.*s", (int)(dash - range), range);
	return (!lo[0] || version_cmp(version, lo) >= 0) &&
	       (!dash[1] || version_cmp(version, dash + 1) < 0);
}

/*
 * How a fact applies to this port: 0 not at all (--sV found other software, or a
 * version outside the affected range), 1 as it is, 2 only "if this is SOFTWARE" (not
 * identified), 3 for an identified product of unknown version.
 */
static int
fact_applies(const struct pl_kb_entry *e, const struct pl_service *svc)
{
	if (!e->software)
		return 1;
	if (!svc)
		return 2;
	if (!is_software(svc, e->software))
		return 0;
	if (!e->affects)
		return 1;
	if (!svc->version[0])
		return 3;
	return version_in(svc->version, e->affects) ? 1 : 0;
}

const char *
scan_kb_note(const struct scan_info *info, const struct pl_scan_result *r,
             const struct scan_sv_result *sv, char *buf, size_t size, const char **risk)
{
	const struct pl_service *svc = scan_sv_found(sv);
	const struct pl_kb_entry *best = NULL;
	int how = 0;
	size_t n;
	const uint32_t *ix = pl_kb_lookup(info->kb, r->port, &n);

	for (size_t i = 0; i < n; i++) {
		const struct pl_kb_entry *e = pl_kb_entry(info->kb, ix[i]);
		int a = (e->protos & PL_PROTO_BIT(r->proto)) ? fact_applies(e, svc) : 0;

		/* Prefer facts that hold as they are over conditional ones of equal risk. */
		if (a && (!best || e->risk > best->risk || (e->risk == best->risk && a < how))) {
			best = e;
			how = a;
		}
	}
	if (!best)
		return NULL;
	if (risk)
		*risk = pl_risk_name((enum pl_risk)best->risk);
	if (how == 1)
		snprintf(buf, size, "%s", best->title);
	else if (how == 3)
		snprintf(buf, size, "if the %s version is %s: %s", best->software, best->affects,
		         best->title); /* no network text here: the note is printed as is */
	else
		snprintf(buf, size, "if this is %s%s%s: %s", best->software,
		         best->affects ? " " : "", best->affects ? best->affects : "", best->title);
	return buf;
}

void
scan_uphost_view(const struct scan_info *info, const struct scan_uphost *u,
                 struct scan_uphost_view *v)
{
	uint64_t answered = (uint64_t)u->open + u->closed;
	struct pl_scan_addr a;

	scan_uphost_addr(info->targets, u, &a);
	pl_scan_addr_str(&a, v->host, sizeof(v->host));
	v->name = pl_targets_name_at(info->targets, u->target);
	v->closed = info->all_states ? 0 : u->closed;
	v->other = -1;
	if (info->all_states)
		v->other = 0;
	else if (info->all_counted && info->n_ports >= answered)
		v->other = (int64_t)(info->n_ports - answered);
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
scan_xml_escape(struct scan_sink *s, FILE *fp, const char *text)
{
	struct pl_buf b;

	pli_buf_init(&b);
	scan_esc_xml(&b, text);
	scan_sink_put(s, fp, &b);
	pli_buf_cleanup(&b);
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

	pli_buf_puts(out, prod);
	if (svc->version[0])
		pli_buf_printf(out, "%s%s", out->len > start ? " " : "", svc->version);
	if (svc->os[0] || svc->info[0])
		pli_buf_printf(out, "%s(%s%s%s)", out->len > start ? " " : "", svc->os,
		               svc->os[0] && svc->info[0] ? "; " : "", svc->info);
}

int
scan_ping_ports(struct pl_cli *cli, struct scan_opts *o)
{
	if (o->have_ports || o->top || o->exclude_ports.n)
		return pli_cli_usage_error(cli,
		                           "-sn finds up hosts and scans no ports: drop -p, -F, "
		                           "--top-ports, --exclude-ports");
	if (pl_ports_parse(&o->ports, "0", NULL) != PL_OK)
		return pli_cli_fail(cli, "out of memory");
	return PL_EXIT_OK;
}

/* Unprefixed ports (held as DCCP) of ps for engine e. */
static int
resolve_set(struct pl_ports *ps, const struct pl_scan_engine *e)
{
	uint32_t n = ps->n, *v;

	if (e == &pl_scan_engine_mix) { /* both: a UDP copy of each, then TCP */
		if (!(v = realloc(ps->items, ((size_t)n * 2 + 1) * sizeof(*v))))
			return -1;
		ps->items = v;
		for (uint32_t i = 0; i < n; i++)
			if ((v[i] >> 16) == PL_PROTO_DCCP)
				v[ps->n++] = (uint32_t)PL_PROTO_UDP << 16 | (v[i] & 0xffff);
	}
	if (e == &pl_scan_engine_udp) { /* -sU: every port is UDP (T: too, as before) */
		pl_ports_retag(ps, PL_PROTO_DCCP, PL_PROTO_UDP);
		pl_ports_retag(ps, PL_PROTO_TCP, PL_PROTO_UDP);
	} else {
		pl_ports_retag(ps, PL_PROTO_DCCP, PL_PROTO_TCP);
	}
	return 0;
}

int
scan_resolve_ports(struct pl_cli *cli, struct scan_opts *o)
{
	const struct pl_scan_engine *e = o->engine;
	struct pl_err err = {0};
	int udp = e == &pl_scan_engine_udp || e == &pl_scan_engine_mix;

	if (resolve_set(&o->ports, e) != 0 || resolve_set(&o->exclude_ports, e) != 0)
		return pli_cli_fail(cli, "out of memory");
	if (o->top && o->have_ports) { /* as nmap: the top N of the list, not list + top N */
		if (pl_ports_keep_top(&o->ports, o->top, &err) != PL_OK)
			return pli_cli_fail(cli, "%s", err.msg);
		return PL_EXIT_OK;
	}
	if (o->top && e != &pl_scan_engine_udp &&
	    pl_ports_add_top(&o->ports, o->top, &err) != PL_OK)
		return pli_cli_fail(cli, "%s", err.msg);
	if (o->top && udp && pl_ports_add_top_udp(&o->ports, o->top, &err) != PL_OK)
		return pli_cli_fail(cli, "%s", err.msg);
	return PL_EXIT_OK;
}
