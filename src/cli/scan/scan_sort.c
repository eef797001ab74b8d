// SPDX-License-Identifier: MIT
/*
 * scan_sort.c - sorting the line outputs' records at the end (see scan_sort.h): an
 * index of (key, offset, length) built while streaming, sorted with qsort, and the
 * records copied back in that order with pread.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/scan/scan_sort.h"
#include "core/array.h"

void
scan_sort_add(struct scan_sort *ss, const struct pl_scan_result *r, long off, long len)
{
	struct scan_sort_rec *rec;

	if (ss->given_up || len <= 0)
		return;
	if (ss->n >= SCAN_SORT_MAX || PLI_ARRAY_RESERVE(ss->v, ss->cap, ss->n + 1, 256) != PL_OK) {
		ss->given_up = 1;
		return;
	}
	rec = &ss->v[ss->n++];
	memset(rec->key, 0, sizeof(rec->key));
	rec->key[0] = r->addr.family;
	memcpy(rec->key + 1, r->addr.bytes, r->addr.family == 4 ? 4 : 16);
	rec->key[17] = r->proto;
	rec->key[18] = (uint8_t)(r->port >> 8);
	rec->key[19] = (uint8_t)r->port;
	rec->off = (uint64_t)off;
	rec->len = (uint32_t)len;
}

static int
cmp_rec(const void *a, const void *b)
{
	const struct scan_sort_rec *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	if (c)
		return c;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Copies len bytes at off of fd to out. */
static int
copy_range(int fd, uint64_t off, uint64_t len, FILE *out)
{
	char buf[8192];

	while (len > 0) {
		ssize_t n =
		    pread(fd, buf, len < sizeof(buf) ? (size_t)len : sizeof(buf), (off_t)off);

		if (n <= 0 || fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return -1;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int
scan_sort_copy(struct scan_sort *ss, FILE *in, FILE *out)
{
	int fd = fileno(in);
	long end;

	if (fflush(in) != 0 || fseek(in, 0, SEEK_END) != 0 || (end = ftell(in)) < 0)
		return -1;
	if (ss->given_up) /* as streamed */
		return copy_range(fd, 0, (uint64_t)end, out);
	if (copy_range(fd, 0, (uint64_t)ss->region, out) != 0)
		return -1;
	if (ss->n)
		qsort(ss->v, ss->n, sizeof(*ss->v), cmp_rec);
	for (size_t i = 0; i < ss->n; i++)
		if (copy_range(fd, ss->v[i].off, ss->v[i].len, out) != 0)
			return -1;
	return 0;
}

void
scan_sort_cleanup(struct scan_sort *ss)
{
	free(ss->v);
	memset(ss, 0, sizeof(*ss));
}
