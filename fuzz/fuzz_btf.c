// SPDX-License-Identifier: MIT
/*
 * fuzz_btf.c - the BTF reader (btf.c) on arbitrary bytes, copied to an aligned buffer as
 * the kernel's file would be mapped: open, look up the names the kernel iterator needs,
 * and look up members of the first types found. Parse errors are fine; any crash, leak,
 * hang or UB is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockets/btf_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const members[] = {"f_inode", "i_mode", "i_ino", "tgid", "seq", "x"};
	struct pl_btf_want want[] = {
	    {PL_BTF_FUNC, "bpf_iter_task_file", 0},
	    {PL_BTF_STRUCT, "file", 0},
	    {PL_BTF_STRUCT, "inode", 0},
	    {PL_BTF_UNION, "u", 0},
	};
	struct pl_btf btf;
	struct pl_btf_field f;
	uint64_t *buf = malloc(size / 8 * 8 + 8);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (pli_btf_open(&btf, buf, size, NULL) == PL_OK) {
		pli_btf_find(&btf, want, sizeof(want) / sizeof(want[0]));
		for (uint32_t id = 0; id < btf.n_types && id < 64; id++)
			for (size_t m = 0; m < sizeof(members) / sizeof(members[0]); m++)
				(void)pli_btf_member(&btf, id, members[m], &f, NULL);
		pli_btf_cleanup(&btf);
	}
	free(buf);
	return 0;
}
