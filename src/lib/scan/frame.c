// SPDX-License-Identifier: MIT
/*
 * frame.c - the part of the packet engines (engine_syn.c, engine_udp.c) that does not
 * depend on the protocol: probes in the in-flight table, packets into per-family
 * sendmmsg batches, one poll() over the engine's sockets, deadlines and retries.
 *
 * A poll round: flush what send() queued, wait for the earliest deadline or a packet,
 * let the engine drain every ready socket, expire deadlines (another attempt, or the
 * engine's "silent" state after the last), flush the retries.
 *
 * Adaptive waiting: --timeout is the most an attempt waits. Once answers have been
 * timed, an attempt waits what TCP would (RFC 6298: srtt + 4 rttvar, from first-attempt
 * answers only, Karn's rule), but at least PL_FRAME_MIN_WAIT_MS, nmap's minimum. Every
 * attempt is linked in send order with the same wait, so the list stays ordered and
 * expiry still looks only at its head. Batches are therefore
 * empty whenever answers are read, so a packet in a batch never outlives its slot.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "scan/frame.h"
#include "scan/scan_impl.h"

enum pl_rc
pli_frame_init(struct pl_frame *f, const struct pl_scan_engine_cfg *cfg,
               enum pl_port_state silent_state, pl_frame_transmit_fn transmit,
               pl_frame_drain_fn drain)
{
	uint32_t n = cfg->max_inflight ? cfg->max_inflight : 16384;

	memset(f, 0, sizeof(*f));
	for (int k = 0; k < PL_FRAME_FDS; k++)
		f->fd[k] = -1;
	f->cfg = *cfg;
	if (cfg->engine_opts)
		f->ro = *(const struct pl_scan_raw_opts *)cfg->engine_opts;
	f->silent_state = (uint8_t)silent_state;
	f->transmit = transmit;
	f->drain = drain;
	f->b[0] = malloc(sizeof(*f->b[0]));
	f->b[1] = malloc(sizeof(*f->b[1]));
	f->rx = malloc(sizeof(*f->rx));
	if (!f->b[0] || !f->b[1] || !f->rx || pli_inflight_init(&f->tab, n, 1) != PL_OK)
		return PL_ERR_NOMEM;
	f->b[0]->n = f->b[1]->n = 0;
	f->b[0]->fd = f->b[1]->fd = -1;
	return PL_OK;
}

enum pl_rc
pli_frame_init_raw(struct pl_frame *f, const struct pl_scan_engine_cfg *cfg,
                   enum pl_port_state silent_state, pl_frame_transmit_fn transmit,
                   pl_frame_drain_fn drain, uint8_t key[16], uint16_t *sport,
                   struct pl_srccache *src, struct pl_err *err)
{
	if (pli_frame_init(f, cfg, silent_state, transmit, drain) != PL_OK)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (getrandom(key, 16, 0) != 16)
		return pl_err_set(err, PL_ERR_SYS, "getrandom: %s", strerror(errno));
	*sport = pli_frame_source_port(f, (uint16_t)(key[0] << 8 | key[1]));
	if (pli_srccache_init(src) != PL_OK)
		return pl_err_set(err, PL_ERR_SYS, "socket: %s", strerror(errno));
	return PL_OK;
}

enum pl_rc
pli_frame_open_raw(struct pl_frame *f, uint16_t sport, const char *what,
                   int (*icmp_filter)(int fd, int v6), struct pl_err *err)
{
	static const int fam[] = {AF_INET, AF_INET6, AF_INET, AF_INET6};
	static const int proto[] = {IPPROTO_TCP, IPPROTO_TCP, IPPROTO_ICMP, IPPROTO_ICMPV6};

	for (int k = 0; k < 4; k++) {
		const struct pl_scan_addr *src =
		    fam[k] == AF_INET ? &f->ro.source4 : &f->ro.source6;

		f->fd[k] = pli_raw_open(fam[k], proto[k], sport, f->ro.interface, src);
		if (f->fd[k] >= 0 && k >= 2 && icmp_filter && icmp_filter(f->fd[k], k == 3) != 0)
			return pl_err_set(err, PL_ERR_SYS, "ICMP filter: %s", strerror(errno));
		if (f->fd[k] >= 0)
			continue;
		if (errno == EPERM || errno == EACCES)
			return pli_raw_check(what, err);
		/* A host without IPv6 still scans IPv4 (and the other way round). */
		if (errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT)
			return pl_err_set(err, PL_ERR_SYS, "raw socket: %s", strerror(errno));
	}
	return PL_OK;
}

