// SPDX-License-Identifier: MIT
/*
 * diff/diff.c - two finished scans compared host by host and port by port: a merge join
 * over the sorted hosts, then over each pair's sorted ports, so the cost is linear in
 * the results (after the sort the parsers' finish already did).
 *
 * Rules (portlens/diff.h): "open" is the only state both nmap-style and masscan-style
 * scans always report, so a port not listed counts as "not open". opened/closed are
 * transitions into and out of open; "state" is a change between two listed states that
 * are both not open (closed -> filtered); "service" compares name, product, version and
 * extrainfo when both scans identified the service (nmap compares the same fields in
 * ndiff; extrainfo only when both sources can hold it: the store has no column for it).
 * A registered-name-only service (method="table") is never compared: nmap and
 * portlens take names from different tables.
 */
#include <stdlib.h>
#include <string.h>

#include "diff/diff_impl.h"
#include "core/array.h"

static const char *const kind_names[PL_DIFF_KIND_COUNT] = {
    [PL_DIFF_OPENED] = "opened",
    [PL_DIFF_CLOSED] = "closed",
    [PL_DIFF_STATE] = "state",
    [PL_DIFF_SERVICE] = "service",
};

const char *
pl_diff_kind_name(enum pl_diff_kind k)
{
	return (unsigned)k < PL_DIFF_KIND_COUNT ? kind_names[k] : "?";
}

void
pl_diff_cleanup(struct pl_diff *d)
{
	if (!d)
		return;
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static enum pl_rc
push(struct pl_diff *d, enum pl_diff_kind kind, const struct pl_scandoc_host *ha,
     const struct pl_scandoc_host *hb, const struct pl_scandoc_port *a,
     const struct pl_scandoc_port *b, struct pl_err *err)
{
	if (PLI_ARRAY_RESERVE(d->v, d->cap, d->n + 1, 32) != PL_OK)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	d->v[d->n++] = (struct pl_diff_change){.kind = kind, .ha = ha, .hb = hb, .a = a, .b = b};
	d->by_kind[kind]++;
	return PL_OK;
}

static int
is_open(const struct pl_scandoc_port *p)
{
	return p && strcmp(p->state, "open") == 0;
}

static int
same_service(const struct pl_scandoc_port *a, const struct pl_scandoc_port *b, int extra)
{
	return strcmp(a->service, b->service) == 0 && strcmp(a->product, b->product) == 0 &&
	       strcmp(a->version, b->version) == 0 &&
	       (!extra || strcmp(a->extrainfo, b->extrainfo) == 0);
}

/* Compares one port seen in a (pa), b (pb) or both. */
static enum pl_rc
port_pair(struct pl_diff *d, const struct pl_scandoc_host *ha, const struct pl_scandoc_host *hb,
          const struct pl_scandoc_port *pa, const struct pl_scandoc_port *pb, struct pl_err *err)
{
	int oa = is_open(pa), ob = is_open(pb);

	if (!oa && ob)
		return push(d, PL_DIFF_OPENED, ha, hb, pa, pb, err);
	if (oa && !ob)
		return push(d, PL_DIFF_CLOSED, ha, hb, pa, pb, err);
	if (!pa || !pb)
		return PL_OK;
	if (!oa && strcmp(pa->state, pb->state) != 0)
		return push(d, PL_DIFF_STATE, ha, hb, pa, pb, err);
	if (oa && pa->detected && pb->detected && !same_service(pa, pb, d->cmp_extrainfo))
		return push(d, PL_DIFF_SERVICE, ha, hb, pa, pb, err);
	if (oa && pa->detected != pb->detected)
		d->not_compared++;
	return PL_OK;
}

static int
cmp_port(const struct pl_scandoc_port *x, const struct pl_scandoc_port *y)
{
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

/* Compares the ports of one host (either side may be NULL: the host is not in it). */
static enum pl_rc
host_pair(struct pl_diff *d, const struct pl_scandoc_host *ha, const struct pl_scandoc_host *hb,
          struct pl_err *err)
{
	size_t i = 0, j = 0, na = ha ? ha->n_ports : 0, nb = hb ? hb->n_ports : 0;
	size_t before = d->n;
	enum pl_rc rc = PL_OK;

	while (rc == PL_OK && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_port(&ha->ports[i], &hb->ports[j]);

		if (c < 0)
			rc = port_pair(d, ha, hb, &ha->ports[i++], NULL, err);
		else if (c > 0)
			rc = port_pair(d, ha, hb, NULL, &hb->ports[j++], err);
		else
			rc = port_pair(d, ha, hb, &ha->ports[i++], &hb->ports[j++], err);
	}
	if (d->n > before)
		d->hosts_changed++;
	return rc;
}

enum pl_rc
pl_scandoc_diff(const struct pl_scandoc *a, const struct pl_scandoc *b, struct pl_diff *out,
                struct pl_err *err)
{
	size_t i = 0, j = 0;
	enum pl_rc rc = PL_OK;

	memset(out, 0, sizeof(*out));
	out->cmp_extrainfo = !a->no_extrainfo && !b->no_extrainfo;
	if (!a->sorted || !b->sorted)
		return pl_err_set(err, PL_ERR_ARG, "pl_scandoc_diff: scans not finished");
	while (rc == PL_OK && (i < a->n_hosts || j < b->n_hosts)) {
		int c = i == a->n_hosts   ? 1
		        : j == b->n_hosts ? -1
		                          : memcmp(a->hosts[i].key, b->hosts[j].key, 17);

		if (c < 0)
			rc = host_pair(out, &a->hosts[i++], NULL, err);
		else if (c > 0)
			rc = host_pair(out, NULL, &b->hosts[j++], err);
		else
			rc = host_pair(out, &a->hosts[i++], &b->hosts[j++], err);
	}
	if (rc != PL_OK)
		pl_diff_cleanup(out);
	return rc;
}
