/* SPDX-License-Identifier: MIT */
/*
 * portlens/probe.h - service detection: what does the program behind an open TCP port
 * actually say, whatever the port number?
 *
 * A probe run connects, waits a bounded time for a banner, then sends protocol probes
 * in order of likelihood for that port (Telnet, SSH, HTTP, TLS, SMTP, FTP, POP3, IMAP,
 * Redis, MySQL, PostgreSQL, MQTT, Memcached, VNC, RDP, ...). Answers are classified by
 * the per-protocol matchers and then refined with Rapid7 Recog fingerprints (vendor,
 * product, version, CPE). Every read is bounded in bytes and every wait in time, so a
 * probe of one port costs at most opts.total_ms and PL_PROBE_MAX_READ bytes per answer.
 *
 * Typical use (the per-open-port hook of `portlens scan --sV`):
 *
 *	struct pl_probe_ctx *ctx;
 *	pl_probe_ctx_new(NULL, &ctx, &err);
 *	for each open port: pl_probe_service(ctx, sa, salen, &svc, &err);
 *	pl_probe_ctx_free(ctx);
 *
 * A context is immutable after creation and may be shared by threads probing in
 * parallel; a struct pl_service belongs to one caller.
 */
#ifndef PORTLENS_PROBE_H
#define PORTLENS_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "portlens/error.h"

/* Bytes kept of one answer; longer answers are cut (the cut is reported). */
#define PL_PROBE_MAX_READ 16384

struct pl_probe_opts {
	unsigned connect_ms; /* connect timeout; 0 = 3000 */
	unsigned banner_ms;  /* wait for an unsolicited banner; 0 = 2000 */
	unsigned read_ms;    /* wait for the answer to one probe; 0 = 2000 */
	unsigned total_ms;   /* budget for the whole run on one port; 0 = 15000 */
	/*
	 * UDP: send every payload of data/udp-payloads.txt at once, each from a socket of
	 * its own, and classify what comes back within this many milliseconds (0 = the
	 * payloads one by one, read_ms each, with follow-ups). `scan -sU --sV` uses it on
	 * the ports its sweep left open|filtered.
	 */
	unsigned udp_burst_ms;
	int no_tls; /* do not try TLS handshakes */
	int quick;  /* skip the banner wait on ports whose clients talk first */
	/*
	 * Run the checks that prove exposures by using the service as an outsider would:
	 * an anonymous FTP login and LIST, a relay request through an HTTP proxy, an
	 * anonymous SMB session listing shares, an anonymous LDAP subtree search, opening
	 * an rsync module, a recursive DNS query, and extra TLS handshakes offering only
	 * old protocols or weak ciphers. Off (0), a probe only identifies: those checks
	 * are never sent and their pl_exposure bits stay clear. The audit sets it; other
	 * callers only on an explicit request (`portlens probe --intrusive`).
	 */
	int intrusive;
};

/* Tri-state for facts a probe may or may not learn. */
enum pl_tri { PL_TRI_UNKNOWN = -1, PL_TRI_NO = 0, PL_TRI_YES = 1 };

/* Certificate and session facts of a TLS service. Strings are "" when not known. */
struct pl_tls_info {
	char version[16];    /* "TLSv1.3" */
	char cipher[64];     /* "TLS_AES_256_GCM_SHA384" */
	char subject[256];   /* one-line RFC 2253 subject */
	char issuer[256];    /* one-line RFC 2253 issuer */
	char sans[512];      /* "DNS:a.example, IP:198.18.0.2" */
	char not_before[32]; /* "2026-01-01T00:00:00Z" */
	char not_after[32];
	int expired;     /* not_after is in the past */
	int self_signed; /* subject == issuer */
	int days_left;   /* whole days until not_after (negative when expired) */
	/* The certificate names neither the address we connected to (IP SAN) nor, when we
	 * had one, the host name; names lists what it does name. */
	int name_mismatch;
	char old_protocol[16]; /* "TLSv1.1", "TLSv1" when a handshake capped there succeeded */
	char weak_cipher[64];  /* a weak cipher (3DES, RC4, DES, NULL, EXPORT, anonymous) it
	                          accepted when offered only those */
};

/*
 * Exposures a probe proved by talking to the service (never guessed from the port
 * number). The audit turns each into a finding; struct pl_service.info says the detail.
 */
