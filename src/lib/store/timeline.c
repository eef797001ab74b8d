// SPDX-License-Identifier: MIT
/*
 * store/timeline.c - what changed when, for one host or one port: the stored events
 * (watch: listeners new and gone; watch --scan: ports opened, closed, changed) merged
 * with the differences between consecutive saved scans of the same address.
 *
 * Scan differences are computed when asked, not stored, so imported scans and scans
 * saved before this existed have a timeline too. For each address, the scans that
 * reported anything for it are its "looks", in scan order. For each (transport, port) of
 * that address, walking its looks: open where it was not open before is "open" at the
 * address's first look and "opened" after; not open (closed, filtered, or not reported
 * by a look at the address) after open is "closed"; open both times with another
 * product or version is "changed". Rows are read sorted by key and scan, so the walk is
 * one pass with a cursor into the address's looks.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store_impl.h"
#include "core/array.h"

#define DEFAULT_LIMIT 200

struct look {
	char *addr;
	int64_t scan_id, at_ms;
};

struct seen {
	char *addr, *proto, *state, *product, *version;
	int64_t scan_id;
	uint16_t port;
};

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

static int
is_open(const char *state)
{
	return state && strcmp(state, "open") == 0;
}

/* "OpenSSH 9.2p1" or "" */
static void
product_text(struct pl_buf *b, const struct seen *s)
{
	pli_buf_printf(b, "%s%s%s", s->product, s->product[0] && s->version[0] ? " " : "",
	               s->version);
}

/* One key's rows (same addr, proto, port; ascending scan) against the address's looks. */
static void
walk_key(struct changes *c, const struct seen *rows, size_t nrows, const struct look *looks,
         size_t nlooks)
{
	const struct seen *prev = NULL;
	size_t r = 0;
	int was_open = 0;
	struct pl_buf d;

	pli_buf_init(&d);
	for (size_t k = 0; k < nlooks; k++) {
		const struct seen *cur =
		    r < nrows && rows[r].scan_id == looks[k].scan_id ? &rows[r++] : NULL;
		int now_open = cur && is_open(cur->state);

		pli_buf_reset(&d);
		if (now_open && !was_open) {
			product_text(&d, cur);
			add_change(c, looks[k].at_ms, looks[k].scan_id, rows[0].addr, rows[0].proto,
			           rows[0].port, k == 0 ? "open" : "opened", pli_buf_str(&d));
		} else if (!now_open && was_open) {
			add_change(c, looks[k].at_ms, looks[k].scan_id, rows[0].addr, rows[0].proto,
			           rows[0].port, "closed", cur ? cur->state : "not reported");
		} else if (now_open && prev &&
		           (strcmp(prev->product, cur->product) != 0 ||
		            strcmp(prev->version, cur->version) != 0)) {
			product_text(&d, prev);
			pli_buf_puts(&d, " -> ");
			product_text(&d, cur);
			add_change(c, looks[k].at_ms, looks[k].scan_id, rows[0].addr, rows[0].proto,
			           rows[0].port, "changed", pli_buf_str(&d));
		}
		if (cur) {
			was_open = now_open;
			prev = now_open ? cur : NULL;
		} else {
			was_open = 0;
			prev = NULL;
		}
	}
	pli_buf_cleanup(&d);
}

static int
seen_cmp(const void *pa, const void *pb)
{
	const struct seen *a = pa, *b = pb;
	int c = strcmp(a->addr, b->addr);

	if (!c)
		c = strcmp(a->proto, b->proto);
	if (!c)
		c = (int)a->port - (int)b->port;
	if (!c)
		c = a->scan_id < b->scan_id ? -1 : a->scan_id > b->scan_id;
	return c;
}

static int
look_cmp(const void *pa, const void *pb)
{
	const struct look *a = pa, *b = pb;
	int c = strcmp(a->addr, b->addr);

	return c ? c : a->scan_id < b->scan_id ? -1 : a->scan_id > b->scan_id;
}

struct scan_rows {
	struct seen *rows;
	size_t nrows, caprows;
	struct look *looks;
	size_t nlooks, caplooks;
};

static void
scan_rows_free(struct scan_rows *s)
{
	for (size_t i = 0; i < s->nrows; i++) {
		free(s->rows[i].addr);
		free(s->rows[i].proto);
		free(s->rows[i].state);
		free(s->rows[i].product);
		free(s->rows[i].version);
	}
	for (size_t i = 0; i < s->nlooks; i++)
		free(s->looks[i].addr);
	free(s->rows);
	free(s->looks);
}

/* Appends one zeroed element of size sz to the array whose pointer is at arrayp (a T **
 * passed as void *) and returns it; NULL when out of memory. */
static void *
push(void *arrayp, size_t *n, size_t *cap, size_t sz)
{
	char *v;

	if (pli_array_reserve(arrayp, cap, *n + 1, sz, 64) != PL_OK)
		return NULL;
	memcpy(&v, arrayp, sizeof(v));
	memset(v + *n * sz, 0, sz);
	return v + (*n)++ * sz;
}

