/* SPDX-License-Identifier: MIT */
/*
 * probe/probe_impl.h - internals of the probe module: the bounded connection (conn.c),
 * the probe vtable every protocol file implements, and the context.
 *
 * A probe (struct probe_def) knows its likely ports, whether its servers talk first,
 * how to build its request, and how to classify any answer. Classifiers are pure
 * functions over bytes, so the scheduler runs every classifier over every answer: a
 * Redis error line that comes back to an HTTP probe still identifies Redis.
 */
#ifndef PL_PROBE_IMPL_H
#define PL_PROBE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "portlens/addr.h"
#include "portlens/probe.h"
#include "probe/recog.h"

struct ssl_st;
struct ssl_ctx_st;

/* One answer, bounded to PL_PROBE_MAX_READ bytes (+1 for a terminating NUL). */
struct probe_answer {
	unsigned char data[PL_PROBE_MAX_READ + 1];
	size_t len;
	int truncated; /* more bytes arrived than fit */
	int closed;    /* peer closed (EOF) */
	int reset;     /* connection reset or other read error */
};

/* A connected socket, optionally wrapped in TLS, with a hard deadline. */
struct probe_conn {
	int fd;
	struct ssl_st *ssl;
	uint64_t deadline; /* monotonic ms: nothing waits past this */
	uint32_t *bytes_read;
};

/* Says whether an answer is complete (stop reading now). */
typedef int (*probe_complete_fn)(const unsigned char *d, size_t n);

struct pl_probe_ctx;
struct probe_run;

struct probe_def {
	const char *name;      /* probe name: "http" */
	const uint16_t *ports; /* ports where its service is likely, 0-terminated */
	int talks_first;       /* its servers send a banner unprompted */
	/* Writes the request into buf (cap bytes); returns its length. NULL: the fixed
	 * request below, or none (banner only). Ask through pli_probe_request. */
	size_t (*request)(const struct probe_run *run, unsigned char *buf, size_t cap);
	/* The request of a probe that always sends the same len bytes. */
	struct {
		const void *data;
		size_t len;
	} fixed;
	/* Stops reading early once an answer is complete; NULL: read until quiet. */
	probe_complete_fn complete;
	/* Classifies any answer; fills out and returns a confidence 1-100, or 0. */
	unsigned (*classify)(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
	                     struct pl_service *out);
	/* Optional: further questions on the same connection once identified (CAPA, INFO). */
	void (*followup)(const struct probe_run *run, struct probe_conn *c,
	                 struct probe_answer *ans, struct pl_service *out);
	int followup_new_conn; /* the follow-up opens its own connection (HTTP: one request each) */
};

/* One per protocol file (p_*.c). */
extern const struct probe_def pl_probe_ssh, pl_probe_http, pl_probe_tls, pl_probe_telnet,
    pl_probe_smtp, pl_probe_ftp, pl_probe_pop3, pl_probe_imap, pl_probe_redis, pl_probe_memcached,
    pl_probe_mysql, pl_probe_postgresql, pl_probe_mqtt, pl_probe_vnc, pl_probe_rdp, pl_probe_dns,
    pl_probe_ldap, pl_probe_rsync, pl_probe_smb;
/* Issue 14, second half: p_mongo.c, p_ics.c (Modbus, S7comm), p_sip.c. */
extern const struct probe_def pl_probe_mongodb, pl_probe_modbus, pl_probe_s7, pl_probe_sip;

/* The probe table (table.c), in order of general likelihood. */
extern const struct probe_def *const pl_probe_table[];
extern const size_t pl_probe_table_count;

/* Recog databases the classifiers consult, by role. */
enum recog_role {
	RECOG_SSH,
	RECOG_FTP,
	RECOG_SMTP,
	RECOG_POP,
	RECOG_IMAP,
	RECOG_TELNET,
	RECOG_HTTP_SERVER,
	RECOG_HTML_TITLE,
	RECOG_MYSQL,
	RECOG_X509_SUBJECT,
	RECOG_X509_ISSUER,
	RECOG_HTTP_POWERED,
	RECOG_DNS_VERSION,
	RECOG_SNMP_SYSDESCR,
	RECOG_LDAP,
	RECOG_NTP,
	RECOG_SMB_OS,
	RECOG_SIP,
	RECOG_ROLE_COUNT,
};

