// SPDX-License-Identifier: MIT
/*
 * fuzz_csv.c - the IANA registry loader (RFC 4180 reader + record validation + port
 * index) on arbitrary bytes. Half the inputs get the real header prepended so the
 * fuzzer reaches record parsing quickly. Any crash, leak or UB is a bug; errors are fine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] = "Service Name,Port Number,Transport Protocol,Description,Assignee,"
                             "Contact,Registration Date,Modification Date,Reference,Service "
                             "Code,Unauthorized Use Reported,Assignment Notes\r\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_registry *reg = NULL;
	struct pl_err err = {0};
	size_t hlen = (size && (data[0] & 1)) ? sizeof(header) - 1 : 0;
	char *doc = malloc(hlen + size + 1);

	if (!doc)
		return 0;
	memcpy(doc, header, hlen);
	if (size)
		memcpy(doc + hlen, data, size);
	if (pl_registry_parse(doc, hlen + size, "fuzz.csv", &reg, &err) == PL_OK) {
		/* Every covered port must be looked up without running off the index. */
		for (size_t i = 0; i < pl_registry_count(reg); i++) {
			const struct pl_reg_entry *e = pl_registry_entry(reg, i);
			size_t n;

			if (e->has_port)
				(void)pl_registry_lookup(reg, e->port_hi, &n);
		}
		pl_registry_free(reg);
	} else if (err.msg[0] == '\0') {
		abort(); /* every failure must say what was wrong */
	}
	free(doc);
	return 0;
}
