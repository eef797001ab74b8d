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
 * and sends only the changes. It reads the open rows of the address (a partial index on
 * state = 'open'), its looks (one index probe per look: a loose scan of (addr, scan_id))
 * and, for each "closed", the one row at the look that closed it; never the address's
 * closed results themselves, which are nearly all of a port scan's rows.
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
 * The changes between consecutive looks, for the addresses and keys that FILTER (on
 * results r: "r.addr = ?" or "r.port = ?", both placeholders bound to the same value)
 * selects among open rows. lk walks each address's scans one index probe at a time;
 * looks numbers them (n); w pairs each open row with the key's previous open row (pn,
 * pp, pv: its look and what it was) and its next one (nn). A row is "open"/"opened"
 * when the key was not open at the previous look (pn is not n - 1), "changed" when it
 * was but with another product or version; the look after an open row is "closed" when
 * the key is not open there (nn is not n + 1), with the state found there, if any.
 * Several open rows of one key in one scan count as one (the least product/version).
 * Columns: started_at, scan_id, addr, proto, port, kind, then the product and version
 * before (for "closed": the state) and after.
 */
#define CHANGES_SQL(FILTER)                                                                        \
	"WITH RECURSIVE "                                                                          \
	"lk(addr, scan_id) AS ("                                                                   \
	" SELECT a.addr, (SELECT min(x.scan_id) FROM results x WHERE x.addr = a.addr)"             \
	" FROM (SELECT DISTINCT r.addr FROM results r WHERE " FILTER " AND r.state = 'open') a"    \
	" UNION ALL"                                                                               \
	" SELECT lk.addr, (SELECT min(x.scan_id) FROM results x"                                   \
	"  WHERE x.addr = lk.addr AND x.scan_id > lk.scan_id)"                                     \
	" FROM lk WHERE lk.scan_id IS NOT NULL), "                                                 \
	"looks AS ("                                                                               \
	" SELECT lk.addr, lk.scan_id, s.started_at,"                                               \
	"  row_number() OVER (PARTITION BY lk.addr ORDER BY lk.scan_id) AS n"                      \
	" FROM lk JOIN scans s ON s.id = lk.scan_id), "                                            \
	"op AS MATERIALIZED ("                                                                     \
	" SELECT r.addr, r.proto, r.port, r.scan_id, min(r.product) AS product,"                   \
	"  min(r.version) AS version FROM results r WHERE " FILTER " AND r.state = 'open'"         \
	" GROUP BY r.addr, r.proto, r.port, r.scan_id), "                                          \
	"w AS ("                                                                                   \
	" SELECT op.addr, op.proto, op.port, op.product, op.version, l.n,"                         \
	"  lag(l.n) OVER k AS pn, lag(op.product) OVER k AS pp, lag(op.version) OVER k AS pv,"     \
	"  lead(l.n) OVER k AS nn"                                                                 \
	" FROM op JOIN looks l ON l.addr = op.addr AND l.scan_id = op.scan_id"                     \
	" WINDOW k AS (PARTITION BY op.addr, op.proto, op.port ORDER BY l.n)) "                    \
	"SELECT l.started_at, l.scan_id, w.addr, w.proto, w.port,"                                 \
	" CASE WHEN w.pn = w.n - 1 THEN 'changed' WHEN w.n = 1 THEN 'open' ELSE 'opened' END,"     \
	" w.pp, w.pv, w.product, w.version"                                                        \
	" FROM w JOIN looks l ON l.addr = w.addr AND l.n = w.n"                                    \
	" WHERE w.pn IS NULL OR w.pn < w.n - 1 OR w.pp <> w.product OR w.pv <> w.version "         \
	"UNION ALL "                                                                               \
	"SELECT l.started_at, l.scan_id, w.addr, w.proto, w.port, 'closed',"                       \
	" COALESCE((SELECT min(x.state) FROM results x WHERE x.addr = w.addr"                      \
	"  AND x.scan_id = l.scan_id AND x.port = w.port AND x.proto = w.proto),"                  \
	"  'not reported'), '', '', ''"                                                            \
	" FROM w JOIN looks l ON l.addr = w.addr AND l.n = w.n + 1"                                \
	" WHERE w.nn IS NULL OR w.nn > w.n + 1"

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

	rc = sq_prepare(st, host ? CHANGES_SQL("r.addr = ?") : CHANGES_SQL("r.port = ?"), &q, err);
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
