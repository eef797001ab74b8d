// SPDX-License-Identifier: MIT
/*
 * p_ldap.c - LDAPv3 (RFC 4511): an anonymous search of the root DSE (base "", scope
 * base, filter (objectClass=*), attributes "*" and "+" for the operational ones,
 * RFC 3673) answers with the server's naming contexts, supported LDAP versions and,
 * where it says them, vendorName/vendorVersion (RFC 3045); OpenLDAP marks its root DSE
 * with objectClass OpenLDAProotDSE, and Recog's ldap_searchresult database matches the
 * raw answer for Active Directory, Samba and others. The follow-up searches the first
 * naming context, still anonymously (subtree, at most 10 entries, no attributes): any
 * entry that comes back means anyone can read the directory (PL_EXP_LDAP_ANON_READ).
 * Messages are BER (ber.c); nothing is written to the server.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "probe/ber.h"
#include "probe/probe_impl.h"

enum {
	LDAP_BIND_RESPONSE = 0x61,
	LDAP_SEARCH_ENTRY = 0x64,
	LDAP_SEARCH_DONE = 0x65,
	LDAP_EXTENDED_RESPONSE = 0x78,
};

/* Appends a TLV (definite length, long form when needed) at buf[*o]; -1 if no room. */
static int
tlv(unsigned char *buf, size_t cap, size_t *o, unsigned tag, const void *v, size_t len)
{
	size_t hl = len < 0x80 ? 2 : len < 0x100 ? 3 : 4;

	if (len > 0xffff || *o + hl + len > cap)
		return -1;
	buf[(*o)++] = (unsigned char)tag;
	if (len >= 0x100) {
		buf[(*o)++] = 0x82;
		buf[(*o)++] = (unsigned char)(len >> 8);
	} else if (len >= 0x80) {
		buf[(*o)++] = 0x81;
	}
	buf[(*o)++] = (unsigned char)len;
	if (len)
		memmove(buf + *o, v, len);
	*o += len;
	return 0;
}

/* A SearchRequest (filter: present objectClass); returns its length or 0. */
static size_t
ldap_search(unsigned char *buf, size_t cap, unsigned msgid, const char *base, unsigned scope,
            unsigned sizelimit, const char *const *attrs, size_t nattrs)
{
	unsigned char body[700], list[64], op[760];
	size_t b = 0, l = 0, p = 0, out = 0;
	const unsigned char sc = (unsigned char)scope, zero = 0, lim = (unsigned char)sizelimit;

	for (size_t i = 0; i < nattrs; i++)
		if (tlv(list, sizeof(list), &l, 0x04, attrs[i], strlen(attrs[i])) != 0)
			return 0;
	if (tlv(body, sizeof(body), &b, 0x04, base, strlen(base)) != 0 ||
	    tlv(body, sizeof(body), &b, 0x0a, &sc, 1) != 0 ||
	    tlv(body, sizeof(body), &b, 0x0a, &zero, 1) != 0 ||
	    tlv(body, sizeof(body), &b, 0x02, &lim, 1) != 0 ||
	    tlv(body, sizeof(body), &b, 0x02, &zero, 1) != 0 ||
	    tlv(body, sizeof(body), &b, 0x01, &zero, 1) != 0 ||
	    tlv(body, sizeof(body), &b, 0x87, "objectClass", 11) != 0 ||
	    tlv(body, sizeof(body), &b, 0x30, list, l) != 0 ||
	    tlv(op, sizeof(op), &p, 0x02, (unsigned char[]){(unsigned char)msgid}, 1) != 0 ||
	    tlv(op, sizeof(op), &p, 0x63, body, b) != 0 || tlv(buf, cap, &out, 0x30, op, p) != 0)
		return 0;
	return out;
}

static size_t
ldap_request(const struct probe_run *run, unsigned char *buf, size_t cap)
{
	static const char *const attrs[] = {"*", "+"};

	(void)run;
	return ldap_search(buf, cap, 1, "", 0, 0, attrs, 2);
}

