// SPDX-License-Identifier: MIT
/*
 * store/batch_order.c - the order in which a batch of results is written: by address
 * (as text, the indexes' order), port and transport, rows about one port in the order
 * given.
 *
 * Why: results has two indexes that begin with the address. Rows that arrive in index
 * order go where the previous row went (PostgreSQL's B-tree appends to its rightmost
 * page without a descent, and splits pages full rather than in halves; SQLite finds the
 * page in its cache); rows in any other order (a scan's order, or numeric address order,
 * which is not the text order: 10.0.0.10 < 10.0.0.2 as text) each land somewhere else
 * in the index. Importing 1,000,000 results into PostgreSQL cost a third less server
 * time in index order (bench/RESULTS.md, "Store ingest"). Ids follow the new order;
 * readers sort by address, transport and port anyway, and rows about the same port keep
 * the order they were given in.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"

static int
index_cmp(const void *pa, const void *pb)
{
	const struct pl_store_result *a = *(const struct pl_store_result *const *)pa;
	const struct pl_store_result *b = *(const struct pl_store_result *const *)pb;
	int c = strcmp(a->addr ? a->addr : "", b->addr ? b->addr : "");

	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	c = strcmp(pl_proto_name(a->proto), pl_proto_name(b->proto));
	if (c)
		return c;
	return a < b ? -1 : a > b; /* the same port twice: the order given */
}

const struct pl_store_result **
store_batch_order(const struct pl_store_result *rows, size_t n)
{
	const struct pl_store_result **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = &rows[i];
	qsort(v, n, sizeof(*v), index_cmp);
	return v;
}