struct pl_probe_ctx {
	struct pl_probe_opts opts;
	struct pl_recog_db **dbs;
	size_t n_dbs;
	const struct pl_recog_db *role[RECOG_ROLE_COUNT];
	const struct pl_recog_db *role_extra[RECOG_ROLE_COUNT]; /* data/fingerprints */
	struct ssl_ctx_st *ssl_ctx;
};

/* What the scheduler knows while probing one port. */
struct probe_run {
	const struct pl_probe_ctx *ctx;
	const struct sockaddr *sa;
	socklen_t salen;
	uint16_t port;
	char host[64]; /* numeric address, for Host: headers */
	uint64_t deadline;
};

/* conn.c */
uint64_t pli_probe_now_ms(void);
/* Connects within timeout_ms (and before deadline). PL_OK, PL_ERR_TIMEOUT or PL_ERR_IO. */
enum pl_rc pli_conn_open(struct probe_conn *c, const struct sockaddr *sa, socklen_t salen,
                         unsigned timeout_ms, uint64_t deadline, struct pl_err *err);
void pli_conn_close(struct probe_conn *c);
/* Sends all n bytes before the deadline. 0 on success, -1 on failure. */
int pli_conn_send(struct probe_conn *c, const void *buf, size_t n);
/*
 * Reads into ans (appending) until: complete() says so, quiet_ms pass without data
 * after some data arrived, wait_ms pass in all, the deadline, EOF, error or a full
 * buffer. Returns the number of bytes this call added.
 */
size_t pli_conn_read(struct probe_conn *c, struct probe_answer *ans, unsigned wait_ms,
                     unsigned quiet_ms, probe_complete_fn complete);
/*
 * Wraps c in TLS (SNI from host if not numeric). 0 on success, -1 if the handshake failed.
 * raw (may be NULL) receives the bytes the handshake read when it failed: what a server
 * that does not speak TLS answered to the ClientHello (emptied on success).
 */
int pli_conn_tls(struct probe_conn *c, struct ssl_ctx_st *ctx, const char *host,
                 struct pl_tls_info *info, struct probe_answer *raw);
struct ssl_st;
/* Drives SSL_connect of ssl (already bound to c->fd) until done or c->deadline: 0 or -1. */
int pli_tls_handshake(struct probe_conn *c, struct ssl_st *ssl);
/*
 * tls_audit.c: what the audit judges a TLS service by, beyond the first handshake:
 * days left and whether the certificate names the address (cert_checks, on the
 * established connection), and whether the server also accepts TLS 1.0/1.1 or a weak
 * cipher when offered only those (offer_checks: one more handshake each, on new
 * connections, each bounded by the read timeout).
 */
void pli_tls_cert_checks(const struct probe_run *run, struct ssl_st *ssl, struct pl_tls_info *info);
void pli_tls_offer_checks(const struct probe_run *run, struct pl_tls_info *info);
/*
 * One non-blocking read into ans (appending, with the same bookkeeping as
 * pli_conn_read). Returns 1 when bytes were added, 0 when it would block (*want says
 * for what), -1 on EOF, error or a full buffer (ans->closed/reset/truncated say which).
 */
int pli_conn_read_once(struct probe_conn *c, struct probe_answer *ans, short *want);
struct ssl_ctx_st *pli_tls_ctx_new(void);
void pli_tls_ctx_free(struct ssl_ctx_st *ctx);

/* scheduler.c: an empty result (tri-states unknown). */
void pli_service_init(struct pl_service *out);

/* p_dns.c: fills out from a parsed DNS answer (d/n the message, for the evidence);
 * returns a confidence. Shared by the TCP probe and the UDP classifier. */
struct pl_dns_reply;
unsigned pli_probe_dns_describe(const struct pl_probe_ctx *ctx, const struct pl_dns_reply *r,
                                const unsigned char *d, size_t n, struct pl_service *out);
/* wave.c */
/* Connections a wave holds open at once: enough to send a whole table's worth of
 * client-first probes to a silent port in two or three waves, few enough for small
 * devices that accept a handful of connections. */
