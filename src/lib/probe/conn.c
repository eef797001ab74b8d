// SPDX-License-Identifier: MIT
/*
 * conn.c - the probe's only I/O: a non-blocking TCP connection (connect + poll +
 * SO_ERROR, as OpenBSD netcat's timeout_connect does) with a hard deadline, bounded
 * reads, and an optional OpenSSL TLS layer driven by the same poll loop.
 *
 * Reads stop at whichever comes first: the answer is complete (a per-protocol
 * predicate), the server has been quiet for quiet_ms after talking, the wait is over,
 * the run's deadline, EOF or error, or PL_PROBE_MAX_READ bytes. A server that drips one
 * byte per second therefore costs at most the wait, and a flood at most the buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe/probe_impl.h"

uint64_t
pli_probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds left until the earlier of until and the connection deadline; >= 0. */
static int
left_ms(const struct probe_conn *c, uint64_t until)
{
	uint64_t now = pli_probe_now_ms(), end = until < c->deadline ? until : c->deadline;

	return end > now ? (int)(end - now) : 0;
}

/* Thread-safe strerror (probes run on several threads); GNU strerror_r. */
static const char *
errstr(int e, char *buf, size_t size)
{
	return strerror_r(e, buf, size);
}

enum pl_rc
pli_conn_open(struct probe_conn *c, const struct sockaddr *sa, socklen_t salen, unsigned timeout_ms,
              uint64_t deadline, struct pl_err *err)
{
	struct pollfd pfd;
	int soerr = 0, rc;
	socklen_t len = sizeof(soerr);
	char eb[96];

	memset(c, 0, sizeof(*c));
	c->deadline = deadline;
	c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (c->fd < 0)
		return pl_err_set(err, PL_ERR_SYS, "socket: %s", errstr(errno, eb, sizeof(eb)));
	if (connect(c->fd, sa, salen) == 0)
		return PL_OK;
	if (errno != EINPROGRESS) {
		soerr = errno;
		goto fail;
	}
	pfd = (struct pollfd){.fd = c->fd, .events = POLLOUT};
	do
		rc = poll(&pfd, 1, left_ms(c, pli_probe_now_ms() + timeout_ms));
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		pli_conn_close(c);
		return pl_err_set(err, PL_ERR_TIMEOUT, "connect timed out");
	}
	if (rc < 0 || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr == 0)
		return PL_OK;
fail:
	pli_conn_close(c);
	errno = soerr;
	return pl_err_set(err, PL_ERR_IO, "connect: %s", errstr(soerr, eb, sizeof(eb)));
}

void
pli_conn_close(struct probe_conn *c)
{
	if (c->ssl) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int
wait_fd(struct probe_conn *c, short events, uint64_t until)
{
	struct pollfd pfd = {.fd = c->fd, .events = events};
	int rc;

	do
		rc = poll(&pfd, 1, left_ms(c, until));
	while (rc < 0 && errno == EINTR);
	return rc;
}

int
pli_conn_send(struct probe_conn *c, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w;

		if (c->ssl) {
			int r = SSL_write(c->ssl, p, n > 65536 ? 65536 : (int)n);
			int e = r > 0 ? 0 : SSL_get_error(c->ssl, r);

			if (r > 0) {
				w = r;
			} else if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				if (wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
				            c->deadline) <= 0)
					return -1;
				continue;
			} else {
				return -1;
			}
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
				if (wait_fd(c, POLLOUT, c->deadline) <= 0)
					return -1;
				continue;
			}
			if (w < 0)
				return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One non-blocking read attempt: >0 bytes, 0 EOF, -1 would block, -2 error. */
static ssize_t
read_some(struct probe_conn *c, unsigned char *buf, size_t cap, short *want)
{
	ssize_t r;

	*want = POLLIN;
	if (c->ssl) {
		int n = SSL_read(c->ssl, buf, (int)cap), e;

		if (n > 0)
			return n;
		e = SSL_get_error(c->ssl, n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			*want = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
			return -1;
		}
		return e == SSL_ERROR_ZERO_RETURN ? 0 : -2;
	}
	r = recv(c->fd, buf, cap, 0);
	if (r < 0)
		return (errno == EAGAIN || errno == EINTR) ? -1 : -2;
	return r;
}

int
pli_conn_read_once(struct probe_conn *c, struct probe_answer *ans, short *want)
{
	unsigned char scratch[512];
	ssize_t r;

	if (ans->len < PL_PROBE_MAX_READ)
		r = read_some(c, ans->data + ans->len, PL_PROBE_MAX_READ - ans->len, want);
	else
		r = read_some(c, scratch, sizeof(scratch), want);
	if (r == 0)
		ans->closed = 1;
	else if (r == -2)
		ans->reset = 1;
	else if (r > 0 && ans->len >= PL_PROBE_MAX_READ)
		ans->truncated = 1;
	else if (r > 0) {
		ans->len += (size_t)r;
		if (c->bytes_read)
			*c->bytes_read += (uint32_t)r;
	}
	ans->data[ans->len] = '\0';
	return r > 0 && !ans->truncated ? 1 : (r == -1 ? 0 : -1);
}

size_t
pli_conn_read(struct probe_conn *c, struct probe_answer *ans, unsigned wait_ms, unsigned quiet_ms,
              probe_complete_fn complete)
{
	uint64_t start = pli_probe_now_ms(), until = start + wait_ms;
	size_t before = ans->len;
	short want = POLLIN;

	while (!ans->closed && !ans->reset) {
		uint64_t stop = until;

		if (ans->len > before && quiet_ms && pli_probe_now_ms() + quiet_ms < stop)
			stop = pli_probe_now_ms() + quiet_ms;
		if ((!c->ssl || SSL_pending(c->ssl) == 0) && wait_fd(c, want, stop) <= 0)
			break; /* quiet, waited long enough, or deadline */
		if (pli_conn_read_once(c, ans, &want) < 0 && ans->truncated)
			break; /* full: stop reading a flood */
		if (complete && ans->len > before && complete(ans->data, ans->len))
			break;
		if (pli_probe_now_ms() >= until || pli_probe_now_ms() >= c->deadline)
			break;
	}
	ans->data[ans->len] = '\0';
	return ans->len - before;
}
