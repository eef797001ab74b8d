// SPDX-License-Identifier: MIT
/*
 * reaper.c - deadlines for slow clients (slowloris and its kin), on top of what
 * libmicrohttpd offers.
 *
 * libmicrohttpd's MHD_OPTION_CONNECTION_TIMEOUT is an idle timeout: a client that sends
 * one header line every 10 s is never idle for 30 s and so never times out; 256 such
 * connections from one address filled MHD_OPTION_PER_IP_CONNECTION_LIMIT (every local
 * client shares 127.0.0.1), 1,024 filled MHD_OPTION_CONNECTION_LIMIT. Those options stay
 * as hard caps; this file adds what they lack, driven by libmicrohttpd's connection
 * notifications (MHD_OPTION_NOTIFY_CONNECTION) and one thread that looks every
 * REAP_TICK_MS:
 *   - a total deadline per phase of a request: headers HEADER_MS from the connection's
 *     start (or from the end of its previous request: an idle keep-alive connection is
 *     waiting for headers too), body BODY_MS, response RESPONSE_MS;
 *   - per address, at most PER_ADDR_WAITING connections that have waited for headers or
 *     a body longer than WAIT_GRACE_MS: beyond that the oldest of that address are
 *     closed, so a flood from one address costs its own oldest connections, never a
 *     newcomer's (and a benchmark's busy keep-alive connections never count);
 *   - under pressure (more than PRESSURE_NUM/PRESSURE_DEN of the connection limit in use)
 *     the deadlines shrink to PRESSURE_*_MS, so the server frees slots faster than a flood
 *     from many addresses can take them, and a normal client waiting in the listen
 *     backlog gets in.
 * A connection is closed with shutdown(SHUT_RDWR) under the table's lock: libmicrohttpd
 * sees the end of the stream and cleans up as for any client that hung up, and the fd
 * cannot be reused meanwhile because the CLOSED notification takes the same lock.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "portlens/addr.h"
#include "core/deadline.h"
#include "web/web_impl.h"

#define REAP_TICK_MS         50
#define HEADER_MS            10000
#define BODY_MS              10000
#define RESPONSE_MS          30000
#define PRESSURE_HEADER_MS   1000
#define PRESSURE_BODY_MS     2000
#define PRESSURE_RESPONSE_MS 5000
#define PRESSURE_NUM         1
#define PRESSURE_DEN         2
#define PER_ADDR_WAITING     32
#define WAIT_GRACE_MS        100

struct web_conn {
	struct web_conn *prev, *next;
	int fd;
	enum web_phase phase;
	int64_t since_ms;       /* when the current phase began */
	unsigned char addr[17]; /* family, then the address bytes: the per-address key */
	int closing;            /* shut down already; waiting for libmicrohttpd to notice */
};

static void
addr_key(struct MHD_Connection *conn, unsigned char key[17])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	struct pl_addr a;

	memset(key, 0, 17);
	/* libmicrohttpd's client address is a whole one of its family (no length given). */
	if (pl_addr_from_sockaddr(sa, sizeof(struct sockaddr_storage), &a) == PL_OK) {
		key[0] = a.family;
		memcpy(key + 1, a.bytes, 16);
	}
}

void
web_reaper_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode toe)
{
	struct web_reaper *r = &((struct pl_web *)cls)->reaper;
	struct web_conn *c = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = calloc(1, sizeof(*c));
		if (!c || !ci) {
			free(c);
			return; /* untracked: the hard caps still apply */
		}
		c->fd = ci->connect_fd;
		c->phase = WEB_PHASE_HEADERS;
		c->since_ms = web_now_ms();
		addr_key(conn, c->addr);
		pthread_mutex_lock(&r->lock);
		c->next = r->head;
		if (r->head)
			r->head->prev = c;
		r->head = c;
		r->count++;
		pthread_mutex_unlock(&r->lock);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&r->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		r->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	r->count--;
	pthread_mutex_unlock(&r->lock);
	free(c);
	*socket_context = NULL;
}

void
web_reaper_phase(struct pl_web *web, struct MHD_Connection *conn, enum web_phase phase)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct web_conn *c = ci ? ci->socket_context : NULL;

	if (!c)
		return;
	pthread_mutex_lock(&web->reaper.lock);
	c->phase = phase;
	c->since_ms = web_now_ms();
	pthread_mutex_unlock(&web->reaper.lock);
}

static void
reap(struct web_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	shutdown(c->fd, SHUT_RDWR);
}

