/* SPDX-License-Identifier: MIT */
/*
 * sockets/btf_impl.h - a minimal reader for BTF, the kernel's description of its own
 * types (/sys/kernel/btf/vmlinux). The kernel-iterator owner scan (owners_bpf.c) needs
 * three things from it: the id of the function it attaches to, and the byte offsets
 * and sizes of the few struct fields its program reads. Pure functions over bytes, so
 * a unit test feeds it hand-built type sections and a fuzz target feeds it garbage.
 */
#ifndef PL_BTF_IMPL_H
#define PL_BTF_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"

/* BTF kinds this reader looks up by name (values from the BTF format). */
enum pl_btf_kind {
	PL_BTF_STRUCT = 4,
	PL_BTF_UNION = 5,
	PL_BTF_FUNC = 12,
};

/* An indexed BTF blob. Borrows the bytes it was opened on; owns the index. */
struct pl_btf {
	const uint8_t *types; /* the type section */
	uint32_t types_len;
	const char *strs; /* the string section, NUL-terminated as a whole */
	uint32_t strs_len;
	uint32_t *type_off; /* type id -> offset in types; id 0 is "void" */
	uint32_t n_types;   /* ids are 1 .. n_types - 1 */
};

/* One name to find: filled in by pli_btf_find. */
struct pl_btf_want {
	enum pl_btf_kind kind;
	const char *name;
	uint32_t id; /* out: the first type of that kind and name, 0 if none */
};

/* A struct member after pli_btf_member: where it is and how wide it is. */
struct pl_btf_field {
	uint32_t offset; /* bytes from the start of the outer struct */
	uint32_t size;   /* bytes; a pointer is 8 */
	int is_pointer;
};

/*
 * Checks the header and every type record of data (len bytes) and indexes the types.
 * Returns PL_OK, PL_ERR_PARSE (what was wrong in err), or PL_ERR_NOMEM. data must stay
 * valid and 4-byte aligned while b is used; pli_btf_cleanup releases the index.
 */
enum pl_rc pli_btf_open(struct pl_btf *b, const void *data, size_t len, struct pl_err *err);
void pli_btf_cleanup(struct pl_btf *b);

/* Looks up every entry of want (n of them) in one pass over the types. */
void pli_btf_find(const struct pl_btf *b, struct pl_btf_want *want, size_t n);

/*
 * Finds member name of the struct or union struct_id, also inside anonymous struct and
 * union members (as C lets code name them). Typedefs and qualifiers of the member's
 * type are looked through. Returns PL_OK, PL_ERR_NOTFOUND, or PL_ERR_PARSE when the
 * member is a bit field or its type has no fixed size.
 */
enum pl_rc pli_btf_member(const struct pl_btf *b, uint32_t struct_id, const char *name,
                          struct pl_btf_field *out, struct pl_err *err);

#endif
