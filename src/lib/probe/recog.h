/* SPDX-License-Identifier: MIT */
/*
 * probe/recog.h - Rapid7 Recog fingerprint databases: an expat loader for the XML
 * format (fingerprints.xsd) and a PCRE2 matcher with Recog's (Ruby) regex semantics.
 *
 * One struct pl_recog_db holds one XML file: fingerprints in file order, each with its
 * pattern, flags, params (pos 0 = literal value, pos N = capture group N) and examples.
 * Matching returns the first fingerprint whose pattern matches, like Recog's Nizer.
 * Internal to libportlens and its tests.
 */
#ifndef PL_PROBE_RECOG_H
#define PL_PROBE_RECOG_H

#include <stddef.h>

#include "portlens/error.h"

#define PL_RECOG_MAX_PARAMS 40

struct pl_recog_db;

/* One param of a match result: name ("service.version") and value (bounded). */
struct pl_recog_kv {
	char name[48];
	char value[160];
};

struct pl_recog_result {
	const char *description; /* of the fingerprint that matched; borrowed from the db */
	size_t index;            /* fingerprint index in its db */
	unsigned n;              /* params filled */
	struct pl_recog_kv kv[PL_RECOG_MAX_PARAMS];
};

/*
 * Parses one Recog XML file held in memory. name is used in error messages and as the
 * database name ("ssh_banners"). Patterns are compiled here; a pattern PCRE2 cannot
 * compile makes the fingerprint inert and is counted (pli_recog_db_bad_patterns).
 * Returns PL_OK and *out (free with pli_recog_db_free), PL_ERR_PARSE with LINE:COL, or
 * PL_ERR_NOMEM.
 */
enum pl_rc pli_recog_db_parse(const char *xml, size_t len, const char *name,
                              struct pl_recog_db **out, struct pl_err *err);
void pli_recog_db_free(struct pl_recog_db *db);

const char *pli_recog_db_name(const struct pl_recog_db *db);
const char *pli_recog_db_protocol(const struct pl_recog_db *db); /* "" if none */
size_t pli_recog_db_count(const struct pl_recog_db *db);
size_t pli_recog_db_bad_patterns(const struct pl_recog_db *db);

/*
 * Matches n bytes against the db's fingerprints in order. Returns 1 and fills *res for
 * the first match (params interpolated: "{service.version}" in a value is replaced),
 * or 0 when none matches.
 */
int pli_recog_match(const struct pl_recog_db *db, const char *data, size_t n,
                    struct pl_recog_result *res);

/* Same, for fingerprint i only (used to check examples against their own pattern). */
int pli_recog_match_one(const struct pl_recog_db *db, size_t i, const char *data, size_t n,
                        struct pl_recog_result *res);

/* Looks up a param by name in a result; NULL when absent or empty. */
const char *pli_recog_get(const struct pl_recog_result *res, const char *name);

/* Fingerprint i: pattern, compile error ("" if compiled), examples. */
const char *pli_recog_fp_pattern(const struct pl_recog_db *db, size_t i);
const char *pli_recog_fp_error(const struct pl_recog_db *db, size_t i);
size_t pli_recog_fp_examples(const struct pl_recog_db *db, size_t i);
/* Example j of fingerprint i: the decoded bytes, and its expected params (k < n_attrs). */
const char *pli_recog_example(const struct pl_recog_db *db, size_t i, size_t j, size_t *len,
                              size_t *n_attrs);
void pli_recog_example_attr(const struct pl_recog_db *db, size_t i, size_t j, size_t k,
                            const char **name, const char **value);

/* The databases compiled into the library (generated from data/recog/xml). */
struct pl_recog_blob {
	const char *name; /* "ssh_banners" */
	const char *xml;
	size_t len;
};
extern const struct pl_recog_blob pl_recog_builtin_blobs[];
extern const size_t pl_recog_builtin_count;

/* The Mirai default credential pairs (generated from data/mirai-default-credentials.tsv). */
struct pl_cred_pair {
	const char *user;
	const char *pass;
};
extern const struct pl_cred_pair pl_mirai_creds[];
extern const size_t pl_mirai_creds_count;

#endif
