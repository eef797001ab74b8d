/* SPDX-License-Identifier: MIT */
/*
 * portlens/sockets.h - what is listening and who is connected on this machine: TCP and
 * UDP sockets (IPv4, IPv6, dual-stack) with the processes holding them, their user,
 * systemd unit or container, network namespace, and flags worth a look.
 *
 * Sockets come from netlink sock_diag (libmnl); when netlink is unavailable the same
 * rows are read from /proc/net/{tcp,tcp6,udp,udp6}. Owners come from /proc/PID/fd,
 * or, as root on a machine with many open files, from the kernel's task_file iterator
 * (a small BPF program), which is several times quicker.
 * The parsers (pl_sockdiag_parse, pl_procnet_parse, pl_cgroup_parse) are pure functions
 * over bytes, so recorded dumps drive unit tests and fuzzers. See docs/sockets.md.
 */
#ifndef PORTLENS_SOCKETS_H
#define PORTLENS_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/addr.h"
#include "portlens/error.h"
#include "portlens/knowledge.h"
#include "portlens/port.h"
#include "portlens/registry.h"

/* Kernel socket states (include/net/tcp_states.h); UDP uses CLOSE and ESTABLISHED. */
enum pl_sock_state {
	PL_SS_ESTABLISHED = 1,
	PL_SS_SYN_SENT,
	PL_SS_SYN_RECV,
	PL_SS_FIN_WAIT1,
	PL_SS_FIN_WAIT2,
	PL_SS_TIME_WAIT,
	PL_SS_CLOSE, /* UDP: bound, not connected ("unconnected") */
	PL_SS_CLOSE_WAIT,
	PL_SS_LAST_ACK,
	PL_SS_LISTEN,
	PL_SS_CLOSING,
	PL_SS_NEW_SYN_RECV,
	PL_SS_MAX,
};

/* Address families a query keeps. */
#define PL_FAM_V4 1u
#define PL_FAM_V6 2u

/* Flags set by annotation (pl_sockets_annotate); see pl_sock_flag_reason. */
enum pl_sock_flag {
	PL_SFLAG_EXPOSED = 1u << 0,    /* beyond loopback on a plaintext/remote-login/risky port */
	PL_SFLAG_UNASSIGNED = 1u << 1, /* the registry lists the port as Unassigned */
	PL_SFLAG_MALWARE = 1u << 2,    /* the knowledge base ties the port to malware */
	PL_SFLAG_UNEXPECTED = 1u << 3, /* a well-known port held by an unexpected program */
	PL_SFLAG_CAPTURE = 1u << 4,    /* a packet socket: reads frames below TCP/UDP */
	PL_SFLAG_RAW = 1u << 5,        /* a raw IP socket: reads a whole IP protocol */
};
#define PL_SFLAG_COUNT 6

/* What a row is: a TCP/UDP socket, or (query.raw) a raw IP or packet socket. */
enum pl_sock_kind {
	PL_SK_INET = 0, /* proto is PL_PROTO_TCP or PL_PROTO_UDP */
	/* proto is PL_PROTO_COUNT; lport is the IP protocol number it receives (1 ICMP,
	 * 58 ICMPv6, 255 any); local the address it is bound to */
	PL_SK_RAW,
	/* AF_PACKET: proto is PL_PROTO_COUNT; lport is the ethertype (3 = every frame);
	 * ifindex/ifname the interface it is bound to (0/"" = all); pkt_type SOCK_RAW or
	 * SOCK_DGRAM */
	PL_SK_PACKET,
};

/* Why a socket has no process listed. */
enum pl_owner_status {
	PL_OWNER_FOUND = 0,  /* n_owners >= 1 */
	PL_OWNER_HIDDEN,     /* some /proc/PID/fd could not be read: re-run as root */
	PL_OWNER_KERNEL,     /* no process holds it (kernel socket, orphan, time-wait) */
	PL_OWNER_NOT_LOOKED, /* the query did not ask for processes */
};

