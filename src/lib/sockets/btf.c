// SPDX-License-Identifier: MIT
/*
 * btf.c - a minimal BTF reader: checks and indexes a type section, finds types by kind
 * and name, and finds struct members (through anonymous structs and unions) with their
 * byte offsets and sizes. owners_bpf.c uses it on /sys/kernel/btf/vmlinux to learn
 * where this kernel keeps file->f_inode, inode->i_ino and the like, so its program
 * works on any kernel layout without a compiler or libbpf at run time.
 *
 * Format (Documentation/bpf/btf.rst): a header, then a type section of variable-length
 * records (12 bytes plus a kind-specific tail whose length follows from kind and vlen),
 * then a string section. Type ids number the records from 1 in order, so one pass
 * builds an id -> offset index; names are offsets into the string section. Every read
 * is bounds-checked and done with memcpy, so arbitrary bytes (the fuzz target) are safe.
 */
#include <stdlib.h>
#include <string.h>

#include "sockets/btf_impl.h"

#define BTF_MAGIC      0xeB9Fu
#define BTF_HEADER_LEN 24u
#define BTF_TYPE_LEN   12u
#define BTF_MAX_HOPS   32 /* typedef/qualifier chains and anonymous member nesting */
/* Members looked at per lookup: anonymous members may name the same struct many times
 * over, and without a bound a crafted blob makes the search exponential. */
#define BTF_MAX_VISITS 200000

enum btf_kind {
	KIND_INT = 1,
	KIND_PTR = 2,
	KIND_ARRAY = 3,
	KIND_ENUM = 6,
	KIND_TYPEDEF = 8,
	KIND_VOLATILE = 9,
	KIND_CONST = 10,
	KIND_RESTRICT = 11,
	KIND_FUNC_PROTO = 13,
	KIND_VAR = 14,
	KIND_DATASEC = 15,
	KIND_DECL_TAG = 17,
	KIND_TYPE_TAG = 18,
	KIND_ENUM64 = 19,
	KIND_MAX = 19,
};

struct btf_type {
	uint32_t name_off;
	uint32_t kind, vlen, kflag;
	uint32_t size_or_type;
	const uint8_t *tail; /* kind-specific data after the 12-byte record */
};

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void
decode(const uint8_t *p, struct btf_type *t)
{
	uint32_t info = rd32(p + 4);

	t->name_off = rd32(p);
	t->kind = (info >> 24) & 0x1f;
	t->vlen = info & 0xffff;
	t->kflag = info >> 31;
	t->size_or_type = rd32(p + 8);
	t->tail = p + BTF_TYPE_LEN;
}

/* Bytes that follow the 12-byte record of a type of this kind, or -1 if unknown. */
static int64_t
tail_len(const struct btf_type *t)
{
	switch (t->kind) {
	case KIND_INT:
	case KIND_VAR:
	case KIND_DECL_TAG:
		return 4;
	case KIND_ARRAY:
		return 12;
	case PL_BTF_STRUCT:
	case PL_BTF_UNION:
	case KIND_DATASEC:
	case KIND_ENUM64:
		return (int64_t)t->vlen * 12;
	case KIND_ENUM:
	case KIND_FUNC_PROTO:
		return (int64_t)t->vlen * 8;
	default:
		return t->kind <= KIND_MAX && t->kind != 0 ? 0 : -1;
	}
}

static const char *
name_of(const struct pl_btf *b, uint32_t off)
{
	return off < b->strs_len ? b->strs + off : "";
}

