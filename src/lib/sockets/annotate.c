// SPDX-License-Identifier: MIT
/*
 * annotate.c - what a person should look at among the sockets: the registered service
 * of each port, and four flags, each with a one-line reason.
 *
 *   exposed     listening beyond loopback on a port the knowledge base rates high risk
 *               for this transport (plaintext logins, databases, botnet targets, ...),
 *               or on a remote-login port that sends passwords in clear (Telnet 23 and
 *               2323, rexec/rlogin/rsh 512-514), even if no curated fact covers it
 *   unassigned  listening beyond loopback on a port the IANA registry lists as
 *               Unassigned (a loopback listener is this machine's business: local
 *               helpers, portlens serve on 127.0.0.1:7678, test servers; a UDP socket
 *               on a port the kernel hands to clients is no listener, ephemeral.c)
 *   malware     the knowledge base ties the port to malware on this transport
 *
 * The malware and unassigned tests are the ones `portlens audit` applies
 * (pl_port_malware, pl_port_unassigned in audit/verdict.c): one verdict for both.
 *   unexpected  a well-known port (0-1023) held by a program that is not one of the
 *               usual servers for it (e.g. 22 held by python3, not sshd)
 *
 * Listening rules apply to TCP LISTEN and bound UDP sockets; connections get only the
 * service name (of the lower port) and the malware flag.
 */
#include <stdio.h>
#include <string.h>

#include "portlens/audit.h"
#include "sockets/sockets_impl.h"
#include "core/strnum.h"

/* Well-known ports and the programs expected on them (comm prefixes). */
struct expected {
	uint16_t port;
	const char *what;
	const char *const progs[12];
};

static const struct expected expected_progs[] = {
    {.port = 21,
     .what = "an FTP server",
     .progs = {"vsftpd", "proftpd", "pure-ftpd", "ftpd", "in.ftpd"}},
    {.port = 22, .what = "an SSH server", .progs = {"sshd", "dropbear"}},
    {.port = 23,
     .what = "a Telnet server",
     .progs = {"telnetd", "in.telnetd", "utelnetd", "busybox"}},
    {.port = 25,
     .what = "a mail server",
     .progs = {"master", "smtpd", "exim", "sendmail", "opensmtpd"}},
    {.port = 53,
     .what = "a DNS server",
     .progs = {"named", "dnsmasq", "unbound", "systemd-resolve", "pdns", "coredns", "knotd",
               "nsd"}},
    {.port = 80,
     .what = "a web server",
     .progs = {"nginx", "apache2", "httpd", "lighttpd", "caddy", "haproxy", "traefik", "envoy",
               "varnishd"}},
    {.port = 110, .what = "a POP3 server", .progs = {"dovecot", "pop3-login", "cyrus"}},
    {.port = 111, .what = "rpcbind", .progs = {"rpcbind", "portmap"}},
    {.port = 123,
     .what = "an NTP server",
     .progs = {"chronyd", "ntpd", "systemd-timesyn", "ntpsec"}},
    {.port = 143, .what = "an IMAP server", .progs = {"dovecot", "imap-login", "cyrus"}},
    {.port = 389, .what = "an LDAP server", .progs = {"slapd", "ns-slapd"}},
    {.port = 443,
     .what = "a web server",
     .progs = {"nginx", "apache2", "httpd", "lighttpd", "caddy", "haproxy", "traefik", "envoy"}},
    {.port = 445, .what = "an SMB server", .progs = {"smbd"}},
    {.port = 465, .what = "a mail server", .progs = {"master", "smtpd", "exim", "sendmail"}},
    {.port = 587, .what = "a mail server", .progs = {"master", "smtpd", "exim", "sendmail"}},
    {.port = 631, .what = "the printing system", .progs = {"cupsd"}},
    {.port = 636, .what = "an LDAP server", .progs = {"slapd", "ns-slapd"}},
    {.port = 993, .what = "an IMAP server", .progs = {"dovecot", "imap-login", "cyrus"}},
    {.port = 995, .what = "a POP3 server", .progs = {"dovecot", "pop3-login", "cyrus"}},
};