/* One socket. Addresses are in network byte order; IPv4 uses the first 4 bytes. */
struct pl_sock {
	uint8_t kind;         /* enum pl_sock_kind */
	uint8_t pkt_type;     /* PL_SK_PACKET: SOCK_RAW or SOCK_DGRAM */
	uint8_t proto;        /* enum pl_proto: PL_PROTO_TCP or PL_PROTO_UDP */
	uint8_t family;       /* AF_INET or AF_INET6 */
	uint8_t state;        /* enum pl_sock_state */
	uint8_t v6only;       /* AF_INET6: 1 IPv6 only, 0 also IPv4, PL_V6ONLY_UNKNOWN */
	uint8_t owner_status; /* enum pl_owner_status */
	uint8_t risk;         /* enum pl_risk of the facts behind the flags */
	/* UDP on a port the kernel hands out to clients (its namespace's
	 * ip_local_port_range, not reserved): a client socket's port is no verdict */
	uint8_t ephemeral;
	uint16_t lport, rport;
	uint8_t local[16];
	union {
		uint8_t remote[16]; /* PL_SK_INET, PL_SK_RAW */
		char ifname[16];    /* PL_SK_PACKET: the bound interface's name, "" for all */
	};
	uint32_t uid; /* owner uid the kernel records for the socket */
	uint32_t rqueue, wqueue;
	uint32_t ifindex;                  /* bound device, 0 when none */
	uint64_t inode;                    /* 0 for time-wait and orphaned sockets */
	uint32_t netns;                    /* index into pl_sockset.netns */
	uint32_t owners;                   /* first index into pl_sockset.owner_idx */
	uint32_t n_owners;                 /* number of holders (processes) */
	uint32_t flags;                    /* enum pl_sock_flag bits */
	const struct pl_reg_entry *reg;    /* registry row for port/transport, or NULL */
	const struct pl_kb_entry *fact;    /* the fact behind EXPOSED, or NULL */
	const struct pl_kb_entry *malware; /* the fact behind MALWARE, or NULL */
};
#define PL_V6ONLY_UNKNOWN 0xff

/* One process holding at least one socket of the set. */
struct pl_proc {
	int32_t pid;
	uint32_t uid;    /* real uid */
	char comm[17];   /* /proc/PID/comm */
	char *cmdline;   /* owned; arguments joined by spaces; "" for kernel threads */
	char *cgroup;    /* owned; the cgroup path used, "" when unknown */
	char *unit;      /* owned systemd unit ("nginx.service"), or NULL */
	char *container; /* owned container label ("docker:3f2a1b4c5d6e"), or NULL */
};

/* One network namespace. Index 0 is the caller's own namespace. */
struct pl_netns {
	uint64_t ino;    /* inode of the namespace (ls -L -i /proc/self/ns/net) */
	char label[64];  /* "host" (the caller's), a /run/netns name, or "netns:INODE" */
	char *container; /* owned container label of a process inside, or NULL */
	int32_t pid;     /* a process inside (0 when entered by a /run/netns name) */
};

/* A finished collection. Free with pl_sockset_free. */
struct pl_sockset {
	struct pl_sock *socks;
	size_t n_socks;
	struct pl_proc *procs;
	size_t n_procs;
	uint32_t *owner_idx; /* sock.owners .. +n_owners index procs */
	size_t n_owner_idx;
	struct pl_netns *netns;
	size_t n_netns;
	const char *source;  /* "netlink sock_diag" or "/proc/net" (static) */
	int owners_complete; /* every /proc/PID/fd could be read (typically: root) */
	/* static: "/proc/PID/fd" or "kernel task_file iterator (BPF)"; NULL when the
	 * query did not ask for processes */
	const char *owners_source;
	char **notes; /* owned; things the user should know (could not enter ns, ...) */
	size_t n_notes;
	size_t notes_cap; /* allocated slots in notes */
	/* owned; note_parts[i] is notes[i] in parts (kind and values), for a front end that
	 * words notes in its own language */
	struct pl_sock_note *note_parts;
	size_t note_parts_cap;
};

/* Which sentence a note is (notes[i] is its English wording). */
enum pl_sock_note_kind {
	PL_SNOTE_TEXT = 0,      /* a caller's own note: only the English text */
	PL_SNOTE_READ_INSTEAD,  /* arg[0] what failed (the system's words), arg[1] what was read */
	PL_SNOTE_NETNS,         /* arg[0] the namespace, arg[1] the system's error */
	PL_SNOTE_HIDDEN_OTHERS, /* not root: other users' processes show on no socket */
	PL_SNOTE_HIDDEN_ROOT,   /* root, yet some processes could not be inspected */
};

struct pl_sock_note {
	enum pl_sock_note_kind kind;
	char *arg[2]; /* owned; "" where the kind has none */
};

