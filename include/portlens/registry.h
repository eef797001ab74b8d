/* SPDX-License-Identifier: MIT */
/*
 * portlens/registry.h - the IANA Service Name and Transport Protocol Port Number
 * Registry: one entry per CSV record, looked up by port in O(1).
 *
 * The registry compiled into the library (pl_registry_builtin) is generated at build
 * time from data/service-names-port-numbers.csv; pl_registry_load_file reads a newer
 * official CSV at run time into the same structure.
 */
#ifndef PORTLENS_REGISTRY_H
#define PORTLENS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/port.h"

enum pl_reg_status {
	PL_REG_ASSIGNED = 0,
	PL_REG_UNASSIGNED,
	PL_REG_RESERVED,
};

/* One registry record. Text fields are never NULL; "" means the CSV cell was empty. */
struct pl_reg_entry {
	const char *service;          /* service name, e.g. "telnet" */
	const char *description;      /* e.g. "Telnet", "Unassigned" */
	const char *assignee;         /* e.g. "[Jon_Postel]" */
	const char *contact;          /* e.g. "[Jon_Postel]" */
	const char *registered;       /* registration date YYYY-MM-DD or YYYY-MM */
	const char *modified;         /* modification date */
	const char *reference;        /* e.g. "[RFC854]" */
	const char *service_code;     /* DCCP service code */
	const char *unauthorized_use; /* "Unauthorized Use Reported" column */
	const char *notes;            /* "Assignment Notes" column */
	uint32_t line;                /* CSV line where the record starts */
	uint16_t port_lo;             /* first port (valid when has_port) */
	uint16_t port_hi;             /* last port, == port_lo for single ports */
	uint8_t protos;               /* PL_PROTO_BIT mask; no transport in CSV = tcp|udp */
	uint8_t status;               /* enum pl_reg_status */
	uint8_t has_port;             /* 0 for service-name-only records */
	uint8_t proto_given;          /* 0 when the CSV row had no transport */
};

struct pl_registry;

/* Returns the registry compiled into the library. Never NULL; never free it. */
const struct pl_registry *pl_registry_builtin(void);

/*
 * Parses an IANA registry CSV held in memory (len bytes at data; not modified).
 * source names the data in error messages. On success *out owns a new registry (free
 * with pl_registry_free). On failure returns PL_ERR_PARSE with FILE:LINE:COL in err,
 * or PL_ERR_NOMEM, and *out is untouched.
 */
enum pl_rc pl_registry_parse(const char *data, size_t len, const char *source,
                             struct pl_registry **out, struct pl_err *err);

/* Reads and parses the CSV file at path (see pl_registry_parse). PL_ERR_IO if unreadable. */
enum pl_rc pl_registry_load_file(const char *path, struct pl_registry **out, struct pl_err *err);

/* Frees a registry from pl_registry_parse/load_file. NULL is a no-op. */
void pl_registry_free(struct pl_registry *reg);

/* Number of records, and record i (0 <= i < count). */
size_t pl_registry_count(const struct pl_registry *reg);
const struct pl_reg_entry *pl_registry_entry(const struct pl_registry *reg, size_t i);

/*
 * The records whose port range covers port, for every transport, in CSV order.
 * Returns a pointer to *n_out entry indexes (borrowed, valid while reg lives).
 * Costs two array reads.
 */
const uint32_t *pl_registry_lookup(const struct pl_registry *reg, uint16_t port, size_t *n_out);

/*
 * The service IANA assigned to port on proto, the one answer every command gives (scan
 * outputs, the saved scan, listen's annotations, audit's unassigned-port verdict): the
 * first record in CSV order whose range covers port, whose transports include proto (a
 * row without transport covers tcp and udp), whose status is assigned and which names a
 * service. NULL when there is none: the port is unassigned or reserved for proto,
 * assigned only on another transport, or above 49151 (the registry lists no dynamic
 * ports). reg NULL: the built-in registry. Borrowed, valid while reg lives.
 */
const struct pl_reg_entry *pl_registry_assigned(const struct pl_registry *reg, uint16_t port,
                                                enum pl_proto proto);

/* Date of the data: newest registration or modification date found in it (YYYY-MM-DD). */
const char *pl_registry_date(const struct pl_registry *reg);

/* Where the data came from: "built-in (IANA CSV ...)" or the file name given. */
const char *pl_registry_source(const struct pl_registry *reg);

/* Returns "assigned", "unassigned" or "reserved". */
const char *pl_reg_status_name(enum pl_reg_status s);

#endif
