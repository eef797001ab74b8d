// SPDX-License-Identifier: MIT
/*
 * scan_out_xml.c - nmap-compatible XML output of `portlens scan` (-oX), following
 * nmap.dtd closely enough for ndiff and nmap's XSL stylesheet: nmaprun, scaninfo,
 * verbose, debugging, host (status, address, hostnames, ports/port/state/service),
 * runstats (finished, hosts).
 *
 * Streaming, then grouping. While the scan runs, every reported probe is written (and
 * flushed) at once as a complete one-line <host> element holding that one port, so an
 * interrupted scan leaves a usable file. nmap groups all ports of a host in one <host>
 * element, and ndiff pairs hosts by address, so when the scan ends (or is interrupted)
 * the sink re-reads its own file, merges the one-line elements by address, sorts hosts
 * and ports, and atomically replaces the file (a mkstemp temporary file + rename). The re-read is
 * also how a resumed scan continues an existing file (-oX with --resume): the old
 * hosts are merged with the new. Writing to stdout ("-oX -") cannot be rewritten and
 * stays one element per port.
 *
 * With --sV an open port is written when its probe has finished, with nmap's -sV
 * markup: <service name product version extrainfo ostype tunnel="ssl" method="probed"
 * conf servicefp><cpe>...</cpe></service>, all escaped by scan_esc_xml (entities;
 * bytes that are not valid XML characters as \xNN), so the file stays valid per
 * nmap.dtd. The evidence goes in servicefp (nmap's attribute for what a service
 * sent), not in a <script id="banner"> element: evidence changes between scans (an
 * HTTP Date header), and ndiff 7.93 (Debian) crashes on a port whose only change is a
 * script's output ("'>' not supported between 'list' and 'int'"); it ignores
 * servicefp, and compares name, product, version and extrainfo as for nmap -sV.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/scan/scan_escape.h"
#include "cli/scan/scan_sink.h"
#include "core/atomic_file.h"
#include "core/buf.h"
#include "core/array.h"
#include "portlens/addr.h"

struct xhost {
	uint8_t key[17]; /* family, address bytes: sort order */
	char *head;      /* "<host ...><status/><address/><hostnames>...</hostnames>" */
	char **ports;    /* "<port ...>...</port>" elements */
	size_t n_ports, cap_ports;
};

/* -sS -sU: the services list is TCP ranges, then UDP ones written "U:..." (sorted). */
static void
mixed_scaninfo(FILE *fp, const struct scan_info *info)
{
	const char *u = strstr(info->services, "U:");
	size_t tcp_len = u ? (size_t)(u - info->services) : strlen(info->services);

	if (tcp_len && info->services[tcp_len - 1] == ',')
		tcp_len--;
	fprintf(fp,
	        "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"%llu\" "
	        "services=\"%.*s\"/>\n<scaninfo type=\"udp\" protocol=\"udp\" "
	        "numservices=\"%llu\" services=\"",
	        (unsigned long long)(info->n_ports - info->n_udp), (int)tcp_len, info->services,
	        (unsigned long long)info->n_udp);
	for (const char *p = u; p && *p; p++) /* "U:53,U:123-125" -> "53,123-125" */
		if (!(p[0] == 'U' && p[1] == ':') && !(p > u && p[-1] == 'U' && p[0] == ':'))
			fputc(*p, fp);
	fputs("\"/>\n", fp);
}

static void
write_header(struct scan_sink *s, const struct scan_info *info)
{
	FILE *fp = s->fp;
	char when[64];

	scan_time_str(info->start, when, sizeof(when));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
	      "<?xml-stylesheet href=\"file:///usr/share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n",
	      fp);
	/* The arguments stay out of the comment: "--" is not allowed inside one. */
	fprintf(fp, "<!-- portlens %s scan initiated %s -->\n<nmaprun scanner=\"portlens\" args=\"",
	        PL_VERSION, when);
	scan_xml_escape(s, fp, info->args);
	fprintf(fp, "\" start=\"%lld\" startstr=\"%s\" version=\"%s\" xmloutputversion=\"1.05\">\n",
	        (long long)info->start, when, PL_VERSION);
	if (info->n_udp) /* -sS -sU: one scaninfo per scan type, as nmap */
		mixed_scaninfo(fp, info);
	else if (!info->ping) /* nmap -sn writes no scaninfo: no ports are scanned */
		fprintf(fp,
		        "<scaninfo type=\"%s\" protocol=\"%s\" numservices=\"%llu\" "
		        "services=\"%s\"/>\n",
		        info->scan_type, info->protocol, (unsigned long long)info->n_ports,
		        info->services);
	fputs("<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n", fp);
}