/* Holders that pass sockets on to others: socket activation, inetd, container proxies. */
static const char *const supervisors[] = {
    "systemd", "inetd",        "xinetd",      "docker-proxy", "containerd",
    "conmon",  "rootlessport", "slirp4netns", "pasta",        "socat",
};

static int
prefix_of(const char *comm, const char *prog)
{
	return strncmp(comm, prog, strlen(prog)) == 0;
}

static const struct expected *
expected_for(uint16_t port)
{
	if (port > 995) /* the highest port in expected_progs; most rows stop here */
		return NULL;
	for (size_t i = 0; i < sizeof(expected_progs) / sizeof(expected_progs[0]); i++)
		if (expected_progs[i].port == port)
			return &expected_progs[i];
	return NULL;
}

static int
holder_expected(const struct expected *e, const char *comm)
{
	for (size_t i = 0; i < sizeof(supervisors) / sizeof(supervisors[0]); i++)
		if (prefix_of(comm, supervisors[i]))
			return 1;
	for (size_t i = 0; i < 12 && e->progs[i]; i++)
		if (prefix_of(comm, e->progs[i]))
			return 1;
	return 0;
}

static int
is_listening(const struct pl_sock *s)
{
	return s->state == PL_SS_LISTEN || (s->proto == PL_PROTO_UDP && s->state == PL_SS_CLOSE);
}

static int
remote_login_port(const struct pl_sock *s)
{
	return s->proto == PL_PROTO_TCP &&
	       (s->lport == 23 || s->lport == 2323 || (s->lport >= 512 && s->lport <= 514));
}

static int
exposing_kind(const struct pl_kb_entry *f)
{
	switch (f->kind) {
	case PL_KB_PLAINTEXT_PROTOCOL:
		return f->risk >= PL_RISK_MEDIUM;
	case PL_KB_BOTNET_TARGET:
	case PL_KB_DEFAULT_CREDENTIALS:
	case PL_KB_COMMONLY_EXPOSED:
	case PL_KB_VULNERABILITY:
	case PL_KB_AMPLIFICATION:
		return f->risk >= PL_RISK_HIGH;
	default:
		return 0;
	}
}

static void
annotate_reg(struct pl_sock *s, const struct pl_registry *reg, uint16_t port)
{
	s->reg = pl_registry_assigned(reg, port, (enum pl_proto)s->proto);
	if (is_listening(s) && !pl_sock_loopback(s) && !s->ephemeral &&
	    pl_port_unassigned(reg, port, (enum pl_proto)s->proto))
		s->flags |= PL_SFLAG_UNASSIGNED;
}

static void
annotate_kb(struct pl_sock *s, const struct pl_kb *kb, uint16_t port, int listening)
{
	size_t n;
	const uint32_t *idx = pl_kb_lookup(kb, port, &n);
	int beyond = listening && !pl_sock_loopback(s);

	s->malware = pl_port_malware(kb, port, (enum pl_proto)s->proto);
	if (s->malware) {
		s->flags |= PL_SFLAG_MALWARE;
		if (s->malware->risk > s->risk)
			s->risk = s->malware->risk;
	}
	for (size_t i = 0; i < n && beyond; i++) {
		const struct pl_kb_entry *f = pl_kb_entry(kb, idx[i]);

		if (!(f->protos & PL_PROTO_BIT(s->proto)) || !exposing_kind(f))
			continue;
		s->flags |= PL_SFLAG_EXPOSED;
		if (!s->fact || f->risk > s->fact->risk)
			s->fact = f;
		if (f->risk > s->risk)
			s->risk = f->risk;
	}
	if (beyond && remote_login_port(s))
		s->flags |= PL_SFLAG_EXPOSED;
}

