// SPDX-License-Identifier: MIT
/*
 * fuzz_scandoc.c - the scan-file parsers behind `portlens diff` and `portlens import`
 * (pl_scandoc_parse: nmap XML, portlens JSON lines, masscan JSON and list output) on
 * arbitrary bytes, then the parsed scan compared with itself (must be the same) and
 * with an empty scan. Parse errors are fine; a crash, leak, UB or a scan that differs
 * from itself is a bug.
 */
#include <stdint.h>
#include <stdlib.h>

#include "portlens/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_scandoc doc, empty;
	struct pl_diff d;

	pl_scandoc_init(&doc);
	pl_scandoc_init(&empty);
	if (pl_scandoc_parse((const char *)data, size, "<fuzz>", &doc, NULL) == PL_OK &&
	    pl_scandoc_finish(&empty, NULL) == PL_OK) {
		if (pl_scandoc_diff(&doc, &doc, &d, NULL) == PL_OK) {
			if (d.n != 0)
				abort();
			pl_diff_cleanup(&d);
		}
		if (pl_scandoc_diff(&doc, &empty, &d, NULL) == PL_OK) {
			if (d.n != pl_scandoc_open_ports(&doc))
				abort();
			pl_diff_cleanup(&d);
		}
	}
	pl_scandoc_cleanup(&doc);
	pl_scandoc_cleanup(&empty);
	return 0;
}
