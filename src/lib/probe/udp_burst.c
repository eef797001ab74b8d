// SPDX-License-Identifier: MIT
/*
 * udp_burst.c - asks a UDP port what it is with every payload at once
 * (pl_probe_udp_service when opts.udp_burst_ms is set): the quick mode `scan -sU --sV`
 * uses on the ports its sweep left open|filtered, where the port's own payload (or an
 * empty datagram) drew nothing.
 *
 * Every payload of data/udp-payloads.txt, then an empty datagram, leaves at once, each
 * from a connected socket of its own. An answer therefore arrives on the socket of the
 * payload that drew it: it is classified against exactly that request
 * (pl_probe_classify_udp checks the DNS id, the NTP origin timestamp), and no answer is
 * ever taken for the answer to another payload (a DNS server answers the mDNS query
 * too, with a name under .local, which must not make it "mdns"). Of the sockets that
 * answered, the first in the order of udp_io.c wins: the port's own payload, those
 * marked "detect" in file order, the rest in file order, the empty datagram; a
 * classified answer beats an unclassified one.
 *
 * Time: the wait ends udp_burst_ms after the sends, or 50 ms after the first
 * classified answer (the grace lets a better-ranked socket's answer arrive), or as soon
 * as every socket has answered or been refused. An ICMP port unreachable (ECONNREFUSED
 * on any socket) with no answer at all means the port is closed. A silent port costs
 * udp_burst_ms, where sending the payloads one by one costs read_ms each (udp_io.c).
 * No follow-up is sent: this mode classifies what the burst drew, as the scan does
 * with the answers to its own payloads.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portlens/addr.h"
#include "probe/probe_impl.h"
#include "probe/udp.h"
#include "scan/udp_payloads.h"

#define BURST_MAX      64 /* sockets (payloads + the empty datagram) */
#define BURST_GRACE_MS 50 /* after the first classified answer */

struct burst_sock {
	int fd;
	const uint8_t *req; /* the payload this socket sent (NULL: empty datagram) */
	size_t req_len;
	const char *name; /* the payload's name ("" for the empty datagram) */
	int done;         /* answered or refused: not polled any more */
	uint32_t answers, answer_bytes;
	int classified; /* 1: svc holds this socket's classification */
	struct pl_service *svc;
};

struct burst {
	struct burst_sock s[BURST_MAX];
	size_t n;
	int refused;
};

/* The payloads' order of rank: own entry, "detect" entries, the rest, empty datagram. */
static void
burst_plan(const struct pl_udp_payloads *pay, uint16_t port, struct burst *b)
{
	unsigned own = pay->by_port[port];

	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < pay->n && b->n < BURST_MAX - 1; i++) {
			const struct pl_udp_payload_entry *e = &pay->items[i];
			int is_own = own == i + 1;

			if (!e->len || (pass == 0 && !is_own) ||
			    (pass == 1 && (is_own || !e->detect)) ||
			    (pass == 2 && (is_own || e->detect)))
				continue;
			b->s[b->n++] = (struct burst_sock){
			    .fd = -1, .req = e->data, .req_len = e->len, .name = e->name};
		}
	b->s[b->n++] = (struct burst_sock){.fd = -1, .name = ""};
}

static void
burst_close(struct burst *b)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->s[i].fd >= 0)
			close(b->s[i].fd);
		free(b->s[i].svc);
	}
}

/* Opens, connects and sends every socket's payload. PL_OK, or PL_ERR_SYS/NOMEM. */
static enum pl_rc
burst_send(struct burst *b, const struct sockaddr *sa, socklen_t salen, struct pl_err *err)
{
	for (size_t i = 0; i < b->n; i++) {
		struct burst_sock *s = &b->s[i];

		s->fd =
		    socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
		if (s->fd < 0 || connect(s->fd, sa, salen) != 0)
			return pl_err_set(err, PL_ERR_SYS, "UDP socket: %s", strerror(errno));
		s->svc = malloc(sizeof(*s->svc));
		if (!s->svc)
			return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		if (send(s->fd, s->req ? s->req : (const uint8_t *)"", s->req_len, 0) < 0) {
			b->refused |= errno == ECONNREFUSED;
			s->done = 1;
		}
	}
	return PL_OK;
}