void
pli_annotate_ports(struct pl_sock *s, const struct pl_registry *reg, const struct pl_kb *kb)
{
	int listening = is_listening(s);
	uint16_t port = listening || s->rport == 0 || s->lport < s->rport ? s->lport : s->rport;

	s->flags = 0;
	s->risk = PL_RISK_INFO;
	s->fact = NULL;
	s->malware = NULL;
	s->reg = NULL;
	/* Raw and packet sockets have no port: what they are is the finding. */
	if (s->kind == PL_SK_PACKET) {
		s->flags = PL_SFLAG_CAPTURE;
		s->risk = PL_RISK_MEDIUM;
		return;
	}
	if (s->kind == PL_SK_RAW) {
		s->flags = PL_SFLAG_RAW;
		s->risk = PL_RISK_LOW;
		return;
	}
	annotate_reg(s, reg, port);
	annotate_kb(s, kb, port, listening);
	if ((s->flags & PL_SFLAG_EXPOSED) && s->risk < PL_RISK_HIGH)
		s->risk = PL_RISK_HIGH;
	if ((s->flags & PL_SFLAG_UNASSIGNED) && s->risk < PL_RISK_LOW)
		s->risk = PL_RISK_LOW;
}

void
pli_annotate_holders(const struct pl_sockset *set, struct pl_sock *s)
{
	const struct expected *e =
	    s->kind == PL_SK_INET && is_listening(s) ? expected_for(s->lport) : NULL;

	s->flags &= ~(uint32_t)PL_SFLAG_UNEXPECTED;
	if (!e || s->n_owners == 0)
		return;
	for (uint32_t k = 0; k < s->n_owners; k++)
		if (holder_expected(e, pl_sock_owner(set, s, k)->comm))
			return;
	s->flags |= PL_SFLAG_UNEXPECTED;
	if (s->risk < PL_RISK_MEDIUM)
		s->risk = PL_RISK_MEDIUM;
}

void
pl_sockets_annotate(struct pl_sockset *set, const struct pl_registry *reg, const struct pl_kb *kb)
{
	for (size_t i = 0; i < set->n_socks; i++) {
		pli_annotate_ports(&set->socks[i], reg, kb);
		pli_annotate_holders(set, &set->socks[i]);
	}
}

/* A bounded string builder; always NUL-terminated when size > 0. */
struct sb {
	char *p;
	size_t left;
};

