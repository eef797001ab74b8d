// SPDX-License-Identifier: MIT
/*
 * targets.c - scan targets: the pure spec parser (addresses, CIDR, IPv4 octet ranges,
 * host names) and the target set that maps a target index to an address.
 *
 * A target set is a list of blocks, each an address range (base + count) or an IPv4
 * octet-range product, with the running total of addresses before each block. Index i
 * maps to its block by binary search over those totals, then to an address by adding to
 * the base (ranges) or by mixed-radix digits (octet products, last octet fastest). Memory
 * is one small record per spec whatever the number of addresses, which is what keeps a
 * /8 scan as light as a /24. Exclusions are blocks too, tested per address.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "portlens/addr.h"
#include "portlens/scan.h"
#include "core/strnum.h"
#include "core/array.h"

/*
 * Specs per list (targets, exclusions): a bound on memory (about 64 MiB of blocks) for
 * inputs like `yes 198.18.0.1 | portlens scan -iL -`. Exclusions are also tested per
 * probe, so a long exclusion list is slow long before this.
 */
#define TARGETS_MAX_SPECS (1u << 20)

struct tblock {
	struct pl_target_spec spec;
	uint64_t start; /* index of the block's first address in the set */
	char *name;     /* host name the block was resolved from, or NULL */
};

struct blist {
	struct tblock *v;
	size_t n, cap;
};

struct pl_targets {
	struct blist in, ex;
	uint64_t total;
	struct pl_bcast *bcast; /* this machine's broadcast addresses (never probed) */
	size_t n_bcast;
};

static int
is_octet_pattern(const char *s)
{
	int dots = 0;

	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '*'))
			return 0;
	}
	return dots == 3;
}

/* One octet of a pattern: "N", "N-M", "N-", "-M", "*". */
static enum pl_rc
parse_octet(const char *s, size_t n, uint8_t *lo, uint8_t *hi, struct pl_err *err)
{
	const char *dash = memchr(s, '-', n);
	uint64_t a = 0, b = 255;

	if (n == 1 && s[0] == '*') {
		*lo = 0;
		*hi = 255;
		return PL_OK;
	}
	if (!dash) {
		if (pli_parse_u64n(s, n, 0, 255, &a, err) != PL_OK)
			return PL_ERR_PARSE;
		*lo = *hi = (uint8_t)a;
		return PL_OK;
	}
	if (dash > s && pli_parse_u64n(s, (size_t)(dash - s), 0, 255, &a, err) != PL_OK)
		return PL_ERR_PARSE;
	if ((size_t)(dash - s) + 1 < n &&
	    pli_parse_u64n(dash + 1, n - (size_t)(dash - s) - 1, 0, 255, &b, err) != PL_OK)
		return PL_ERR_PARSE;
	if (a > b)
		return pl_err_set(err, PL_ERR_PARSE, "octet range %llu-%llu is reversed",
		                  (unsigned long long)a, (unsigned long long)b);
	*lo = (uint8_t)a;
	*hi = (uint8_t)b;
	return PL_OK;
}

static enum pl_rc
parse_octets(const char *s, struct pl_target_spec *out, struct pl_err *err)
{
	const char *p = s;
	uint64_t count = 1;
	int single = 1;
	struct pl_err why = {0};

	for (int i = 0; i < 4; i++) {
		const char *end = strchr(p, '.');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0)
			return pl_err_set(err, PL_ERR_PARSE, "empty octet in '%s'", s);
		/* The octet's reason goes to a local err: formatting err->msg into err itself
		 * would read the buffer being written. */
		if (parse_octet(p, n, &out->oct_lo[i], &out->oct_hi[i], &why) != PL_OK)
			return pl_err_set(err, PL_ERR_PARSE, "bad target '%s': octet %d: %s", s,
			                  i + 1, why.msg[0] ? why.msg : "not a number 0-255");
		count *= (uint64_t)(out->oct_hi[i] - out->oct_lo[i]) + 1;
		single &= out->oct_lo[i] == out->oct_hi[i];
		p = end ? end + 1 : p + n;
	}
	out->base.family = 4;
	memcpy(out->base.bytes, out->oct_lo, 4);
	out->count = count;
	out->kind = single ? PL_TARGET_RANGE : PL_TARGET_OCTETS;
	return PL_OK;
}

static int
is_host_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_'))
			return 0;
	return 1;
}

