// SPDX-License-Identifier: MIT
/*
 * test_audit.c - the audit rules over hand-made observations: each rule fires where it
 * should and stays silent where it should not (loopback, TLS, authentication seen),
 * findings are sorted by severity, the maximum severity drives exit codes, and the
 * severity names parse.
 */
#include <setjmp.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "table_tests.h"

#include "portlens/audit.h"
#include "portlens/sockets.h"

static struct pl_audit_obs
obs(const char *addr, uint16_t port, enum pl_reach reach, const char *service)
{
	struct pl_audit_obs o;

	memset(&o, 0, sizeof(o));
	snprintf(o.addr, sizeof(o.addr), "%s", addr);
	o.port = port;
	o.reach = reach;
	o.svc.auth_required = PL_TRI_UNKNOWN;
	o.svc.starttls = PL_TRI_UNKNOWN;
	if (service) {
		o.probed = 1;
		snprintf(o.svc.service, sizeof(o.svc.service), "%s", service);
	}
	return o;
}

/* Runs the audit; returns "sev:rule:port" of each finding joined by spaces. */
static void
audit(const struct pl_audit_obs *o, size_t n, char *out, size_t size)
{
	struct pl_audit_report r;
	size_t used = 0;

	out[0] = '\0';
	assert_int_equal(pl_audit_run(o, n, NULL, &r, NULL), PL_OK);
	for (size_t i = 0; i < r.n; i++) {
		const char *port = strrchr(r.findings[i].where, ':') + 1;

		used += (size_t)snprintf(out + used, size - used, "%s%s:%s:%.*s", i ? " " : "",
		                         pl_severity_name(r.findings[i].severity),
		                         r.findings[i].rule, (int)strcspn(port, "/"), port);
		assert_non_null(r.findings[i].why);
		assert_true(strlen(r.findings[i].remedy) > 10);
	}
	pl_audit_report_cleanup(&r);
}

/* A fact a probe may have seen; zero (the default of a row) is "not seen". */
enum seen { UNSEEN, SEEN_NO, SEEN_YES };

static enum pl_tri
tri(enum seen s)
{
	return s == UNSEEN ? PL_TRI_UNKNOWN : s == SEEN_YES ? PL_TRI_YES : PL_TRI_NO;
}

#define NET  PL_REACH_NETWORK
#define LOOP PL_REACH_LOOPBACK

/*
 * One observation as a row: where, the service a probe identified (NULL: not probed;
 * "": probed, nothing recognised) and the facts the rules judge. Fields left out are
 * zero: TCP, nothing seen, no exposure.
 */
struct obs_row {
	const char *addr;
	uint16_t port;
	enum pl_reach reach;
	const char *service;
	enum pl_proto proto;
	enum seen auth, starttls;
	int tls;
	struct pl_tls_info tls_info;
	uint32_t exposures;
	unsigned udp_request, udp_answer; /* bytes of a UDP exchange (sets svc.udp) */
	enum pl_obs_kind kind;
	const char *process, *proto_name;
};

static struct pl_audit_obs
obs_of(const struct obs_row *r)
{
	struct pl_audit_obs o = obs(r->addr, r->port, r->reach, r->service);

	o.proto = r->proto;
	o.kind = r->kind;
	o.svc.auth_required = tri(r->auth);
	o.svc.starttls = tri(r->starttls);
	o.svc.tls = r->tls;
	o.svc.tls_info = r->tls_info;
	o.svc.exposures = r->exposures;
	o.svc.udp = r->udp_request != 0;
	o.svc.udp_request_bytes = r->udp_request;
	o.svc.udp_answer_bytes = r->udp_answer;
	snprintf(o.process, sizeof(o.process), "%s", r->process ? r->process : "");
	snprintf(o.proto_name, sizeof(o.proto_name), "%s", r->proto_name ? r->proto_name : "");
	return o;
}

/* The rules over one table of observations, and the findings they must give. */
struct audit_case {
	const char *name;
	const struct obs_row *rows;
	size_t n;
	const char *want; /* "sev:rule:port ...", most severe first */
};

