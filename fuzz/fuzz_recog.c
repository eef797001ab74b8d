// SPDX-License-Identifier: MIT
/*
 * fuzz_recog.c - the Recog XML loader (expat) and the PCRE2 compilation and matching
 * of whatever patterns the input declares, on arbitrary bytes. A database that loads
 * is matched against the input itself; match limits keep hostile patterns bounded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/recog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_recog_db *db = NULL;
	struct pl_recog_result res;
	struct pl_err err = {0};

	if (size > 65536)
		return 0;
	if (pli_recog_db_parse((const char *)data, size, "fuzz", &db, &err) != PL_OK) {
		if (err.msg[0] == '\0')
			abort(); /* every failure says why */
		return 0;
	}
	if (pli_recog_match(db, (const char *)data, size, &res)) {
		if (res.n > PL_RECOG_MAX_PARAMS)
			abort();
		for (unsigned i = 0; i < res.n; i++)
			if (!memchr(res.kv[i].value, '\0', sizeof(res.kv[i].value)))
				abort();
	}
	for (size_t i = 0; i < pli_recog_db_count(db); i++) {
		for (size_t j = 0; j < pli_recog_fp_examples(db, i); j++) {
			size_t len, n_attrs;
			const char *ex = pli_recog_example(db, i, j, &len, &n_attrs);

			pli_recog_match_one(db, i, ex, len, &res);
		}
	}
	pli_recog_db_free(db);
	return 0;
}
