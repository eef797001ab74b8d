// SPDX-License-Identifier: MIT
/*
 * udp_io.c - asks a UDP port what it is (pl_probe_udp_service): one connected datagram
 * socket (so an ICMP port unreachable comes back as ECONNREFUSED), the payloads of
 * data/udp-payloads.txt (the port's own first, then those marked "detect"; the scan
 * engine sends the same bytes), each answer classified by
 * pl_probe_classify_udp. Every wait is bounded by opts.read_ms and the run by
 * opts.total_ms. Once a service is known, follow-ups: DNS asks version.server,
 * id.server, hostname.bind and a recursive query (the open-resolver check); NTP asks
 * a mode 6 READVAR, whose "version=" names ntpd or NTPsec (chrony does not answer it).
 * With opts.udp_burst_ms the payloads go out at once instead (udp_burst.c).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/dns.h"
#include "probe/probe_impl.h"
#include "probe/udp.h"
#include "scan/udp_payloads.h"

struct udp_run {
	int fd;
	uint64_t deadline;
	unsigned read_ms;
	int refused;      /* ICMP port unreachable seen */
	uint32_t answers; /* datagrams received */
	uint32_t bytes;   /* bytes received in all */
	/* After the first datagram of an answer, how long to wait for more (SSDP and NTP
	 * control answers come in several); 0 where one datagram is the whole answer (DNS). */
	unsigned more_ms;
};

/* Milliseconds until the earlier of until and the deadline; >= 0. */
static int
udp_left(const struct udp_run *u, uint64_t until)
{
	uint64_t now = pli_probe_now_ms(), end = until < u->deadline ? until : u->deadline;

	return end > now ? (int)(end - now) : 0;
}

/*
 * Sends req, then collects answer datagrams into ans (cap bytes) until read_ms pass, or
 * more_ms of quiet after the first. Returns the bytes of the first datagram (*total: of
 * all of them), 0 when nothing came.
 */
static size_t
udp_exchange(struct udp_run *u, const unsigned char *req, size_t req_len, unsigned char *ans,
             size_t cap, size_t *total)
{
	uint64_t until = pli_probe_now_ms() + u->read_ms;
	size_t first = 0;

	*total = 0;
	if (send(u->fd, req, req_len, 0) < 0) {
		u->refused |= errno == ECONNREFUSED;
		return 0;
	}
	for (int i = 0; i < 64; i++) {
		struct pollfd pfd = {.fd = u->fd, .events = POLLIN};
		unsigned char scratch[2048];
		ssize_t r;
		int prc = poll(&pfd, 1, udp_left(u, until));

		if (prc < 0 && errno == EINTR)
			continue;
		if (prc <= 0)
			break;
		r = recv(u->fd, first ? scratch : ans, first ? sizeof(scratch) : cap, 0);
		if (r < 0) {
			u->refused |= errno == ECONNREFUSED;
			if (errno == ECONNREFUSED)
				break;
			continue;
		}
		if (!first)
			first = (size_t)r;
		u->answers++;
		u->bytes += (uint32_t)r;
		*total += (size_t)r;
		if (!u->more_ms)
			break;
		if (pli_probe_now_ms() + u->more_ms < until)
			until = pli_probe_now_ms() + u->more_ms;
	}
	return first;
}

static void
udp_dns_followup(const struct pl_probe_ctx *ctx, struct udp_run *u, unsigned char *buf, size_t cap,
                 struct pl_service *out)
{
	static const char *const ids[] = {"version.server", "id.server", "hostname.bind"};
	unsigned char q[300];
	struct pl_dns_reply r;
	size_t qn, n, total;

	u->more_ms = 0; /* a DNS answer over UDP is one datagram (RFC 1035 4.2.1) */

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		qn = pli_dns_query(q, sizeof(q), (uint16_t)(0x7070 + i), ids[i], PL_DNS_TXT,
		                   PL_DNS_CH, 0);
		n = udp_exchange(u, q, qn, buf, cap, &total);
		if (n && pli_dns_parse(buf, n, &r) == 0 && r.id == 0x7070 + i && r.txt[0]) {
			pli_probe_add_info(out, "%s: %s", ids[i], r.txt);
			if (i == 0 && !out->product[0])
				pli_probe_recog(ctx, RECOG_DNS_VERSION, r.txt, strlen(r.txt), out);
		}
	}
	if (!ctx->opts.intrusive) /* a recursive query proves an exposure: the audit's */
		return;
	qn = pli_dns_query(q, sizeof(q), 0x7080, PL_DNS_RECURSION_NAME, PL_DNS_A, PL_DNS_IN, 1);
	n = udp_exchange(u, q, qn, buf, cap, &total);
	if (!n || pli_dns_parse(buf, n, &r) != 0 || r.id != 0x7080)
		return;
	if (pli_dns_recursion_proved(&r)) {
		out->exposures |= PL_EXP_DNS_RECURSION;
		pli_probe_add_info(out, "recursion: resolved %s for us", PL_DNS_RECURSION_NAME);
		/* The open resolver's amplification: this answer against this query. */
		if (total * out->udp_request_bytes > (size_t)out->udp_answer_bytes * qn) {
			out->udp_request_bytes = (uint32_t)qn;
			out->udp_answer_bytes = (uint32_t)total;
		}
	} else {
		pli_probe_add_info(out, "recursion: no (rcode %u%s)", r.rcode,
		                   r.ra ? "" : ", RA not set");
	}
}

