/* SPDX-License-Identifier: MIT */
/*
 * diff/diff_impl.h - internals shared by the scan-file parsers of src/lib/diff.
 */
#ifndef PL_DIFF_IMPL_H
#define PL_DIFF_IMPL_H

#include "portlens/diff.h"

/* Largest scan file the parsers take (a guard against runaway input, not a format rule). */
#define PL_SCANDOC_MAX_BYTES ((size_t)1 << 31)

/* Frees a port's strings (service, product, version, extrainfo; never the shared "")
 * and sets them NULL. */
void pli_scandoc_port_clear(struct pl_scandoc_port *p);

/* Maps a transport name from a scan file ("tcp", "udp", "sctp"); -1 when unknown. */
int pli_scandoc_proto(const char *name);

/* Handles one line (without its newline); fills err (column optional) on failure. */
typedef enum pl_rc (*pl_scandoc_line_fn)(const char *s, size_t n, struct pl_scandoc *doc, void *ud,
                                         struct pl_err *err);

/*
 * Calls fn for each line of data, stopping at the first failure, whose err then names
 * source and the line (column 1 unless fn set one). PL_ERR_LIMIT beyond 2 GiB.
 */
enum pl_rc pli_scandoc_each_line(const char *data, size_t len, const char *source,
                                 struct pl_scandoc *doc, pl_scandoc_line_fn fn, void *ud,
                                 struct pl_err *err);

/* ---- json_flat.c: the fast path for flat JSON objects ------------------------------- */

enum pli_jflat_kind {
	PLI_JFLAT_STR,
	PLI_JFLAT_INT,
	PLI_JFLAT_TRUE,
	PLI_JFLAT_FALSE,
	PLI_JFLAT_NULL
};

struct pli_jflat_field {
	const char *key; /* NUL-terminated, inside the parsed line */
	size_t klen;
	enum pli_jflat_kind kind;
	const char *str; /* PLI_JFLAT_STR: NUL-terminated, inside the line */
	int64_t num;     /* PLI_JFLAT_INT */
};

#define PLI_JFLAT_MAX 24

struct pli_jflat {
	struct pli_jflat_field f[PLI_JFLAT_MAX];
	size_t n;
};

/*
 * Reads s[0..n) (changed in place: closing quotes become NULs) as one flat object of
 * plain ASCII strings, integers up to 18 digits, true, false and null. 1 when it did,
 * exactly as jansson would read it; 0 when the line needs jansson (anything else, and
 * every syntax error).
 */
int pli_jflat_parse(char *s, size_t n, struct pli_jflat *out);
/* The field named key, or NULL. */
const struct pli_jflat_field *pli_jflat_get(const struct pli_jflat *o, const char *key);

#endif
