/* SPDX-License-Identifier: MIT */
/*
 * portlens/search.h - finding registry records by service name, description or
 * assignee, by substring or POSIX extended regular expression, and name lookup
 * ("ssh" -> 22).
 */
#ifndef PORTLENS_SEARCH_H
#define PORTLENS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/registry.h"

struct pl_search_opts {
	const char *term; /* substring (case-insensitive) or regex */
	int regex;        /* nonzero: term is a POSIX ERE, matched case-insensitively */
	unsigned protos;  /* PL_PROTO_BIT mask of transports to keep; 0 = all */
	int with_unused;  /* nonzero: also match Unassigned/Reserved and port-less rows */
};

/* How well a record matched; lower sorts first. */
enum pl_match_rank {
	PL_MATCH_NAME_EXACT = 0,
	PL_MATCH_NAME_PREFIX,
	PL_MATCH_NAME,
	PL_MATCH_DESCRIPTION,
	PL_MATCH_ASSIGNEE,
};

struct pl_search_hit {
	uint32_t entry; /* index for pl_registry_entry */
	uint8_t rank;   /* enum pl_match_rank */
};

/*
 * Searches reg. On success *hits_out is a malloc'd array of *n_out hits (caller frees;
 * NULL when none), sorted by rank, then port, then CSV order. Returns PL_OK,
 * PL_ERR_ARG (empty term), PL_ERR_PARSE (bad regex; err has regerror's text) or
 * PL_ERR_NOMEM.
 */
enum pl_rc pl_registry_search(const struct pl_registry *reg, const struct pl_search_opts *opts,
                              struct pl_search_hit **hits_out, size_t *n_out, struct pl_err *err);

#endif