enum pl_exposure {
	PL_EXP_DNS_RECURSION = 1u << 0,    /* resolved a name it is not authoritative for */
	PL_EXP_SNMP_PUBLIC = 1u << 1,      /* answered a get with community "public" */
	PL_EXP_VNC_NO_AUTH = 1u << 2,      /* offers RFB security type None */
	PL_EXP_RSYNC_LIST = 1u << 3,       /* listed its modules without credentials */
	PL_EXP_RSYNC_OPEN = 1u << 4,       /* a module opened without credentials */
	PL_EXP_SMB1 = 1u << 5,             /* accepted an SMB1 (NT LM 0.12) negotiate */
	PL_EXP_SMB_NO_SIGNING = 1u << 6,   /* SMB2/3 signing enabled but not required */
	PL_EXP_SMB_GUEST_SHARES = 1u << 7, /* a guest session listed the shares */
	PL_EXP_RDP_NO_NLA = 1u << 8,       /* RDP accepts a session without NLA (CredSSP) */
	PL_EXP_LDAP_ANON_READ = 1u << 9,   /* an anonymous search returned directory entries */
	PL_EXP_MQTT_ANON = 1u << 10,       /* MQTT broker let an anonymous client subscribe */
	PL_EXP_FTP_ANON = 1u << 11,        /* FTP accepted an anonymous login */
	PL_EXP_OPEN_PROXY = 1u << 12,      /* HTTP proxy relayed a request to another host */
};

/*
 * What a probe run found. All strings are NUL-terminated and bounded (cut, never
 * overflowed); "" means unknown. The struct owns no heap memory: copy it freely.
 */
struct pl_service {
	char service[24];   /* "telnet", "ssh", "http", ...; "" when unidentified */
	char vendor[64];    /* "OpenBSD" (Recog service.vendor) */
	char product[64];   /* "OpenSSH" */
	char version[64];   /* "9.2p1" */
	char cpe[128];      /* "cpe:/a:openbsd:openssh:9.2p1" */
	char os[64];        /* "Debian" when the banner names it */
	char info[384];     /* extra facts: "title: Welcome to nginx!", "auth: none" */
	char evidence[512]; /* the answer that identified it, escaped (\r \n \xNN) for text */
	/* The same answer as read, byte for byte (evidence_len bytes, at most 512): each
	 * output format escapes it once, its own way (JSON: JSON escapes only). */
	unsigned char evidence_raw[512];
	uint16_t evidence_len;
	char probe[16]; /* which probe identified it: "banner", "http", "tls", ... */
	int tls;        /* the service spoke inside TLS */
	struct pl_tls_info tls_info;
	enum pl_tri auth_required;  /* for datastores, MQTT: did it demand credentials? */
	enum pl_tri starttls;       /* SMTP/FTP/POP3/IMAP: was an upgrade to TLS offered? */
	unsigned confidence;        /* 0-100: 100 = protocol handshake seen, 50 = weak hint */
	uint32_t elapsed_ms;        /* time the run took */
	uint32_t bytes_read;        /* answer bytes received, over all probes */
	int truncated;              /* an answer exceeded PL_PROBE_MAX_READ */
	uint32_t exposures;         /* enum pl_exposure bits */
	int udp;                    /* identified over UDP */
	uint32_t udp_request_bytes; /* UDP: size of the request that drew the answer */
	uint32_t udp_answer_bytes;  /* UDP: bytes of every datagram that answered it */
	uint32_t udp_answers;       /* UDP: datagrams that came back (0: the port said nothing) */
};

struct pl_probe_ctx;

/*
 * Creates a probe context: copies opts (NULL = defaults) and loads the built-in Recog
 * fingerprints (compiled once here). Returns PL_OK and *out (free with
 * pl_probe_ctx_free), or PL_ERR_NOMEM / PL_ERR_PARSE with err filled.
 */
enum pl_rc pl_probe_ctx_new(const struct pl_probe_opts *opts, struct pl_probe_ctx **out,
                            struct pl_err *err);

/* Frees a context. NULL is a no-op. */
void pl_probe_ctx_free(struct pl_probe_ctx *ctx);

/*
 * Identifies the TCP service at sa (IPv4 or IPv6). Blocks for at most opts.total_ms.
 * Fills *out (always initialised, even on failure). Returns PL_OK when the port could
 * be connected to, identified or not (out->service "" then); PL_ERR_IO when the
 * connection was refused or reset before any byte, PL_ERR_TIMEOUT when connect timed
 * out, PL_ERR_ARG on a bad address.
 */
