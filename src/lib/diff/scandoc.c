// SPDX-License-Identifier: MIT
/*
 * diff/scandoc.c - the model of a scan read back (portlens/diff.h): hosts keyed by their
 * address bytes, each with its ports. Parsers append in file order with a fast path for
 * "same host as the previous entry" (every format writes a host's ports together), and
 * pl_scandoc_finish sorts once and merges repeats (portlens -oX - writes one <host> per
 * port; a JSON "service" record follows its "result" record), so reading a file is
 * O(n log n) however the hosts are interleaved. A host seen before is found again
 * through a hash index of the keys, so a file that lists each host's ports apart makes
 * one entry per host, not one per line. Also the format sniffer.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_impl.h"
#include "core/array.h"
#include "portlens/addr.h"

void
pl_scandoc_init(struct pl_scandoc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

/* The one "" that every empty string field points to (most are empty: a scan of
 * 1,000,000 ports made 5,000,000 one-byte allocations). Never written, never freed. */
static const char empty_str[1] = "";

static void
free_str(char *s)
{
	if (s != empty_str)
		free(s);
}

void
pli_scandoc_port_clear(struct pl_scandoc_port *p)
{
	free_str(p->service);
	free_str(p->product);
	free_str(p->version);
	free_str(p->extrainfo);
	p->service = p->product = p->version = p->extrainfo = NULL;
}

void
pl_scandoc_cleanup(struct pl_scandoc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->n_hosts; i++) {
		struct pl_scandoc_host *h = &doc->hosts[i];

		for (size_t k = 0; k < h->n_ports; k++)
			pli_scandoc_port_clear(&h->ports[k]);
		free(h->ports);
		free_str(h->hostname);
	}
	free(doc->hosts);
	free(doc->slots);
	pl_scandoc_init(doc);
}

static char *
dup_or_empty(const char *s)
{
	return s && s[0] ? strdup(s) : (char *)empty_str;
}

/* Parses addr into a and key (family byte + 16 address bytes). */
static int
addr_key(const char *addr, uint8_t key[17], struct pl_addr *a)
{
	memset(key, 0, 17);
	if (pl_addr_parse_ip(addr, strlen(addr), a) != 0)
		return -1;
	pl_addr_sort_key(a, key);
	return 0;
}

/*
 * The host table's index: open addressing over the 17-byte keys, so a host whose ports
 * are spread over the file (masscan, JSON lines in scan order) is found again instead of
 * getting one entry per line to sort and merge later. Built on demand, dropped when
 * pl_scandoc_finish reorders the hosts.
 */
static size_t
key_hash(const uint8_t key[17])
{
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	/* FNV's low bits alone cluster for keys that differ in their last bytes only */
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return (size_t)(h ^ (h >> 31));
}

/* The slot of key: the one holding it, or the free one where it would go. */
static uint32_t *
slot_of(const struct pl_scandoc *doc, const uint8_t key[17])
{
	size_t mask = doc->n_slots - 1, i = key_hash(key) & mask;

	while (doc->slots[i] && memcmp(doc->hosts[doc->slots[i] - 1].key, key, 17) != 0)
		i = (i + 1) & mask;
	return &doc->slots[i];
}

/* Makes room for one more host in the index (at most half full), rebuilding it. */
static enum pl_rc
index_reserve(struct pl_scandoc *doc, struct pl_err *err)
{
	size_t n = doc->n_slots ? doc->n_slots : 64;

	if (doc->slots && (doc->n_hosts + 1) * 2 <= doc->n_slots)
		return PL_OK;
	while ((doc->n_hosts + 1) * 2 > n)
		n *= 2;
	if (doc->n_hosts >= UINT32_MAX - 1)
		return pl_err_set(err, PL_ERR_LIMIT, "too many hosts");
	free(doc->slots);
	doc->slots = calloc(n, sizeof(*doc->slots));
	doc->n_slots = doc->slots ? n : 0;
	if (!doc->slots)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < doc->n_hosts; i++)
		*slot_of(doc, doc->hosts[i].key) = (uint32_t)(i + 1);
	return PL_OK;
}

