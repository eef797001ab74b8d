/* SPDX-License-Identifier: MIT */
/*
 * portlens/scan.h - network port scanning: target and port specs, the visiting order
 * (a keyed permutation of the whole targets x ports index space), sharding, pluggable
 * engines and the scan driver that ties them together.
 *
 * Data flow: the caller builds a target set (pl_targets_*) and a port set (pl_ports_*),
 * creates a scan with an engine (pl_scan_engine_connect today) and callbacks, and runs
 * it. Every finished probe is reported at once through on_result: nothing is held
 * until the end, so sinks can stream and an interrupted scan loses nothing. The driver
 * saves where it stopped (pl_scan_state) so a later scan finishes the work exactly.
 * See docs/scan.md for the algorithms.
 */
#ifndef PORTLENS_SCAN_H
#define PORTLENS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/error.h"
#include "portlens/port.h"

/* ---- addresses and targets ---- */

/* An IPv4 or IPv6 address; bytes in network order (IPv4 uses the first 4). */
struct pl_scan_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t bytes[16];
};

/* Formats an address ("198.18.0.1", "2001:2::1") into buf; returns buf. */
const char *pl_scan_addr_str(const struct pl_scan_addr *a, char *buf, size_t size);

/* Refusal reasons for single addresses (broadcast, multicast, unspecified). */
enum pl_addr_class {
	PL_ADDR_OK = 0,
	PL_ADDR_MULTICAST,   /* 224.0.0.0/4, ff00::/8 */
	PL_ADDR_BROADCAST,   /* 255.255.255.255, or a broadcast address of this machine */
	PL_ADDR_UNSPECIFIED, /* 0.0.0.0/8, :: */
};

/* Classifies an address on its own (without block context). */
enum pl_addr_class pl_scan_addr_class(const struct pl_scan_addr *a);

/* One parsed target spec: an address range or an IPv4 octet-range pattern. */
enum pl_target_kind {
	PL_TARGET_RANGE = 0, /* count consecutive addresses from base */
	PL_TARGET_OCTETS,    /* IPv4 product of per-octet ranges, e.g. 198.18.0-3.1-254 */
	PL_TARGET_NAME,      /* a host name to resolve (pl_targets_add_spec resolves it) */
};

struct pl_target_spec {
	uint8_t kind; /* enum pl_target_kind */
	uint8_t oct_lo[4], oct_hi[4];
	struct pl_scan_addr base;
	uint64_t count; /* addresses covered (>= 1); 0 for PL_TARGET_NAME */
};

/*
 * Parses one target spec, as nmap writes them: an address (IPv4 or IPv6), CIDR
 * ("198.18.0.0/16", "2001:2::/120"; IPv6 prefixes must be /96 or longer), an IPv4
 * octet-range pattern ("198.18.0-3.1-254", "198.18.*.1"), or a host name (kind
 * PL_TARGET_NAME; nothing resolved here). Pure: no I/O. Returns PL_OK or PL_ERR_PARSE.
 */
enum pl_rc pl_target_spec_parse(const char *s, struct pl_target_spec *out, struct pl_err *err);

struct pl_targets;

/* Creates an empty target set; NULL when out of memory. Free with pl_targets_free. */
struct pl_targets *pl_targets_new(void);
void pl_targets_free(struct pl_targets *ts);

/*
 * Adds a spec to the targets (exclude = 0) or to the exclusions (exclude = 1). Host
 * names are resolved with getaddrinfo (all addresses of the name; IPv4 only when
 * resolve_v6 is 0). Returns PL_OK, PL_ERR_PARSE, PL_ERR_NOTFOUND (name does not
 * resolve) or PL_ERR_NOMEM.
 */
enum pl_rc pl_targets_add_spec(struct pl_targets *ts, const char *spec, int exclude, int resolve_v6,
                               struct pl_err *err);

/*
 * Adds every whitespace- or comma-separated spec in the len bytes at data (the text of
 * an -iL or --excludefile file; '#' starts a comment). source names it in errors.
 */