static enum pl_rc
check_header(struct pl_btf *b, const uint8_t *d, size_t len, struct pl_err *err)
{
	uint64_t hdr, toff, tlen, soff, slen;

	if (len < BTF_HEADER_LEN)
		return pl_err_set(err, PL_ERR_PARSE, "BTF: %zu bytes is shorter than its header",
		                  len);
	{
		uint16_t magic;

		memcpy(&magic, d, sizeof(magic));
		if (magic == (uint16_t)(BTF_MAGIC >> 8 | (BTF_MAGIC & 0xff) << 8))
			return pl_err_set(err, PL_ERR_PARSE,
			                  "BTF: written in the other byte order");
		if (magic != BTF_MAGIC)
			return pl_err_set(err, PL_ERR_PARSE, "BTF: bad magic 0x%04x", magic);
	}
	if (d[2] != 1)
		return pl_err_set(err, PL_ERR_PARSE, "BTF: version %u is not 1", d[2]);
	hdr = rd32(d + 4);
	toff = rd32(d + 8);
	tlen = rd32(d + 12);
	soff = rd32(d + 16);
	slen = rd32(d + 20);
	if (hdr < BTF_HEADER_LEN || hdr > len)
		return pl_err_set(err, PL_ERR_PARSE, "BTF: header length %llu out of range",
		                  (unsigned long long)hdr);
	if (hdr + toff + tlen > len || hdr + soff + slen > len)
		return pl_err_set(err, PL_ERR_PARSE, "BTF: a section runs past the %zu bytes", len);
	if (slen == 0 || d[hdr + soff + slen - 1] != '\0')
		return pl_err_set(err, PL_ERR_PARSE, "BTF: the string section is not terminated");
	b->types = d + hdr + toff;
	b->types_len = (uint32_t)tlen;
	b->strs = (const char *)d + hdr + soff;
	b->strs_len = (uint32_t)slen;
	return PL_OK;
}

enum pl_rc
pli_btf_open(struct pl_btf *b, const void *data, size_t len, struct pl_err *err)
{
	enum pl_rc rc;
	uint32_t off = 0, n = 1;

	memset(b, 0, sizeof(*b));
	if (len > UINT32_MAX)
		return pl_err_set(err, PL_ERR_PARSE, "BTF: %zu bytes is too large", len);
	rc = check_header(b, data, len, err);
	if (rc != PL_OK)
		return rc;
	/* Every record is at least 12 bytes: that bounds the number of ids. */
	b->type_off = malloc(((size_t)b->types_len / BTF_TYPE_LEN + 1) * sizeof(*b->type_off));
	if (!b->type_off)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory indexing BTF");
	b->type_off[0] = UINT32_MAX; /* void */
	while (off < b->types_len) {
		struct btf_type t;
		int64_t tail;

		if (b->types_len - off < BTF_TYPE_LEN) {
			rc = pl_err_set(err, PL_ERR_PARSE, "BTF: type %u at byte %u is truncated",
			                n, off);
			goto fail;
		}
		decode(b->types + off, &t);
		tail = tail_len(&t);
		if (tail < 0 || (uint64_t)off + BTF_TYPE_LEN + (uint64_t)tail > b->types_len) {
			rc = pl_err_set(err, PL_ERR_PARSE,
			                tail < 0 ? "BTF: type %u at byte %u has unknown kind"
			                         : "BTF: type %u at byte %u runs past the section",
			                n, off);
			goto fail;
		}
		b->type_off[n++] = off;
		off += BTF_TYPE_LEN + (uint32_t)tail;
	}
	b->n_types = n;
	return PL_OK;
fail:
	pli_btf_cleanup(b);
	return rc;
}

void
pli_btf_cleanup(struct pl_btf *b)
{
	free(b->type_off);
	b->type_off = NULL;
	b->n_types = 0;
}

void
pli_btf_find(const struct pl_btf *b, struct pl_btf_want *want, size_t n)
{
	size_t left = n;

	for (size_t w = 0; w < n; w++)
		want[w].id = 0;
	for (uint32_t id = 1; id < b->n_types && left; id++) {
		struct btf_type t;

		decode(b->types + b->type_off[id], &t);
		for (size_t w = 0; w < n; w++) {
			if (want[w].id || t.kind != (uint32_t)want[w].kind ||
			    strcmp(name_of(b, t.name_off), want[w].name) != 0)
				continue;
			want[w].id = id;
			left--;
		}
	}
}