/* Reads message *o: its protocolOp (tag and content). -1 when it is not an LDAPMessage. */
static int
ldap_message(const unsigned char *d, size_t n, size_t *o, struct pl_ber *op)
{
	struct pl_ber msg, id;
	size_t m = 0;

	if (pli_ber_next(d, n, o, &msg) != 0 || msg.tag != 0x30 ||
	    pli_ber_next(msg.v, msg.len, &m, &id) != 0 || id.tag != 0x02 || id.len > 4 ||
	    pli_ber_next(msg.v, msg.len, &m, op) != 0)
		return -1;
	return 0;
}

static int
ldap_complete(const unsigned char *d, size_t n)
{
	struct pl_ber op;
	size_t o = 0;

	for (int i = 0; i < 64 && ldap_message(d, n, &o, &op) == 0; i++)
		if (op.tag == LDAP_SEARCH_DONE || op.tag == LDAP_EXTENDED_RESPONSE ||
		    op.tag == LDAP_BIND_RESPONSE)
			return 1;
	return 0;
}

/* Calls fn for each value of each attribute of a SearchResultEntry. */
static void
ldap_entry_values(const struct pl_ber *entry,
                  void (*fn)(const char *type, const char *val, void *arg), void *arg)
{
	struct pl_ber dn, attrs, attr, type, vals, val;
	size_t e = 0, a = 0;

	if (pli_ber_next(entry->v, entry->len, &e, &dn) != 0 ||
	    pli_ber_next(entry->v, entry->len, &e, &attrs) != 0 || attrs.tag != 0x30)
		return;
	while (pli_ber_next(attrs.v, attrs.len, &a, &attr) == 0 && attr.tag == 0x30) {
		size_t t = 0, v = 0;
		char tname[64], text[128];

		if (pli_ber_next(attr.v, attr.len, &t, &type) != 0 ||
		    pli_ber_next(attr.v, attr.len, &t, &vals) != 0 || vals.tag != 0x31)
			return;
		pli_ber_text(&type, tname, sizeof(tname));
		for (int i = 0; i < 32 && pli_ber_next(vals.v, vals.len, &v, &val) == 0; i++) {
			pli_ber_text(&val, text, sizeof(text));
			fn(tname, text, arg);
		}
	}
}

struct root_dse {
	char contexts[128], versions[16], vendor[64], vendor_version[64];
	int openldap;
};

/* Appends ", v" (or v to an empty dst), cut to fit: a long list is shown in part.
 * By hand rather than snprintf: GCC at -O3 warns that the cut may happen. */
static void
append(char *dst, size_t cap, const char *v)
{
	size_t used = strlen(dst);
	const char *sep = used ? ", " : "";

	for (; *sep && used + 1 < cap; sep++)
		dst[used++] = *sep;
	for (; *v && used + 1 < cap; v++)
		dst[used++] = *v;
	dst[used] = '\0';
}

static void
root_dse_value(const char *type, const char *val, void *arg)
{
	struct root_dse *r = arg;

	if (strcasecmp(type, "namingContexts") == 0)
		append(r->contexts, sizeof(r->contexts), val);
	else if (strcasecmp(type, "supportedLDAPVersion") == 0)
		append(r->versions, sizeof(r->versions), val);
	else if (strcasecmp(type, "vendorName") == 0)
		pli_probe_set(r->vendor, sizeof(r->vendor), val);
	else if (strcasecmp(type, "vendorVersion") == 0)
		pli_probe_set(r->vendor_version, sizeof(r->vendor_version), val);
	else if (strcasecmp(type, "objectClass") == 0 && strcmp(val, "OpenLDAProotDSE") == 0)
		r->openldap = 1;
}

static unsigned
ldap_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
              struct pl_service *out)
{
	struct root_dse r = {0};
	struct pl_ber op;
	size_t o = 0;