enum pl_rc pl_targets_add_list(struct pl_targets *ts, const char *data, size_t len,
                               const char *source, int exclude, int resolve_v6, struct pl_err *err);

/* Number of target addresses (with repetitions, before exclusions). */
uint64_t pl_targets_count(const struct pl_targets *ts);

/*
 * The address at index i (0 <= i < count). Returns PL_ADDR_OK when it may be probed,
 * or why not: excluded addresses return PL_ADDR_BROADCAST.. codes or -1 (excluded).
 * O(log blocks + exclusions).
 */
int pl_targets_at(const struct pl_targets *ts, uint64_t i, struct pl_scan_addr *out);

/* ---- broadcast addresses of this machine ---- */

/* One IPv4 address the kernel treats as broadcast (an RTN_BROADCAST local route). */
struct pl_bcast {
	struct pl_scan_addr addr;
	uint32_t ifindex;
	char ifname[16]; /* IF_NAMESIZE; "?" when unknown */
};

struct pl_bcast_list {
	struct pl_bcast *v; /* owned */
	size_t n, cap;
};

/*
 * Reads this machine's broadcast addresses (every interface, this network namespace)
 * through a netlink dump of the local routing table. On success l is owned by the
 * caller (pl_bcast_list_cleanup). PL_ERR_SYS or PL_ERR_NOMEM otherwise (l empty).
 */
enum pl_rc pl_scan_local_broadcasts(struct pl_bcast_list *l, struct pl_err *err);
/* The parser behind it over len bytes of netlink messages (pure): appends to l, sets
 * *done at NLMSG_DONE. PL_OK, PL_ERR_PARSE, PL_ERR_NOMEM. */
enum pl_rc pl_scan_bcast_parse(const void *buf, size_t len, struct pl_bcast_list *l, int *done,
                               struct pl_err *err);
void pl_bcast_list_cleanup(struct pl_bcast_list *l);

/*
 * Makes the target set skip these addresses (copied) as PL_ADDR_BROADCAST, besides the
 * limited broadcast. Nothing else is taken for a broadcast: the last address of a CIDR
 * block is probed like any other. PL_OK or PL_ERR_NOMEM.
 */
enum pl_rc pl_targets_set_broadcasts(struct pl_targets *ts, const struct pl_bcast_list *l);

/*
 * Why an address is never probed, for messages: "limited broadcast", "broadcast address
 * of eth0", "multicast", "0.0.0.0/8", "unspecified (::)"; cls is what pl_targets_at
 * returned. Writes into buf and returns it.
 */
const char *pl_targets_skip_reason(const struct pl_targets *ts, const struct pl_scan_addr *a,
                                   int cls, char *buf, size_t size);

/* The name a target was given as (host name), or NULL; borrowed. */
const char *pl_targets_name_at(const struct pl_targets *ts, uint64_t i);

/* ---- ports ---- */

struct pl_ports {
	uint32_t n;
	uint32_t *items; /* (proto << 16) | port, sorted, unique; owned */
};

/*
 * Parses an nmap -p spec into ports (appending, then sorting and de-duplicating):
 * "22,80,1000-2000", "-" or "1-" style open ranges, "T:22,U:53" transport prefixes,
 * "-p-" is the spec "-" (1-65535). Ports without a prefix are TCP. Pure. Returns PL_OK,
 * PL_ERR_PARSE (with the column of the bad byte), or PL_ERR_NOMEM.
 */
enum pl_rc pl_ports_parse(struct pl_ports *ps, const char *spec, struct pl_err *err);

/*
 * As pl_ports_parse, but ports without a transport prefix are added for every
 * transport in protos (a PL_PROTO_BIT mask; nmap's rule when scan types are combined,
 * -sS -sU -p 53 scans 53/tcp and 53/udp).
 */
enum pl_rc pl_ports_parse_as(struct pl_ports *ps, const char *spec, unsigned protos,
                             struct pl_err *err);