#define CASE(name, rows, want)                                                                     \
	{                                                                                          \
		name, rows, sizeof(rows) / sizeof(rows[0]), want                                   \
	}

static const struct obs_row telnet[] = {
    {"198.18.0.2", 2323, NET, "telnet"},
    {"127.0.0.1", 23, LOOP, "telnet"},
    {"198.18.0.3", 23, NET, NULL}, /* open, not probed */
};

static const struct obs_row plaintext_logins[] = {
    {"198.18.0.2", 21, NET, "ftp", .starttls = SEEN_NO},
    {"198.18.0.2", 110, NET, "pop3", .starttls = SEEN_YES},
    {"198.18.0.2", 993, NET, "imap", .tls = 1}, /* IMAPS: fine */
    {"127.0.0.1", 143, LOOP, "imap"},           /* loopback: fine */
    {"198.18.0.2", 25, NET, "smtp"},            /* not a login service */
};

static const struct obs_row datastores[] = {
    {"198.18.0.2", 6379, NET, "redis", .auth = SEEN_NO},
    {"198.18.0.2", 6380, NET, "redis", .auth = SEEN_YES}, /* requirepass: fine */
    {"127.0.0.1", 6379, LOOP, "redis", .auth = SEEN_NO},  /* loopback: fine */
    {"198.18.0.2", 2375, NET, "docker"},
    {"198.18.0.2", 27017, NET, "mongodb"},
    {"198.18.0.2", 5432, NET, "postgresql", .auth = SEEN_YES},
    {"198.18.0.2", 9200, NET, "elasticsearch", .auth = SEEN_NO},
};

static const struct obs_row unassigned_and_malware[] = {
    {"198.18.0.2", 4, NET, ""},                            /* probed, unidentified */
    {"198.18.0.2", 22, NET, ""},                           /* assigned port: no finding */
    {"198.18.0.2", 31337, NET, "", .proto = PL_PROTO_UDP}, /* Back Orifice is UDP 31337 */
    {"198.18.0.2", 4444, NET, "ssh"},                      /* recognised: lower */
    {"*", 6667, NET, NULL},                                /* IRC botnet control */
    {"127.0.0.1", 47011, LOOP, ""},                        /* loopback: no finding */
    {"*", 47011, NET, NULL, .proto = PL_PROTO_UDP}, /* UDP listeners are judged by port too */
    {"*", 23, NET, NULL, .proto = PL_PROTO_UDP},    /* Telnet rules are TCP rules */
};

static const struct obs_row tls_rules[] = {
    {"198.18.0.2", 443, NET, "http", .tls = 1, .tls_info = {.expired = 1}},
    /* What the probe's capped handshake proved: the server also accepts TLS 1.0. */
    {"198.18.0.2", 8443, NET, "http", .tls = 1,
     .tls_info = {.version = "TLSv1.3", .old_protocol = "TLSv1"}},
};

/* Issue 14's rules fire on what the probe proved (exposure bits, TLS facts, an
 * identified database), never on a port number: the same ports unprobed give nothing. */
static const struct obs_row service_rules[] = {
    {"198.18.0.2", 21, NET, "ftp", .exposures = PL_EXP_FTP_ANON},
    {"198.18.0.2", 18080, NET, "http-proxy", .exposures = PL_EXP_OPEN_PROXY},
    {"198.18.0.2", 18081, NET, "http-proxy"}, /* refused to relay */
    {"198.18.0.2", 443, NET, "http", .tls = 1,
     .tls_info = {.subject = "CN=lab",
                  .not_after = "2027-01-01T00:00:00Z",
                  .days_left = 12,
                  .self_signed = 1,
                  .name_mismatch = 1,
                  .weak_cipher = "DES-CBC3-SHA"}},
    {"198.18.0.2", 3306, NET, "mysql"},
    {"127.0.0.1", 5432, LOOP, "postgresql"}, /* loopback: fine */
    {"198.18.0.2", 3307, NET, NULL},         /* not probed */
    {"198.18.0.2", 2121, NET, NULL},
    /* a fine certificate: 300 days left, names the address */
    {"198.18.0.2", 9443, NET, "http", .tls = 1,
     .tls_info = {.days_left = 300, .not_after = "2027-10-01"}},
};