enum pl_rc pl_probe_service(const struct pl_probe_ctx *ctx, const struct sockaddr *sa,
                            socklen_t salen, struct pl_service *out, struct pl_err *err);

/* One port of a batch for pl_probe_many. */
struct pl_probe_job {
	struct sockaddr_storage addr; /* filled by the caller */
	socklen_t addrlen;
	int udp;               /* probe the UDP port (pl_probe_udp_service) */
	struct pl_service svc; /* filled by pl_probe_many */
	enum pl_rc rc;         /* pl_probe_service's result for this port */
	char errmsg[128];      /* its error message when rc != PL_OK */
};

/*
 * Probes n ports with up to parallel threads (0 = 16, capped at 64), each port as
 * pl_probe_service does: the probe pool below, fed at once and drained until empty.
 * Returns PL_OK when every job ran (see each job's rc), or PL_ERR_SYS if no thread
 * could be started, PL_ERR_NOMEM (err filled).
 */
enum pl_rc pl_probe_many(const struct pl_probe_ctx *ctx, struct pl_probe_job *jobs, size_t n,
                         unsigned parallel, struct pl_err *err);

/*
 * The probe pool: threads that probe ports while the caller goes on (`scan --sV` keeps
 * scanning, then writes each port when its probe is back). The caller submits ports one
 * at a time and, from its own thread, drains the finished ones: the caller's function
 * runs only inside pl_probe_pool_drain, so what it writes to needs no locking.
 */
struct pl_probe_pool;

/* A finished probe, as pl_probe_pool_drain hands it back (valid during the call only). */
struct pl_probe_done {
	const void *tag;              /* copy of the bytes given to submit; NULL if none */
	enum pl_rc rc;                /* pl_probe_service's (pl_probe_udp_service's) result */
	const char *errmsg;           /* why, when rc != PL_OK */
	const struct pl_service *svc; /* what was found; NULL only when no memory was left */
};

typedef void (*pl_probe_done_fn)(void *arg, const struct pl_probe_done *done);
typedef void (*pl_probe_dropped_fn)(void *arg, const void *tag);

/*
 * Starts parallel threads (0 = 16, capped at 64) probing with ctx, which the pool
 * borrows: it must outlive the pool. Returns PL_OK and *out (free with
 * pl_probe_pool_free), PL_ERR_ARG without a context, PL_ERR_NOMEM, or PL_ERR_SYS when
 * no thread could be started (err filled).
 */
enum pl_rc pl_probe_pool_new(const struct pl_probe_ctx *ctx, unsigned parallel,
                             struct pl_probe_pool **out, struct pl_err *err);

/*
 * Queues one port: sa (copied), TCP or UDP (udp = 1). out: where the result goes
 * (it must stay valid until handed back), or NULL to have the pool allocate the record
 * when the probe starts and free it after the drain. tag, tag_len: bytes copied and
 * handed back with the result (say which port it was). Returns PL_OK, PL_ERR_ARG on a
 * bad argument, PL_ERR_NOMEM (the port was not queued).
 */
enum pl_rc pl_probe_pool_submit(struct pl_probe_pool *pool, const struct sockaddr *sa,
                                socklen_t salen, int udp, struct pl_service *out, const void *tag,
                                size_t tag_len);

/*
 * Calls fn for every finished probe, in this thread, and frees it. When none has
 * finished and some are outstanding, waits up to wait_ms for one first (0 = do not
 * wait). Returns how many were handed back. NULL pool: 0.
 */
size_t pl_probe_pool_drain(struct pl_probe_pool *pool, int wait_ms, pl_probe_done_fn fn, void *arg);

/* Ports submitted and not yet handed back (queued, being probed, or finished). */
size_t pl_probe_pool_outstanding(struct pl_probe_pool *pool);
/* Ports being probed right now. */
size_t pl_probe_pool_running(struct pl_probe_pool *pool);

/*
 * Drops every queued port whose probe has not started, calling fn (if not NULL) with
 * its tag, so the caller can put it back on its own list. Running probes go on.
 * Returns how many were dropped.
 */
size_t pl_probe_pool_cancel_queued(struct pl_probe_pool *pool, pl_probe_dropped_fn fn, void *arg);

/* Waits for running probes, discards whatever is left and frees the pool. NULL is a no-op. */
void pl_probe_pool_free(struct pl_probe_pool *pool);

