// SPDX-License-Identifier: MIT
/*
 * test_btf.c - the BTF reader (src/lib/sockets/btf.c) on hand-built type sections:
 * lookups by kind and name, members inside anonymous unions and behind typedefs, bit
 * fields and broken type chains refused, and malformed blobs (truncated, bad magic,
 * sections past the end, unknown kinds) rejected with a message saying what was wrong.
 * Then the running kernel's own BTF, when it has one: the fields the kernel iterator
 * reads must be found there with the widths it loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "sockets/btf_impl.h"

/* A BTF blob under construction: header, type section, string section. */
struct blob {
	uint8_t types[8192];
	uint32_t tlen;
	char strs[512];
	uint32_t slen;
	uint8_t out[12288] __attribute__((aligned(8)));
	uint32_t len;
};

static uint32_t
add_str(struct blob *b, const char *s)
{
	uint32_t off = b->slen;

	if (!*s)
		return 0;
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += (uint32_t)strlen(s) + 1;
	return off;
}

static void
put32(struct blob *b, uint32_t v)
{
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

static void
add_type(struct blob *b, const char *name, uint32_t kind, uint32_t vlen, uint32_t kflag,
         uint32_t size_or_type)
{
	put32(b, add_str(b, name));
	put32(b, kflag << 31 | kind << 24 | vlen);
	put32(b, size_or_type);
}

static void
add_member(struct blob *b, const char *name, uint32_t type, uint32_t offset)
{
	put32(b, add_str(b, name));
	put32(b, type);
	put32(b, offset);
}

/* Lays out header + types + strings into b->out. */
static void
finish(struct blob *b)
{
	uint16_t magic = 0xeB9F;
	uint32_t h[5] = {24, 0, b->tlen, b->tlen, b->slen};

	memcpy(b->out, &magic, 2);
	b->out[2] = 1;
	b->out[3] = 0;
	memcpy(b->out + 4, h, sizeof(h));
	memcpy(b->out + 24, b->types, b->tlen);
	memcpy(b->out + 24 + b->tlen, b->strs, b->slen);
	b->len = 24 + b->tlen + b->slen;
}

enum {
	ID_UINT = 1,
	ID_USHORT,
	ID_ULONG,
	ID_UMODE,
	ID_INODE,
	ID_INODE_PTR,
	ID_ANON_UNION,
	ID_FILE,
	ID_PROTO,
	ID_FUNC,
	ID_BITS,
	ID_LOOP_A,
	ID_LOOP_B,
	ID_LOOPY,
};

/* A kernel-like miniature: struct file { unsigned f_flags; union { struct inode *f_inode;
 * unsigned other; }; }, struct inode { umode_t i_mode; ... unsigned long i_ino; }, a
 * FUNC, a struct with a bit field, and a typedef/const cycle. */
static void
build_sample(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->strs[0] = '\0';
	b->slen = 1;
	add_type(b, "unsigned int", 1, 0, 0, 4);
	put32(b, 32);
	add_type(b, "short unsigned int", 1, 0, 0, 2);
	put32(b, 16);
	add_type(b, "long unsigned int", 1, 0, 0, 8);
	put32(b, 64);
	add_type(b, "umode_t", 8, 0, 0, ID_USHORT);
	add_type(b, "inode", 4, 2, 0, 128);
	add_member(b, "i_mode", ID_UMODE, 0);
	add_member(b, "i_ino", ID_ULONG, 64 * 8);
	add_type(b, "", 2, 0, 0, ID_INODE);
	add_type(b, "", 5, 2, 0, 8);
	add_member(b, "f_inode", ID_INODE_PTR, 0);
	add_member(b, "f_other", ID_UINT, 0);
	add_type(b, "file", 4, 2, 0, 64);
	add_member(b, "f_flags", ID_UINT, 0);
	add_member(b, "", ID_ANON_UNION, 32 * 8);
	add_type(b, "", 13, 0, 0, 0);
	add_type(b, "bpf_iter_task_file", 12, 0, 0, ID_PROTO);
	add_type(b, "bits", 4, 1, 1, 4);
	add_member(b, "b", ID_UINT, 3u << 24 | 5);
	add_type(b, "", 10, 0, 0, ID_LOOP_B);
	add_type(b, "loop_t", 8, 0, 0, ID_LOOP_A);
	add_type(b, "loopy", 4, 1, 0, 8);
	add_member(b, "x", ID_LOOP_A, 0);
	finish(b);
}

static void
test_find_and_members(void **state)
{
	struct blob b;
	struct pl_btf btf;
	struct pl_btf_field f;
	struct pl_err err = {0};
	struct pl_btf_want want[] = {
	    {PL_BTF_FUNC, "bpf_iter_task_file", 9},
	    {PL_BTF_STRUCT, "file", 9},
	    {PL_BTF_STRUCT, "inode", 9},
	    {PL_BTF_FUNC, "inode", 9},
	    {PL_BTF_STRUCT, "task_struct", 9},
	};

	(void)state;
	build_sample(&b);
	assert_int_equal(pli_btf_open(&btf, b.out, b.len, &err), PL_OK);
	assert_int_equal(btf.n_types, ID_LOOPY + 1);
	pli_btf_find(&btf, want, 5);
	assert_int_equal(want[0].id, ID_FUNC);
	assert_int_equal(want[1].id, ID_FILE);
	assert_int_equal(want[2].id, ID_INODE);
	assert_int_equal(want[3].id, 0); /* right name, wrong kind */
	assert_int_equal(want[4].id, 0);

	/* Inside an anonymous union at byte 32: a pointer. */
	assert_int_equal(pli_btf_member(&btf, ID_FILE, "f_inode", &f, &err), PL_OK);
	assert_int_equal(f.offset, 32);
	assert_int_equal(f.size, sizeof(void *));
	assert_true(f.is_pointer);
	assert_int_equal(pli_btf_member(&btf, ID_FILE, "f_flags", &f, &err), PL_OK);
	assert_int_equal(f.offset, 0);
	assert_int_equal(f.size, 4);
	assert_false(f.is_pointer);
	/* Behind a typedef: the typedef's target decides the width. */
	assert_int_equal(pli_btf_member(&btf, ID_INODE, "i_mode", &f, &err), PL_OK);
	assert_int_equal(f.offset, 0);
	assert_int_equal(f.size, 2);
	assert_int_equal(pli_btf_member(&btf, ID_INODE, "i_ino", &f, &err), PL_OK);
	assert_int_equal(f.offset, 64);
	assert_int_equal(f.size, 8);

	assert_int_equal(pli_btf_member(&btf, ID_INODE, "i_size", &f, &err), PL_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "no member i_size"));
	assert_int_equal(pli_btf_member(&btf, ID_BITS, "b", &f, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "bit field"));
	assert_int_equal(pli_btf_member(&btf, ID_LOOPY, "x", &f, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "broken type"));
	/* Not a struct, or no such id: nothing found, no crash. */
	assert_int_equal(pli_btf_member(&btf, ID_UINT, "x", &f, &err), PL_ERR_NOTFOUND);
	assert_int_equal(pli_btf_member(&btf, 9999, "x", &f, &err), PL_ERR_NOTFOUND);
	pli_btf_cleanup(&btf);
}