enum pl_sock_what {
	PL_SQ_LISTEN = 1u << 0, /* TCP LISTEN, UDP bound and unconnected */
	PL_SQ_CONNS = 1u << 1,  /* every other TCP state, connected UDP */
};

/* Where holders of sockets are read from. */
enum pl_owner_source {
	/* The kernel iterator when it can run (root, initial PID namespace, BTF) and the
	 * machine has enough open files for it to win; else /proc/PID/fd. */
	PL_OWNERS_AUTO = 0,
	PL_OWNERS_PROCFS, /* always /proc/PID/fd */
	/* always the kernel iterator; pl_sockets_collect fails with the reason if it
	 * cannot run (PL_ERR_PERM, PL_ERR_UNSUPPORTED) */
	PL_OWNERS_BPF,
};

struct pl_sock_query {
	unsigned what;     /* PL_SQ_* bits; 0 = PL_SQ_LISTEN */
	unsigned protos;   /* PL_PROTO_BIT(TCP/UDP); 0 = both */
	unsigned families; /* PL_FAM_*; 0 = both. Dual-stack sockets match both */
	int port;          /* -1: any; else sockets with this local or remote port */
	int32_t pid;       /* 0: any; else sockets held by this process */
	int64_t uid;       /* -1: any; else sockets whose kernel uid or holder uid matches */
	int processes;     /* nonzero: find holders (/proc/PID/fd) */
	int all_netns;     /* nonzero: every network namespace, not only the caller's */
	int use_proc;      /* nonzero: read /proc/net instead of netlink */
	int flagged_only;  /* nonzero: keep only sockets with flags (implies annotate) */
	int annotate;      /* nonzero: fill reg, fact, flags, risk */
	/* nonzero (listen only): also raw IP and packet sockets, from /proc/net/{raw,raw6,
	 * packet}; with protos 0 only those */
	int raw;
	const struct pl_registry *reg; /* NULL: built-in */
	const struct pl_kb *kb;        /* NULL: built-in */
	const char *proc_root;         /* NULL: "/proc"; tests may point it elsewhere */
	unsigned threads;              /* owner-scan threads; 0: one per CPU, at most 4 */
	unsigned owner_source;         /* enum pl_owner_source */
};

/*
 * Collects the sockets q asks for. On success *out owns a new set, sorted by
 * namespace, transport, local port, address. Returns PL_OK, PL_ERR_NOMEM,
 * PL_ERR_ARG, or PL_ERR_IO/PL_ERR_SYS when neither netlink nor /proc/net could be read.
 * Partial visibility (another user's processes, namespaces that cannot be entered) is not
 * an error: it is recorded in owners_complete, owner_status and notes.
 */
enum pl_rc pl_sockets_collect(const struct pl_sock_query *q, struct pl_sockset **out,
                              struct pl_err *err);

/* Frees a set. NULL is a no-op. */
void pl_sockset_free(struct pl_sockset *set);

/* Fills reg, fact, flags and risk of every socket (done by collect when q->annotate). */
void pl_sockets_annotate(struct pl_sockset *set, const struct pl_registry *reg,
                         const struct pl_kb *kb);

/* The holder i (0 <= i < s->n_owners) of socket s. */
const struct pl_proc *pl_sock_owner(const struct pl_sockset *set, const struct pl_sock *s,
                                    size_t i);

/* Nonzero when s is an IPv6 socket that also accepts IPv4 (bound to :: without V6ONLY). */
int pl_sock_dual_stack(const struct pl_sock *s);

/* Adds a note to set (printf-style) unless an equal note is there already (notes from
 * several namespaces repeat). Returns PL_OK or PL_ERR_NOMEM. */