static enum pl_rc
parse_cidr(const char *s, const char *slash, struct pl_target_spec *out, struct pl_err *err)
{
	size_t n = (size_t)(slash - s);
	int v6 = memchr(s, ':', n) != NULL;
	unsigned bits = v6 ? 128 : 32;
	uint64_t prefix;
	struct pl_addr a;

	if (n == 0 || n >= 64)
		return pl_err_set(err, PL_ERR_PARSE, "bad address in '%s'", s);
	if (pli_parse_u64(slash + 1, 0, bits, &prefix, err) != PL_OK)
		return pl_err_set(err, PL_ERR_PARSE, "bad prefix length in '%s' (0-%u)", s, bits);
	if (pl_addr_parse_ip(s, n, &a) != 0 || a.family != (v6 ? 6 : 4))
		return pl_err_set(err, PL_ERR_PARSE, "'%.*s' is not an IPv%d address", (int)n, s,
		                  v6 ? 6 : 4);
	memcpy(out->base.bytes, a.bytes, sizeof(out->base.bytes));
	if (v6 && prefix < 96)
		return pl_err_set(err, PL_ERR_PARSE,
		                  "IPv6 prefix /%llu is too wide to sweep (use /96 or longer)",
		                  (unsigned long long)prefix);
	out->base.family = v6 ? 6 : 4;
	/* Clear host bits. */
	for (unsigned b = (unsigned)prefix; b < bits; b++)
		out->base.bytes[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
	out->count = (uint64_t)1 << (bits - prefix);
	out->kind = PL_TARGET_RANGE;
	return PL_OK;
}

enum pl_rc
pl_target_spec_parse(const char *s, struct pl_target_spec *out, struct pl_err *err)
{
	const char *slash = strchr(s, '/');

	memset(out, 0, sizeof(*out));
	if (!*s)
		return pl_err_set(err, PL_ERR_PARSE, "empty target");
	if (slash)
		return parse_cidr(s, slash, out, err);
	if (strchr(s, ':')) {
		struct pl_addr a;

		if (pl_addr_parse_ip(s, strlen(s), &a) != 0 || a.family != 6)
			return pl_err_set(err, PL_ERR_PARSE, "'%s' is not an IPv6 address", s);
		memcpy(out->base.bytes, a.bytes, sizeof(out->base.bytes));
		out->base.family = 6;
		out->count = 1;
		return PL_OK;
	}
	if (is_octet_pattern(s))
		return parse_octets(s, out, err);
	if (is_host_name(s) && strspn(s, "0123456789.") != strlen(s)) {
		out->kind = PL_TARGET_NAME;
		return PL_OK;
	}
	return pl_err_set(err, PL_ERR_PARSE, "'%s' is not an address, range or host name", s);
}

/* ---- address arithmetic ---- */

static uint32_t
v4_u32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* out = base + i (i < 2^64; IPv6 carries into the upper bytes). */
static void
addr_add(const struct pl_scan_addr *base, uint64_t i, struct pl_scan_addr *out)
{
	unsigned len = base->family == 4 ? 4 : 16;
	unsigned carry = 0;

	*out = *base;
	for (int k = (int)len - 1; k >= 0 && (i || carry); k--) {
		unsigned v = out->bytes[k] + (unsigned)(i & 0xff) + carry;

		out->bytes[k] = (uint8_t)v;
		carry = v >> 8;
		i >>= 8;
	}
}

static void
block_addr(const struct pl_target_spec *sp, uint64_t i, struct pl_scan_addr *out)
{
	if (sp->kind != PL_TARGET_OCTETS) {
		addr_add(&sp->base, i, out);
		return;
	}
	out->family = 4;
	memset(out->bytes, 0, sizeof(out->bytes));
	for (int k = 3; k >= 0; k--) {
		uint64_t radix = (uint64_t)(sp->oct_hi[k] - sp->oct_lo[k]) + 1;

		out->bytes[k] = (uint8_t)(sp->oct_lo[k] + i % radix);
		i /= radix;
	}
}

/* Is a inside block sp? */
static int
block_contains(const struct pl_target_spec *sp, const struct pl_scan_addr *a)
{
	struct pl_scan_addr last;

	if (sp->base.family != a->family)
		return 0;
	if (sp->kind == PL_TARGET_OCTETS) {
		for (int k = 0; k < 4; k++)
			if (a->bytes[k] < sp->oct_lo[k] || a->bytes[k] > sp->oct_hi[k])
				return 0;
		return 1;
	}
	if (a->family == 4) {
		uint32_t v = v4_u32(a->bytes), lo = v4_u32(sp->base.bytes);

		return v >= lo && (uint64_t)(v - lo) < sp->count;
	}
	addr_add(&sp->base, sp->count - 1, &last);
	return memcmp(a->bytes, sp->base.bytes, 16) >= 0 && memcmp(a->bytes, last.bytes, 16) <= 0;
}

const char *
pl_scan_addr_str(const struct pl_scan_addr *a, char *buf, size_t size)
{
	struct pl_addr at = pl_addr_make(a->family == 4 ? 4 : 6, a->bytes, 0);

	if (size > 0 && !*pl_addr_ip_str(&at, buf, size))
		snprintf(buf, size, "?");
	return buf;
}

static enum pl_addr_class
v4_class(const uint8_t *b)
{
	uint32_t v = v4_u32(b);

	if ((v >> 28) == 0xe)
		return PL_ADDR_MULTICAST;
	if (v == 0xffffffffu)
		return PL_ADDR_BROADCAST;
	if ((v >> 24) == 0)
		return PL_ADDR_UNSPECIFIED;
	return PL_ADDR_OK;
}

/*
 * IPv6 forms that carry an IPv4 address to an IPv4 destination: IPv4-mapped
 * ::ffff:a.b.c.d (a dual-stack socket sends it as IPv4) and the NAT64 well-known
 * prefix 64:ff9b::/96 (RFC 6052; a translator sends it as IPv4). Both are judged by
 * the IPv4 address inside, so ::ffff:255.255.255.255 is the limited broadcast.
 */
static const uint8_t *
embedded_v4(const uint8_t *b)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};

	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return b + 12;
	return NULL;
}