/* Truncates an existing file before its runstats so a resumed scan can append. */
static void
reopen_for_append(struct scan_sink *s)
{
	long cut = -1, pos = 0;
	char line[8192];

	rewind(s->fp);
	while (fgets(line, sizeof(line), s->fp)) {
		if (strncmp(line, "<runstats>", 10) == 0 || strncmp(line, "</nmaprun>", 10) == 0) {
			cut = pos;
			break;
		}
		pos = ftell(s->fp);
	}
	if (cut < 0)
		cut = ftell(s->fp);
	fflush(s->fp);
	if (ftruncate(fileno(s->fp), cut) == 0)
		fseek(s->fp, cut, SEEK_SET);
}

static int
xml_begin(struct scan_sink *s, const struct scan_info *info)
{
	if (s->append) {
		reopen_for_append(s);
		return 0;
	}
	write_header(s, info);
	return 0;
}

static void
attr(struct pl_buf *b, const char *name, const char *v)
{
	if (!v[0])
		return;
	pli_buf_printf(b, " %s=\"", name);
	scan_esc_xml(b, v);
	pli_buf_putc(b, '"');
}

/* The evidence in nmap's servicefp attribute (see the file comment). */
static void
servicefp(struct pl_buf *b, const struct scan_sv_result *sv)
{
	if (sv && sv->rc == PL_OK && sv->svc->evidence[0])
		attr(b, "servicefp", sv->svc->evidence);
}

/*
 * <service> as nmap writes it: method="table" conf="3" for the registry's name, or
 * what --sV identified (method="probed", conf 0-10 from the probe's 0-100 confidence,
 * tunnel="ssl", <cpe>); servicefp holds the evidence either way.
 */
static void
service_el(struct pl_buf *b, const struct scan_info *info, const struct pl_scan_result *r,
           const struct scan_sv_result *sv)
{
	const struct pl_service *svc = scan_sv_found(sv);

	if (!svc) {
		pli_buf_puts(b, "<service name=\"");
		scan_esc_xml(b, scan_service_name(info, r->port, r->proto));
		pli_buf_puts(b, "\" method=\"table\" conf=\"3\"");
		servicefp(b, sv);
		pli_buf_puts(b, "/>");
		return;
	}
	pli_buf_puts(b, "<service");
	attr(b, "name", svc->service);
	attr(b, "product", svc->product[0] ? svc->product : svc->vendor);
	attr(b, "version", svc->version);
	attr(b, "extrainfo", svc->info);
	attr(b, "ostype", svc->os);
	pli_buf_printf(b, "%s method=\"probed\" conf=\"%u\"", svc->tls ? " tunnel=\"ssl\"" : "",
	               svc->confidence >= 100 ? 10 : (svc->confidence + 5) / 10);
	servicefp(b, sv);
	if (!svc->cpe[0]) {
		pli_buf_puts(b, "/>");
		return;
	}
	pli_buf_puts(b, "><cpe>");
	scan_esc_xml(b, svc->cpe);
	pli_buf_puts(b, "</cpe></service>");
}

/* "<host><status/><address/><hostnames>...</hostnames>": one host's head. */
static void
host_head_why(struct pl_buf *b, const struct pl_scan_addr *a, const char *name, const char *why)
{
	char host[64];

	pl_scan_addr_str(a, host, sizeof(host));
	pli_buf_printf(b,
	               "<host><status state=\"up\" reason=\"%s\" reason_ttl=\"0\"/>"
	               "<address addr=\"%s\" addrtype=\"%s\"/><hostnames>",
	               why, host, a->family == 4 ? "ipv4" : "ipv6");
	if (name) {
		pli_buf_puts(b, "<hostname name=\"");
		scan_esc_xml(b, name);
		pli_buf_puts(b, "\" type=\"user\"/>");
	}
	pli_buf_puts(b, "</hostnames>");
}

