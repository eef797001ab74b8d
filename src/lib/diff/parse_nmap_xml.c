// SPDX-License-Identifier: MIT
/*
 * diff/parse_nmap_xml.c - nmap's XML output (nmap.dtd) as written by nmap -oX, portlens
 * scan -oX and masscan -oX, read with expat into a struct pl_scandoc.
 *
 * Only what a diff needs is kept: per <host> its IPv4/IPv6 <address>, the first
 * <hostname>, <status state>, and per <port> the protocol, portid, <state state> and
 * <service name product version extrainfo method>. method="probed" marks a service that
 * was identified (nmap -sV, portlens --sV); method="table" is only the port's
 * registered name, which differs between nmap's own name table and the IANA registry, so the
 * comparison ignores it. A host's ports are buffered until </host>, because nothing in
 * the DTD puts <address> before <ports>.
 *
 * Hostile input: a DTD declaring entities is refused (expat would expand them: the
 * "billion laughs" blow-up), and the parser stops at the first error with its line and
 * column. expat is incremental, so nesting depth costs no stack.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_impl.h"
#include "core/strnum.h"
#include "core/array.h"
#include "xml/xmlread.h"

struct xctx {
	XML_Parser p;
	struct pl_scandoc *doc;
	struct pl_err *err;
	enum pl_rc rc;
	int in_host, in_port, host_up;
	char addr[64];
	char *hostname;
	struct pl_scandoc_port *ports; /* the host's ports so far; strings owned */
	size_t n_ports, cap_ports;
	struct pl_scandoc_port cur; /* the <port> being read */
	int cur_skip;               /* its transport is none a diff compares */
};

static void
port_reset(struct pl_scandoc_port *p)
{
	pli_scandoc_port_clear(p);
	memset(p, 0, sizeof(*p));
}

static void
host_reset(struct xctx *c)
{
	for (size_t i = 0; i < c->n_ports; i++)
		pli_scandoc_port_clear(&c->ports[i]);
	c->n_ports = 0;
	free(c->hostname);
	c->hostname = NULL;
	c->addr[0] = '\0';
	c->host_up = 0;
	port_reset(&c->cur);
}

static void
fail(struct xctx *c, enum pl_rc rc, const char *what)
{
	pli_xml_fail(c->p, &c->rc, c->err, NULL, rc, what);
}

static char *
dup_attr(const XML_Char **atts, const char *name)
{
	const char *v = pli_xml_attr(atts, name);

	return strdup(v ? v : "");
}

static void
start_port(struct xctx *c, const XML_Char **atts)
{
	const char *proto = pli_xml_attr(atts, "protocol"), *id = pli_xml_attr(atts, "portid");
	int known = pli_scandoc_proto(proto ? proto : "");
	uint64_t port;

	port_reset(&c->cur);
	c->in_port = 1;
	c->cur_skip = known < 0;
	c->cur.proto = (uint8_t)(known < 0 ? 0 : known);
	if (!id || pli_parse_u64(id, 0, 65535, &port, NULL) != PL_OK)
		return fail(c, PL_ERR_PARSE, "<port> without a portid from 0 to 65535");
	c->cur.port = (uint16_t)port;
}

static void
start_service(struct xctx *c, const XML_Char **atts)
{
	const char *method = pli_xml_attr(atts, "method"), *v, *name;

	pli_scandoc_port_clear(&c->cur);
	/* nmap and ndiff call a service inside TLS "ssl/NAME"; so does the store. */
	v = pli_xml_attr(atts, "tunnel");
	name = pli_xml_attr(atts, "name");
	if (v && strcmp(v, "ssl") == 0 && name && name[0] &&
	    asprintf(&c->cur.service, "ssl/%s", name) < 0)
		c->cur.service = NULL;
	else if (!(v && strcmp(v, "ssl") == 0 && name && name[0]))
		c->cur.service = strdup(name ? name : "");
	c->cur.product = dup_attr(atts, "product");
	c->cur.version = dup_attr(atts, "version");
	c->cur.extrainfo = dup_attr(atts, "extrainfo");
	c->cur.detected = method && strcmp(method, "probed") == 0;
	if (!c->cur.service || !c->cur.product || !c->cur.version || !c->cur.extrainfo)
		fail(c, PL_ERR_NOMEM, "out of memory");
}