enum pl_addr_class
pl_scan_addr_class(const struct pl_scan_addr *a)
{
	static const uint8_t zero[16];
	const uint8_t *v4;

	if (a->family == 4)
		return v4_class(a->bytes);
	if ((v4 = embedded_v4(a->bytes)) != NULL)
		return v4_class(v4);
	if (a->bytes[0] == 0xff)
		return PL_ADDR_MULTICAST;
	if (memcmp(a->bytes, zero, 16) == 0)
		return PL_ADDR_UNSPECIFIED;
	return PL_ADDR_OK;
}

/* ---- the set ---- */

struct pl_targets *
pl_targets_new(void)
{
	return calloc(1, sizeof(struct pl_targets));
}

static void
blist_free(struct blist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
}

void
pl_targets_free(struct pl_targets *ts)
{
	if (!ts)
		return;
	blist_free(&ts->in);
	blist_free(&ts->ex);
	free(ts->bcast);
	free(ts);
}

static enum pl_rc
blist_push(struct blist *l, const struct pl_target_spec *sp, const char *name, uint64_t start)
{
	struct tblock *b;

	if (l->n >= TARGETS_MAX_SPECS)
		return PL_ERR_LIMIT;
	if (PLI_ARRAY_RESERVE(l->v, l->cap, l->n + 1, 16) != PL_OK)
		return PL_ERR_NOMEM;
	b = &l->v[l->n];
	b->spec = *sp;
	b->start = start;
	b->name = NULL;
	if (name && !(b->name = strdup(name)))
		return PL_ERR_NOMEM;
	l->n++;
	return PL_OK;
}

static enum pl_rc
resolve(const char *name, int v6, struct pl_target_spec *sp, struct pl_err *err)
{
	struct addrinfo hints = {.ai_family = v6 ? AF_INET6 : AF_INET, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(name, NULL, &hints, &res);
	struct pl_addr a;

	if (rc != 0 || !res)
		return pl_err_set(err, PL_ERR_NOTFOUND, "cannot resolve '%s': %s", name,
		                  gai_strerror(rc));
	memset(sp, 0, sizeof(*sp));
	sp->kind = PL_TARGET_RANGE;
	sp->count = 1;
	pl_addr_from_sockaddr(res->ai_addr, res->ai_addrlen, &a);
	sp->base.family = a.family;
	memcpy(sp->base.bytes, a.bytes, sizeof(sp->base.bytes));
	freeaddrinfo(res);
	return PL_OK;
}

enum pl_rc
pl_targets_add_spec(struct pl_targets *ts, const char *spec, int exclude, int resolve_v6,
                    struct pl_err *err)
{
	struct pl_target_spec sp;
	const char *name = NULL;
	enum pl_rc rc;

	rc = pl_target_spec_parse(spec, &sp, err);
	if (rc != PL_OK)
		return rc;
	if (sp.kind == PL_TARGET_NAME) {
		rc = resolve(spec, resolve_v6, &sp, err);
		if (rc != PL_OK)
			return rc;
		name = spec;
	}
	if (exclude)
		rc = blist_push(&ts->ex, &sp, name, 0);
	else if (ts->total + sp.count < ts->total || ts->total + sp.count > ((uint64_t)1 << 48))
		return pl_err_set(err, PL_ERR_LIMIT, "too many target addresses (limit 2^48)");
	else if ((rc = blist_push(&ts->in, &sp, name, ts->total)) == PL_OK)
		ts->total += sp.count;
	if (rc == PL_ERR_NOMEM)
		return pl_err_set(err, rc, "out of memory");
	if (rc == PL_ERR_LIMIT)
		return pl_err_set(err, rc, "more than %u target specs%s", TARGETS_MAX_SPECS,
		                  exclude ? " to exclude" : "");
	return rc;
}

enum pl_rc
pl_targets_add_list(struct pl_targets *ts, const char *data, size_t len, const char *source,
                    int exclude, int resolve_v6, struct pl_err *err)
{
	unsigned line = 1;
	size_t i = 0;

	while (i < len) {
		char word[300];
		size_t start, n;
		enum pl_rc rc;

		if (data[i] == '\n')
			line++;
		if (data[i] == '#') {
			while (i < len && data[i] != '\n')
				i++;
			continue;
		}
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n' ||
		    data[i] == ',') {
			i++;
			continue;
		}
		start = i;
		while (i < len && !strchr(" \t\r\n,#", data[i]) && data[i] != '\0')
			i++;
		n = i - start;
		if (n >= sizeof(word) || (i < len && data[i] == '\0'))
			return pl_err_set_at(err, PL_ERR_PARSE, source, line, 0,
			                     "target too long or NUL byte");
		memcpy(word, data + start, n);
		word[n] = '\0';
		rc = pl_targets_add_spec(ts, word, exclude, resolve_v6, err);
		if (rc != PL_OK) {
			if (err) {
				err->source = source;
				err->line = line;
			}
			return rc;
		}
	}
	return PL_OK;
}