static enum pl_rc
host_for(struct pl_scandoc *doc, const char *addr, const char *hostname,
         struct pl_scandoc_host **out, struct pl_err *err)
{
	uint8_t key[17];
	struct pl_addr a;
	struct pl_scandoc_host *h;
	uint32_t *slot;
	enum pl_rc rc;

	if (!addr || addr_key(addr, key, &a) != 0)
		return pl_err_set(err, PL_ERR_PARSE, "'%.64s' is not an IPv4 or IPv6 address",
		                  addr ? addr : "");
	h = NULL;
	if (doc->n_hosts && memcmp(doc->hosts[doc->n_hosts - 1].key, key, 17) == 0)
		h = &doc->hosts[doc->n_hosts - 1];
	else if (doc->n_hosts) {
		rc = index_reserve(doc, err);
		if (rc != PL_OK)
			return rc;
		slot = slot_of(doc, key);
		if (*slot)
			h = &doc->hosts[*slot - 1];
	}
	if (h) {
		if (hostname && hostname[0] && !h->hostname[0]) {
			char *name = strdup(hostname);

			if (!name)
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			free_str(h->hostname);
			h->hostname = name;
		}
		*out = h;
		return PL_OK;
	}
	if (PLI_ARRAY_RESERVE(doc->hosts, doc->cap_hosts, doc->n_hosts + 1, 16) != PL_OK)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	h = &doc->hosts[doc->n_hosts];
	memset(h, 0, sizeof(*h));
	memcpy(h->key, key, 17);
	pl_addr_ip_str(&a, h->addr, sizeof(h->addr)); /* the canonical text, once a host */
	h->hostname = dup_or_empty(hostname);
	if (!h->hostname)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	doc->n_hosts++;
	doc->sorted = 0;
	rc = index_reserve(doc, err);
	if (rc != PL_OK)
		return rc;
	*slot_of(doc, key) = (uint32_t)doc->n_hosts;
	*out = h;
	return PL_OK;
}

enum pl_rc
pl_scandoc_add_host(struct pl_scandoc *doc, const char *addr, const char *hostname,
                    struct pl_err *err)
{
	struct pl_scandoc_host *h;

	return host_for(doc, addr, hostname, &h, err);
}

enum pl_rc
pl_scandoc_add(struct pl_scandoc *doc, const struct pl_scandoc_entry *e, struct pl_err *err)
{
	struct pl_scandoc_host *h = NULL;
	struct pl_scandoc_port *p;
	enum pl_rc rc;

	if (!e->state || !e->state[0] || strlen(e->state) >= sizeof(p->state))
		return pl_err_set(err, PL_ERR_PARSE, "port %u: missing or overlong state",
		                  (unsigned)e->port);
	rc = host_for(doc, e->addr, e->hostname, &h, err);
	if (rc != PL_OK)
		return rc;
	/* Room for one at first: a file that lists each host's ports apart (masscan, JSON
	 * lines in scan order) makes one host entry per line until pl_scandoc_finish. */
	if (PLI_ARRAY_RESERVE(h->ports, h->cap_ports, h->n_ports + 1, 1) != PL_OK)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	p = &h->ports[h->n_ports];
	memset(p, 0, sizeof(*p));
	p->port = e->port;
	p->proto = (uint8_t)e->proto;
	p->detected = e->detected ? 1 : 0;
	memcpy(p->state, e->state, strlen(e->state) + 1);
	p->service = dup_or_empty(e->service);
	p->product = dup_or_empty(e->product);
	p->version = dup_or_empty(e->version);
	p->extrainfo = dup_or_empty(e->extrainfo);
	h->n_ports++;
	doc->sorted = 0;
	if (!p->service || !p->product || !p->version || !p->extrainfo)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	return PL_OK;
}

/*
 * Stable merge sort (qsort is not stable, and a later record about the same port must
 * win the merge). tmp holds n elements.
 */