#define PL_PROBE_WAVE 8
/*
 * Called for every wave connection that answered (or was closed on) once its answer is
 * complete. Returns 0 to go on, 1 to end the wave now, 2 to end it after a short grace
 * for the other answers; it may take the connection over (copy *c, set c->fd to -1).
 */
typedef int (*probe_wave_fn)(void *arg, const struct probe_def *sent, struct probe_conn *c,
                             struct probe_answer *ans);
/*
 * Sends probes[0..n) each on its own connection (the first on *first when that is
 * open and unused: the wave takes it over), at most PL_PROBE_WAVE of them, and reads
 * every answer until it is complete, quiet for 300 ms, or wait_ms (bounded by the run's
 * deadline) pass; hands each answer to fn. Returns 1 when fn ended it, else 0; *heard
 * counts the connections that sent any byte.
 */
int pli_probe_wave(const struct probe_run *run, const struct probe_def *const *probes, size_t n,
                   struct probe_conn *first, unsigned wait_ms, probe_wave_fn fn, void *arg,
                   size_t *heard);

/* smb_shares.c: lists the shares through an anonymous session; sets
 * PL_EXP_SMB_GUEST_SHARES and the info when any come back. */
void pli_smb_guest_shares(const struct probe_run *run, struct pl_service *out);

/* Pure parsers of the follow-ups' answers, exposed for the fuzz targets and tests. */
/* p_misc.c: the PUBLISH of $SYS/broker/version among MQTT packets (also SUBACK grants). */
void pli_mqtt_sys_version(const unsigned char *d, size_t n, struct pl_service *out);
/* p_misc.c: the RFB security types (v33: protocol 3.3's single 32-bit type). */
void pli_vnc_security_types(const unsigned char *d, size_t n, int v33, struct pl_service *out);
/* p_rdp.c: an X.224 Connection Confirm: 1 with *selected (Negotiation Response or none:
 * standard RDP), 0 with *failure (Negotiation Failure), -1 if it is none. */
int pli_rdp_confirm(const unsigned char *d, size_t n, uint32_t *selected, uint32_t *failure);
/* smb_shares.c: share names of a NetrShareEnum level-1 response stub into list; the
 * IPC$ remark into ipc. Returns the number of shares other than IPC$. */
size_t pli_smb_parse_shares(const unsigned char *d, size_t n, char *list, size_t cap, char *ipc,
                            size_t ipc_cap);

