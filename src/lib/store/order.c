// SPDX-License-Identifier: MIT
/*
 * order.c - the order in which a saved scan's results are read back: by host in numeric
 * address order (every IPv4 address before every IPv6 address, 127.0.0.9 before
 * 127.0.0.10), then by transport the way nmap lists them (tcp, udp, sctp), then by port.
 * Results are stored in the order they were found, which under a permuted scan is no
 * order at all.
 *
 * SQLite compares TEXT columns bytewise, so the address order is a collation ("pl_addr")
 * registered on every connection: each side is parsed (pl_addr_parse_ip) into a 17-byte key
 * (family, then the address bytes) and keys are compared with memcmp. Text that is not
 * an address (a host name) sorts after every address, bytewise among itself.
 * PostgreSQL has no such collation, so its rows are sorted here with the same
 * comparison (store_sort_results).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/addr.h"
#include "store/store_impl.h"

#define ADDR_TEXT_MAX 64

/* Fills key from the n bytes of text; returns 0 when the text is not an address. */
static int
addr_key(const void *text, int n, unsigned char key[17])
{
	struct pl_addr a;

	memset(key, 0, 17);
	if (n <= 0 || n >= ADDR_TEXT_MAX || pl_addr_parse_ip(text, (size_t)n, &a) != 0)
		return 0;
	pl_addr_sort_key(&a, key);
	return 1;
}

static int
addr_collate(void *unused, int na, const void *a, int nb, const void *b)
{
	unsigned char ka[17], kb[17];
	int pa = addr_key(a, na, ka), pb = addr_key(b, nb, kb), c;

	(void)unused;
	if (pa && pb)
		return memcmp(ka, kb, sizeof(ka));
	if (pa != pb)
		return pa ? -1 : 1;
	c = memcmp(a, b, (size_t)(na < nb ? na : nb));
	return c ? c : na - nb;
}

int
pli_store_register_order(sqlite3 *db)
{
	return sqlite3_create_collation_v2(db, "pl_addr", SQLITE_UTF8, NULL, addr_collate, NULL);
}

int
store_addr_cmp(const char *a, const char *b)
{
	return addr_collate(NULL, (int)strlen(a), a, (int)strlen(b), b);
}

static int
proto_rank(const char *p)
{
	return strcmp(p, "tcp") == 0    ? 0
	       : strcmp(p, "udp") == 0  ? 1
	       : strcmp(p, "sctp") == 0 ? 2
	                                : 3;
}

static int
result_cmp(const void *pa, const void *pb)
{
	const struct pl_store_result_row *a = pa, *b = pb;
	int c = store_addr_cmp(a->addr, b->addr);

	if (c)
		return c;
	c = proto_rank(a->proto) - proto_rank(b->proto);
	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

void
store_sort_results(struct pl_store_result_row *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), result_cmp);
}
