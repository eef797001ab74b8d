/* SPDX-License-Identifier: MIT */
/*
 * portlens/page.h - the port page model: everything portlens knows about one port,
 * as data. The CLI's text, JSON and Markdown renderers and the web's HTML renderer
 * all render this one structure, so they cannot disagree.
 *
 * Every statement carries where it came from: registry facts name the registry's date
 * and CSV line; knowledge facts carry their citations; live data says it was observed.
 */
#ifndef PORTLENS_PAGE_H
#define PORTLENS_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/knowledge.h"
#include "portlens/port.h"
#include "portlens/registry.h"
struct pl_buf; /* core/buf.h */

#define PL_PAGE_MAX_ASSIGN 8  /* registry records per transport (the most seen is 3) */
#define PL_PAGE_MAX_FACTS  64 /* knowledge facts on one page */

/* What the registry says for one transport. */
struct pl_page_transport {
	enum pl_proto proto;
	size_t n;                                            /* 0: the registry has no row */
	const struct pl_reg_entry *rows[PL_PAGE_MAX_ASSIGN]; /* borrowed from the registry */
};

/* One "how to check" command. */
struct pl_page_check {
	const char *platform; /* "Linux", "macOS", "Windows", "portlens", or "remote" in the
	                         page's language (static) */
	const char *purpose;  /* in the page's language (static) */
	char *command;        /* owned */
};

/* One frequently asked question, answered from the facts on the page. */
struct pl_page_faq {
	const char *id; /* stable id: "dangerous", "why-open", "find-owner", "close" */
	char *question; /* owned */
	char *answer;   /* owned, plain text */
};

/* The ephemeral port range the kernel uses, when it could be read. */
struct pl_page_ephemeral {
	int known;
	unsigned lo, hi;
	const char *source; /* "/proc/sys/net/ipv4/ip_local_port_range" or "Linux default" */
	unsigned unprivileged_start;     /* lowest port an unprivileged user may bind */
	const char *unprivileged_source; /* where unprivileged_start came from */
};

/* "On this machine": one holder of a socket listening on the page's port. */
#define PL_PAGE_MAX_LISTENERS 32
struct pl_page_listener {
	uint8_t proto;      /* enum pl_proto */
	uint8_t dual_stack; /* an IPv6 socket that also accepts IPv4 */
	uint8_t ipv6;       /* address is IPv6 */
	uint8_t owner;      /* 0 process known, 1 hidden (not root), 2 no process (kernel) */
	char address[64];   /* local address, e.g. "0.0.0.0", "::1" */
	char netns[64];     /* network namespace label ("host") */
	int32_t pid;        /* 0 when owner != 0 */
	uint32_t uid;       /* the process's user, else the socket's */
	char process[17];   /* comm */
	char user[33];
	char unit[96];  /* systemd unit or container, "" when none */
	char *cmdline;  /* owned; "" when unknown */
	unsigned flags; /* enum pl_sock_flag bits (portlens/sockets.h) */
};

/* Live sockets on the page's port, read when pl_page_opts.live_sockets asks. */
struct pl_page_live {
	const char *source;     /* "netlink sock_diag" or "/proc/net" (static) */
	int processes_complete; /* every process could be inspected (root) */
	struct pl_page_listener listeners[PL_PAGE_MAX_LISTENERS];
	size_t n_listeners;        /* rows kept (each holder of each listening socket) */
	size_t n_listeners_total;  /* rows found (more than kept when over the maximum) */
	size_t conns_by_state[16]; /* non-listening sockets on the port, by kernel state */
	size_t n_conns;
	char error[256]; /* non-empty when the sockets could not be read */
};

struct pl_page {
	uint16_t port;
	enum pl_lang lang;   /* language the FAQ and check labels are written in */
	unsigned protos;     /* transports asked for (PL_PROTO_BIT mask) */
	int explicit_protos; /* the caller named transports (else all were implied) */
	const struct pl_registry *reg;
	const struct pl_kb *kb;

	/* What port N is, per transport asked for (order: tcp, udp, sctp, dccp). */
	struct pl_page_transport transports[PL_PROTO_COUNT];
	size_t n_transports;
	const char *registry_date;   /* borrowed from reg */
	const char *registry_source; /* borrowed from reg */