/* A port scan's host: up because it was asked to be scanned (nmap -Pn's "user-set"). */
static void
host_head(struct pl_buf *b, const struct pl_scan_addr *a, const char *name)
{
	host_head_why(b, a, name, "user-set");
}

/* nmap's <extraports>: the up host's ports this output does not list. */
static void
extraports(FILE *fp, const struct scan_info *info, const struct scan_uphost *u)
{
	struct scan_uphost_view v;
	uint64_t closed;
	int64_t other;

	if (!u)
		return;
	scan_uphost_view(info, u, &v);
	closed = v.closed;
	other = v.other;
	if (closed)
		fprintf(fp,
		        "<extraports state=\"closed\" count=\"%llu\"><extrareasons "
		        "reason=\"conn-refused\" count=\"%llu\"/></extraports>",
		        (unsigned long long)closed, (unsigned long long)closed);
	if (other > 0)
		fprintf(fp, "<extraports state=\"filtered\" count=\"%lld\"/>", (long long)other);
}

/* An up host none of whose ports were reported (it answered only with RSTs). */
static void
write_bare_host(struct scan_sink *s, FILE *fp, const struct scan_info *info,
                const struct scan_uphost *u)
{
	struct pl_scan_addr a;
	struct pl_buf b;

	scan_uphost_addr(info->targets, u, &a);
	pli_buf_init(&b);
	if (info->ping) { /* -sn: why the host is up, and no ports (as nmap -sn) */
		host_head_why(&b, &a, pl_targets_name_at(info->targets, u->target),
		              pl_scan_reason_name((enum pl_scan_reason)u->reason));
		pli_buf_puts(&b, "<times srtt=\"");
		pli_buf_printf(&b, "%u\" rttvar=\"0\" to=\"100000\"/></host>\n", u->rtt_us);
		scan_sink_put(s, fp, &b);
		pli_buf_cleanup(&b);
		return;
	}
	host_head(&b, &a, pl_targets_name_at(info->targets, u->target));
	if (scan_sink_put(s, fp, &b) != 0) {
		pli_buf_cleanup(&b);
		return;
	}
	fputs("<ports>", fp);
	extraports(fp, info, u);
	fputs("</ports></host>\n", fp);
	pli_buf_cleanup(&b);
}

static int
xml_result(struct scan_sink *s, const struct scan_info *info, const struct pl_scan_result *r,
           const struct scan_sv_result *sv)
{
	const char *name = pl_targets_name_at(info->targets, r->target);
	struct pl_buf b;

	if (info->ping)
		return 0; /* -sn: the up hosts are listed at the end */

	pli_buf_init(&b);
	host_head(&b, &r->addr, name);
	pli_buf_printf(&b,
	               "<ports><port protocol=\"%s\" portid=\"%u\"><state state=\"%s\" "
	               "reason=\"%s\" reason_ttl=\"0\"/>",
	               pl_proto_name((enum pl_proto)r->proto), r->port,
	               pl_port_state_name(r->state), pl_scan_reason_name(r->reason));
	service_el(&b, info, r, sv);
	pli_buf_puts(&b, "</port></ports></host>\n");
	scan_sink_put(s, s->fp, &b);
	pli_buf_cleanup(&b);
	return 0;
}

static void
write_runstats(struct scan_sink *s, FILE *fp, const struct scan_info *info, uint64_t up)
{
	char when[64];
	uint64_t total = info->n_targets > up ? info->n_targets : up;

	scan_time_str(info->end, when, sizeof(when));
	fprintf(fp,
	        "<runstats><finished time=\"%lld\" timestr=\"%s\" summary=\"portlens done at %s; "
	        "%llu IP address%s (%llu host%s up) scanned in %.2f seconds\" elapsed=\"%.2f\" "
	        "exit=\"%s\"",
	        (long long)info->end, when, when, (unsigned long long)info->n_targets,
	        info->n_targets == 1 ? "" : "es", (unsigned long long)up, up == 1 ? "" : "s",
	        info->prog->elapsed_s, info->prog->elapsed_s,
	        info->interrupted || info->error ? "error" : "success");
	if (info->error || info->interrupted) { /* nmap.dtd's errormsg */
		fputs(" errormsg=\"", fp);
		scan_xml_escape(s, fp, info->error ? info->error : "interrupted");
		fputc('"', fp);
	}
	fprintf(fp,
	        "/><hosts up=\"%llu\" down=\"%llu\" total=\"%llu\"/></runstats>\n"
	        "</nmaprun>\n",
	        (unsigned long long)up, (unsigned long long)(total - up),
	        (unsigned long long)total);
}