/*
 * Pure classification of bytes a server sent unprompted (no I/O): fills out as
 * pl_probe_service would for that banner. Returns 1 if a service was recognised, else 0.
 * Used by tests and fuzzers, and by callers that captured a banner themselves.
 */
int pl_probe_classify_banner(const struct pl_probe_ctx *ctx, const unsigned char *data, size_t n,
                             struct pl_service *out);

/*
 * UDP service detection. The classifier is a pure function for any engine that sent a
 * UDP payload and got datagrams back (the UDP scan engine's --sV); it recognises DNS
 * (with version.bind and similar TXT answers), NTP (version, stratum, refid), SNMP
 * v1/v2c GetResponse (community, sysDescr, sysObjectID), SSDP (SERVER header) and
 * memcached (UDP frame header, then VERSION or STAT lines). ctx may be NULL (no Recog
 * refinement of products). port is where the answer came from (a hint only); req /
 * req_len the payload that drew it (NULL/0 when unknown: then DNS ids are not checked
 * and no amplification sizes are recorded). Fills *out (always initialised; udp = 1,
 * udp_request_bytes = req_len, udp_answer_bytes = n). Returns 1 if recognised, else 0.
 */
int pl_probe_classify_udp(const struct pl_probe_ctx *ctx, uint16_t port, const unsigned char *req,
                          size_t req_len, const unsigned char *ans, size_t n,
                          struct pl_service *out);

/*
 * Identifies the UDP service at sa by asking it: the payloads of the services likely on
 * that port first (DNS version.bind, NTP mode 3, SNMP get of sysDescr/sysObjectID with
 * community "public", SSDP M-SEARCH, memcached stats), then the others, each waiting
 * opts.read_ms, all within opts.total_ms. Once identified, follow-up questions (DNS
 * id.server/hostname.bind/version.server and a recursive query for example.com).
 * Returns PL_OK (out->service "" when nothing answered), PL_ERR_IO when the port
 * answered ICMP port unreachable, PL_ERR_ARG on a bad address, PL_ERR_SYS on socket
 * errors.
 */
enum pl_rc pl_probe_udp_service(const struct pl_probe_ctx *ctx, const struct sockaddr *sa,
                                socklen_t salen, struct pl_service *out, struct pl_err *err);

/*
 * Escapes n bytes for display in out (size bytes, always NUL-terminated): printable
 * ASCII as is, \r \n \t \\ and \xNN for the rest. Returns the number of input bytes
 * represented (less than n if out was too small; the cut is marked by "...").
 */
size_t pl_probe_escape(const unsigned char *data, size_t n, char *out, size_t size);

/* Stable name of one exposure bit: "dns-recursion", "snmp-public", ...; NULL if unknown. */
const char *pl_exposure_name(uint32_t bit);

/* Human-readable one-line summary: "OpenSSH 9.2p1 (Debian)". Empty if nothing known. */
void pl_service_summary(const struct pl_service *svc, char *out, size_t size);

/*
 * Opt-in check of factory-default Telnet credentials (the 61 pairs Mirai tried), for an
 * explicitly named host the caller is allowed to test. Politely: one connection at a
 * time, delay_ms between tries, stop at the first success, at most max_tries pairs
 * (0 = all). Tried passwords are never stored: only the accepted pair is returned.
 */
struct pl_cred_result {
	int accepted;      /* 1 when a pair logged in */
	char username[32]; /* the accepted pair, when accepted */
	char password[32];
	unsigned tried; /* pairs tried */
	/* What the server said after the accepted login, as read (not escaped: each output
	 * escapes it for its format); cut at a NUL byte or 255 bytes. */
	char evidence[256];
};

struct pl_cred_opts {
	unsigned delay_ms;  /* pause between tries; 0 = 1000 */
	unsigned max_tries; /* 0 = every pair */
	unsigned step_ms;   /* wait for each prompt; 0 = 5000 */
};

enum pl_rc pl_probe_telnet_default_creds(const struct sockaddr *sa, socklen_t salen,
                                         const struct pl_cred_opts *opts,
                                         struct pl_cred_result *out, struct pl_err *err);

/* The built-in credential list: number of pairs, and pair i (borrowed strings). */
size_t pl_default_creds_count(void);
void pl_default_creds_get(size_t i, const char **user, const char **pass);

#endif