/* Waiting for headers or a body for more than WAIT_GRACE_MS: a busy keep-alive client
 * (a benchmark's 64 connections from 127.0.0.1) is between requests for microseconds and
 * never counts; a slow one does. */
static int
waiting(const struct web_conn *c, int64_t now)
{
	return !c->closing && c->phase != WEB_PHASE_RESPONSE && now - c->since_ms > WAIT_GRACE_MS;
}

/* Newest first within an address, so everything past the first PER_ADDR_WAITING of a
 * group is that address's oldest. */
static int
by_addr_newest(const void *a, const void *b)
{
	const struct web_conn *x = *(struct web_conn *const *)a, *y = *(struct web_conn *const *)b;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));

	if (c)
		return c;
	return x->since_ms < y->since_ms ? 1 : x->since_ms > y->since_ms ? -1 : 0;
}

/* Keeps at most PER_ADDR_WAITING waiting connections per address. Call with the lock. */
static void
trim_per_addr(struct web_reaper *r, int64_t now)
{
	size_t n = 0, run = 0;

	for (struct web_conn *c = r->head; c && n < WEB_REAP_MAX; c = c->next)
		if (waiting(c, now))
			r->scratch[n++] = c;
	qsort(r->scratch, n, sizeof(r->scratch[0]), by_addr_newest);
	for (size_t i = 0; i < n; i++) {
		if (i && memcmp(r->scratch[i]->addr, r->scratch[i - 1]->addr, 17) == 0)
			run++;
		else
			run = 0;
		if (run >= PER_ADDR_WAITING)
			reap(r->scratch[i]);
	}
}

static void
tick(struct web_reaper *r)
{
	int64_t now = web_now_ms();
	int pressure = r->count * PRESSURE_DEN > r->limit * PRESSURE_NUM;
	const int64_t limits[] = {
	    [WEB_PHASE_HEADERS] = pressure ? PRESSURE_HEADER_MS : HEADER_MS,
	    [WEB_PHASE_BODY] = pressure ? PRESSURE_BODY_MS : BODY_MS,
	    [WEB_PHASE_RESPONSE] = pressure ? PRESSURE_RESPONSE_MS : RESPONSE_MS,
	};

	pthread_mutex_lock(&r->lock);
	for (struct web_conn *c = r->head; c; c = c->next)
		if (now - c->since_ms > limits[c->phase])
			reap(c);
	trim_per_addr(r, now);
	pthread_mutex_unlock(&r->lock);
}

static void *
reaper_main(void *arg)
{
	struct web_reaper *r = arg;
	struct timespec ts;

	pthread_mutex_lock(&r->stop_lock);
	while (!r->stop) {
		pli_deadline_after_ms(CLOCK_MONOTONIC, REAP_TICK_MS, &ts);
		pthread_cond_timedwait(&r->stop_cond, &r->stop_lock, &ts);
		if (r->stop)
			break;
		pthread_mutex_unlock(&r->stop_lock);
		tick(r);
		pthread_mutex_lock(&r->stop_lock);
	}
	pthread_mutex_unlock(&r->stop_lock);
	return NULL;
}

void
web_reaper_init(struct web_reaper *r, unsigned limit)
{
	pthread_condattr_t ca;

	memset(r, 0, sizeof(*r));
	r->limit = limit;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->stop_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->stop_cond, &ca);
	pthread_condattr_destroy(&ca);
	r->inited = 1;
}

enum pl_rc
web_reaper_start(struct web_reaper *r, struct pl_err *err)
{
	if (pthread_create(&r->thread, NULL, reaper_main, r) != 0)
		return pl_err_set(err, PL_ERR_SYS, "cannot start the connection reaper");
	r->running = 1;
	return PL_OK;
}

void
web_reaper_stop(struct web_reaper *r)
{
	if (!r->inited)
		return;
	if (r->running) {
		pthread_mutex_lock(&r->stop_lock);
		r->stop = 1;
		pthread_cond_signal(&r->stop_cond);
		pthread_mutex_unlock(&r->stop_lock);
		pthread_join(r->thread, NULL);
		r->running = 0;
	}
}

void
web_reaper_cleanup(struct web_reaper *r)
{
	if (!r->inited)
		return;
	web_reaper_stop(r);
	pthread_cond_destroy(&r->stop_cond);
	pthread_mutex_destroy(&r->stop_lock);
	pthread_mutex_destroy(&r->lock);
	r->inited = 0;
}