void
pli_frame_cleanup_raw(struct pl_frame *f, struct pl_srccache *src)
{
	pli_srccache_cleanup(src);
	pli_frame_cleanup(f);
}

uint16_t
pli_frame_source_port(const struct pl_frame *f, uint16_t r)
{
	return f->ro.source_port ? f->ro.source_port : (uint16_t)(40000 + r % 20000);
}

void
pli_frame_cleanup(struct pl_frame *f)
{
	for (int k = 0; k < PL_FRAME_FDS; k++)
		if (f->fd[k] >= 0)
			close(f->fd[k]);
	pli_inflight_cleanup(&f->tab);
	free(f->b[0]);
	free(f->b[1]);
	free(f->rx);
}

/* RFC 6298 section 2: srtt and rttvar from one round trip. */
static void
rtt_sample(struct pl_frame *f, uint64_t rtt)
{
	if (!f->srtt_ns) {
		f->srtt_ns = rtt;
		f->rttvar_ns = rtt / 2;
		return;
	}
	f->rttvar_ns =
	    (3 * f->rttvar_ns + (f->srtt_ns > rtt ? f->srtt_ns - rtt : rtt - f->srtt_ns)) / 4;
	f->srtt_ns = (7 * f->srtt_ns + rtt) / 8;
}

/* How long an attempt waits now: cfg.timeout_ms until an answer was timed, then the
 * RFC 6298 timeout within [PL_FRAME_MIN_WAIT_MS, cfg.timeout_ms]. */
static uint64_t
wait_ns(const struct pl_frame *f)
{
	uint64_t max = (uint64_t)f->cfg.timeout_ms * 1000000u,
	         min = PL_FRAME_MIN_WAIT_MS * 1000000ull;
	uint64_t rto = f->srtt_ns + 4 * f->rttvar_ns;

	if (!f->srtt_ns || max <= min)
		return max;
	return rto < min ? min : rto > max ? max : rto;
}

/* The head of the deadline list (the oldest attempt: every deadline is its send time
 * plus cfg.timeout_ms) when its wait has passed, else NIL. */
static uint32_t
expired(const struct pl_frame *f, uint64_t now)
{
	uint32_t h = f->tab.head;

	if (h == PL_INFLIGHT_NIL)
		return h;
	if (f->tab.slots[h].deadline_ns <= now || f->tab.slots[h].t_send_ns + wait_ns(f) <= now)
		return h;
	return PL_INFLIGHT_NIL;
}

void
pli_frame_finish(struct pl_frame *f, uint32_t i, enum pl_port_state st, enum pl_scan_reason why,
                 int sys_errno, const uint8_t *ans, size_t n, const uint8_t *req, size_t req_len)
{
	struct pl_scan_result r;

	pli_inflight_result(&f->tab, i, st, why, sys_errno, pli_scan_now_ns(), &r);
	if (why != PL_REASON_NO_RESPONSE && r.attempts == 1 && r.rtt_us) /* Karn: no resends */
		rtt_sample(f, (uint64_t)r.rtt_us * 1000u);
	if (ans) {
		r.answer = ans;
		r.answer_len = (uint32_t)n;
		r.request = req;
		r.request_len = (uint32_t)req_len;
	}
	pli_inflight_release(&f->tab, i);
	f->cfg.emit(f->cfg.ctx, &r);
}

void
pli_frame_fail(void *ctx, uint32_t i, int e)
{
	struct pl_frame *f = ctx;
	enum pl_scan_reason why = PL_REASON_ERROR;

	if (!f->tab.slots[i].used)
		return;
	if (e == EHOSTUNREACH || e == EHOSTDOWN)
		why = PL_REASON_HOST_UNREACH;
	else if (e == ENETUNREACH || e == ENETDOWN)
		why = PL_REASON_NET_UNREACH;
	else if (e == EPERM || e == EACCES)
		why = PL_REASON_ADMIN_PROHIBITED;
	pli_frame_finish(f, i, PL_PORT_UNREACHABLE, why, e, NULL, 0, NULL, 0);
}

static void
flush(struct pl_frame *f)
{
	for (int k = 0; k < 2; k++)
		if (f->b[k]->n)
			pli_raw_batch_flush(f->b[k], pli_frame_fail, f);
}