static int
host_key(const char *line, uint8_t key[17])
{
	const char *a = strstr(line, "<address addr=\"");
	struct pl_addr at;
	size_t n;

	memset(key, 0, 17);
	if (!a)
		return -1;
	a += 15;
	n = strcspn(a, "\"");
	if (pl_addr_parse_ip(a, n, &at) != 0)
		return -1;
	pl_addr_sort_key(&at, key);
	return 0;
}

static long
port_sort_key(const char *el)
{
	const char *p = strstr(el, "portid=\"");
	long v = p ? strtol(p + 8, NULL, 10) : 0;

	return (strncmp(el, "<port protocol=\"tcp\"", 20) == 0 ? 0 : 1L << 20) + v;
}

static int
cmp_port(const void *a, const void *b)
{
	long x = port_sort_key(*(char *const *)a), y = port_sort_key(*(char *const *)b);

	return x < y ? -1 : x > y;
}

static int
cmp_host(const void *a, const void *b)
{
	return memcmp(((const struct xhost *)a)->key, ((const struct xhost *)b)->key, 17);
}

/* Parses one streamed <host> line into h (one entry per line). */
static int
parse_host_line(const char *line, struct xhost *h)
{
	const char *ports = strstr(line, "<ports>");
	const char *p;

	if (!ports || host_key(line, h->key) != 0)
		return -1;
	h->head = strndup(line, (size_t)(ports - line));
	h->ports = NULL;
	h->n_ports = h->cap_ports = 0;
	for (p = strstr(ports, "<port "); p; p = strstr(p, "<port ")) {
		const char *e = strstr(p, "</port>");

		if (!e)
			break;
		if (PLI_ARRAY_RESERVE(h->ports, h->cap_ports, h->n_ports + 1, 16) != PL_OK)
			return -1;
		h->ports[h->n_ports++] = strndup(p, (size_t)(e + 7 - p));
		p = e + 7;
	}
	return h->head ? 0 : -1;
}

static void
write_host(FILE *fp, const struct scan_info *info, const struct scan_uphost *u, struct xhost *hs,
           size_t from, size_t to)
{
	char **all;
	size_t n = 0;

	for (size_t i = from; i < to; i++)
		n += hs[i].n_ports;
	all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return;
	for (size_t i = from, k = 0; i < to; i++)
		for (size_t j = 0; j < hs[i].n_ports; j++)
			all[k++] = hs[i].ports[j];
	qsort(all, n, sizeof(*all), cmp_port);
	fputs(hs[from].head, fp);
	fputs("<ports>", fp);
	extraports(fp, info, u);
	for (size_t k = 0; k < n; k++)
		if (k == 0 || port_sort_key(all[k]) != port_sort_key(all[k - 1]))
			fputs(all[k], fp);
	fputs("</ports></host>\n", fp);
	free(all);
}

static void
free_hosts(struct xhost *hs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(hs[i].head);
		for (size_t k = 0; k < hs[i].n_ports; k++)
			free(hs[i].ports[k]);
		free(hs[i].ports);
	}
	free(hs);
}

static void
uphost_key(const struct scan_info *info, const struct scan_uphost *u, uint8_t key[17])
{
	struct pl_scan_addr a;

	scan_uphost_addr(info->targets, u, &a);
	memset(key, 0, 17);
	key[0] = a.family;
	memcpy(key + 1, a.bytes, a.family == 4 ? 4 : 16);
}

/* Whether hosts [i, j) hold an open or closed port (from an earlier, resumed run). */
static int
host_answered(const struct xhost *hs, size_t i, size_t j)
{
	for (; i < j; i++)
		for (size_t k = 0; k < hs[i].n_ports; k++)
			if (strstr(hs[i].ports[k], "<state state=\"open\"") ||
			    strstr(hs[i].ports[k], "<state state=\"closed\""))
				return 1;
	return 0;
}