/* Reads the results and the looks that a host's or a port's timeline walks. */
static enum pl_rc
read_scans(struct pl_store *st, const char *host, uint16_t port, struct scan_rows *s,
           struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row = 0;

	/* Only what a change can be made of: the rows of the ports that were open at some
	 * scan (what they were, and what they became). A host with 100,000 closed results
	 * costs two index searches (results_open, results_addr), not 100,000 rows. */
	rc = sq_prepare(st,
	                host ? "SELECT r.addr, r.proto, r.port, r.state, r.product, r.version, "
	                       "r.scan_id FROM results r WHERE r.addr = ? AND (r.proto, r.port) "
	                       "IN (SELECT DISTINCT o.proto, o.port FROM results o "
	                       "WHERE o.addr = ? AND o.state = 'open')"
	                     : "SELECT r.addr, r.proto, r.port, r.state, r.product, r.version, "
	                       "r.scan_id FROM results r WHERE r.port = ? AND (r.addr, r.proto) "
	                       "IN (SELECT DISTINCT o.addr, o.proto FROM results o "
	                       "WHERE o.port = ? AND o.state = 'open')",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	if (host) {
		sq_bind_text(q, 1, host);
		sq_bind_text(q, 2, host);
	} else {
		sq_bind_int(q, 1, port);
		sq_bind_int(q, 2, port);
	}
	while ((rc = sq_step(q, &row, err)) == PL_OK && row) {
		struct seen *x = push(&s->rows, &s->nrows, &s->caprows, sizeof(*x));

		if (x) {
			x->addr = sq_dup(q, 0);
			x->proto = sq_dup(q, 1);
			x->port = (uint16_t)sq_int(q, 2);
			x->state = sq_dup(q, 3);
			x->product = sq_dup(q, 4);
			x->version = sq_dup(q, 5);
			x->scan_id = sq_int(q, 6);
		}
		if (!x || !x->addr || !x->proto || !x->state || !x->product || !x->version) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sq_finish(q);
	if (rc != PL_OK)
		return rc;
	rc = sq_prepare(st,
	                host ? "SELECT ?, s.id, s.started_at FROM scans s WHERE EXISTS "
	                       "(SELECT 1 FROM results r WHERE r.scan_id = s.id AND r.addr = ?)"
	                     : "SELECT DISTINCT r.addr, r.scan_id, s.started_at FROM results r "
	                       "JOIN scans s ON s.id = r.scan_id WHERE r.addr IN "
	                       "(SELECT addr FROM results WHERE port = ?)",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	if (host) {
		sq_bind_text(q, 1, host);
		sq_bind_text(q, 2, host);
	} else {
		sq_bind_int(q, 1, port);
	}
	while ((rc = sq_step(q, &row, err)) == PL_OK && row) {
		struct look *x = push(&s->looks, &s->nlooks, &s->caplooks, sizeof(*x));

		if (x) {
			x->addr = sq_dup(q, 0);
			x->scan_id = sq_int(q, 1);
			x->at_ms = sq_int(q, 2) * 1000;
		}
		if (!x || !x->addr) {
			rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sq_finish(q);
	return rc;
}

static void
scan_changes(struct changes *c, struct scan_rows *s)
{
	size_t i = 0, l = 0;

	if (s->nrows > 1)
		qsort(s->rows, s->nrows, sizeof(*s->rows), seen_cmp);
	if (s->nlooks > 1)
		qsort(s->looks, s->nlooks, sizeof(*s->looks), look_cmp);
	while (i < s->nrows) {
		size_t j = i + 1, l_end;

		while (j < s->nrows && strcmp(s->rows[j].addr, s->rows[i].addr) == 0 &&
		       strcmp(s->rows[j].proto, s->rows[i].proto) == 0 &&
		       s->rows[j].port == s->rows[i].port)
			j++;
		while (l < s->nlooks && strcmp(s->looks[l].addr, s->rows[i].addr) < 0)
			l++;
		l_end = l;
		while (l_end < s->nlooks && strcmp(s->looks[l_end].addr, s->rows[i].addr) == 0)
			l_end++;
		walk_key(c, &s->rows[i], j - i, &s->looks[l], l_end - l);
		i = j;
	}
}

static int
change_cmp(const void *pa, const void *pb)
{
	const struct pl_store_change *a = pa, *b = pb;

	if (a->at_ms != b->at_ms)
		return a->at_ms > b->at_ms ? -1 : 1;
	if (a->scan_id != b->scan_id)
		return a->scan_id > b->scan_id ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->host, b->host);
}

enum pl_rc
pl_store_timeline(struct pl_store *st, const char *host, uint16_t port, size_t limit,
                  struct pl_store_change **out, size_t *n, struct pl_err *err)
{
	struct pl_store_event_row *ev = NULL;
	struct scan_rows sr = {0};
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
	if (rc == PL_OK)
		rc = read_scans(st, host, port, &sr, err);
	if (rc == PL_OK)
		scan_changes(&c, &sr);
	scan_rows_free(&sr);
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