void
pli_probe_ntp_readvar(const unsigned char *buf, size_t n, struct pl_service *out)
{
	const unsigned char *v;

	if (n < 12 || (buf[0] & 7) != 6 || !(buf[1] & 0x80))
		return;
	v = pli_probe_memcasemem(buf + 12, n - 12, "version=\"");
	if (!v)
		return;
	v += 9;
	if (pli_probe_memcasemem(v, strcspn((const char *)v, "\""), "ntpsec-")) {
		const unsigned char *s =
		    pli_probe_memcasemem(v, n - (size_t)(v - buf), "ntpsec-") + 7;

		pli_probe_set(out->product, sizeof(out->product), "NTPsec");
		pli_probe_copy(out->version, sizeof(out->version), (const char *)s,
		               strcspn((const char *)s, " \","));
		snprintf(out->cpe, sizeof(out->cpe), "cpe:/a:ntpsec:ntpsec:%s", out->version);
	} else if (strncmp((const char *)v, "ntpd ", 5) == 0) {
		/* strncmp, not memcmp: "version=\"" may end the answer, and v its NUL. */
		pli_probe_set(out->product, sizeof(out->product), "ntpd");
		pli_probe_copy(out->version, sizeof(out->version), (const char *)v + 5,
		               strcspn((const char *)v + 5, " \","));
	}
	pli_probe_add_info(out, "readvar version: %.*s", (int)strcspn((const char *)v, "\""), v);
}

static void
udp_ntp_followup(struct udp_run *u, unsigned char *buf, size_t cap, struct pl_service *out)
{
	/* Mode 6 (control) READVAR of the system variables, RFC 1305 appendix B. */
	static const unsigned char readvar[12] = {0x16, 0x02, 0x00, 0x01};
	size_t total, n = udp_exchange(u, readvar, sizeof(readvar), buf, cap - 1, &total);

	buf[n] = '\0';
	pli_probe_ntp_readvar(buf, n, out);
}

/*
 * Sends the port's own payload (data/udp-payloads.txt), then every payload marked
 * "detect" in file order, until one answer is recognised.
 */
static int
udp_identify(const struct pl_probe_ctx *ctx, struct udp_run *u, uint16_t port, unsigned char *buf,
             size_t cap, struct pl_service *out)
{
	struct pl_udp_payloads pay;
	unsigned own;
	int found = 0;

	if (pli_udp_payloads_builtin(&pay, NULL) != PL_OK)
		return 0;
	own = pay.by_port[port];
	for (int pass = 0; pass < 2 && !found; pass++)
		for (size_t i = 0; i < pay.n && !found; i++) {
			const struct pl_udp_payload_entry *e = &pay.items[i];
			size_t n, total;

			if (pass == 0 ? own != i + 1 : !e->detect || own == i + 1)
				continue;
			if (!e->len || pli_probe_now_ms() >= u->deadline || u->refused)
				continue;
			n = udp_exchange(u, e->data, e->len, buf, cap, &total);
			if (n && pl_probe_classify_udp(ctx, port, e->data, e->len, buf, n, out)) {
				out->udp_answer_bytes = (uint32_t)total;
				found = 1;
			}
		}
	pli_udp_payloads_cleanup(&pay);
	return found;
}

enum pl_rc
pl_probe_udp_service(const struct pl_probe_ctx *ctx, const struct sockaddr *sa, socklen_t salen,
                     struct pl_service *out, struct pl_err *err)
{
	struct udp_run u = {.fd = -1, .more_ms = 300};
	uint64_t start = pli_probe_now_ms();
	unsigned char *buf = NULL;
	struct pl_addr at;
	uint16_t port;
	enum pl_rc rc;

	if (ctx && ctx->opts.udp_burst_ms)
		return pli_probe_udp_burst(ctx, sa, salen, out, err);
	pli_service_init(out);
	out->udp = 1;
	if (!ctx || pl_addr_from_sockaddr(sa, salen, &at) != PL_OK)
		return pl_err_set(err, PL_ERR_ARG, "need an IPv4 or IPv6 address");
	port = at.port;
	u.deadline = start + ctx->opts.total_ms;
	u.read_ms = ctx->opts.read_ms;
	buf = malloc(PL_PROBE_MAX_READ + 1);
	if (!buf)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	u.fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (u.fd < 0 || connect(u.fd, sa, salen) != 0) {
		rc = pl_err_set(err, PL_ERR_SYS, "UDP socket: %s", strerror(errno));
		goto out;
	}
	if (udp_identify(ctx, &u, port, buf, PL_PROBE_MAX_READ, out)) {
		if (strcmp(out->service, "dns") == 0)
			udp_dns_followup(ctx, &u, buf, PL_PROBE_MAX_READ, out);
		else if (strcmp(out->service, "ntp") == 0)
			udp_ntp_followup(&u, buf, PL_PROBE_MAX_READ, out);
	} else if (u.refused) {
		rc = pl_err_set(err, PL_ERR_IO, "port unreachable (closed)");
		goto out;
	}
	rc = PL_OK;
out:
	out->udp_answers = u.answers;
	out->bytes_read = u.bytes;
	if (u.fd >= 0)
		close(u.fd);
	free(buf);
	out->elapsed_ms = (uint32_t)(pli_probe_now_ms() - start);
	return rc;
}