/*
 * Appends the n highest-ranked TCP ports of the project's own ranking (data/top-ports.txt
 * first, then knowledge-base "commonly-exposed" ports, then IANA-assigned system and
 * registered ports in numeric order; see docs/scan.md). n is capped at 65535.
 */
enum pl_rc pl_ports_add_top(struct pl_ports *ps, uint32_t n, struct pl_err *err);

/*
 * Appends the n highest-ranked UDP ports: the ports of the UDP scan's payloads
 * (data/udp-payloads.txt) first, then the TCP ranking's order for the rest.
 */
enum pl_rc pl_ports_add_top_udp(struct pl_ports *ps, uint32_t n, struct pl_err *err);

/*
 * Keeps, of each transport's ports in ps, the n best-ranked (TCP: the ranking of
 * pl_ports_add_top; UDP: that of pl_ports_add_top_udp); ports of other transports stay.
 * What `-p LIST --top-ports N` means, as in nmap. Returns PL_OK or PL_ERR_NOMEM (ps
 * unchanged).
 */
enum pl_rc pl_ports_keep_top(struct pl_ports *ps, uint32_t n, struct pl_err *err);

/* Re-tags every port of transport from as transport to (then sorts, de-duplicates). */
void pl_ports_retag(struct pl_ports *ps, enum pl_proto from, enum pl_proto to);

/* Number of entries in the hand-curated head of the ranking. */
size_t pl_ports_top_curated_count(void);

/* Removes the ports of drop from ps. */
void pl_ports_remove(struct pl_ports *ps, const struct pl_ports *drop);
void pl_ports_cleanup(struct pl_ports *ps);

/* ---- visiting order ---- */

#define PL_PERM_ROUNDS 6

/*
 * A keyed pseudo-random permutation of [0, n) in O(1) memory: a balanced Feistel
 * network over the smallest even bit width covering n, with cycle walking.
 */
struct pl_perm {
	uint64_t n;
	unsigned half_bits;
	uint64_t half_mask;
	uint64_t keys[PL_PERM_ROUNDS];
};

/* Sets up the permutation of [0, n) for seed (n <= 2^62). */
void pl_perm_init(struct pl_perm *p, uint64_t n, uint64_t seed);
/* The image of i (i < n); a bijection on [0, n). */
uint64_t pl_perm_at(const struct pl_perm *p, uint64_t i);

/*
 * Shard index of count (0 <= index < count) takes the positions [*lo, *hi) of the
 * permutation: contiguous, balanced to within one, and together exactly [0, n).
 */
void pl_shard_range(uint64_t n, uint32_t index, uint32_t count, uint64_t *lo, uint64_t *hi);

/* Parses "I/N" (1-based I, as nmap-style tools write it) into a 0-based index. */
enum pl_rc pl_shard_parse(const char *s, uint32_t *index, uint32_t *count, struct pl_err *err);

/* ---- results ---- */

enum pl_port_state {
	PL_PORT_OPEN = 0,
	PL_PORT_CLOSED,
	PL_PORT_FILTERED,
	PL_PORT_UNREACHABLE,
	PL_PORT_OPEN_FILTERED, /* UDP: nothing came back (an open port may stay silent) */
	PL_PORT_STATE_COUNT,
};

enum pl_scan_reason {
	PL_REASON_SYN_ACK = 0,
	PL_REASON_CONN_REFUSED,
	PL_REASON_NO_RESPONSE,
	PL_REASON_HOST_UNREACH,
	PL_REASON_NET_UNREACH,
	PL_REASON_ADMIN_PROHIBITED,
	PL_REASON_ERROR,
	PL_REASON_RESET,           /* raw SYN scan: the host answered with a RST (closed) */
	PL_REASON_PORT_UNREACH,    /* ICMP port unreachable */
	PL_REASON_UDP_RESPONSE,    /* UDP scan: a datagram came back (open) */
	PL_REASON_PROTO_UNREACH,   /* ICMP protocol unreachable (code 2) */
	PL_REASON_NET_PROHIBITED,  /* ICMP network administratively prohibited (code 9) */
	PL_REASON_HOST_PROHIBITED, /* ICMP host administratively prohibited (code 10) */
	PL_REASON_ECHO_REPLY,      /* host discovery: ICMP/ICMPv6 echo reply */
	PL_REASON_ARP_RESPONSE,    /* host discovery: ARP reply on the local segment */
	PL_REASON_ND_RESPONSE,     /* host discovery: IPv6 neighbour advertisement */
	PL_REASON_COUNT,
};