static void
sb_putn(struct sb *b, const char *s, size_t n)
{
	if (b->left == 0)
		return;
	if (n >= b->left)
		n = b->left - 1;
	memcpy(b->p, s, n);
	b->p += n;
	b->left -= n;
	*b->p = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

/* A string literal, without measuring it. */
#define SB_LIT(b, lit) sb_putn((b), (lit), sizeof(lit) - 1)

static void
sb_u32(struct sb *b, uint32_t v)
{
	char tmp[PLI_U64_DIGITS], *end = tmp + sizeof(tmp);
	const char *p = pli_u64_digits(v, end);

	sb_putn(b, p, (size_t)(end - p));
}

void
pl_sock_flag_reason_parts(const struct pl_sockset *set, const struct pl_sock *s,
                          enum pl_sock_flag flag, struct pl_sock_reason *r)
{
	const char *name = NULL;
	const struct expected *e;

	memset(r, 0, sizeof(*r));
	r->number = s->lport;
	r->proto = (enum pl_proto)s->proto;
	r->name = "";
	r->ifname = s->ifname;
	if (flag == PL_SFLAG_CAPTURE || flag == PL_SFLAG_RAW)
		name = pl_sock_protocol_name(s);
	switch (flag) {
	case PL_SFLAG_EXPOSED:
		pl_sock_addr_str(s, 0, r->addr, sizeof(r->addr));
		r->fact = s->fact;
		r->kind = s->fact ? PL_SREASON_EXPOSED_FACT : PL_SREASON_EXPOSED_PLAINTEXT;
		return;
	case PL_SFLAG_UNASSIGNED:
		r->kind = PL_SREASON_UNASSIGNED;
		return;
	case PL_SFLAG_MALWARE:
		r->kind = PL_SREASON_MALWARE;
		r->fact = s->malware;
		return;
	case PL_SFLAG_CAPTURE:
		r->kind = s->lport == 3 ? PL_SREASON_CAPTURE_ALL
		          : name        ? PL_SREASON_CAPTURE_NAMED
		                        : PL_SREASON_CAPTURE_ETHERTYPE;
		r->name = name && s->lport != 3 ? name : "";
		return;
	case PL_SFLAG_RAW:
		r->kind = name ? PL_SREASON_RAW_NAMED : PL_SREASON_RAW_NUMBER;
		r->name = name ? name : "";
		return;
	case PL_SFLAG_UNEXPECTED:
		e = expected_for(s->lport);
		r->kind = PL_SREASON_UNEXPECTED;
		r->name = s->reg ? s->reg->service : "?";
		r->holder = s->n_owners ? pl_sock_owner(set, s, 0)->comm : "?";
		r->expected = e ? e->what : "?";
		r->programs = e ? e->progs : NULL;
		while (e && r->n_programs < sizeof(e->progs) / sizeof(e->progs[0]) &&
		       e->progs[r->n_programs])
			r->n_programs++;
		return;
	}
}

/* What a packet or raw socket reads, in English: "every frame", "LLDP frames", ... */
static void
reading_what(const struct pl_sock_reason *r, char *what, size_t size)
{
	switch (r->kind) {
	case PL_SREASON_CAPTURE_ALL:
		snprintf(what, size, "every frame");
		return;
	case PL_SREASON_CAPTURE_NAMED:
		snprintf(what, size, "%s frames", r->name);
		return;
	case PL_SREASON_CAPTURE_ETHERTYPE:
		snprintf(what, size, "ethertype 0x%04x frames", r->number);
		return;
	case PL_SREASON_RAW_NAMED:
		snprintf(what, size, "%s", r->name);
		return;
	default:
		snprintf(what, size, "IP protocol %u", r->number);
		return;
	}
}

void
pl_sock_flag_reason(const struct pl_sockset *set, const struct pl_sock *s, enum pl_sock_flag flag,
                    char *buf, size_t size)
{
	struct pl_sock_reason r;
	struct sb b = {.p = buf, .left = size};
	char what[32];

	if (size)
		buf[0] = '\0';
	pl_sock_flag_reason_parts(set, s, flag, &r);
	switch (r.kind) {
	case PL_SREASON_EXPOSED_FACT:
		/* The fact is about the port, not the program (nginx on 8088 is no Hadoop
		 * YARN): the reason must not read as "this is YARN". */
		snprintf(
		    buf, size,
		    "listening on %s, beyond loopback; what this port is known for: %s (%s risk)",
		    r.addr, r.fact->title, pl_risk_name((enum pl_risk)r.fact->risk));
		return;
	case PL_SREASON_EXPOSED_PLAINTEXT:
		snprintf(buf, size,
		         "listening on %s, beyond loopback, on a remote-login port "
		         "whose protocol sends passwords in plaintext",
		         r.addr);
		return;
	case PL_SREASON_UNASSIGNED:
		/* Built by hand: thousands of rows can carry this flag, printf was visible. */
		SB_LIT(&b, "the IANA registry lists ");
		sb_u32(&b, r.number);
		SB_LIT(&b, "/");
		sb_puts(&b, pl_proto_name(r.proto));
		SB_LIT(&b, " as Unassigned: do you know what this is, and did you put it here?");
		return;
	case PL_SREASON_MALWARE:
		snprintf(buf, size, "port associated with malware: %s",
		         r.fact ? r.fact->title : "see portlens info");
		return;
	case PL_SREASON_CAPTURE_ALL:
	case PL_SREASON_CAPTURE_NAMED:
	case PL_SREASON_CAPTURE_ETHERTYPE:
		reading_what(&r, what, sizeof(what));
		snprintf(
		    buf, size,
		    "a packet socket reads %s on %s%s, below TCP/UDP: tcpdump, DHCP clients and "
		    "LLDP agents do this; BPFDoor-style backdoors hide this way from ss -tulpn "
		    "and lsof -i",
		    what, r.ifname[0] ? "" : "every interface", r.ifname);
		return;
	case PL_SREASON_RAW_NAMED:
	case PL_SREASON_RAW_NUMBER:
		reading_what(&r, what, sizeof(what));
		snprintf(buf, size,
		         "a raw socket receives every %s packet sent to this machine: ping-like "
		         "tools and routing daemons do this; a long-lived one elsewhere can be a "
		         "covert channel",
		         what);
		return;
	case PL_SREASON_UNEXPECTED:
		snprintf(buf, size, "well-known port %u (%s) is held by %s, not by %s", r.number,
		         r.name, r.holder, r.expected);
		return;
	case PL_SREASON_NONE:
		break;
	}
	snprintf(buf, size, "?");
}