/* Exposures a probe proved: each its finding; loopback drops the network-abuse ones and
 * softens the rest; a UDP answer twice its request is an amplifier, a smaller one not;
 * an exposure bit is judged on UDP too. */
static const struct obs_row exposure_rules[] = {
    {"198.18.0.2", 5901, NET, "vnc", .exposures = PL_EXP_VNC_NO_AUTH},
    {"198.18.0.2", 4445, NET, "smb", .exposures = PL_EXP_SMB1 | PL_EXP_SMB_NO_SIGNING},
    /* a local resolver: nothing to report */
    {"127.0.0.1", 53, LOOP, "dns", .exposures = PL_EXP_DNS_RECURSION},
    {"127.0.0.1", 873, LOOP, "rsync", .exposures = PL_EXP_RSYNC_LIST | PL_EXP_RSYNC_OPEN},
    {"198.18.0.2", 11211, NET, "memcached", .proto = PL_PROTO_UDP, .udp_request = 15,
     .udp_answer = 1200},
};

static const struct obs_row udp_small_answer[] = {
    {"198.18.0.2", 11211, NET, "memcached", .proto = PL_PROTO_UDP, .udp_request = 15,
     .udp_answer = 29}, /* under twice the request */
};

static const struct obs_row udp_exposure[] = {
    {"198.18.0.2", 11211, NET, "memcached", .proto = PL_PROTO_UDP, .udp_request = 15,
     .udp_answer = 29, .exposures = PL_EXP_SNMP_PUBLIC},
};

/* Packet and raw sockets: a finding each, milder when a program known to need one holds
 * it; the port rules never see them (port 23 here is a protocol number, not Telnet). */
static const struct obs_row below_tcp[] = {
    {"lo", 3, LOOP, .kind = PL_OBS_CAPTURE, .process = "python3[42]"},
    {"*", 0x88cc, LOOP, .kind = PL_OBS_CAPTURE, .proto_name = "lldp", .process = "lldpd[7]"},
    {"0.0.0.0", 1, LOOP, .kind = PL_OBS_RAW, .proto_name = "icmp", .process = "ping[9]"},
    {"0.0.0.0", 23, LOOP, .kind = PL_OBS_RAW},
    {"lo", 3, LOOP, .kind = PL_OBS_CAPTURE}, /* no visible holder */
};

static const struct audit_case audit_cases[] = {
    CASE("test_telnet", telnet,
         "high:telnet-exposed:2323 medium:telnet-exposed:23 medium:telnet-port-open:23"),
    CASE("test_plaintext_logins", plaintext_logins,
         "medium:plaintext-login:21 low:plaintext-login-optional:110"),
    CASE("test_datastores", datastores,
         "critical:unauthenticated-service:2375 high:unauthenticated-service:27017 "
         "high:unauthenticated-service:6379 high:unauthenticated-service:9200 "
         "medium:database-exposed:5432"),
    CASE("test_unassigned_and_malware", unassigned_and_malware,
         "medium:malware-port:6667 medium:malware-port:31337 "
         "low:unknown-service-unassigned-port:47011 low:unknown-service-unassigned-port:4 "
         "low:malware-port:4444"),
    CASE("test_tls_rules", tls_rules,
         "medium:tls-certificate-expired:443 low:tls-old-protocol:8443"),
    CASE("test_service_rules", service_rules,
         "high:open-proxy:18080 high:ftp-anonymous:21 medium:plaintext-login:21 "
         "medium:database-exposed:3306 medium:tls-weak-cipher:443 "
         "low:tls-certificate-expiring:443 low:tls-certificate-self-signed:443 "
         "low:tls-certificate-name-mismatch:443"),
    CASE("test_exposure_rules", exposure_rules,
         "critical:vnc-no-auth:5901 high:udp-amplifier:11211 high:smbv1-enabled:4445 "
         "medium:smb-signing-not-required:4445 low:rsync-module-open:873"),
    CASE("test_exposure_udp_small_answer", udp_small_answer, ""),
    CASE("test_exposure_udp_bit", udp_exposure, "high:snmp-public:11211"),
    CASE("test_below_tcp", below_tcp,
         "medium:packet-capture:3 medium:packet-capture:3 low:packet-capture:35020 "
         "low:raw-socket:23 info:raw-socket:1"),
};

