// SPDX-License-Identifier: MIT
/*
 * store/timeline.c - what changed when, for one host or one port: the stored events
 * (watch: listeners new and gone; watch --scan: ports opened, closed, changed) merged
 * with the differences between consecutive saved scans of the same address.
 *
 * Scan differences are computed when asked, not stored, so imported scans, scans saved
 * before this existed and scans deleted later all give the right timeline. For each
 * address, the scans that reported anything for it are its "looks", in scan order. For
 * each (transport, port) of that address that was ever open: open where it was not open
 * at the previous look is "open" at the address's first look and "opened" after; not
 * open (closed, filtered, or not reported by a look at the address) after open is
 * "closed"; open at two consecutive looks with another product or version is "changed".
 *
 * The database computes them (CHANGES_SQL, the same statement for SQLite and PostgreSQL)
 * and sends only the changes. It reads the address's looks (one index probe each: a
 * loose scan of (addr, scan_id)), its open rows at each look (a partial index on
 * state = 'open') and, for each "closed", the one row at the look that closed it; never
 * the address's closed results, which are nearly all of a port scan's rows.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store_impl.h"
#include "core/array.h"

#define DEFAULT_LIMIT 200

struct changes {
	struct pl_store_change *v;
	size_t n, cap;
	int failed;
};

static void
add_change(struct changes *c, int64_t at_ms, int64_t scan_id, const char *host, const char *proto,
           uint16_t port, const char *kind, const char *detail)
{
	struct pl_store_change *x;

	if (c->failed)
		return;
	if (PLI_ARRAY_RESERVE(c->v, c->cap, c->n + 1, 32) != PL_OK) {
		c->failed = 1;
		return;
	}
	x = &c->v[c->n++];
	*x = (struct pl_store_change){.at_ms = at_ms, .scan_id = scan_id, .port = port};
	x->host = strdup(host);
	x->proto = strdup(proto);
	x->kind = strdup(kind);
	x->detail = strdup(detail ? detail : "");
	if (!x->host || !x->proto || !x->kind || !x->detail)
		c->failed = 1;
}

void
pl_store_changes_free(struct pl_store_change *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].host);
		free(v[i].proto);
		free(v[i].kind);
		free(v[i].detail);
	}
	free(v);
}

/*
 * The changes between consecutive looks at the addresses that SEED lists (one column,
 * addr), for the open rows that FILTER (on results r) keeps. lk walks each address's
 * scans one index probe at a time (the next scan id after the last); looks numbers them
 * (n) and knows the next one; o is the open rows at each look (the partial index
 * results_open, searched by (addr, scan_id)); w gives each open row the key's previous
 * and next open row (pn, pp, pv; nn). A row is "open" (first look) or "opened" when the
 * key was not open at the previous look (pn is not n - 1), "changed" when it was, with
 * another product or version; the next look after an open row is "closed" when the key
 * is not open there (nn is not n + 1), its detail the state stored there, if any. Of
 * several open rows of one key in one scan (an import listing a host twice), the one
 * with the greatest product and version is compared with the next scan.
 * Columns: started_at, scan_id, addr, proto, port, kind, then the product and version
 * before (for "closed": the state) and after.
 */
#define CHANGES_SQL(SEED, FILTER)                                                                  \
	"WITH RECURSIVE "                                                                          \
	"lk(addr, scan_id) AS ("                                                                   \
	" SELECT a.addr, (SELECT min(x.scan_id) FROM results x WHERE x.addr = a.addr)"             \
	" FROM (" SEED ") a"                                                                       \
	" UNION ALL"                                                                               \
	" SELECT lk.addr, (SELECT min(x.scan_id) FROM results x"                                   \
	"  WHERE x.addr = lk.addr AND x.scan_id > lk.scan_id)"                                     \
	" FROM lk WHERE lk.scan_id IS NOT NULL), "                                                 \
	"looks AS ("                                                                               \
	" SELECT lk.addr, lk.scan_id, s.started_at, row_number() OVER a AS n,"                     \
	"  lead(lk.scan_id) OVER a AS next_scan, lead(s.started_at) OVER a AS next_at"             \
	" FROM lk JOIN scans s ON s.id = lk.scan_id"                                               \
	" WINDOW a AS (PARTITION BY lk.addr ORDER BY lk.scan_id)), "                               \
	"o AS ("                                                                                   \
	" SELECT l.addr, r.proto, r.port, r.product, r.version, l.n, l.scan_id, l.started_at,"     \
	"  l.next_scan, l.next_at"                                                                 \
	" FROM looks l JOIN results r ON r.addr = l.addr AND r.scan_id = l.scan_id"                \
	" WHERE r.state = 'open' AND " FILTER "), "                                                \
	"w AS ("                                                                                   \
	" SELECT o.*, lag(n) OVER k AS pn, lag(product) OVER k AS pp,"                             \
	"  lag(version) OVER k AS pv, lead(n) OVER k AS nn"                                        \
	" FROM o WINDOW k AS (PARTITION BY addr, proto, port ORDER BY n, product, version)) "      \
	"SELECT started_at, scan_id, addr, proto, port,"                                           \
	" CASE WHEN pn = n - 1 THEN 'changed' WHEN n = 1 THEN 'open' ELSE 'opened' END,"           \
	" pp, pv, product, version FROM w"                                                         \
	" WHERE pn IS NULL OR pn < n - 1 OR (pn = n - 1 AND (pp <> product OR pv <> version)) "    \
	"UNION ALL "                                                                               \
	"SELECT next_at, next_scan, addr, proto, port, 'closed',"                                  \
	" COALESCE((SELECT min(x.state) FROM results x WHERE x.addr = w.addr"                      \
	"  AND x.scan_id = w.next_scan AND x.port = w.port AND x.proto = w.proto),"                \
	"  'not reported'), '', '', ''"                                                            \
	" FROM w WHERE next_scan IS NOT NULL AND (nn IS NULL OR nn > n + 1)"