/* util.c */
/* Copies at most n bytes of src into dst (size bytes), always NUL-terminated. */
void pli_probe_copy(char *dst, size_t size, const char *src, size_t n);
/* Like pli_probe_copy for a C string. */
void pli_probe_set(char *dst, size_t size, const char *src);
/* Appends "; text" (or text when empty) to out->info, bounded. */
void pli_probe_add_info(struct pl_service *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* p sends a request (built per run, or fixed); else it only listens for a banner. */
int pli_probe_asks(const struct probe_def *p);
/* Writes p's request for run into buf (cap bytes); returns its length, 0 when p asks
 * nothing or the request does not fit. */
size_t pli_probe_request(const struct probe_def *p, const struct probe_run *run, unsigned char *buf,
                         size_t cap);
/* Sets the evidence from an answer: the bytes as read, and their escaped form. */
void pli_probe_evidence(struct pl_service *out, const unsigned char *d, size_t n);
/* Case-insensitive search for needle in the n bytes at d. */
const unsigned char *pli_probe_memcasemem(const unsigned char *d, size_t n, const char *needle);
/* Fills vendor/product/version/cpe/os from a Recog match of s against db role. */
int pli_probe_recog(const struct pl_probe_ctx *ctx, enum recog_role role, const char *s, size_t n,
                    struct pl_service *out);
/* Finds header name (case-insensitive) in an HTTP head of n bytes; copies its value. */
int pli_http_header(const char *head, size_t n, const char *name, char *out, size_t size);
/* Copies the JSON string value after key ("\"number\"", with quotes; first occurrence,
 * case-insensitive, no unescaping) in the n NUL-terminated bytes at d; "" if none. */
void pli_json_str(const unsigned char *d, size_t n, const char *key, char *out, size_t size);
/* Complete when the answer ends with a line feed. */
int pli_probe_line_complete(const unsigned char *d, size_t n);
/* A multi-line FTP/SMTP reply is complete: its last line is "NNN text" (a space after
 * the code), where the lines before it are "NNN-text". */
int pli_probe_reply_complete(const unsigned char *d, size_t n);

/* Classify helpers used across protocol files. */
unsigned pli_probe_classify_http(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                                 struct pl_service *out);
unsigned pli_probe_classify_telnet(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                                   struct pl_service *out);
/* p_webapp.c: services that speak HTTP (hlen: length of the head). 100 or 0. */
unsigned pli_probe_classify_webapp(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                                   size_t hlen, struct pl_service *out);
/* p_webapp.c: a kubelet's denial in an HTTP answer of n bytes whose head is hlen bytes:
 * 2 for its 403 "Forbidden (user=...)", 1 for its bare 401 "Unauthorized", else 0. */
int pli_kubelet_denied(const unsigned char *d, size_t n, size_t hlen);
/* Asks an identified HTTP service its own path (/version, /metrics) for its version. */
void pli_probe_webapp_followup(const struct probe_run *run, struct probe_conn *c,
                               struct probe_answer *ans, struct pl_service *out);
/* p_ipp.c: what an IPP response said (strings "" when it did not). */
struct pl_ipp_reply {
	unsigned major, minor; /* the response's IPP version */
	unsigned status;       /* status-code: 0x0000 successful-ok, 0x0406 not-found, ... */
	char make_model[64];   /* printer-make-and-model */
	char firmware[64];     /* printer-firmware-string-version (first value) */
	char versions[64];     /* ipp-versions-supported, ","-separated */
	char name[64];         /* printer-name */
};
/* Writes an IPP/1.1 request for operation op asking the attributes the probe wants
 * (printer_uri NULL: none, as CUPS-Get-Default takes) into buf; its length, 0 if it
 * does not fit. */
size_t pli_ipp_request(unsigned char *buf, size_t cap, unsigned op, const char *printer_uri);
/* Parses the IPP response of n bytes at d into *r: 0, or -1 when it is no IPP response
 * or is cut short (r keeps what came before the cut). */
int pli_ipp_parse(const unsigned char *d, size_t n, struct pl_ipp_reply *r);
/* Undoes an HTTP chunked transfer coding of the n bytes at d in place; returns the
 * length of the data (what arrived of a cut chunk is kept). */
size_t pli_http_dechunk(unsigned char *d, size_t n);
/* Whether an identified HTTP service should be asked IPP: CUPS, a Server header naming
 * IPP, or port 631. */
int pli_probe_ipp_likely(const struct probe_run *run, const struct pl_service *out,
                         const struct probe_answer *ans);
/* Asks it Get-Printer-Attributes (CUPS: CUPS-Get-Default) on a new connection. */
void pli_probe_ipp_followup(const struct probe_run *run, struct pl_service *out);
/* Strips Telnet IAC sequences from d into out (cap bytes); returns the text length. */
size_t pli_telnet_text(const unsigned char *d, size_t n, char *out, size_t cap);
/* Answers Telnet option negotiation found in d: refuses all but ECHO and SGA. */
void pli_telnet_negotiate(struct probe_conn *c, const unsigned char *d, size_t n);
/* p_ics.c: order number and firmware version from an S7 SZL 0x0011 answer (n bytes),
 * into out->product and out->version. Pure; exposed for fuzz_probe_answer. */
void pli_s7_szl_records(const unsigned char *d, size_t n, struct pl_service *out);
/* p_ftp.c: the port of a 227 reply "(h1,h2,h3,h4,p1,p2)" in d (NUL-terminated at n);
 * 0 if none. */
uint16_t pli_ftp_pasv_port(const unsigned char *d, size_t n);
/* p_ftp.c: the names (last word of each line) of a LIST answer, at most 8, into names
 * (cap bytes, ", "-separated); returns how many. text is NUL-terminated. */
size_t pli_ftp_list_names(const char *text, char *names, size_t cap);
/* p_rsync.c: the modules of an rsync listing [p, end) (NUL-terminated at end): the first
 * max_names names (64 bytes each) into names and all of them, bounded, into list (cap
 * bytes). Returns the number of modules. */
size_t pli_rsync_modules(const char *p, const char *end, char names[][64], size_t max_names,
                         char *list, size_t cap);

#endif