	/* The range it lives in. */
	enum pl_range_class range;
	uint16_t range_lo, range_hi;
	struct pl_page_ephemeral ephemeral;
	int in_ephemeral; /* port falls inside ephemeral (when known) */

	/* Curated facts covering the port (borrowed from kb), in file order. */
	const struct pl_kb_entry *facts[PL_PAGE_MAX_FACTS];
	size_t n_facts;
	enum pl_risk risk; /* highest among facts; INFO when none */

	struct pl_page_check *checks;
	size_t n_checks;
	struct pl_page_faq *faq;
	size_t n_faq;

	/* Who listens on the port on this machine; NULL unless asked (live_sockets). */
	struct pl_page_live *live;
};

struct pl_page_opts {
	const struct pl_registry *reg; /* NULL: built-in */
	const struct pl_kb *kb;        /* NULL: built-in */
	unsigned protos;               /* 0: all transports */
	int read_proc;                 /* nonzero: read the ephemeral range from /proc */
	const char *proc_root;         /* "" or NULL: "/"; tests point it at a fixture */
	int live_sockets;              /* nonzero: fill page->live from this machine's sockets */
	enum pl_lang lang;             /* language of the FAQ and check labels; 0 = English */
};

/*
 * Builds the page for port. On success *out owns a new page (pl_page_free).
 * Returns PL_OK or PL_ERR_NOMEM. Reading /proc is best effort: if it fails the page
 * says the range is the Linux default instead.
 */
enum pl_rc pl_page_build(uint16_t port, const struct pl_page_opts *opts, struct pl_page **out,
                         struct pl_err *err);

/*
 * Appends tmpl to b with {1}..{9} replaced by args[0..n_args) (a missing one is
 * dropped). The page's translated sentences use this form, never printf formats.
 */
void pl_page_fill(struct pl_buf *b, const char *tmpl, const char *const *args, size_t n_args);

/*
 * Appends text, marking its `code spans` for the terminal: in a right-to-left language
 * each span is wrapped in U+2066 LEFT-TO-RIGHT ISOLATE .. U+2069 POP DIRECTIONAL
 * ISOLATE (and loses its backticks), so commands and paths keep their order; otherwise
 * the text is appended as it is.
 */
void pl_page_isolate_code(struct pl_buf *b, const char *text, int rtl);

/*
 * Appends text, isolating its left-to-right runs in a right-to-left language: each run
 * of words without a right-to-left letter (Latin words, numbers, port ranges, options,
 * paths, addresses) is wrapped in U+2066 .. U+2069, so "--tlsverify", "11740-11743" or
 * "/etc/exports" keep their order inside Arabic; brackets and sentence punctuation at a
 * run's ends stay outside it. For the knowledge base's translated titles and texts,
 * which carry no backticks. Otherwise the text is appended as it is.
 */
void pl_page_isolate_ltr(struct pl_buf *b, const char *text, int rtl);

/* Frees a page. NULL is a no-op. */
void pl_page_free(struct pl_page *page);

/* Nonzero if the fact is an unofficial use (shown in its own section) rather than a
 * security note. */
int pl_page_fact_is_use(const struct pl_kb_entry *fact);

/* The registry's description of this page's port in one line, e.g. "telnet (Telnet)",
 * "3d-nfsd", "unassigned", with portlens' own words in page->lang; written into buf
 * (always NUL-terminated). */
void pl_page_summary(const struct pl_page *page, char *buf, size_t size);

/* A registry status (enum pl_reg_status: "assigned", "reserved", ...) as a word of
 * page->lang. Static; never NULL. */
const char *pl_page_status_label(const struct pl_page *page, unsigned status);

/*
 * Appends where a value on the page came from, in page->lang: a path such as
 * ephemeral.source stays as it is; "Linux default" and the built-in registry's source
 * are translated (the JSON keeps the English originals).
 */
void pl_page_origin(const struct pl_page *page, const char *origin, struct pl_buf *out);

/*
 * The page as a JSON document, schema "portlens.port/1" (docs/json-schema.md), the same
 * bytes for the CLI's --json and the web API. On success *out is a malloc'd,
 * NUL-terminated string the caller frees. Returns PL_OK or PL_ERR_NOMEM.
 */
enum pl_rc pl_page_json(const struct pl_page *page, int pretty, char **out);

#endif