struct pl_scan_result {
	uint64_t pos;    /* position in the permutation (unique per probe) */
	uint64_t target; /* target index */
	struct pl_scan_addr addr;
	uint16_t port;
	uint8_t proto;    /* enum pl_proto */
	uint8_t state;    /* enum pl_port_state */
	uint8_t reason;   /* enum pl_scan_reason */
	uint8_t attempts; /* probes sent, 1 + retries used */
	uint32_t rtt_us;  /* time to the answer (0 for no-response) */
	int sys_errno;    /* errno behind the reason, 0 when none */
	/* UDP: the datagram that answered and the payload that drew it; borrowed, valid
	 * only during the callback (NULL/0 otherwise). */
	const uint8_t *answer, *request;
	uint32_t answer_len, request_len;
};

/* "open", "closed", "filtered", "unreachable", "open|filtered". */
const char *pl_port_state_name(enum pl_port_state s);
/* nmap's reason words: "syn-ack", "conn-refused", "no-response", "host-unreach", ... */
const char *pl_scan_reason_name(enum pl_scan_reason r);

/* ---- engines ---- */

/* One probe to send: the driver fills it, the engine owns the I/O. */
struct pl_scan_probe {
	uint64_t pos;
	uint64_t target;
	struct pl_scan_addr addr;
	uint16_t port;
	uint8_t proto;
};

/* What the driver gives an engine. */
struct pl_scan_engine_cfg {
	uint32_t timeout_ms;   /* per probe attempt */
	uint32_t retries;      /* extra attempts after no response */
	uint32_t max_inflight; /* upper bound on probes in flight */
	uint32_t threads;      /* worker threads (the driver wraps the engine when > 1) */
	int wake_fd;           /* an eventfd whose writes end poll() early; 0 = none */
	const struct pl_scan_engine *inner; /* for the thread adapter: the engine it runs */
	/* Settings of one engine only (its own struct, named in its comment), or NULL. */
	const void *engine_opts;
	/* Called once per finished probe (final state after retries). */
	void (*emit)(void *ctx, const struct pl_scan_result *r);
	void *ctx;
};

/*
 * A scan engine (vtable). Engines are listed in one table (pl_scan_engine_find) and
 * share the driver, the in-flight table and every output.
 */
struct pl_scan_engine {
	const char *name;      /* "connect", "syn", "udp" */
	const char *flag;      /* nmap's scan-type letter: "T" for -sT */
	const char *nmap_type; /* nmap XML <scaninfo type=...> */
	unsigned protos;       /* PL_PROTO_BIT mask the engine can probe */
	/* 0, or the fewest probes in flight that keep one instance working in whole
	 * batches (-sS: one sendmmsg); the driver's window never goes below it. */
	uint32_t min_window;
	/*
	 * Optional: whether the engine can run here at all (privileges), checked before
	 * anything is opened. PL_OK, or PL_ERR_PERM with a message naming what is missing.
	 */
	enum pl_rc (*check)(struct pl_err *err);
	/* Creates the engine state. PL_ERR_PERM when it needs privileges it lacks. */
	enum pl_rc (*create)(const struct pl_scan_engine_cfg *cfg, void **state,
	                     struct pl_err *err);
	/*
	 * Starts one probe. PL_OK (it may already have been emitted), PL_ERR_LIMIT when the
	 * engine cannot take one now (descriptors or local ports exhausted; try again after
	 * poll), other codes on fatal errors.
	 */
	enum pl_rc (*send)(void *state, const struct pl_scan_probe *p, struct pl_err *err);
	/* Waits up to timeout_ms for answers and timeouts, emitting finished probes. */
	enum pl_rc (*poll)(void *state, int timeout_ms, struct pl_err *err);
	/* Probes in flight now, and the most the engine can hold at present. */
	size_t (*inflight)(void *state);
	size_t (*capacity)(void *state);
	/* Calls fn with the position of every probe still in flight. */
	void (*foreach_inflight)(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx);
	/* Closes every descriptor and frees the state (NULL is a no-op). */
	void (*destroy)(void *state);
};

