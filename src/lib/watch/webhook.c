// SPDX-License-Identifier: MIT
/*
 * watch/webhook.c - delivers `portlens watch` events to an HTTP receiver, one POST per
 * event, in order, each until the receiver accepts it (2xx).
 *
 * The queue is the event log on disk (log.c): the deliverer keeps only a byte offset
 * into it, saved (fdatasync) after each accepted event. So a receiver that is down for
 * a day costs disk, not memory; the watcher never waits for it (it only signals a
 * condition variable); and a restarted watcher resumes where delivery stopped. An
 * event is sent again only when the receiver accepted it but the offset could not be
 * saved in time (a crash in between): each request carries the event id in an
 * Idempotency-Key header for that case.
 *
 * One request per connection (Connection: close), non-blocking connect and poll with
 * the timeout on every step, so a receiver that accepts and never answers is a
 * timeout, not a hang. Retries back off from 0.1 s, doubling, to 5 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/deadline.h"
#include "core/strnum.h"
#include "watch/watch_impl.h"

#define LINE_MAX_BYTES (256u * 1024u)
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

struct pl_webhook {
	struct pl_url url;
	unsigned timeout_ms;
	void *tls_ctx; /* https: the client context, made once */
	int log_fd, off_fd;
	int next_fd; /* the log that follows log_fd once log_fd is read to its end, or -1 */
	uint64_t offset;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, wake;
	int64_t drain_until_ms;
	struct pl_webhook_stats stats;
};

enum pl_rc
pl_url_parse(const char *url, struct pl_url *out, struct pl_err *err)
{
	const char *h, *end, *colon;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->tls = strncmp(url, "https://", 8) == 0;
	if (!out->tls && strncmp(url, "http://", 7) != 0)
		return pl_err_set(err, PL_ERR_PARSE,
		                  "webhook '%.200s': not an http:// or https:// URL", url);
	h = url + (out->tls ? 8 : 7);
	end = h + strcspn(h, "/?#");
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb || rb == h + 1)
			return pl_err_set(err, PL_ERR_PARSE, "webhook '%.200s': bad [IPv6] host",
			                  url);
		n = (size_t)(rb - h - 1);
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		if (rb + 1 < end && !colon)
			return pl_err_set(err, PL_ERR_PARSE, "webhook '%.200s': junk after ]", url);
		h++;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		n = (size_t)((colon ? colon : end) - h);
	}
	if (n == 0 || n >= sizeof(out->host) || memchr(h, '@', n))
		return pl_err_set(err, PL_ERR_PARSE, "webhook '%.200s': no host (or user info)",
		                  url);
	memcpy(out->host, h, n);
	if (colon) {
		uint64_t port;

		if (pli_parse_u64n(colon + 1, (size_t)(end - colon - 1), 1, 65535, &port, NULL) !=
		    PL_OK)
			return pl_err_set(err, PL_ERR_PARSE, "webhook '%.200s': bad port", url);
		snprintf(out->port, sizeof(out->port), "%u", (unsigned)port);
	} else {
		snprintf(out->port, sizeof(out->port), "%s", out->tls ? "443" : "80");
	}
	if (*end != '/' && *end != '\0')
		return pl_err_set(err, PL_ERR_PARSE, "webhook '%.200s': a path must start with /",
		                  url);
	if (strlen(*end ? end : "/") >= sizeof(out->path))
		return pl_err_set(err, PL_ERR_PARSE, "webhook '%.200s': path too long", url);
	snprintf(out->path, sizeof(out->path), "%s", *end ? end : "/");
	for (const char *c = out->path; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '#')
			return pl_err_set(err, PL_ERR_PARSE,
			                  "webhook '%.200s': blanks or controls in the path", url);
	return PL_OK;
}

int
pl_http_status(const char *buf, size_t len)
{
	uint64_t code;

	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[7] < '0' || buf[7] > '9' ||
	    buf[8] != ' ' || (len > 12 && buf[12] != ' ' && buf[12] != '\r' && buf[12] != '\n'))
		return -1;
	if (pli_parse_u64n(buf + 9, 3, 100, 599, &code, NULL) != PL_OK)
		return -1;
	return (int)code;
}

static int
wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = ev};
	int64_t left = deadline - pli_clock_ms(CLOCK_MONOTONIC);

	if (left <= 0)
		return 0;
	return poll(&p, 1, (int)left) == 1;
}

static int
connect_to(const struct pl_url *u, int64_t deadline)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int fd = -1, soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (getaddrinfo(u->host, u->port, &hints, &res) != 0 || !res)
		return -1;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0 &&
	    (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline) ||
	     getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Sends or receives through TLS when tls is set, else through the socket. */
