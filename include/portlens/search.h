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
#include "portlens/knowledge.h"
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

/*
 * Finding ports, not records: what `portlens search` and the web search show. A term
 * is matched, by relevance, against port numbers ("2323", "8530-8531"), service names
 * and their common aliases in every supported language ("dns" -> domain 53, "rdp",
 * "remote desktop", "원격 데스크톱" -> 3389), registry descriptions, the knowledge
 * base's titles and texts (English and translations) and assignees. Multi-word terms
 * match when every word is found in the same field.
 */
struct pl_find_opts {
	const char *term;              /* required */
	int regex;                     /* nonzero: term is a POSIX ERE (no aliases, no ports) */
	unsigned protos;               /* PL_PROTO_BIT mask to keep; 0 = all */
	int with_unused;               /* nonzero: also match Unassigned/Reserved records */
	const struct pl_registry *reg; /* NULL: built-in */
	const struct pl_kb *kb;        /* NULL: built-in */
};

/* How a port was found; lower is more relevant. */
enum pl_found_how {
	PL_FOUND_PORT = 0,        /* the term is the port number */
	PL_FOUND_NAME,            /* service name equals the term */
	PL_FOUND_ALIAS,           /* a common name for the service ("dns", "rdp") */
	PL_FOUND_NAME_PREFIX,     /* service name starts with the term */
	PL_FOUND_NAME_PART,       /* service name contains the term */
	PL_FOUND_KNOWLEDGE_TITLE, /* a knowledge entry's title */
	PL_FOUND_DESCRIPTION,     /* the registry description */
	PL_FOUND_KNOWLEDGE_TEXT,  /* a knowledge entry's text */
	PL_FOUND_ASSIGNEE,        /* the registry assignee */
	PL_FOUND_COUNT,
};

struct pl_port_hit {
	uint16_t port_lo, port_hi;
	uint8_t protos;                 /* transports of the matching records and facts */
	uint8_t how;                    /* enum pl_found_how, the best match */
	uint8_t risk;                   /* enum pl_risk, highest among the port's facts */
	const struct pl_reg_entry *reg; /* a registry record for the port, NULL if none */
	const struct pl_kb_entry *fact; /* the knowledge fact that matched, else NULL */
};

/*
 * Finds ports for opts->term. On success *hits_out is a malloc'd array of *n_out hits
 * (caller frees; NULL when none), one per port or port range, sorted by how (best
 * first), then by risk (highest first), then by port. Unassigned and reserved records
 * are only returned when the term is their port number. Returns PL_OK, PL_ERR_ARG
 * (empty term), PL_ERR_PARSE (bad regex) or PL_ERR_NOMEM.
 */
enum pl_rc pl_find_ports(const struct pl_find_opts *opts, struct pl_port_hit **hits_out,
                         size_t *n_out, struct pl_err *err);

/* A registry record for port: the first assigned one, else (any_status) the first of any
 * status; NULL when there is none. Borrowed from reg. */
const struct pl_reg_entry *pl_registry_record_for(const struct pl_registry *reg, uint16_t port,
                                                  int any_status);

/* "port", "name", "alias", "name-prefix", "name", "knowledge-title", "description",
 * "knowledge-text", "assignee". Static strings. */
const char *pl_found_how_name(enum pl_found_how how);

/* The services a common name stands for ("rdp" -> "ms-wbt-server"), matched
 * case-insensitively in any supported language; NULL-terminated static list, or NULL
 * when the term is no known alias. */
const char *const *pl_service_alias(const char *term);

#endif
