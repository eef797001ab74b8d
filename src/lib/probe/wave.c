// SPDX-License-Identifier: MIT
/*
 * wave.c - client-first probes sent side by side, each on its own connection.
 *
 * A service that says nothing to the likely probes may still answer one of the others
 * (an RDP server to its X.224 request, a PLC to Modbus). Asking them one after the
 * other costs one read timeout per probe for a silent port; asking them in waves of
 * PL_PROBE_WAVE connections costs one timeout per wave. Every connection of a wave is
 * read from one poll loop until its answer is complete (the probe's predicate, EOF,
 * a full buffer) or quiet for 300 ms after talking; the wave ends when every answer
 * is in, when the caller has what it wanted, or at the wait (bounded by the run's
 * deadline). Connections are opened one after the other (one round trip each), so a
 * wave never opens more than PL_PROBE_WAVE sockets at once.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

enum { QUIET_MS = 300, GRACE_MS = 300 };

struct slot {
	const struct probe_def *p;
	struct probe_conn c;
	struct probe_answer *ans;
	uint64_t last; /* when bytes last arrived */
	short want;
	int done;
};

/* Connects (or takes over *first, a connection nothing was sent on) and sends. */
static void
slot_open(const struct probe_run *run, struct slot *s, struct probe_conn *first)
{
	unsigned char req[1024];
	size_t n = pli_probe_request(s->p, run, req, sizeof(req));

	s->want = POLLIN;
	s->done = 1;
	if (first && first->fd >= 0) {
		s->c = *first;
		s->c.bytes_read = NULL;
		first->fd = -1;
		first->ssl = NULL;
	} else if (pli_conn_open(&s->c, run->sa, run->salen, run->ctx->opts.connect_ms,
	                         run->deadline, NULL) != PL_OK) {
		s->c.fd = -1;
		return;
	}
	if (n == 0) {
		pli_conn_close(&s->c);
		return;
	}
	if (pli_conn_send(&s->c, req, n) != 0) {
		pli_conn_close(&s->c);
		return;
	}
	s->done = 0;
}

/*
 * Marks a slot finished and hands its answer over. Returns 1 when fn wants the wave
 * ended now; fn's "good enough" (2) leaves the others GRACE_MS to answer (a TLS
 * server's ServerHello, say, beside its plaintext error page).
 */
static int
slot_finish(struct slot *s, probe_wave_fn fn, void *arg, uint64_t *until)
{
	int verdict = 0;

	s->done = 1;
	if (s->ans->len > 0 || s->ans->closed || s->ans->reset)
		verdict = fn(arg, s->p, &s->c, s->ans);
	if (s->c.fd >= 0)
		pli_conn_close(&s->c);
	if (verdict == 2 && pli_probe_now_ms() + GRACE_MS < *until)
		*until = pli_probe_now_ms() + GRACE_MS;
	return verdict == 1;
}

static int
slot_complete(const struct slot *s)
{
	const struct probe_answer *a = s->ans;

	return a->closed || a->reset || a->truncated ||
	       (a->len > 0 && s->p->complete && s->p->complete(a->data, a->len));
}

/* Reads every open slot until done; returns 1 when fn ended the wave. */
static int
wave_loop(struct slot *slots, size_t n, uint64_t until, probe_wave_fn fn, void *arg)
{
	for (;;) {
		struct pollfd pfd[PL_PROBE_WAVE];
		size_t map[PL_PROBE_WAVE], k = 0;
		uint64_t now = pli_probe_now_ms(), quiet = UINT64_MAX, stop;
		int rc;

		for (size_t i = 0; i < n; i++) {
			struct slot *s = &slots[i];

			if (s->done)
				continue;
			if (s->ans->len > 0 && s->last + QUIET_MS <= now) {
				if (slot_finish(s, fn, arg, &until))
					return 1;
				continue;
			}
			if (s->ans->len > 0 && s->last + QUIET_MS < quiet)
				quiet = s->last + QUIET_MS;
			pfd[k] = (struct pollfd){.fd = s->c.fd, .events = s->want};
			map[k++] = i;
		}
		if (k == 0 || now >= until)
			break;
		stop = quiet < until ? quiet : until; /* until may have shrunk to a grace */
		do
			rc = poll(pfd, k, (int)(stop > now ? stop - now : 0));
		while (rc < 0 && errno == EINTR);
		if (rc < 0)
			break;
		for (size_t j = 0; j < k && rc > 0; j++) {
			struct slot *s = &slots[map[j]];
			int r;

			if (!pfd[j].revents)
				continue;
			r = pli_conn_read_once(&s->c, s->ans, &s->want);
			if (r > 0)
				s->last = pli_probe_now_ms();
			if ((r != 0 || s->ans->len > 0) && slot_complete(s) &&
			    slot_finish(s, fn, arg, &until))
				return 1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!slots[i].done && slot_finish(&slots[i], fn, arg, &until))
			return 1;
	return 0;
}

int
pli_probe_wave(const struct probe_run *run, const struct probe_def *const *probes, size_t n,
               struct probe_conn *first, unsigned wait_ms, probe_wave_fn fn, void *arg,
               size_t *heard)
{
	struct slot slots[PL_PROBE_WAVE];
	size_t m = n < PL_PROBE_WAVE ? n : PL_PROBE_WAVE;
	uint64_t until;
	int stop = 0;

	*heard = 0;
	memset(slots, 0, sizeof(slots));
	for (size_t i = 0; i < m; i++) {
		slots[i].p = probes[i];
		slots[i].c.fd = -1;
		slots[i].done = 1;
		slots[i].ans = calloc(1, sizeof(*slots[i].ans));
		if (!slots[i].ans)
			goto out;
	}
	for (size_t i = 0; i < m && pli_probe_now_ms() < run->deadline; i++)
		slot_open(run, &slots[i], i == 0 ? first : NULL);
	until = pli_probe_now_ms() + wait_ms;
	if (until > run->deadline)
		until = run->deadline;
	stop = wave_loop(slots, m, until, fn, arg);
out:
	for (size_t i = 0; i < m; i++) {
		if (slots[i].ans && slots[i].ans->len > 0)
			(*heard)++;
		if (slots[i].c.fd >= 0)
			pli_conn_close(&slots[i].c);
		free(slots[i].ans);
	}
	return stop;
}