static long
io(int fd, void *tls, int writing, void *buf, size_t len, int64_t deadline)
{
	ssize_t n;

	if (tls)
		return webhook_tls_io(tls, fd, writing, buf, len, deadline);
	if (!wait_fd(fd, writing ? POLLOUT : POLLIN, deadline))
		return -1;
	n = writing ? send(fd, buf, len, MSG_NOSIGNAL) : recv(fd, buf, len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n <= 0 ? -1 : (long)n;
}

/* One POST; returns the HTTP status, or -1 (connection failed, TLS refused, timed out,
 * bad answer). */
static int
post(const struct pl_url *u, void *tls_ctx, const char *body, size_t len, const char *id,
     unsigned timeout_ms)
{
	int64_t deadline = pli_clock_ms(CLOCK_MONOTONIC) + timeout_ms;
	struct pl_buf req;
	char resp[512];
	size_t off = 0, got = 0;
	int fd = connect_to(u, deadline), status = -1;
	void *tls = NULL;
	long n;

	if (fd < 0)
		return -1;
	if (u->tls && (!tls_ctx || !(tls = webhook_tls_connect(tls_ctx, fd, u->host, deadline)))) {
		close(fd);
		return -1;
	}
	pli_buf_init(&req);
	pli_buf_printf(&req,
	               "POST %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: portlens-watch/" PL_VERSION
	               "\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	               "Idempotency-Key: %s\r\nConnection: close\r\n\r\n",
	               u->path, u->host, u->port, len, id);
	pli_buf_append(&req, body, len);
	while (off < req.len && (n = io(fd, tls, 1, req.data + off, req.len - off, deadline)) >= 0)
		off += (size_t)n;
	while (off == req.len && got < sizeof(resp) - 1 && !memchr(resp, '\n', got) &&
	       (n = io(fd, tls, 0, resp + got, sizeof(resp) - 1 - got, deadline)) >= 0)
		got += (size_t)n;
	if (got && memchr(resp, '\n', got))
		status = pl_http_status(resp, got);
	pli_buf_cleanup(&req);
	webhook_tls_close(tls);
	close(fd);
	return status;
}

static void
event_id(const char *line, size_t n, char *id, size_t size)
{
	const char *k = memmem(line, n, "\"id\":\"", 6);
	size_t i = 0;

	snprintf(id, size, "-");
	if (!k)
		return;
	k += 6;
	while (k + i < line + n && k[i] != '"' && i + 1 < size &&
	       ((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'z') || k[i] == '-')) {
		id[i] = k[i];
		i++;
	}
	id[i] = '\0';
}

static void
save_offset(struct pl_webhook *h)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%020llu\n", (unsigned long long)h->offset);

	if (pwrite(h->off_fd, buf, (size_t)n, 0) == n)
		fdatasync(h->off_fd);
}

/* Sleeps until woken, stopped, or ms passed. Called with mu held. */
static void
nap(struct pl_webhook *h, unsigned ms)
{
	struct timespec ts;

	if (h->stop) {
		/* draining: keep backing off, but never past the drain deadline */
		int64_t left = h->drain_until_ms - pli_clock_ms(CLOCK_MONOTONIC);

		if (left <= 0)
			return;
		if ((int64_t)ms > left)
			ms = (unsigned)left;
	}
	pli_deadline_after_ms(CLOCK_REALTIME, ms, &ts);
	while (!h->wake && pthread_cond_timedwait(&h->cv, &h->mu, &ts) == 0)
		;
	h->wake = 0;
}

/* The next complete line at h->offset into buf; its length (0: none yet). */
static size_t
next_line(struct pl_webhook *h, char *buf, size_t size)
{
	ssize_t got = pread(h->log_fd, buf, size, (off_t)h->offset);
	const char *nl = got > 0 ? memchr(buf, '\n', (size_t)got) : NULL;

	if (!nl && got == (ssize_t)size) {
		h->offset += (uint64_t)got; /* an overlong line cannot be an event: skip it */
		return 0;
	}
	return nl ? (size_t)(nl - buf) : 0;
}

