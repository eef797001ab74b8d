// SPDX-License-Identifier: MIT
/*
 * fuzz_kb.c - the knowledge file parser/validator on arbitrary bytes; a parse that
 * succeeds must produce entries that satisfy the format's invariants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/knowledge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_kb *kb = pl_kb_new();
	struct pl_err err = {0};

	if (!kb)
		return 0;
	if (pl_kb_parse(kb, (const char *)data, size, "fuzz.kb", &err) == PL_OK &&
	    pl_kb_finish(kb, &err) == PL_OK) {
		for (size_t i = 0; i < pl_kb_count(kb); i++) {
			const struct pl_kb_entry *e = pl_kb_entry(kb, i);

			if (e->n_sources < 1 || e->port_lo > e->port_hi || strlen(e->title) > 100 ||
			    strlen(e->text) > 1000 || e->kind >= PL_KB_KIND_COUNT)
				abort();
		}
	} else if (err.msg[0] == '\0') {
		abort();
	}
	pl_kb_free(kb);
	return 0;
}