	if (ldap_message(d, n, &o, &op) != 0 ||
	    (op.tag != LDAP_SEARCH_ENTRY && op.tag != LDAP_SEARCH_DONE &&
	     op.tag != LDAP_EXTENDED_RESPONSE && op.tag != LDAP_BIND_RESPONSE))
		return 0;
	pli_probe_set(out->service, sizeof(out->service), "ldap");
	pli_probe_evidence(out, d, n > 160 ? 160 : n);
	o = 0;
	for (int i = 0; i < 64 && ldap_message(d, n, &o, &op) == 0; i++)
		if (op.tag == LDAP_SEARCH_ENTRY)
			ldap_entry_values(&op, root_dse_value, &r);
	pli_probe_recog(ctx, RECOG_LDAP, (const char *)d, n, out);
	if (r.openldap && !out->product[0]) {
		pli_probe_set(out->vendor, sizeof(out->vendor), "OpenLDAP");
		pli_probe_set(out->product, sizeof(out->product), "OpenLDAP");
		pli_probe_set(out->cpe, sizeof(out->cpe), "cpe:/a:openldap:openldap");
	}
	if (r.vendor[0] && !out->vendor[0])
		pli_probe_set(out->vendor, sizeof(out->vendor), r.vendor);
	if (r.vendor_version[0] && !out->version[0])
		pli_probe_set(out->version, sizeof(out->version), r.vendor_version);
	if (r.contexts[0])
		pli_probe_add_info(out, "naming contexts: %s", r.contexts);
	if (r.versions[0])
		pli_probe_add_info(out, "LDAP versions: %s", r.versions);
	return op.tag == LDAP_SEARCH_ENTRY || r.contexts[0] || r.versions[0] ? 100 : 80;
}

static void
first_context(const char *type, const char *val, void *arg)
{
	char *dst = arg;

	if (!dst[0] && strcasecmp(type, "namingContexts") == 0)
		pli_probe_set(dst, 128, val);
}

static void
ldap_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
              struct pl_service *out)
{
	static const char *const none[] = {"1.1"}; /* RFC 4511 4.5.1.8: no attributes */
	char base[128] = "";
	unsigned char req[400];
	struct pl_ber op, res;
	size_t o = 0, start = ans->len, rn, entries = 0;
	long code = -1;

	for (int i = 0; i < 64 && ldap_message(ans->data, ans->len, &o, &op) == 0; i++)
		if (op.tag == LDAP_SEARCH_ENTRY)
			ldap_entry_values(&op, first_context, base);
	/* Reading the directory proves an exposure: the audit's (opts.intrusive) only. */
	if (!base[0] || !run->ctx->opts.intrusive)
		return;
	rn = ldap_search(req, sizeof(req), 2, base, 2, 10, none, 1);
	if (rn == 0 || pli_conn_send(c, req, rn) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, ldap_complete);
	o = start;
	for (int i = 0; i < 64 && ldap_message(ans->data, ans->len, &o, &op) == 0; i++) {
		size_t r = 0;

		entries += op.tag == LDAP_SEARCH_ENTRY;
		if (op.tag == LDAP_SEARCH_DONE && pli_ber_next(op.v, op.len, &r, &res) == 0)
			code = (long)pli_ber_int(&res);
	}
	if (entries > 0) {
		out->exposures |= PL_EXP_LDAP_ANON_READ;
		pli_probe_add_info(out, "anonymous search of %s: %zu%s entries", base, entries,
		                   code == 4 ? "+" : "");
	} else if (code >= 0) {
		pli_probe_add_info(out, "anonymous search of %s: no entries (result %ld)", base,
		                   code);
	}
}

static const uint16_t ldap_ports[] = {389, 3268, 0};

const struct probe_def pl_probe_ldap = {
    .name = "ldap",
    .ports = ldap_ports,
    .request = ldap_request,
    .complete = ldap_complete,
    .classify = ldap_classify,
    .followup = ldap_followup,
};