static void
build(const struct obs_row *rows, size_t n, struct pl_audit_obs *o)
{
	for (size_t i = 0; i < n; i++)
		o[i] = obs_of(&rows[i]);
}

static void
test_case(void **state)
{
	const struct audit_case *c = *state;
	struct pl_audit_obs o[16];
	char got[1024];

	assert_true(c->n <= sizeof(o) / sizeof(o[0]));
	build(c->rows, c->n, o);
	audit(o, c->n, got, sizeof(got));
	assert_string_equal(got, c->want);
}

/* The facts the malware rule reads: by port and transport. */
static void
test_malware_ports(void **state)
{
	(void)state;
	assert_non_null(pl_port_malware(pl_kb_builtin(), 12345, PL_PROTO_TCP));
	assert_null(pl_port_malware(pl_kb_builtin(), 22, PL_PROTO_TCP));
	assert_null(pl_port_malware(pl_kb_builtin(), 31337, PL_PROTO_TCP));
}

static void
test_default_credentials(void **state)
{
	struct pl_audit_obs o = obs("198.18.0.2", 23, PL_REACH_NETWORK, "telnet");
	struct pl_audit_report r;

	(void)state;
	o.creds_checked = 1;
	o.creds.accepted = 1;
	o.creds.tried = 4;
	snprintf(o.creds.username, sizeof(o.creds.username), "admin");
	snprintf(o.creds.password, sizeof(o.creds.password), "admin");
	assert_int_equal(pl_audit_run(&o, 1, NULL, &r, NULL), PL_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.findings[0].severity, PL_SEV_CRITICAL);
	assert_non_null(strstr(r.findings[0].title, "admin / admin"));
	assert_int_equal(pl_audit_max_severity(&r), PL_SEV_CRITICAL);
	pl_audit_report_cleanup(&r);
}

/*
 * A title names the port as the finding's "where" does: an IPv6 address in brackets
 * (2001:2::2:2323 would read as one address) and the transport, so the same port number
 * over TCP and UDP gives two different titles.
 */
static void
test_titles_name_the_endpoint(void **state)
{
	struct pl_audit_obs o[3];
	struct pl_audit_report r;

	(void)state;
	o[0] = obs("2001:2::2", 2323, PL_REACH_NETWORK, NULL);
	o[1] = obs("198.18.0.2", 47011, PL_REACH_NETWORK, "");
	o[2] = o[1];
	o[2].proto = PL_PROTO_UDP;
	o[2].probed = 0;
	assert_int_equal(pl_audit_run(o, 3, NULL, &r, NULL), PL_OK);
	assert_int_equal(r.n, 3);
	for (size_t i = 0; i < r.n; i++) {
		assert_non_null(strstr(r.findings[i].title, r.findings[i].where));
		if (strcmp(r.findings[i].where, "[2001:2::2]:2323/tcp") == 0)
			assert_string_equal(r.findings[i].title,
			                    "Open port [2001:2::2]:2323/tcp is a Telnet port");
	}
	assert_string_not_equal(r.findings[1].title, r.findings[2].title);
	pl_audit_report_cleanup(&r);
}

/*
 * listen and audit give one verdict: for every port and transport, a listener beyond
 * loopback is flagged malware by listen exactly when audit reports malware-port, and
 * unassigned exactly when audit (given no probe) reports the unassigned-port rule.
 */
