// SPDX-License-Identifier: MIT
/*
 * fuzz_targets.c - scan target specs and resume files on arbitrary bytes. Every
 * whitespace-separated word goes through pl_target_spec_parse; accepted address specs
 * (never host names: no DNS while fuzzing) are added to a target set, and the first and
 * last address of each must be inside the set and print as an address that parses back
 * to a one-address spec. The whole input is also fed to the resume-file parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portlens/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_word(struct pl_targets *ts, const char *w)
{
	struct pl_target_spec sp;
	struct pl_scan_addr a;
	char buf[64];
	uint64_t before = pl_targets_count(ts);

	if (pl_target_spec_parse(w, &sp, NULL) != PL_OK || sp.kind == PL_TARGET_NAME)
		return;
	if (sp.count == 0)
		abort();
	if (pl_targets_add_spec(ts, w, 0, 0, NULL) != PL_OK)
		return;
	if (pl_targets_count(ts) != before + sp.count)
		abort();
	for (int k = 0; k < 2; k++) {
		uint64_t i = k ? before + sp.count - 1 : before;
		struct pl_target_spec back;

		pl_targets_at(ts, i, &a);
		if (a.family != sp.base.family)
			abort();
		pl_scan_addr_str(&a, buf, sizeof(buf));
		if (pl_target_spec_parse(buf, &back, NULL) != PL_OK || back.count != 1 ||
		    memcmp(back.base.bytes, a.bytes, 16) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_targets *ts;
	struct pl_scan_state st;
	char **args = NULL;
	size_t n_args = 0, i = 0;

	if (size > 4096)
		return 0;
	if (pl_scan_resume_parse((const char *)data, size, "fuzz", &args, &n_args, &st, NULL) ==
	    PL_OK) {
		if (!args || args[n_args] != NULL)
			abort();
		pl_scan_resume_args_free(args, n_args);
		pl_scan_state_cleanup(&st);
	}
	ts = pl_targets_new();
	if (!ts)
		return 0;
	while (i < size) {
		char w[128];
		size_t n = 0;

		while (i < size && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t'))
			i++;
		while (i < size && data[i] != ' ' && data[i] != '\n' && data[i] != '\t') {
			if (n < sizeof(w) - 1)
				w[n++] = data[i] ? (char)data[i] : '?';
			i++;
		}
		w[n] = '\0';
		if (n)
			check_word(ts, w);
	}
	pl_targets_free(ts);
	return 0;
}