static void
expect_parse_error(const void *data, size_t len, const char *words)
{
	struct pl_btf btf;
	struct pl_err err = {0};

	assert_int_equal(pli_btf_open(&btf, data, len, &err), PL_ERR_PARSE);
	if (!strstr(err.msg, words))
		fail_msg("error '%s' does not say '%s'", err.msg, words);
	assert_null(btf.type_off);
}

static void
test_malformed(void **state)
{
	struct blob b;
	uint32_t v;

	(void)state;
	build_sample(&b);
	expect_parse_error(b.out, 10, "shorter than its header");
	b.out[0] ^= 0xff;
	expect_parse_error(b.out, b.len, "bad magic");
	b.out[0] ^= 0xff;
	{
		uint8_t swapped[32];

		memcpy(swapped, b.out, sizeof(swapped));
		swapped[0] = b.out[1];
		swapped[1] = b.out[0];
		expect_parse_error(swapped, sizeof(swapped), "other byte order");
	}
	b.out[2] = 2;
	expect_parse_error(b.out, b.len, "version 2");
	b.out[2] = 1;
	/* The blob cut short: the string section runs past the end. */
	expect_parse_error(b.out, b.len - 1, "past the");
	/* The string section not NUL-terminated. */
	b.out[b.len - 1] = 'x';
	expect_parse_error(b.out, b.len, "not terminated");
	b.out[b.len - 1] = '\0';
	/* The first type's kind made unknown (31). */
	memcpy(&v, b.out + 24 + 4, 4);
	v = (v & 0x00ffffffu) | 31u << 24;
	memcpy(b.out + 24 + 4, &v, 4);
	expect_parse_error(b.out, b.len, "unknown kind");
	/* A struct whose member count runs past the type section. */
	build_sample(&b);
	{
		uint32_t off = 3 * 16 + 12; /* three INTs (16 bytes each), the typedef (12) */

		memcpy(&v, b.out + 24 + off + 4, 4);
		v = (v & 0xffff0000u) | 0xffffu;
		memcpy(b.out + 24 + off + 4, &v, 4);
	}
	expect_parse_error(b.out, b.len, "runs past the section");
}