static void *
run(void *arg)
{
	struct pl_webhook *h = arg;
	char *buf = malloc(LINE_MAX_BYTES), id[80];
	unsigned backoff = BACKOFF_MIN_MS;

	pthread_mutex_lock(&h->mu);
	while (buf) {
		size_t n;
		int status;

		if (h->stop && pli_clock_ms(CLOCK_MONOTONIC) >= h->drain_until_ms)
			break;
		n = next_line(h, buf, LINE_MAX_BYTES);
		if (n == 0 && h->next_fd >= 0) {
			/* the log was rotated or reopened: this file is done, the next one starts
			 */
			close(h->log_fd);
			h->log_fd = h->next_fd;
			h->next_fd = -1;
			h->offset = 0;
			save_offset(h);
			continue;
		}
		if (n == 0) {
			if (h->stop)
				break; /* caught up */
			nap(h, 1000);
			continue;
		}
		pthread_mutex_unlock(&h->mu);
		event_id(buf, n, id, sizeof(id));
		status = post(&h->url, h->tls_ctx, buf, n, id, h->timeout_ms);
		pthread_mutex_lock(&h->mu);
		h->stats.attempts++;
		h->stats.last_status = status;
		if (status >= 200 && status < 300) {
			h->offset += n + 1;
			save_offset(h);
			h->stats.delivered++;
			backoff = BACKOFF_MIN_MS;
			continue;
		}
		h->stats.failures++;
		nap(h, backoff);
		backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	pthread_mutex_unlock(&h->mu);
	free(buf);
	return NULL;
}

enum pl_rc
pl_webhook_start(const char *url, const char *log_path, const char *offset_path,
                 unsigned timeout_ms, struct pl_webhook **out, struct pl_err *err)
{
	struct pl_webhook *h = calloc(1, sizeof(*h));
	char buf[32] = {0};
	uint64_t off = 0;
	ssize_t n;
	enum pl_rc rc;

	*out = NULL;
	if (!h)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	h->log_fd = h->off_fd = h->next_fd = -1;
	rc = pl_url_parse(url, &h->url, err);
	if (rc != PL_OK)
		goto fail;
	h->timeout_ms = timeout_ms ? timeout_ms : 5000;
	if (h->url.tls && !(h->tls_ctx = webhook_tls_ctx_new())) {
		rc = pl_err_set(err, PL_ERR_SYS, "webhook: cannot set up TLS (trust store)");
		goto fail;
	}
	h->log_fd = open(log_path, O_RDONLY | O_CLOEXEC);
	h->off_fd = open(offset_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (h->log_fd < 0 || h->off_fd < 0) {
		rc = pl_err_set(err, PL_ERR_IO, "webhook: %s: %s",
		                h->log_fd < 0 ? log_path : offset_path, strerror(errno));
		goto fail;
	}
	n = pread(h->off_fd, buf, sizeof(buf) - 1, 0);
	if (n > 0 && pli_parse_u64n(buf, strcspn(buf, "\n"), 0, UINT64_MAX, &off, NULL) == PL_OK)
		h->offset = off;
	h->stats.last_status = 0;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	if (pthread_create(&h->thread, NULL, run, h) != 0) {
		rc = pl_err_set(err, PL_ERR_SYS, "webhook: cannot start a thread");
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
		goto fail;
	}
	*out = h;
	return PL_OK;
fail:
	webhook_tls_ctx_free(h->tls_ctx);
	if (h->log_fd >= 0)
		close(h->log_fd);
	if (h->off_fd >= 0)
		close(h->off_fd);
	free(h);
	return rc;
}

enum pl_rc
pl_webhook_switch(struct pl_webhook *h, const char *log_path, struct pl_err *err)
{
	int fd = open(log_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return pl_err_set(err, PL_ERR_IO, "webhook: %s: %s", log_path, strerror(errno));
	pthread_mutex_lock(&h->mu);
	if (h->next_fd >= 0)
		close(h->next_fd); /* two switches before the first was taken: the last wins */
	h->next_fd = fd;
	h->wake = 1;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return PL_OK;
}

int
pl_webhook_caught_up(struct pl_webhook *h)
{
	struct stat st;
	int done;

	pthread_mutex_lock(&h->mu);
	done = h->next_fd < 0 && fstat(h->log_fd, &st) == 0 && (uint64_t)st.st_size == h->offset;
	pthread_mutex_unlock(&h->mu);
	return done;
}

void
pl_webhook_notify(struct pl_webhook *h)
{
	pthread_mutex_lock(&h->mu);
	h->wake = 1;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void
pl_webhook_stats(struct pl_webhook *h, struct pl_webhook_stats *out)
{
	pthread_mutex_lock(&h->mu);
	*out = h->stats;
	pthread_mutex_unlock(&h->mu);
}

void
pl_webhook_stop(struct pl_webhook *h, unsigned drain_ms, struct pl_webhook_stats *stats)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = 1;
	h->drain_until_ms = pli_clock_ms(CLOCK_MONOTONIC) + drain_ms;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	if (stats)
		*stats = h->stats;
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	close(h->log_fd);
	if (h->next_fd >= 0)
		close(h->next_fd);
	close(h->off_fd);
	webhook_tls_ctx_free(h->tls_ctx);
	free(h);
}