enum pl_rc pl_sockset_note(struct pl_sockset *set, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds a note of a kind the library words (arg0, arg1: its values, NULL for none), in
 * English to notes and in parts to note_parts, unless an equal note is there already.
 * Returns PL_OK or PL_ERR_NOMEM. */
enum pl_rc pl_sockset_note_kind(struct pl_sockset *set, enum pl_sock_note_kind kind,
                                const char *arg0, const char *arg1);
/* Adds a note the caller knows is distinct (one per baseline line, say) without looking
 * for an equal one: amortised O(1), for callers that add thousands. */
enum pl_rc pl_sockset_note_distinct(struct pl_sockset *set, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "ipv4", "ipv6", "dual" (an IPv6 socket that takes IPv4 too) or "packet" (static). */
const char *pl_sock_family_name(const struct pl_sock *s);

/* "found", "hidden", "none" (kernel) or "not-looked-up" (static). */
const char *pl_owner_status_name(enum pl_owner_status st);

/* "tcp", "udp", "raw" or "packet" (static). */
const char *pl_sock_transport_name(const struct pl_sock *s);

/* "tcp4", "tcp6", "tcp46" (dual-stack), "udp4", ... (static). */
const char *pl_sock_proto_label(const struct pl_sock *s);

/* What a raw socket's protocol number or a packet socket's ethertype is called
 * ("icmp", "ipv6-icmp", "all", "arp", ...), or NULL when this has no name for it. */
const char *pl_sock_protocol_name(const struct pl_sock *s);

/* Nonzero when the local address is loopback (127/8, ::1, ::ffff:127/104), or for a
 * packet socket when it reads interface lo. */
int pl_sock_loopback(const struct pl_sock *s);

/* The local address and port of an inet or raw socket (family 0 for a packet socket). */
struct pl_addr pl_sock_local_addr(const struct pl_sock *s);

/* Formats the local (remote = 0) or remote address (no port, no brackets) into buf. */
void pl_sock_addr_str(const struct pl_sock *s, int remote, char *buf, size_t size);

/* "LISTEN", "ESTAB", "UNCONN", "TIME-WAIT", ... (static; ss's names). */
const char *pl_sock_state_name(const struct pl_sock *s);

/* Short name of one flag: "exposed", "unassigned", "malware", "unexpected". */
const char *pl_sock_flag_name(enum pl_sock_flag flag);

/* The one-line reason for one flag of socket s, written into buf (NUL-terminated), in
 * English: pl_sock_flag_reason_parts worded. */
void pl_sock_flag_reason(const struct pl_sockset *set, const struct pl_sock *s,
                         enum pl_sock_flag flag, char *buf, size_t size);

/* Which sentence a flag's reason is; the fields of struct pl_sock_reason each uses. */
enum pl_sock_reason_kind {
	PL_SREASON_NONE = 0,          /* not one flag: "?" */
	PL_SREASON_EXPOSED_FACT,      /* addr, fact: listening beyond loopback, what is known */
	PL_SREASON_EXPOSED_PLAINTEXT, /* addr: a remote-login port that sends passwords */
	PL_SREASON_UNASSIGNED,        /* number (the port), proto */
	PL_SREASON_MALWARE,           /* fact (NULL when the knowledge base has none at hand) */
	PL_SREASON_CAPTURE_ALL,       /* every frame, on ifname ("": every interface) */
	PL_SREASON_CAPTURE_NAMED,     /* name (a protocol) frames, on ifname */
	PL_SREASON_CAPTURE_ETHERTYPE, /* number (an ethertype) frames, on ifname */
	PL_SREASON_RAW_NAMED,         /* name: every packet of that IP protocol */
	PL_SREASON_RAW_NUMBER,        /* number: the IP protocol number */
	PL_SREASON_UNEXPECTED,        /* number (the port), name (its service), holder, expected */
};

/* A flag's reason in parts: the values read the same in any language (addresses,
 * numbers, program and protocol names), so a front end can word it in its own. */
struct pl_sock_reason {
	enum pl_sock_reason_kind kind;
	uint32_t number;
	enum pl_proto proto;
	const struct pl_kb_entry *fact;
	const char *name;            /* "" when the kind has none */
	const char *ifname;          /* "" for every interface */
	const char *holder;          /* UNEXPECTED: the holding program, "?" unknown */
	const char *expected;        /* UNEXPECTED: who should (English: "an SSH server") */
	const char *const *programs; /* UNEXPECTED: the programs expected there */
	size_t n_programs;
	char addr[64]; /* EXPOSED_*: the local address, no port */
};

/* Fills r with the parts of flag's reason for s. Points into set, s and static tables
 * (valid while set lives); never fails. */
void pl_sock_flag_reason_parts(const struct pl_sockset *set, const struct pl_sock *s,
                               enum pl_sock_flag flag, struct pl_sock_reason *r);

/* The user name of uid (cached lookups are the caller's business), or the number. */
void pl_user_name(uint32_t uid, char *buf, size_t size);

/* A uid -> user name cache for one rendering (start it zeroed): 64 names, then slots
 * are reused. pl_user_cached returns the name (borrowed from uc, valid until the slot is
 * reused), looked up with pl_user_name the first time. */
struct pl_user_cache {
	uint32_t uid[64];
	char name[64][33];
	size_t n;
};
const char *pl_user_cached(struct pl_user_cache *uc, uint32_t uid);

/* ---- pure parsers (no I/O), also used by tests and fuzzers ---- */

/* A growing array of sockets for the parsers. */
struct pl_sock_list {
	struct pl_sock *v;
	size_t n, cap;
};
void pl_sock_list_cleanup(struct pl_sock_list *l);

/*
 * A baseline: the listeners a machine is expected to have, one per line of a text file
 * ("PROTO ADDRESS PORT PROGRAM", '#' comments; see docs/sockets.md). `portlens listen
 * --baseline FILE` shows only what no line covers.
 */
struct pl_baseline_entry {
	char proto[8];    /* "tcp4", "tcp6", "tcp46", "udp4", ...; "tcp"/"udp": any family */
	char addr[64];    /* normalised address text, or "*" */
	int32_t port;     /* -1: any ("*") */
	char program[16]; /* a holder's name (comm), "*" any, "-" no visible process */
	unsigned line;    /* 1-based line in the file */
	unsigned matched; /* sockets it covered (pl_baseline_covers counts) */
};
struct pl_baseline {
	struct pl_baseline_entry *v;
	size_t n;
	/* Indices into v ordered by port, port '*' (-1) first: a socket is checked against
	 * the lines for its own port and the '*' lines only (binary search), so checking n
	 * sockets against m lines costs O((n + m) log m), not O(n * m). Built by parse. */
	uint32_t *by_port;
	size_t n_any; /* the first n_any of by_port have port '*' */
};

/*
 * Parses a baseline file's text (len bytes; source names it in errors) into *out
 * (pl_baseline_cleanup). Returns PL_OK, PL_ERR_PARSE with line and column, or
 * PL_ERR_NOMEM.
 */
enum pl_rc pl_baseline_parse(const char *data, size_t len, const char *source,
                             struct pl_baseline *out, struct pl_err *err);
void pl_baseline_cleanup(struct pl_baseline *b);

/* Nonzero when some line of b covers listener s of set; counts it in those lines. */
int pl_baseline_covers(struct pl_baseline *b, const struct pl_sockset *set,
                       const struct pl_sock *s);

/* Writes s as a baseline line ("tcp4 0.0.0.0 22 sshd", no newline) into buf. */
void pl_baseline_line(const struct pl_sockset *set, const struct pl_sock *s, char *buf,
                      size_t size);

/*
 * Parses a buffer of netlink messages answering a SOCK_DIAG_BY_FAMILY dump of proto
 * (PL_PROTO_TCP or PL_PROTO_UDP), appending one socket per message to l. Sets *done
 * when NLMSG_DONE was seen. Returns PL_OK, PL_ERR_PARSE (truncated or malformed
 * message, with the byte offset in err->column), PL_ERR_SYS (the kernel answered
 * NLMSG_ERROR; its errno in err->sys_errno) or PL_ERR_NOMEM.
 */
enum pl_rc pl_sockdiag_parse(const void *buf, size_t len, enum pl_proto proto,
                             struct pl_sock_list *l, int *done, struct pl_err *err);

/*
 * Parses the text of /proc/net/tcp, tcp6, udp or udp6 (family AF_INET or AF_INET6),
 * appending one socket per line after the header. Returns PL_OK, PL_ERR_PARSE with
 * line and column in err, or PL_ERR_NOMEM.
 */
enum pl_rc pl_procnet_parse(const char *data, size_t len, enum pl_proto proto, int family,
                            struct pl_sock_list *l, struct pl_err *err);

/*
 * Parses the text of /proc/net/packet, appending one PL_SK_PACKET socket per line after
 * the header (interface names are left empty). Returns PL_OK, PL_ERR_PARSE with line
 * and column in err, or PL_ERR_NOMEM.
 */
enum pl_rc pl_procnet_parse_packet(const char *data, size_t len, struct pl_sock_list *l,
                                   struct pl_err *err);

/*
 * Reads the text of /proc/PID/cgroup and derives the systemd unit and container. Writes
 * the cgroup path used (the unified "0::" line, else "name=systemd") into path, the unit
 * into unit and the container label into container ("" when none). Returns PL_OK or
 * PL_ERR_PARSE for text with no usable line.
 */
enum pl_rc pl_cgroup_parse(const char *data, size_t len, char *path, size_t path_size, char *unit,
                           size_t unit_size, char *container, size_t container_size);

#endif