/* Reads what socket s has queued; classifies its first datagram. */
static void
burst_read(const struct pl_probe_ctx *ctx, uint16_t port, struct burst *b, struct burst_sock *s,
           unsigned char *buf, size_t cap)
{
	for (int k = 0; k < 16; k++) {
		ssize_t r = recv(s->fd, buf, cap, 0);

		if (r < 0) {
			if (errno == ECONNREFUSED) {
				b->refused = 1;
				s->done = 1;
			}
			return;
		}
		if (s->answers++ == 0)
			s->classified = pl_probe_classify_udp(ctx, port, s->req, s->req_len, buf,
			                                      (size_t)r, s->svc);
		s->answer_bytes += (uint32_t)r;
		s->done = 1;
	}
}

/* Index of the best-ranked socket that answered (classified first), or -1. */
static int
burst_best(const struct burst *b)
{
	int any = -1;

	for (size_t i = 0; i < b->n; i++) {
		if (b->s[i].answers && b->s[i].classified)
			return (int)i;
		if (b->s[i].answers && any < 0)
			any = (int)i;
	}
	return any;
}

/* Polls every socket still waiting until the deadline rules above end the wait. */
static void
burst_wait(const struct pl_probe_ctx *ctx, uint16_t port, struct burst *b, uint64_t deadline,
           unsigned char *buf, size_t cap)
{
	for (;;) {
		struct pollfd pfd[BURST_MAX];
		size_t map[BURST_MAX], np = 0;
		uint64_t now = pli_probe_now_ms();
		int prc;

		for (size_t i = 0; i < b->n; i++)
			if (!b->s[i].done) {
				pfd[np] = (struct pollfd){.fd = b->s[i].fd, .events = POLLIN};
				map[np++] = i;
			}
		if (np == 0 || now >= deadline)
			return;
		prc = poll(pfd, np, (int)(deadline - now));
		if (prc < 0 && errno == EINTR)
			continue;
		if (prc <= 0)
			return;
		for (size_t j = 0; j < np; j++)
			if (pfd[j].revents)
				burst_read(ctx, port, b, &b->s[map[j]], buf, cap);
		for (size_t i = 0; i < b->n; i++)
			if (b->s[i].classified && pli_probe_now_ms() + BURST_GRACE_MS < deadline)
				deadline = pli_probe_now_ms() + BURST_GRACE_MS;
	}
}

/* Fills out from the best answer; PL_ERR_IO when nothing answered and ICMP refused. */
static enum pl_rc
burst_result(struct burst *b, struct pl_service *out, struct pl_err *err)
{
	int best = burst_best(b);
	const struct burst_sock *s;

	if (best < 0)
		return b->refused ? pl_err_set(err, PL_ERR_IO, "port unreachable (closed)") : PL_OK;
	s = &b->s[best];
	*out = *s->svc;
	out->udp = 1;
	out->udp_answers = s->answers;
	out->udp_answer_bytes = s->answer_bytes;
	out->udp_request_bytes = (uint32_t)s->req_len;
	out->bytes_read = s->answer_bytes;
	if (s->classified && !out->probe[0])
		pli_probe_set(out->probe, sizeof(out->probe), "udp");
	if (s->classified && s->name[0])
		pli_probe_add_info(out, "answered payload: %s", s->name);
	return PL_OK;
}

enum pl_rc
pli_probe_udp_burst(const struct pl_probe_ctx *ctx, const struct sockaddr *sa, socklen_t salen,
                    struct pl_service *out, struct pl_err *err)
{
	struct pl_udp_payloads pay = {0};
	struct burst b = {0};
	uint64_t start = pli_probe_now_ms(), deadline;
	unsigned char *buf = NULL;
	struct pl_addr at;
	enum pl_rc rc;

	pli_service_init(out);
	out->udp = 1;
	if (!ctx || pl_addr_from_sockaddr(sa, salen, &at) != PL_OK)
		return pl_err_set(err, PL_ERR_ARG, "need an IPv4 or IPv6 address");
	rc = pli_udp_payloads_builtin(&pay, err);
	if (rc != PL_OK)
		return rc;
	buf = malloc(PL_PROBE_MAX_READ);
	if (!buf) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	burst_plan(&pay, at.port, &b);
	rc = burst_send(&b, sa, salen, err);
	if (rc != PL_OK)
		goto out;
	deadline = start + (ctx->opts.udp_burst_ms < ctx->opts.total_ms ? ctx->opts.udp_burst_ms
	                                                                : ctx->opts.total_ms);
	burst_wait(ctx, at.port, &b, deadline, buf, PL_PROBE_MAX_READ);
	rc = burst_result(&b, out, err);
out:
	burst_close(&b);
	pli_udp_payloads_cleanup(&pay);
	free(buf);
	out->elapsed_ms = (uint32_t)(pli_probe_now_ms() - start);
	return rc;
}