/* A host's timeline starts from the host; a port's from every address where it was ever
 * open. Both placeholders take the host, or the port. */
#define HOST_CHANGES_SQL CHANGES_SQL("SELECT CAST(? AS TEXT) AS addr", "r.addr = ?")
#define PORT_CHANGES_SQL                                                                           \
	CHANGES_SQL("SELECT DISTINCT r.addr FROM results r WHERE r.port = ? AND r.state = 'open'", \
	            "r.port = ?")

/* "OpenSSH 9.2p1" or "" */
static void
product_text(struct pl_buf *b, const char *product, const char *version)
{
	pli_buf_printf(b, "%s%s%s", product, product[0] && version[0] ? " " : "", version);
}

static int
fill_change(struct store_q *q, void *elem, void *ctx)
{
	struct pl_store_change *x = elem;
	const char *kind = sq_text(q, 5);
	struct pl_buf d;

	(void)ctx;
	pli_buf_init(&d);
	if (strcmp(kind, "closed") == 0) {
		pli_buf_puts(&d, sq_text(q, 6));
	} else {
		if (strcmp(kind, "changed") == 0) {
			product_text(&d, sq_text(q, 6), sq_text(q, 7));
			pli_buf_puts(&d, " -> ");
		}
		product_text(&d, sq_text(q, 8), sq_text(q, 9));
	}
	x->at_ms = sq_int(q, 0) * 1000;
	x->scan_id = sq_int(q, 1);
	x->host = sq_dup(q, 2);
	x->proto = sq_dup(q, 3);
	x->port = (uint16_t)sq_int(q, 4);
	x->kind = sq_dup(q, 5);
	x->detail = pli_buf_failed(&d) ? NULL : strdup(pli_buf_str(&d));
	pli_buf_cleanup(&d);
	return x->detail != NULL;
}

/* The scan differences of a host or a port, into c (which is empty). */
static enum pl_rc
scan_changes(struct pl_store *st, const char *host, uint16_t port, struct changes *c,
             struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;

	rc = sq_prepare(st, host ? HOST_CHANGES_SQL : PORT_CHANGES_SQL, &q, err);
	if (rc != PL_OK)
		return rc;
	for (int i = 1; i <= 2; i++) {
		if (host)
			sq_bind_text(q, i, host);
		else
			sq_bind_int(q, i, port);
	}
	rc = sq_read_rows(q, &c->v, &c->n, sizeof(*c->v), fill_change, NULL, err);
	c->cap = c->n;
	return rc;
}

static int
change_cmp(const void *pa, const void *pb)
{
	const struct pl_store_change *a = pa, *b = pb;
	int c;

	if (a->at_ms != b->at_ms)
		return a->at_ms > b->at_ms ? -1 : 1;
	if (a->scan_id != b->scan_id)
		return a->scan_id > b->scan_id ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	/* the rest only so that equal times list the same way on every backend */
	c = strcmp(a->host, b->host);
	if (!c)
		c = strcmp(a->proto, b->proto);
	if (!c)
		c = strcmp(a->kind, b->kind);
	return c ? c : strcmp(a->detail, b->detail);
}

enum pl_rc
pl_store_timeline(struct pl_store *st, const char *host, uint16_t port, size_t limit,
                  struct pl_store_change **out, size_t *n, struct pl_err *err)
{
	struct pl_store_event_row *ev = NULL;
	struct changes c = {0};
	size_t nev = 0;
	enum pl_rc rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if ((!host || !host[0]) && !port)
		return pl_err_set(err, PL_ERR_ARG, "a timeline is of a host or of a port");
	if (!limit)
		limit = DEFAULT_LIMIT;
	rc = scan_changes(st, host, port, &c, err);
	if (rc == PL_OK)
		rc = pl_store_events_list(st, host, host ? 0 : port, limit, &ev, &nev, err);
	for (size_t i = 0; rc == PL_OK && i < nev; i++) {
		struct pl_buf d;

		pli_buf_init(&d);
		pli_buf_puts(&d, ev[i].addr);
		if (ev[i].process[0])
			pli_buf_printf(&d, " %s (pid %lld)", ev[i].process, (long long)ev[i].pid);
		if (ev[i].detail[0])
			pli_buf_printf(&d, "; %s", ev[i].detail);
		add_change(&c, ev[i].at_ms, 0, ev[i].host, ev[i].proto, ev[i].port, ev[i].kind,
		           pli_buf_str(&d));
		pli_buf_cleanup(&d);
	}
	pl_store_events_free(ev, nev);
	if (rc == PL_OK && c.failed)
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (rc != PL_OK) {
		pl_store_changes_free(c.v, c.n);
		return rc;
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), change_cmp);
	while (c.n > limit) {
		c.n--;
		free(c.v[c.n].host);
		free(c.v[c.n].proto);
		free(c.v[c.n].kind);
		free(c.v[c.n].detail);
	}
	*out = c.v;
	*n = c.n;
	return PL_OK;
}