/* A struct made of 300 anonymous members that are itself: without a bound on the members
 * visited, looking up a missing name would take 300^32 steps. */
static void
build_fanout(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1;
	add_type(b, "unsigned int", 1, 0, 0, 4);
	put32(b, 32);
	add_type(b, "fan", 4, 300, 0, 4);
	for (int i = 0; i < 300; i++)
		add_member(b, "", 2, 0);
	finish(b);
}

static void
test_fanout_bounded(void **state)
{
	struct blob b;
	struct pl_btf btf;
	struct pl_btf_field f;
	struct pl_err err = {0};

	(void)state;
	build_fanout(&b);
	assert_int_equal(pli_btf_open(&btf, b.out, b.len, &err), PL_OK);
	assert_int_equal(pli_btf_member(&btf, 2, "missing", &f, &err), PL_ERR_PARSE);
	assert_non_null(strstr(err.msg, "too many members"));
	pli_btf_cleanup(&btf);
}

static void
test_kernel_btf(void **state)
{
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;
	struct pl_btf btf;
	struct pl_btf_field fld;
	struct pl_err err = {0};
	struct pl_btf_want want[] = {{PL_BTF_STRUCT, "file", 0},
	                             {PL_BTF_STRUCT, "inode", 0},
	                             {PL_BTF_FUNC, "bpf_iter_task_file", 0}};

	(void)state;
	if (!f) {
		skip(); /* a kernel built without BTF: nothing to check here */
		return;
	}
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			data = realloc(data, cap);
			assert_non_null(data);
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	assert_int_equal(pli_btf_open(&btf, data, len, &err), PL_OK);
	assert_true(btf.n_types > 1000);
	pli_btf_find(&btf, want, 3);
	assert_true(want[0].id && want[1].id);
	assert_int_equal(pli_btf_member(&btf, want[0].id, "f_inode", &fld, &err), PL_OK);
	assert_true(fld.is_pointer);
	assert_int_equal(pli_btf_member(&btf, want[1].id, "i_mode", &fld, &err), PL_OK);
	assert_int_equal(fld.size, 2);
	assert_int_equal(pli_btf_member(&btf, want[1].id, "i_ino", &fld, &err), PL_OK);
	assert_int_equal(fld.size, sizeof(unsigned long));
	pli_btf_cleanup(&btf);
	free(data);
}

UNIT_MAIN(cmocka_unit_test(test_find_and_members), cmocka_unit_test(test_malformed),
          cmocka_unit_test(test_fanout_bounded), cmocka_unit_test(test_kernel_btf))