/* Non-blocking connect() + epoll; needs no privileges; TCP only. */
extern const struct pl_scan_engine pl_scan_engine_connect;

/* Settings of the raw engines (syn): cfg.engine_opts points at one, or NULL. */
struct pl_scan_raw_opts {
	struct pl_scan_addr source4, source6; /* family 0: as the kernel's routes choose */
	uint16_t source_port;                 /* 0: a random port in 40000-59999 per scan */
	char interface[16];                   /* "": as routes choose (SO_BINDTODEVICE) */
};

/*
 * Raw TCP SYN scan (-sS): stateless probes through raw sockets (CAP_NET_RAW); the
 * kernel answers SYN-ACKs with a RST. IPv4 and IPv6. See docs/scan.md.
 */
extern const struct pl_scan_engine pl_scan_engine_syn;

/*
 * UDP scan (-sU): each port gets the protocol payload of data/udp-payloads.txt written
 * for it (an empty datagram otherwise), through ordinary UDP sockets with IP_RECVERR, so
 * ICMP errors come back without privileges. Uses pl_scan_raw_opts for the source port
 * and address. IPv4 and IPv6. See docs/scan.md.
 */
extern const struct pl_scan_engine pl_scan_engine_udp;

/*
 * Host discovery (-sn): one probe per target (port 0): ICMP/ICMPv6 echo, TCP SYN to 443
 * and ACK to 80, and ARP / IPv6 neighbour solicitation to targets on an attached
 * Ethernet segment; raw sockets (CAP_NET_RAW). A target whose probe reports
 * PL_PORT_OPEN is up, the reason naming the first answer (echo-reply, syn-ack, reset,
 * arp-response, nd-response); PL_PORT_FILTERED (no-response) after the last attempt is
 * down. Uses pl_scan_raw_opts. See docs/scan.md.
 */
extern const struct pl_scan_engine pl_scan_engine_ping;

/*
 * -sS and -sU in one scan (nmap's combination): TCP probes go to the SYN engine, UDP
 * probes to the UDP engine, in one order and one set of outputs. Name "syn+udp", flag
 * "SU". Needs what -sS needs.
 */
extern const struct pl_scan_engine pl_scan_engine_mix;

/*
 * The engine called name ("connect", "syn", ...) or with nmap's letter flag ("T", "S",
 * ...), or NULL when there is none.
 */
const struct pl_scan_engine *pl_scan_engine_find(const char *name);

/* The engines, in table order: *n set to their number. */
const struct pl_scan_engine *const *pl_scan_engines(size_t *n);

/* ---- the scan driver ---- */

struct pl_scan_progress {
	uint64_t total;    /* positions in this shard */
	uint64_t done;     /* finished + skipped */
	uint64_t sent;     /* probes handed to the engine (first attempts) */
	uint64_t skipped;  /* excluded, broadcast, multicast */
	uint64_t found;    /* open results */
	uint64_t inflight; /* probes in flight */
	uint64_t by_state[PL_PORT_STATE_COUNT];
	double elapsed_s;
};