static void
test_listen_audit_agree(void **state)
{
	struct pl_sock s;
	struct pl_sockset set = {.socks = &s, .n_socks = 1};
	size_t differ = 0;

	(void)state;
	for (unsigned proto = PL_PROTO_TCP; proto <= PL_PROTO_UDP; proto++) {
		for (uint32_t port = 1; port <= 65535; port += 1) {
			struct pl_audit_obs o = obs("*", (uint16_t)port, PL_REACH_NETWORK, "");
			struct pl_audit_report rep;
			struct pl_err err = {0};
			int a_mal = 0, a_una = 0, l_mal, l_una;

			memset(&s, 0, sizeof(s));
			s.proto = (uint8_t)proto;
			s.family = AF_INET;
			s.state = proto == PL_PROTO_TCP ? PL_SS_LISTEN : PL_SS_CLOSE;
			s.lport = (uint16_t)port;
			pl_sockets_annotate(&set, pl_registry_builtin(), pl_kb_builtin());
			l_mal = !!(s.flags & PL_SFLAG_MALWARE);
			l_una = !!(s.flags & PL_SFLAG_UNASSIGNED);
			o.probed = 0;
			o.proto = (enum pl_proto)proto;
			assert_int_equal(pl_audit_run(&o, 1, NULL, &rep, &err), PL_OK);
			for (size_t i = 0; i < rep.n; i++) {
				a_mal |= strcmp(rep.findings[i].rule, "malware-port") == 0;
				a_una |= strcmp(rep.findings[i].rule,
				                "unknown-service-unassigned-port") == 0;
			}
			pl_audit_report_cleanup(&rep);
			/* audit leaves the unassigned finding to the malware one */
			if (l_mal != a_mal || (l_una && !l_mal) != a_una) {
				if (differ++ < 5)
					print_error("port %u/%s: listen malware %d unassigned %d, "
					            "audit malware %d unassigned %d\n",
					            port, proto ? "udp" : "tcp", l_mal, l_una,
					            a_mal, a_una);
			}
		}
	}
	assert_int_equal(differ, 0);
}

/* What a probe keeps of an answer: the bytes as read and the text-escaped copy. */
static void
set_answer(struct pl_service *svc, const char *bytes, size_t n)
{
	pl_probe_escape((const unsigned char *)bytes, n, svc->evidence, sizeof(svc->evidence));
	memcpy(svc->evidence_raw, bytes, n);
	svc->evidence_len = (uint16_t)n;
}

/* The audit of one FTP port that answered banner (n bytes) and was identified as
 * vsFTPd 3.0.3: one finding (plaintext login). */
static void
audit_vsftpd(const char *banner, size_t n, struct pl_audit_report *r)
{
	struct pl_audit_obs o = obs("198.18.0.2", 21, PL_REACH_NETWORK, "ftp");

	set_answer(&o.svc, banner, n);
	snprintf(o.svc.product, sizeof(o.svc.product), "vsFTPd");
	snprintf(o.svc.version, sizeof(o.svc.version), "3.0.3");
	assert_int_equal(pl_audit_run(&o, 1, NULL, r, NULL), PL_OK);
	assert_int_equal(r->n, 1);
}

/* The evidence names what answered once: "220 (vsFTPd 3.0.3)", not twice. */
static void
test_evidence_once(void **state)
{
	struct pl_audit_report r;

	(void)state;
	audit_vsftpd("220 (vsFTPd 3.0.3)", 18, &r);
	assert_string_equal(r.findings[0].evidence, "answered: 220 (vsFTPd 3.0.3)");
	pl_audit_report_cleanup(&r);
	/* A banner that does not name it keeps the summary. */
	audit_vsftpd("220 ready", 9, &r);
	assert_string_equal(r.findings[0].evidence, "answered: 220 ready (vsFTPd 3.0.3)");
	pl_audit_report_cleanup(&r);
}

/*
 * A finding carries the answer as read, not the text-escaped copy: CR, LF, ESC and a
 * NUL byte stay single bytes (each renderer escapes them once), and evidence_len counts
 * them past the NUL.
 */