/* Follows typedefs and qualifiers from id; 0 when the chain is broken or too long. */
static uint32_t
resolve(const struct pl_btf *b, uint32_t id, struct btf_type *t)
{
	for (int hop = 0; hop < BTF_MAX_HOPS; hop++) {
		if (id == 0 || id >= b->n_types)
			return 0;
		decode(b->types + b->type_off[id], t);
		if (t->kind != KIND_TYPEDEF && t->kind != KIND_VOLATILE && t->kind != KIND_CONST &&
		    t->kind != KIND_RESTRICT && t->kind != KIND_TYPE_TAG)
			return id;
		id = t->size_or_type;
	}
	return 0;
}

static enum pl_rc
field_of(const struct pl_btf *b, uint32_t type_id, uint32_t offset, struct pl_btf_field *out,
         const char *name, struct pl_err *err)
{
	struct btf_type t;

	if (!resolve(b, type_id, &t))
		return pl_err_set(err, PL_ERR_PARSE, "BTF: member %s has a broken type", name);
	out->offset = offset;
	out->is_pointer = t.kind == KIND_PTR;
	switch (t.kind) {
	case KIND_PTR:
		out->size = sizeof(void *);
		return PL_OK;
	case KIND_INT:
	case KIND_ENUM:
	case KIND_ENUM64:
	case PL_BTF_STRUCT:
	case PL_BTF_UNION:
		out->size = t.size_or_type;
		return PL_OK;
	default:
		return pl_err_set(err, PL_ERR_PARSE, "BTF: member %s has no fixed size", name);
	}
}

static enum pl_rc
member_in(const struct pl_btf *b, uint32_t struct_id, uint32_t base, const char *name, int depth,
          uint32_t *visits, struct pl_btf_field *out, struct pl_err *err)
{
	struct btf_type t;

	if (depth > BTF_MAX_HOPS || !resolve(b, struct_id, &t) ||
	    (t.kind != PL_BTF_STRUCT && t.kind != PL_BTF_UNION))
		return PL_ERR_NOTFOUND;
	for (uint32_t i = 0; i < t.vlen; i++) {
		if (++*visits > BTF_MAX_VISITS)
			return pl_err_set(err, PL_ERR_PARSE,
			                  "BTF: looking for member %s visited too many members",
			                  name);
		const uint8_t *m = t.tail + (size_t)i * 12;
		uint32_t m_name = rd32(m), m_type = rd32(m + 4), m_off = rd32(m + 8);
		uint32_t bits = t.kflag ? m_off & 0xffffff : m_off;
		uint32_t bitfield = t.kflag ? m_off >> 24 : 0;

		if (m_name == 0) {
			/* An anonymous struct or union: its members are the outer struct's. */
			enum pl_rc rc = bits % 8 == 0 && bitfield == 0
			                    ? member_in(b, m_type, base + bits / 8, name, depth + 1,
			                                visits, out, err)
			                    : PL_ERR_NOTFOUND;

			if (rc != PL_ERR_NOTFOUND)
				return rc;
			continue;
		}
		if (strcmp(name_of(b, m_name), name) != 0)
			continue;
		if (bits % 8 != 0 || bitfield != 0)
			return pl_err_set(err, PL_ERR_PARSE, "BTF: member %s is a bit field", name);
		return field_of(b, m_type, base + bits / 8, out, name, err);
	}
	return PL_ERR_NOTFOUND;
}

enum pl_rc
pli_btf_member(const struct pl_btf *b, uint32_t struct_id, const char *name,
               struct pl_btf_field *out, struct pl_err *err)
{
	uint32_t visits = 0;
	enum pl_rc rc = member_in(b, struct_id, 0, name, 0, &visits, out, err);

	if (rc == PL_ERR_NOTFOUND)
		return pl_err_set(err, rc, "BTF: no member %s", name);
	return rc;
}
