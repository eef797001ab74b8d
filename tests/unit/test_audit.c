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

static void
test_telnet(void **state)
{
	struct pl_audit_obs o[3];
	char got[512];

	(void)state;
	o[0] = obs("198.18.0.2", 2323, PL_REACH_NETWORK, "telnet");
	o[1] = obs("127.0.0.1", 23, PL_REACH_LOOPBACK, "telnet");
	o[2] = obs("198.18.0.3", 23, PL_REACH_NETWORK, NULL); /* open, not probed */
	audit(o, 3, got, sizeof(got));
	assert_string_equal(got, "high:telnet-exposed:2323 medium:telnet-exposed:23 "
	                         "medium:telnet-port-open:23");
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

static void
test_plaintext_logins(void **state)
{
	struct pl_audit_obs o[5];
	char got[512];

	(void)state;
	o[0] = obs("198.18.0.2", 21, PL_REACH_NETWORK, "ftp");
	o[0].svc.starttls = PL_TRI_NO;
	o[1] = obs("198.18.0.2", 110, PL_REACH_NETWORK, "pop3");
	o[1].svc.starttls = PL_TRI_YES;
	o[2] = obs("198.18.0.2", 993, PL_REACH_NETWORK, "imap");
	o[2].svc.tls = 1;                                        /* IMAPS: fine */
	o[3] = obs("127.0.0.1", 143, PL_REACH_LOOPBACK, "imap"); /* loopback: fine */
	o[4] = obs("198.18.0.2", 25, PL_REACH_NETWORK, "smtp");  /* not a login service */
	audit(o, 5, got, sizeof(got));
	assert_string_equal(got, "medium:plaintext-login:21 low:plaintext-login-optional:110");
}

static void
test_datastores(void **state)
{
	struct pl_audit_obs o[7];
	char got[768];

	(void)state;
	o[0] = obs("198.18.0.2", 6379, PL_REACH_NETWORK, "redis");
	o[0].svc.auth_required = PL_TRI_NO;
	o[1] = obs("198.18.0.2", 6380, PL_REACH_NETWORK, "redis");
	o[1].svc.auth_required = PL_TRI_YES; /* requirepass: fine */
	o[2] = obs("127.0.0.1", 6379, PL_REACH_LOOPBACK, "redis");
	o[2].svc.auth_required = PL_TRI_NO; /* loopback: fine */
	o[3] = obs("198.18.0.2", 2375, PL_REACH_NETWORK, "docker");
	o[4] = obs("198.18.0.2", 27017, PL_REACH_NETWORK, "mongodb");
	o[5] = obs("198.18.0.2", 5432, PL_REACH_NETWORK, "postgresql");
	o[5].svc.auth_required = PL_TRI_YES;
	o[6] = obs("198.18.0.2", 9200, PL_REACH_NETWORK, "elasticsearch");
	o[6].svc.auth_required = PL_TRI_NO;
	audit(o, 7, got, sizeof(got));
	assert_string_equal(got, "critical:unauthenticated-service:2375 "
	                         "high:unauthenticated-service:27017 "
	                         "high:unauthenticated-service:6379 "
	                         "high:unauthenticated-service:9200 "
	                         "medium:database-exposed:5432");
}

static void
test_unassigned_and_malware(void **state)
{
	struct pl_audit_obs o[8];
	char got[512];

	(void)state;
	o[0] = obs("198.18.0.2", 4, PL_REACH_NETWORK, "");  /* probed, unidentified */
	o[1] = obs("198.18.0.2", 22, PL_REACH_NETWORK, ""); /* assigned port: no finding */
	o[2] = obs("198.18.0.2", 31337, PL_REACH_NETWORK, "");
	o[2].proto = PL_PROTO_UDP;                               /* Back Orifice is UDP 31337 */
	o[3] = obs("198.18.0.2", 4444, PL_REACH_NETWORK, "ssh"); /* recognised: lower */
	o[4] = obs("*", 6667, PL_REACH_NETWORK, "");             /* IRC botnet control */
	o[4].probed = 0;
	o[5] = obs("127.0.0.1", 47011, PL_REACH_LOOPBACK, ""); /* loopback: no finding */
	o[6] = obs("*", 47011, PL_REACH_NETWORK, "");
	o[6].proto = PL_PROTO_UDP; /* UDP listeners are judged by port too */
	o[6].probed = 0;
	o[7] = obs("*", 23, PL_REACH_NETWORK, ""); /* Telnet rules are TCP rules */
	o[7].proto = PL_PROTO_UDP;
	o[7].probed = 0;
	audit(o, 8, got, sizeof(got));
	assert_string_equal(got, "medium:malware-port:6667 medium:malware-port:31337 "
	                         "low:unknown-service-unassigned-port:47011 "
	                         "low:unknown-service-unassigned-port:4 low:malware-port:4444");
	assert_non_null(pl_port_malware(pl_kb_builtin(), 12345, PL_PROTO_TCP));
	assert_null(pl_port_malware(pl_kb_builtin(), 22, PL_PROTO_TCP));
	assert_null(pl_port_malware(pl_kb_builtin(), 31337, PL_PROTO_TCP));
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

/* The evidence names what answered once: "220 (vsFTPd 3.0.3)", not twice. */
static void
test_evidence_once(void **state)
{
	struct pl_audit_obs o = obs("198.18.0.2", 21, PL_REACH_NETWORK, "ftp");
	struct pl_audit_report r;

	(void)state;
	set_answer(&o.svc, "220 (vsFTPd 3.0.3)", 18);
	snprintf(o.svc.product, sizeof(o.svc.product), "vsFTPd");
	snprintf(o.svc.version, sizeof(o.svc.version), "3.0.3");
	assert_int_equal(pl_audit_run(&o, 1, NULL, &r, NULL), PL_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.findings[0].evidence, "answered: 220 (vsFTPd 3.0.3)");
	pl_audit_report_cleanup(&r);
	/* A banner that does not name it keeps the summary. */
	set_answer(&o.svc, "220 ready", 9);
	assert_int_equal(pl_audit_run(&o, 1, NULL, &r, NULL), PL_OK);
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
	struct pl_audit_obs o = obs("198.18.0.2", 21, PL_REACH_NETWORK, "ftp");
	struct pl_audit_report r;

	(void)state;
	set_answer(&o.svc, banner, sizeof(banner) - 1);
	snprintf(o.svc.product, sizeof(o.svc.product), "vsFTPd");
	snprintf(o.svc.version, sizeof(o.svc.version), "3.0.3");
	assert_int_equal(pl_audit_run(&o, 1, NULL, &r, NULL), PL_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.findings[0].evidence_len, sizeof(want) - 1);
	assert_memory_equal(r.findings[0].evidence, want, sizeof(want) - 1);
	assert_null(strchr(r.findings[0].evidence, '\\'));
	pl_audit_report_cleanup(&r);
}

static void
test_tls_rules(void **state)
{
	struct pl_audit_obs o[2];
	char got[256];

	(void)state;
	o[0] = obs("198.18.0.2", 443, PL_REACH_NETWORK, "http");
	o[0].svc.tls = 1;
	o[0].svc.tls_info.expired = 1;
	o[1] = obs("198.18.0.2", 8443, PL_REACH_NETWORK, "http");
	o[1].svc.tls = 1;
	snprintf(o[1].svc.tls_info.version, sizeof(o[1].svc.tls_info.version), "TLSv1.3");
	/* What the probe's capped handshake proved: the server also accepts TLS 1.0. */
	snprintf(o[1].svc.tls_info.old_protocol, sizeof(o[1].svc.tls_info.old_protocol), "TLSv1");
	audit(o, 2, got, sizeof(got));
	assert_string_equal(got, "medium:tls-certificate-expired:443 low:tls-old-protocol:8443");
}

/*
 * Issue 14's rules fire on what the probe proved (exposure bits, TLS facts, an
 * identified database), never on a port number: the same ports unprobed give nothing.
 */
static void
test_service_rules(void **state)
{
	struct pl_audit_obs o[9];
	struct pl_tls_info *t;
	char got[512];

	(void)state;
	o[0] = obs("198.18.0.2", 21, PL_REACH_NETWORK, "ftp");
	o[0].svc.exposures = PL_EXP_FTP_ANON;
	o[1] = obs("198.18.0.2", 18080, PL_REACH_NETWORK, "http-proxy");
	o[1].svc.exposures = PL_EXP_OPEN_PROXY;
	o[2] = obs("198.18.0.2", 18081, PL_REACH_NETWORK, "http-proxy"); /* refused to relay */
	o[3] = obs("198.18.0.2", 443, PL_REACH_NETWORK, "http");
	o[3].svc.tls = 1;
	t = &o[3].svc.tls_info;
	snprintf(t->subject, sizeof(t->subject), "CN=lab");
	snprintf(t->not_after, sizeof(t->not_after), "2027-01-01T00:00:00Z");
	t->days_left = 12;
	t->self_signed = 1;
	t->name_mismatch = 1;
	snprintf(t->weak_cipher, sizeof(t->weak_cipher), "DES-CBC3-SHA");
	o[4] = obs("198.18.0.2", 3306, PL_REACH_NETWORK, "mysql");
	o[5] = obs("127.0.0.1", 5432, PL_REACH_LOOPBACK, "postgresql"); /* loopback: fine */
	o[6] = obs("198.18.0.2", 3307, PL_REACH_NETWORK, NULL);         /* not probed */
	o[7] = obs("198.18.0.2", 2121, PL_REACH_NETWORK, NULL);
	o[8] = obs("198.18.0.2", 9443, PL_REACH_NETWORK, "http");
	o[8].svc.tls = 1; /* a fine certificate: 300 days left, names the address */
	o[8].svc.tls_info.days_left = 300;
	snprintf(o[8].svc.tls_info.not_after, sizeof(o[8].svc.tls_info.not_after), "2027-10-01");
	audit(o, 9, got, sizeof(got));
	assert_string_equal(got, "high:open-proxy:18080 high:ftp-anonymous:21 "
	                         "medium:plaintext-login:21 medium:database-exposed:3306 "
	                         "medium:tls-weak-cipher:443 "
	                         "low:tls-certificate-expiring:443 "
	                         "low:tls-certificate-self-signed:443 "
	                         "low:tls-certificate-name-mismatch:443");
}

/* Exposures a probe proved: each its finding; loopback drops the network-abuse ones and
 * softens the rest; a UDP answer twice its request is an amplifier, a smaller one not. */
static void
test_exposure_rules(void **state)
{
	struct pl_audit_obs o[5];
	char got[1024];

	(void)state;
	o[0] = obs("198.18.0.2", 5901, PL_REACH_NETWORK, "vnc");
	o[0].svc.exposures = PL_EXP_VNC_NO_AUTH;
	o[1] = obs("198.18.0.2", 4445, PL_REACH_NETWORK, "smb");
	o[1].svc.exposures = PL_EXP_SMB1 | PL_EXP_SMB_NO_SIGNING;
	o[2] = obs("127.0.0.1", 53, PL_REACH_LOOPBACK, "dns");
	o[2].svc.exposures = PL_EXP_DNS_RECURSION; /* a local resolver: nothing to report */
	o[3] = obs("127.0.0.1", 873, PL_REACH_LOOPBACK, "rsync");
	o[3].svc.exposures = PL_EXP_RSYNC_LIST | PL_EXP_RSYNC_OPEN;
	o[4] = obs("198.18.0.2", 11211, PL_REACH_NETWORK, "memcached");
	o[4].proto = PL_PROTO_UDP;
	o[4].svc.udp = 1;
	o[4].svc.udp_request_bytes = 15;
	o[4].svc.udp_answer_bytes = 1200;
	audit(o, 5, got, sizeof(got));
	assert_string_equal(got, "critical:vnc-no-auth:5901 high:udp-amplifier:11211 "
	                         "high:smbv1-enabled:4445 medium:smb-signing-not-required:4445 "
	                         "low:rsync-module-open:873");
	o[4].svc.udp_answer_bytes = 29; /* under twice the request */
	audit(&o[4], 1, got, sizeof(got));
	assert_string_equal(got, "");
	o[4].svc.exposures = PL_EXP_SNMP_PUBLIC; /* an exposure bit is judged on UDP too */
	audit(&o[4], 1, got, sizeof(got));
	assert_string_equal(got, "high:snmp-public:11211");
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

/* Packet and raw sockets: a finding each, milder when a program known to need one holds
 * it; the port rules never see them (port 23 here is a protocol number, not Telnet). */
static void
test_below_tcp(void **state)
{
	struct pl_audit_obs o[5];
	struct pl_audit_report r;
	char got[512];

	(void)state;
	for (int i = 0; i < 5; i++)
		o[i] = obs("lo", 3, PL_REACH_LOOPBACK, NULL);
	o[0].kind = PL_OBS_CAPTURE;
	snprintf(o[0].process, sizeof(o[0].process), "python3[42]");
	o[1].kind = PL_OBS_CAPTURE;
	snprintf(o[1].addr, sizeof(o[1].addr), "*");
	o[1].port = 0x88cc;
	snprintf(o[1].proto_name, sizeof(o[1].proto_name), "lldp");
	snprintf(o[1].process, sizeof(o[1].process), "lldpd[7]");
	o[2].kind = PL_OBS_RAW;
	snprintf(o[2].addr, sizeof(o[2].addr), "0.0.0.0");
	o[2].port = 1;
	snprintf(o[2].proto_name, sizeof(o[2].proto_name), "icmp");
	snprintf(o[2].process, sizeof(o[2].process), "ping[9]");
	o[3].kind = PL_OBS_RAW;
	snprintf(o[3].addr, sizeof(o[3].addr), "0.0.0.0");
	o[3].port = 23;
	o[4].kind = PL_OBS_CAPTURE; /* no visible holder */
	audit(o, 5, got, sizeof(got));
	assert_string_equal(got, "medium:packet-capture:3 medium:packet-capture:3 "
	                         "low:packet-capture:35020 low:raw-socket:23 "
	                         "info:raw-socket:1");
	assert_int_equal(pl_audit_run(o, 5, NULL, &r, NULL), PL_OK);
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
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_telnet),
	    cmocka_unit_test(test_below_tcp),
	    cmocka_unit_test(test_default_credentials),
	    cmocka_unit_test(test_plaintext_logins),
	    cmocka_unit_test(test_datastores),
	    cmocka_unit_test(test_unassigned_and_malware),
	    cmocka_unit_test(test_titles_name_the_endpoint),
	    cmocka_unit_test(test_listen_audit_agree),
	    cmocka_unit_test(test_evidence_once),
	    cmocka_unit_test(test_evidence_raw),
	    cmocka_unit_test(test_tls_rules),
	    cmocka_unit_test(test_service_rules),
	    cmocka_unit_test(test_exposure_rules),
	    cmocka_unit_test(test_nothing_to_report),
	    cmocka_unit_test(test_severity_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