static void
test_evidence_raw(void **state)
{
	static const char banner[] = "220 hi\x1b[31m\r\n\0x";
	static const char want[] = "answered: 220 hi\x1b[31m\r\n\0x (vsFTPd 3.0.3)";
	struct pl_audit_report r;

	(void)state;
	audit_vsftpd(banner, sizeof(banner) - 1, &r);
	assert_int_equal(r.findings[0].evidence_len, sizeof(want) - 1);
	assert_memory_equal(r.findings[0].evidence, want, sizeof(want) - 1);
	assert_null(strchr(r.findings[0].evidence, '\\'));
	pl_audit_report_cleanup(&r);
}

static void
test_nothing_to_report(void **state)
{
	struct pl_audit_obs o[2];
	struct pl_audit_report r;

	(void)state;
	o[0] = obs("198.18.0.2", 22, PL_REACH_NETWORK, "ssh");
	o[1] = obs("198.18.0.2", 443, PL_REACH_NETWORK, "http");
	o[1].svc.tls = 1;
	assert_int_equal(pl_audit_run(o, 2, NULL, &r, NULL), PL_OK);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.n_obs, 2);
	assert_int_equal(pl_audit_max_severity(&r), -1);
	pl_audit_report_cleanup(&r);
	assert_int_equal(pl_audit_run(NULL, 0, NULL, &r, NULL), PL_OK);
	pl_audit_report_cleanup(&r);
}

/* What the findings over packet and raw sockets (the below_tcp rows) say: the holder,
 * the interface, the protocol, and who could not be seen. */
static void
test_below_tcp_words(void **state)
{
	struct pl_audit_obs o[sizeof(below_tcp) / sizeof(below_tcp[0])];
	struct pl_audit_report r;

	(void)state;
	build(below_tcp, sizeof(below_tcp) / sizeof(below_tcp[0]), o);
	assert_int_equal(pl_audit_run(o, sizeof(o) / sizeof(o[0]), NULL, &r, NULL), PL_OK);
	for (size_t i = 0; i < r.n; i++) {
		const struct pl_finding *f = &r.findings[i];

		if (strcmp(f->where, "lo:3/packet") == 0 && strstr(f->title, "python3[42]")) {
			assert_string_equal(
			    f->title,
			    "Packet socket reading every frame on lo, held by python3[42]");
			assert_non_null(strstr(f->why, "BPFDoor"));
		}
		if (strcmp(f->where, "*:35020/packet") == 0)
			assert_non_null(strstr(f->evidence,
			                       "lldp frames (ethertype 0x88cc) on every "
			                       "interface; held by lldpd[7]"));
		if (strcmp(f->where, "0.0.0.0:23/raw") == 0)
			assert_non_null(strstr(f->title, "Raw IP protocol 23 socket on 0.0.0.0"));
		if (strcmp(f->where, "lo:3/packet") == 0 && !strstr(f->title, "python3"))
			assert_non_null(strstr(f->evidence, "no process portlens could see"));
	}
	pl_audit_report_cleanup(&r);
}

static void
test_severity_names(void **state)
{
	enum pl_severity s;

	(void)state;
	assert_int_equal(pl_severity_parse("HIGH", &s), PL_OK);
	assert_int_equal(s, PL_SEV_HIGH);
	assert_int_equal(pl_severity_parse("critical", &s), PL_OK);
	assert_int_equal(s, PL_SEV_CRITICAL);
	assert_int_equal(pl_severity_parse("severe", &s), PL_ERR_PARSE);
	assert_string_equal(pl_severity_name(PL_SEV_INFO), "info");
	assert_string_equal(pl_severity_name((enum pl_severity)99), "?");
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_below_tcp_words),
	    cmocka_unit_test(test_default_credentials),
	    cmocka_unit_test(test_malware_ports),
	    cmocka_unit_test(test_titles_name_the_endpoint),
	    cmocka_unit_test(test_listen_audit_agree),
	    cmocka_unit_test(test_evidence_once),
	    cmocka_unit_test(test_evidence_raw),
	    cmocka_unit_test(test_nothing_to_report),
	    cmocka_unit_test(test_severity_names),
	};

	return run_table_tests(audit_cases, test_case, fixed);
}