void
pli_frame_attempt(struct pl_frame *f, uint32_t i)
{
	struct pl_inflight_slot *sl = &f->tab.slots[i];
	uint64_t now = pli_scan_now_ns();

	sl->attempts++;
	sl->t_send_ns = now;
	pli_inflight_set_deadline(&f->tab, i, now + (uint64_t)f->cfg.timeout_ms * 1000000ull);
}

uint8_t *
pli_frame_queue(struct pl_frame *f, uint32_t i, uint16_t port, size_t len)
{
	struct pl_inflight_slot *sl = &f->tab.slots[i];
	struct pl_raw_batch *b = f->b[sl->probe.addr.family == 6];

	pli_frame_attempt(f, i);
	if (b->fd < 0) {
		pli_frame_finish(f, i, PL_PORT_UNREACHABLE, PL_REASON_ERROR, EAFNOSUPPORT, NULL, 0,
		                 NULL, 0);
		return NULL;
	}
	if (b->n == PL_RAW_BATCH)
		pli_raw_batch_flush(b, pli_frame_fail, f);
	return pli_raw_batch_add(b, &sl->probe.addr, port, len, i);
}

enum pl_rc
pli_frame_send(void *state, const struct pl_scan_probe *p, struct pl_err *err)
{
	struct pl_frame *f = state;
	uint32_t i;

	(void)err;
	if ((i = pli_inflight_take(&f->tab, p)) == PL_INFLIGHT_NIL)
		return PL_ERR_LIMIT;
	f->transmit(f, i);
	return PL_OK;
}

/* Deadlines that have passed: another attempt, or the silent state after the last. */
static void
expire(struct pl_frame *f)
{
	uint32_t i;

	while ((i = expired(f, pli_scan_now_ns())) != PL_INFLIGHT_NIL) {
		if (f->tab.slots[i].attempts > f->cfg.retries)
			pli_frame_finish(f, i, (enum pl_port_state)f->silent_state,
			                 PL_REASON_NO_RESPONSE, 0, NULL, 0, NULL, 0);
		else
			f->transmit(f, i);
	}
}

enum pl_rc
pli_frame_poll(void *state, int timeout_ms, struct pl_err *err)
{
	struct pl_frame *f = state;
	struct pollfd pfd[PL_FRAME_FDS + 1];
	int idx[PL_FRAME_FDS + 1], n = 0;
	enum pl_rc rc;

	flush(f);
	for (int k = 0; k < PL_FRAME_FDS; k++) {
		if (f->fd[k] < 0)
			continue;
		idx[n] = k;
		pfd[n++] = (struct pollfd){.fd = f->fd[k], .events = POLLIN};
	}
	if (f->cfg.wake_fd > 0) {
		idx[n] = -1;
		pfd[n++] = (struct pollfd){.fd = f->cfg.wake_fd, .events = POLLIN};
	}
	if (f->tab.head != PL_INFLIGHT_NIL) { /* until the oldest attempt's wait is over */
		uint64_t now = pli_scan_now_ns(),
		         due = f->tab.slots[f->tab.head].t_send_ns + wait_ns(f);
		int until = due <= now ? 0 : (int)((due - now + 999999) / 1000000);

		timeout_ms = until < timeout_ms ? until : timeout_ms;
	}
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return pl_err_set(err, PL_ERR_SYS, "poll: %s", strerror(errno));
	for (int j = 0; j < n; j++) {
		uint64_t v;

		/* The wake eventfd stays readable until read: poll() would return at once
		 * from then on (the connect engine's epoll is edge-triggered instead). */
		if (idx[j] < 0 && pfd[j].revents && read(pfd[j].fd, &v, sizeof(v)) < 0) {
			/* EAGAIN: someone else read it first; nothing is lost either way. */
		}
		if (idx[j] >= 0 && pfd[j].revents &&
		    (rc = f->drain(f, idx[j], pfd[j].revents, err)) != PL_OK)
			return rc;
	}
	expire(f);
	flush(f);
	return PL_OK;
}

size_t
pli_frame_inflight(void *state)
{
	return ((struct pl_frame *)state)->tab.count;
}

size_t
pli_frame_capacity(void *state)
{
	return ((struct pl_frame *)state)->tab.n_slots;
}

void
pli_frame_foreach(void *state, void (*fn)(void *ctx, uint64_t pos), void *ctx)
{
	pli_inflight_foreach(&((struct pl_frame *)state)->tab, fn, ctx);
}