static void
stable_sort(void *base, size_t n, size_t size, char *tmp, int (*cmp)(const void *, const void *))
{
	char *b = base;
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	stable_sort(b, mid, size, tmp, cmp);
	stable_sort(b + mid * size, n - mid, size, tmp, cmp);
	while (i < mid && j < n) {
		size_t from = cmp(b + j * size, b + i * size) < 0 ? j++ : i++;

		memcpy(tmp + k++ * size, b + from * size, size);
	}
	memcpy(tmp + k * size, b + i * size, (mid - i) * size);
	k += mid - i;
	memcpy(tmp + k * size, b + j * size, (n - j) * size);
	memcpy(b, tmp, n * size);
}

static enum pl_rc
sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *),
           struct pl_err *err)
{
	char *tmp;

	if (n < 2)
		return PL_OK;
	tmp = malloc(n * size);
	if (!tmp)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	stable_sort(base, n, size, tmp, cmp);
	free(tmp);
	return PL_OK;
}

static int
cmp_host(const void *a, const void *b)
{
	return memcmp(((const struct pl_scandoc_host *)a)->key,
	              ((const struct pl_scandoc_host *)b)->key, 17);
}

static int
cmp_port(const void *a, const void *b)
{
	const struct pl_scandoc_port *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

/* Moves src's non-empty fields over dst's (a later record about the same port). */
static void
port_merge(struct pl_scandoc_port *dst, struct pl_scandoc_port *src)
{
	char **d[] = {&dst->service, &dst->product, &dst->version, &dst->extrainfo};
	char **s[] = {&src->service, &src->product, &src->version, &src->extrainfo};

	if (src->state[0])
		memcpy(dst->state, src->state, sizeof(dst->state));
	if (src->detected) {
		/* An identification replaces the table's name and everything with it. */
		dst->detected = 1;
		for (size_t i = 0; i < 4; i++) {
			char *t = *d[i];

			*d[i] = *s[i];
			*s[i] = t;
		}
	} else {
		for (size_t i = 0; i < 4; i++)
			if (!dst->detected && (*s[i])[0]) {
				char *t = *d[i];

				*d[i] = *s[i];
				*s[i] = t;
			}
	}
	pli_scandoc_port_clear(src);
}

static void
host_merge(struct pl_scandoc_host *dst, struct pl_scandoc_host *src)
{
	/* dst has room: caller reserved it. */
	memcpy(dst->ports + dst->n_ports, src->ports, src->n_ports * sizeof(*src->ports));
	dst->n_ports += src->n_ports;
	if (!dst->hostname[0] && src->hostname[0]) {
		char *t = dst->hostname;

		dst->hostname = src->hostname;
		src->hostname = t;
	}
	free(src->ports);
	free_str(src->hostname);
}

static enum pl_rc
host_sort_ports(struct pl_scandoc_host *h, struct pl_err *err)
{
	size_t w = 0;

	if (sort_array(h->ports, h->n_ports, sizeof(*h->ports), cmp_port, err) != PL_OK)
		return PL_ERR_NOMEM;
	for (size_t i = 0; i < h->n_ports; i++) {
		if (w && cmp_port(&h->ports[w - 1], &h->ports[i]) == 0) {
			port_merge(&h->ports[w - 1], &h->ports[i]);
			continue;
		}
		h->ports[w++] = h->ports[i];
	}
	h->n_ports = w;
	return PL_OK;
}

enum pl_rc
pl_scandoc_finish(struct pl_scandoc *doc, struct pl_err *err)
{
	size_t w = 0;

	if (doc->sorted)
		return PL_OK;
	/* the index holds positions, which the sort changes: rebuilt if hosts are added */
	free(doc->slots);
	doc->slots = NULL;
	doc->n_slots = 0;
	if (sort_array(doc->hosts, doc->n_hosts, sizeof(*doc->hosts), cmp_host, err) != PL_OK)
		return PL_ERR_NOMEM;
	for (size_t i = 0; i < doc->n_hosts; i++) {
		struct pl_scandoc_host *h = &doc->hosts[i];

		if (w && cmp_host(&doc->hosts[w - 1], h) == 0) {
			struct pl_scandoc_host *d = &doc->hosts[w - 1];
			size_t need = d->n_ports + h->n_ports;

			/* geometric: a host listed apart a million times is not copied each time */
			if (PLI_ARRAY_RESERVE(d->ports, d->cap_ports, need, 8) != PL_OK) {
				/* Keep the doc consistent for pl_scandoc_cleanup. */
				memmove(&doc->hosts[w], h,
				        (doc->n_hosts - i) * sizeof(*doc->hosts));
				doc->n_hosts = w + doc->n_hosts - i;
				return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
			}
			host_merge(d, h);
			continue;
		}
		doc->hosts[w++] = *h;
	}
	doc->n_hosts = w;
	for (size_t i = 0; i < doc->n_hosts; i++)
		if (host_sort_ports(&doc->hosts[i], err) != PL_OK)
			return PL_ERR_NOMEM;
	doc->sorted = 1;
	return PL_OK;
}

size_t
pl_scandoc_open_ports(const struct pl_scandoc *doc)
{
	size_t n = 0;

	for (size_t i = 0; i < doc->n_hosts; i++)
		for (size_t k = 0; k < doc->hosts[i].n_ports; k++)
			n += strcmp(doc->hosts[i].ports[k].state, "open") == 0;
	return n;
}

/* The first non-blank line of data (start, length). */
static const char *
first_line(const char *data, size_t len, size_t *n)
{
	size_t i = 0, e;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	for (e = i; e < len && data[e] != '\n'; e++)
		;
	*n = e - i;
	return data + i;
}

static int
has(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

enum pl_rc
pl_scandoc_parse(const char *data, size_t len, const char *source, struct pl_scandoc *doc,
                 struct pl_err *err)
{
	size_t n;
	const char *l = first_line(data, len, &n);
	enum pl_rc rc;

	/* Skip a UTF-8 byte order mark. */
	if (n >= 3 && memcmp(l, "\xef\xbb\xbf", 3) == 0) {
		l += 3;
		n -= 3;
	}
	if (n && l[0] == '<')
		rc = pl_scandoc_parse_nmap_xml(data, len, source, doc, err);
	else if (n && (l[0] == '[' || (l[0] == '{' && has(l, n, "\"ip\""))))
		rc = pl_scandoc_parse_masscan_json(data, len, source, doc, err);
	else if (n && l[0] == '{')
		rc = pl_scandoc_parse_portlens_json(data, len, source, doc, err);
	else if (n && (l[0] == '#' || (n > 5 && memcmp(l, "open ", 5) == 0)))
		rc = pl_scandoc_parse_masscan_list(data, len, source, doc, err);
	else
		return pl_err_set_at(err, PL_ERR_PARSE, source, 1, 1,
		                     "not a scan file portlens reads (nmap XML, portlens JSON "
		                     "lines, masscan JSON or list output)");
	if (rc == PL_OK)
		rc = pl_scandoc_finish(doc, err);
	return rc;
}

int
pli_scandoc_proto(const char *name)
{
	enum pl_proto p;

	return pl_proto_parse(name, &p) == PL_OK ? (int)p : -1;
}

enum pl_rc
pli_scandoc_each_line(const char *data, size_t len, const char *source, struct pl_scandoc *doc,
                      pl_scandoc_line_fn fn, void *ud, struct pl_err *err)
{
	unsigned line = 0;
	size_t off = 0;

	if (len > PL_SCANDOC_MAX_BYTES)
		return pl_err_set_at(err, PL_ERR_LIMIT, source, 0, 0, "larger than 2 GiB");
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off), *s = data + off;
		size_t n = nl ? (size_t)(nl - s) : len - off;
		enum pl_rc rc;

		line++;
		off += n + (nl != NULL);
		if (err)
			err->column = 0;
		rc = fn(s, n, doc, ud, err);
		if (rc != PL_OK) {
			if (err) {
				err->source = source;
				err->line = line;
				err->column = err->column ? err->column : 1;
			}
			return rc;
		}
	}
	return PL_OK;
}