/* Reads the streamed file back: header lines into hdr, host lines into *hosts. */
static int
read_back(FILE *fp, struct pl_buf *hdr, struct xhost **hosts, size_t *n_hosts)
{
	struct pl_buf line;
	size_t cap = 0;
	int c, rc = 0, in_hosts = 0;

	pli_buf_init(&line);
	rewind(fp);
	*hosts = NULL;
	*n_hosts = 0;
	while (rc == 0) {
		c = fgetc(fp);
		if (c != EOF && c != '\n') {
			pli_buf_putc(&line, (char)c);
			continue;
		}
		if (pli_buf_failed(&line)) { /* a cut line would lose a host */
			rc = -1;
			break;
		}
		if (line.len && strncmp(pli_buf_str(&line), "<host>", 6) == 0) {
			in_hosts = 1;
			if (PLI_ARRAY_RESERVE(*hosts, cap, *n_hosts + 1, 256) != PL_OK) {
				rc = -1;
				break;
			}
			if (parse_host_line(pli_buf_str(&line), &(*hosts)[*n_hosts]) == 0)
				(*n_hosts)++;
		} else if (line.len && !in_hosts &&
		           strncmp(pli_buf_str(&line), "<runstats>", 10) != 0 &&
		           strncmp(pli_buf_str(&line), "</nmaprun>", 10) != 0) {
			pli_buf_printf(hdr, "%s\n", pli_buf_str(&line));
		}
		pli_buf_reset(&line);
		if (c == EOF)
			break;
	}
	pli_buf_cleanup(&line);
	return rc;
}

/*
 * Rewrites the file with one <host> per address; returns hosts up or -1. The new file
 * is a fresh temporary file next to it (mkstemp: O_EXCL, so a symlink planted at a
 * predictable "OUT.xml.tmp" in a shared directory is never followed), renamed over it.
 */
static long long
consolidate(struct scan_sink *s, const struct scan_info *info)
{
	struct pl_buf hdr;
	struct pl_atomic_file af = {0};
	struct xhost *hs = NULL;
	size_t n = 0, up = 0;
	long long rc = -1;

	pli_buf_init(&hdr);
	fflush(s->fp);
	if (read_back(s->fp, &hdr, &hs, &n) != 0)
		goto out;
	if (n) /* qsort on a NULL array is undefined, even for 0 items */
		qsort(hs, n, sizeof(*hs), cmp_host);
	if (pli_atomic_open(s->path, &af, NULL) != PL_OK)
		goto out;
	if (scan_sink_put(s, af.fp, &hdr) != 0)
		goto out;
	/* Merge the streamed hosts (sorted) with the up hosts (sorted the same way). */
	for (size_t i = 0, k = 0; i < n || k < info->n_up;) {
		size_t j = i + 1;
		uint8_t key[17];
		int c;

		if (k < info->n_up)
			uphost_key(info, &info->up[k], key);
		c = i >= n ? 1 : k >= info->n_up ? -1 : memcmp(hs[i].key, key, 17);
		if (c > 0) { /* up, nothing reported */
			write_bare_host(s, af.fp, info, &info->up[k++]);
			up++;
			continue;
		}
		while (j < n && memcmp(hs[j].key, hs[i].key, 17) == 0)
			j++;
		up += c == 0 || host_answered(hs, i, j);
		write_host(af.fp, info, c == 0 ? &info->up[k] : NULL, hs, i, j);
		k += c == 0;
		i = j;
	}
	write_runstats(s, af.fp, info, up);
	if (s->failed || pli_atomic_commit(&af, NULL) != PL_OK)
		goto out;
	rc = (long long)up;
out:
	pli_atomic_abort(&af);
	free_hosts(hs, n);
	pli_buf_cleanup(&hdr);
	return rc;
}

static int
xml_end(struct scan_sink *s, const struct scan_info *info)
{
	if (s->path && strcmp(s->path, "-") != 0 && consolidate(s, info) >= 0)
		return 0;
	for (size_t k = 0; k < info->n_up; k++) /* streamed: only what was not written */
		if (info->up[k].reported == 0)
			write_bare_host(s, s->fp, info, &info->up[k]);
	write_runstats(s, s->fp, info, info->hosts_up);
	return 0;
}

const struct scan_sink_ops scan_sink_xml = {
    .name = "xml",
    .begin = xml_begin,
    .result = xml_result,
    .end = xml_end,
};