static void
start_host_child(struct xctx *c, const XML_Char *name, const XML_Char **atts)
{
	const char *v;

	if (strcmp(name, "address") == 0) {
		const char *type = pli_xml_attr(atts, "addrtype");

		v = pli_xml_attr(atts, "addr");
		if (v && (!type || strcmp(type, "ipv4") == 0 || strcmp(type, "ipv6") == 0) &&
		    strlen(v) < sizeof(c->addr))
			memcpy(c->addr, v, strlen(v) + 1);
	} else if (strcmp(name, "hostname") == 0 && !c->hostname) {
		c->hostname = dup_attr(atts, "name");
		if (!c->hostname)
			fail(c, PL_ERR_NOMEM, "out of memory");
	} else if (strcmp(name, "status") == 0) {
		v = pli_xml_attr(atts, "state");
		c->host_up = v && strcmp(v, "up") == 0;
	} else if (strcmp(name, "port") == 0) {
		start_port(c, atts);
	} else if (c->in_port && strcmp(name, "state") == 0) {
		v = pli_xml_attr(atts, "state");
		if (!v || !v[0] || strlen(v) >= sizeof(c->cur.state))
			return fail(c, PL_ERR_PARSE,
			            "<state> without a state (or an overlong one)");
		memcpy(c->cur.state, v, strlen(v) + 1);
	} else if (c->in_port && strcmp(name, "service") == 0) {
		start_service(c, atts);
	}
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xctx *c = ud;
	const char *v;
	uint64_t t;

	if (c->in_host) {
		start_host_child(c, name, atts);
		return;
	}
	if (strcmp(name, "host") == 0) {
		host_reset(c);
		c->in_host = 1;
	} else if (strcmp(name, "nmaprun") == 0) {
		v = pli_xml_attr(atts, "scanner");
		if (v)
			snprintf(c->doc->scanner, sizeof(c->doc->scanner), "%s", v);
		v = pli_xml_attr(atts, "start");
		if (v && pli_parse_u64(v, 0, INT64_MAX, &t, NULL) == PL_OK)
			c->doc->start = (int64_t)t;
	}
}

static void
end_port(struct xctx *c)
{
	c->in_port = 0;
	if (c->cur_skip) {
		c->doc->n_skipped++;
		port_reset(&c->cur);
		return;
	}
	if (!c->cur.state[0])
		return fail(c, PL_ERR_PARSE, "<port> without a <state>");
	if (PLI_ARRAY_RESERVE(c->ports, c->cap_ports, c->n_ports + 1, 16) != PL_OK)
		return fail(c, PL_ERR_NOMEM, "out of memory");
	c->ports[c->n_ports++] = c->cur;
	memset(&c->cur, 0, sizeof(c->cur));
}

static void
end_host(struct xctx *c)
{
	struct pl_err e = {0};
	enum pl_rc rc = PL_OK;

	c->in_host = 0;
	if (!c->addr[0]) {
		if (c->n_ports)
			fail(c, PL_ERR_PARSE, "<host> with ports but no IPv4/IPv6 <address>");
		return;
	}
	if (!c->n_ports && c->host_up)
		rc = pl_scandoc_add_host(c->doc, c->addr, c->hostname, &e);
	for (size_t i = 0; i < c->n_ports && rc == PL_OK; i++) {
		const struct pl_scandoc_port *x = &c->ports[i];
		struct pl_scandoc_entry en = {.addr = c->addr,
		                              .hostname = c->hostname,
		                              .port = x->port,
		                              .proto = (enum pl_proto)x->proto,
		                              .state = x->state,
		                              .service = x->service,
		                              .product = x->product,
		                              .version = x->version,
		                              .extrainfo = x->extrainfo,
		                              .detected = x->detected};

		rc = pl_scandoc_add(c->doc, &en, &e);
	}
	if (rc != PL_OK)
		fail(c, rc, e.msg);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct xctx *c = ud;

	if (!c->in_host)
		return;
	if (strcmp(name, "port") == 0 && c->in_port)
		end_port(c);
	else if (strcmp(name, "host") == 0)
		end_host(c);
}

static void XMLCALL
on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int len,
               const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
               const XML_Char *notation)
{
	(void)name, (void)is_param, (void)value, (void)len, (void)base, (void)sys, (void)pub,
	    (void)notation;
	fail(ud, PL_ERR_PARSE, "entity declarations are not allowed in a scan file");
}

enum pl_rc
pl_scandoc_parse_nmap_xml(const char *data, size_t len, const char *source, struct pl_scandoc *doc,
                          struct pl_err *err)
{
	struct xctx c = {.doc = doc, .err = err, .rc = PL_OK};
	size_t off = 0;

	snprintf(doc->format, sizeof(doc->format), "nmap-xml");
	if (len > PL_SCANDOC_MAX_BYTES)
		return pl_err_set_at(err, PL_ERR_LIMIT, source, 0, 0, "larger than 2 GiB");
	c.p = XML_ParserCreate("UTF-8");
	if (!c.p)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	XML_SetUserData(c.p, &c);
	XML_SetElementHandler(c.p, on_start, on_end);
	XML_SetEntityDeclHandler(c.p, on_entity_decl);
	do {
		size_t chunk = len - off > (1u << 20) ? (1u << 20) : len - off;
		int final = off + chunk == len;

		if (XML_Parse(c.p, data + off, (int)chunk, final) == XML_STATUS_ERROR) {
			if (c.rc == PL_OK)
				c.rc = pl_err_set_at(err, PL_ERR_PARSE, source,
				                     (unsigned)XML_GetCurrentLineNumber(c.p),
				                     (unsigned)XML_GetCurrentColumnNumber(c.p) + 1,
				                     "XML: %s",
				                     XML_ErrorString(XML_GetErrorCode(c.p)));
			break;
		}
		off += chunk;
	} while (off < len);
	if (c.rc != PL_OK && err)
		err->source = source;
	host_reset(&c);
	free(c.ports);
	XML_ParserFree(c.p);
	return c.rc;
}