struct pl_scan_opts {
	const struct pl_scan_engine *engine; /* NULL with dry_run */
	struct pl_scan_engine_cfg cfg;       /* emit/ctx are set by the driver */
	uint64_t seed;
	uint32_t shard_index, shard_count; /* 0-based index; count 0 means 1 */
	double rate;                       /* probes per second, 0 = unlimited */
	/* --min-rate: the in-flight window never holds fewer probes than this rate needs
	 * when every probe waits its whole timeout (Little's law), 0 = none. */
	double min_rate;
	int dry_run; /* walk the order, map every position, send nothing */
	/* Every finished probe. */
	void (*on_result)(void *ctx, const struct pl_scan_result *r);
	/* Called every tick_ms (default 250) and at the end. */
	void (*on_tick)(void *ctx, const struct pl_scan_progress *p);
	/* A position skipped without a probe: cls is pl_targets_at's answer (never-probe
	 * class, or -1 for an exclusion); p->addr is the address. Optional. */
	void (*on_skip)(void *ctx, const struct pl_scan_probe *p, int cls);
	/* Optional: called once the engine has opened its sockets, before the first probe
	 * (the CLI drops the capabilities it no longer needs there). */
	void (*on_started)(void *ctx);
	/* Polled each loop; nonzero stops the scan (PL_ERR_INTERRUPTED). */
	int (*should_stop)(void *ctx);
	void *ctx;
	uint32_t tick_ms;
};

/* Where a scan stands: everything before next is done except pending. */
struct pl_scan_state {
	uint64_t next;
	uint64_t *pending; /* positions to (re)do first; owned */
	size_t n_pending;
};

struct pl_scan;

/*
 * Creates a scan over targets x ports (both borrowed; they must outlive the scan).
 * Returns PL_OK, PL_ERR_ARG (empty, too large, engine cannot do a transport) with a
 * message, or PL_ERR_NOMEM.
 */
enum pl_rc pl_scan_new(const struct pl_targets *targets, const struct pl_ports *ports,
                       const struct pl_scan_opts *opts, struct pl_scan **out, struct pl_err *err);

/* Total probes of the whole scan (targets x ports), all shards. */
uint64_t pl_scan_space(const struct pl_scan *scan);

/* Resumes from a saved state (copied): pending positions first, then next onwards. */
enum pl_rc pl_scan_set_state(struct pl_scan *scan, const struct pl_scan_state *st,
                             struct pl_err *err);

/*
 * Runs the scan until done, stopped (PL_ERR_INTERRUPTED) or failed. The engine is
 * destroyed before return, so no descriptor outlives the call.
 */
enum pl_rc pl_scan_run(struct pl_scan *scan, struct pl_err *err);

/* Where the scan stands now (after run returns: what remains). Free with cleanup. */
enum pl_rc pl_scan_get_state(const struct pl_scan *scan, struct pl_scan_state *st);
void pl_scan_state_cleanup(struct pl_scan_state *st);

void pl_scan_get_progress(const struct pl_scan *scan, struct pl_scan_progress *p);
void pl_scan_free(struct pl_scan *scan);

/* ---- resume files ---- */

/*
 * Writes a resume file: the scan's arguments (n_args strings, saved verbatim) and its
 * state, atomically (temporary file + rename). Returns PL_OK or PL_ERR_IO.
 */
enum pl_rc pl_scan_resume_save(const char *path, char *const *args, size_t n_args,
                               const struct pl_scan_state *st, struct pl_err *err);

/*
 * Reads a resume file. On success *args (n_args strings, NULL-terminated array; free
 * with pl_scan_resume_args_free) and st are owned by the caller. PL_ERR_IO/PARSE.
 */
enum pl_rc pl_scan_resume_load(const char *path, char ***args, size_t *n_args,
                               struct pl_scan_state *st, struct pl_err *err);
void pl_scan_resume_args_free(char **args, size_t n_args);

/* The parser behind pl_scan_resume_load, over len bytes at data (pure). */
enum pl_rc pl_scan_resume_parse(const char *data, size_t len, const char *source, char ***args,
                                size_t *n_args, struct pl_scan_state *st, struct pl_err *err);

#endif