uint64_t
pl_targets_count(const struct pl_targets *ts)
{
	return ts->total;
}

static const struct tblock *
find_block(const struct pl_targets *ts, uint64_t i)
{
	size_t lo = 0, hi = ts->in.n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ts->in.v[mid].start <= i)
			lo = mid;
		else
			hi = mid;
	}
	return &ts->in.v[lo];
}

static const struct pl_bcast *
local_broadcast(const struct pl_targets *ts, const struct pl_scan_addr *a)
{
	if (a->family != 4)
		return NULL;
	for (size_t k = 0; k < ts->n_bcast; k++)
		if (memcmp(ts->bcast[k].addr.bytes, a->bytes, 4) == 0)
			return &ts->bcast[k];
	return NULL;
}

enum pl_rc
pl_targets_set_broadcasts(struct pl_targets *ts, const struct pl_bcast_list *l)
{
	struct pl_bcast *v = l->n ? malloc(l->n * sizeof(*v)) : NULL;

	if (l->n && !v)
		return PL_ERR_NOMEM;
	if (l->n)
		memcpy(v, l->v, l->n * sizeof(*v));
	free(ts->bcast);
	ts->bcast = v;
	ts->n_bcast = l->n;
	return PL_OK;
}

const char *
pl_targets_skip_reason(const struct pl_targets *ts, const struct pl_scan_addr *a, int cls,
                       char *buf, size_t size)
{
	struct pl_scan_addr v4 = *a;
	const uint8_t *inner = a->family == 6 ? embedded_v4(a->bytes) : NULL;
	const struct pl_bcast *b;

	if (inner) {
		v4.family = 4;
		memcpy(v4.bytes, inner, 4);
	}
	switch (cls) {
	case PL_ADDR_MULTICAST:
		snprintf(buf, size, "multicast");
		break;
	case PL_ADDR_UNSPECIFIED:
		snprintf(buf, size, "%s",
		         v4.family == 4 ? "0.0.0.0/8, this network" : "unspecified");
		break;
	case PL_ADDR_BROADCAST:
		if ((b = local_broadcast(ts, &v4)) != NULL)
			snprintf(buf, size, "broadcast address of %s", b->ifname);
		else
			snprintf(buf, size, "limited broadcast");
		break;
	default:
		snprintf(buf, size, "excluded");
		break;
	}
	return buf;
}

int
pl_targets_at(const struct pl_targets *ts, uint64_t i, struct pl_scan_addr *out)
{
	const struct tblock *b;
	struct pl_scan_addr as_v4 = {0};
	const uint8_t *v4;
	enum pl_addr_class c;

	if (i >= ts->total)
		return -1;
	b = find_block(ts, i);
	block_addr(&b->spec, i - b->start, out);
	c = pl_scan_addr_class(out);
	if (c != PL_ADDR_OK)
		return (int)c;
	if (out->family == 6 && (v4 = embedded_v4(out->bytes)) != NULL) {
		as_v4.family = 4;
		memcpy(as_v4.bytes, v4, 4); /* --exclude 198.18.0.1 also covers ::ffff:198.18.0.1 */
	}
	if (local_broadcast(ts, out->family == 4 ? out : &as_v4))
		return PL_ADDR_BROADCAST;
	for (size_t k = 0; k < ts->ex.n; k++)
		if (block_contains(&ts->ex.v[k].spec, out) ||
		    (as_v4.family && block_contains(&ts->ex.v[k].spec, &as_v4)))
			return -1;
	return PL_ADDR_OK;
}

const char *
pl_targets_name_at(const struct pl_targets *ts, uint64_t i)
{
	if (i >= ts->total)
		return NULL;
	return find_block(ts, i)->name;
}
