// SPDX-License-Identifier: MIT
/*
 * scheduler.c - the probe scheduler: decides which probes run against one port, in
 * which order, and on which connection.
 *
 * Order: probes whose likely ports include this port come first, the rest follow in
 * table order. Step 1 connects and waits for a banner (briefly when the likely service
 * waits for its client). A banner is classified by every probe's classifier; the best
 * one asks its follow-up questions on the same connection. Step 2, for a silent port
 * or a banner nobody recognised, sends the client-first probes: first the ones this
 * port suggests, one by one (reconnecting when the server hung up), then every other
 * one in waves of connections side by side (wave.c) -- text requests first after a
 * text banner, binary ones first after a binary one -- until one identifies the
 * service or the budget (opts.total_ms) is used up. Every answer is classified with
 * every classifier. A TLS answer (to the ClientHello probe, or an alert to a plaintext
 * one) leads to a real handshake, and the service inside is probed the same way. The
 * first bytes a server sent are kept as evidence whatever happens after.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"
#include "core/buf.h"

struct sched {
	struct probe_run run;
	struct probe_answer *ans;
	struct probe_conn conn; /* fd -1 when closed */
	const struct probe_def *order[32];
	size_t n_order;
	unsigned char asked[32]; /* order[i] was sent one by one already */
	struct pl_service *out;
	unsigned conf;
	int tls_tried;
	const struct probe_def *plain; /* what answered the TLS ClientHello in plain text */
	int own;     /* the identification came from the answer to its own probe */
	int saw_tls; /* some wave answer was a TLS record or an HTTPS server's complaint */
	const struct probe_def *won_by, *won_def; /* the wave answer that identified it */
};

void
pli_service_init(struct pl_service *out)
{
	memset(out, 0, sizeof(*out));
	out->auth_required = PL_TRI_UNKNOWN;
	out->starttls = PL_TRI_UNKNOWN;
}

static int
port_listed(const struct probe_def *p, uint16_t port)
{
	for (const uint16_t *q = p->ports; q && *q; q++)
		if (*q == port)
			return 1;
	return 0;
}

static void
order_probes(struct sched *e)
{
	e->n_order = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < pl_probe_table_count && e->n_order < 32; i++)
			if (port_listed(pl_probe_table[i], e->run.port) == (pass == 0))
				e->order[e->n_order++] = pl_probe_table[i];
}

/* Runs every classifier over the answer; keeps the most confident in *out. */
static const struct probe_def *
classify_all(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
             struct pl_service *out, unsigned *conf)
{
	const struct probe_def *best = NULL;
	struct pl_service tmp;

	*conf = 0;
	for (size_t i = 0; i < pl_probe_table_count && n > 0; i++) {
		unsigned c;

		pli_service_init(&tmp);
		c = pl_probe_table[i]->classify(ctx, d, n, &tmp);
		if (c > *conf) {
			*conf = c;
			best = pl_probe_table[i];
			tmp.confidence = c;
			pli_probe_set(tmp.probe, sizeof(tmp.probe), best->name);
			*out = tmp;
		}
	}
	return best;
}

static enum pl_rc
reconnect(struct sched *e, struct pl_err *err)
{
	if (e->conn.fd >= 0)
		pli_conn_close(&e->conn);
	if (pli_probe_now_ms() >= e->run.deadline)
		return pl_err_set(err, PL_ERR_TIMEOUT, "probe time budget used up");
	memset(e->ans, 0, sizeof(*e->ans));
	if (pli_conn_open(&e->conn, e->run.sa, e->run.salen, e->run.ctx->opts.connect_ms,
	                  e->run.deadline, err) != PL_OK) {
		e->conn.fd = -1;
		return PL_ERR_IO;
	}
	e->conn.bytes_read = &e->out->bytes_read;
	return PL_OK;
}

/* Keeps the first bytes the server sent when nothing better explains them. */
static void
keep_evidence(struct sched *e)
{
	if (e->ans->len > 0 && e->out->evidence_len == 0)
		pli_probe_evidence(e->out, e->ans->data, e->ans->len);
}

/*
 * Keeps an identification of the current answer if it beats the one so far: a higher
 * confidence, or the same one from the answer to the protocol's own probe (own) where
 * the one so far came from another probe's answer (a server's error to a stranger).
 */
static const struct probe_def *
judge_as(struct sched *e, const char *via, const struct probe_def *own)
{
	struct pl_service found = *e->out;
	unsigned conf;
	const struct probe_def *def;
	int tls = e->out->tls;
	struct pl_tls_info ti = e->out->tls_info;

	if (e->ans->truncated)
		e->out->truncated = 1;
	def = classify_all(e->run.ctx, e->ans->data, e->ans->len, &found, &conf);
	if (!def || conf < e->conf || (conf == e->conf && (def != own || e->own))) {
		keep_evidence(e);
		return NULL;
	}
	e->own = def == own;
	found.bytes_read = e->out->bytes_read;
	found.truncated = e->out->truncated;
	found.elapsed_ms = e->out->elapsed_ms;
	found.tls = tls;
	found.tls_info = ti;
	pli_probe_set(found.probe, sizeof(found.probe), via);
	*e->out = found;
	keep_evidence(e);
	e->conf = conf;
	return def;
}

static const struct probe_def *
judge(struct sched *e, const char *via)
{
	return judge_as(e, via, NULL);
}

/* Follow-up on the open connection, when the identifying probe has one. */
static void
follow(struct sched *e, const struct probe_def *def)
{
	if (def && def->followup &&
	    (def->followup_new_conn || (e->conn.fd >= 0 && !e->ans->closed && !e->ans->reset)))
		def->followup(&e->run, &e->conn, e->ans, e->out);
}

static int
send_probe(struct sched *e, const struct probe_def *p)
{
	unsigned char req[1024];
	size_t n = pli_probe_request(p, &e->run, req, sizeof(req));

	if (n == 0 || pli_conn_send(&e->conn, req, n) != 0)
		return -1;
	pli_conn_read(&e->conn, e->ans, e->run.ctx->opts.read_ms, 300, p->complete);
	return 0;
}

/* TLS handshake on a new connection, then the service inside. 1 if TLS was spoken. */
static int
try_tls(struct sched *e, const struct probe_def *hint, struct pl_err *err)
{
	struct pl_tls_info info = {0};
	const struct probe_def *def;
	unsigned wait;
	uint32_t read;

	if (e->tls_tried || e->run.ctx->opts.no_tls || !e->run.ctx->ssl_ctx ||
	    reconnect(e, err) != PL_OK)
		return 0;
	e->tls_tried = 1;
	/* The handshake gets one read timeout, not the rest of the run's budget. */
	e->conn.deadline = pli_probe_now_ms() + e->run.ctx->opts.read_ms;
	if (e->conn.deadline > e->run.deadline)
		e->conn.deadline = e->run.deadline;
	e->plain = NULL;
	if (pli_conn_tls(&e->conn, e->run.ctx->ssl_ctx, e->run.host, &info, e->ans) != 0) {
		/* Not TLS: keep and judge what it answered (an X.224 reply from xrdp). */
		if (e->ans->len > 0 && e->conn.fd >= 0) {
			e->conn.deadline = e->run.deadline;
			pli_conn_read(&e->conn, e->ans, 300, 100, NULL);
			e->plain = judge(e, "tls");
		}
		return 0;
	}
	e->conn.deadline = e->run.deadline;
	pli_tls_cert_checks(&e->run, e->conn.ssl, &info);
	pli_tls_offer_checks(&e->run, &info);
	/* What answered in plaintext was the TLS server's complaint: start over inside. */
	read = e->out->bytes_read;
	pli_service_init(e->out);
	e->out->bytes_read = read;
	e->out->tls = 1;
	e->out->tls_info = info;
	pli_probe_set(e->out->service, sizeof(e->out->service), "tls");
	pli_probe_set(e->out->probe, sizeof(e->out->probe), "tls");
	e->out->confidence = e->conf = 50;
	if (info.subject[0])
		pli_probe_recog(e->run.ctx, RECOG_X509_SUBJECT, info.subject, strlen(info.subject),
		                e->out);
	wait = hint && hint->talks_first ? e->run.ctx->opts.banner_ms : 500;
	pli_conn_read(&e->conn, e->ans, wait, 300, NULL);
	if (e->ans->len == 0 && !e->ans->closed && !e->ans->reset)
		send_probe(e, &pl_probe_http);
	def = judge(e, "tls");
	if (def && def != &pl_probe_http && pli_probe_asks(def) &&
	    (!def->followup || e->ans->closed || e->ans->reset)) {
		/* Identified from the HTTP answer inside TLS: ask it properly, inside TLS. */
		if (reconnect(e, err) == PL_OK &&
		    pli_conn_tls(&e->conn, e->run.ctx->ssl_ctx, e->run.host, &info, NULL) == 0 &&
		    send_probe(e, def) == 0)
			def = judge(e, def->name) ? def : NULL;
	}
	follow(e, def);
	return 1;
}

/*
 * After an identification from p's answer: follow up on the same connection when p
 * was the identified protocol's own probe, else ask that protocol's own question.
 */
static void
conclude(struct sched *e, const struct probe_def *p, const struct probe_def *def,
         struct pl_err *err)
{
	if (def == &pl_probe_tls || strcmp(e->out->service, "tls") == 0) {
		try_tls(e, NULL, err);
		return;
	}
	if (def == p || !pli_probe_asks(def)) {
		follow(e, def);
		return;
	}
	/* Ask it properly, and let that answer replace the first, however sure it was. */
	e->conf = 0;
	if (reconnect(e, err) == PL_OK && send_probe(e, def) == 0 && judge(e, def->name))
		follow(e, def);
}

/*
 * One wave answer: judged like any other. A confident one ends the wave after a short
 * grace; a TLS record in any answer is remembered, for TLS goes first: a TLS server's
 * plaintext error page to some other probe is no identification of what is inside.
 */
static int
wave_answer(void *arg, const struct probe_def *sent, struct probe_conn *c, struct probe_answer *ans)
{
	struct sched *e = arg;
	struct pl_service tls_check;
	const struct probe_def *def;

	e->out->bytes_read += (uint32_t)ans->len;
	pli_service_init(&tls_check);
	if (ans->len && (pl_probe_tls.classify(e->run.ctx, ans->data, ans->len, &tls_check) ||
	                 (pl_probe_http.classify(e->run.ctx, ans->data, ans->len, &tls_check) &&
	                  strcmp(tls_check.service, "tls") == 0)))
		e->saw_tls = 1;
	/* A winner already holds e->ans and its connection, which its follow-up reads: a
	 * later answer during the grace only tells whether TLS was seen. */
	if (e->won_by)
		return 0;
	memcpy(e->ans->data, ans->data, ans->len + 1);
	e->ans->len = ans->len;
	e->ans->truncated = ans->truncated;
	e->ans->closed = ans->closed;
	e->ans->reset = ans->reset;
	def = judge_as(e, sent->name, sent);
	if (!def || e->conf < 90)
		return 0;
	if (e->conn.fd >= 0)
		pli_conn_close(&e->conn);
	e->conn = *c;
	e->conn.bytes_read = &e->out->bytes_read;
	c->fd = -1;
	c->ssl = NULL;
	e->won_by = sent;
	e->won_def = def;
	return 2;
}

/* Text requests first after a text banner, binary ones first after a binary one. */
static int
request_is_text(const struct sched *e, const struct probe_def *p)
{
	unsigned char req[1024];
	size_t n = pli_probe_request(p, &e->run, req, sizeof(req));

	for (size_t i = 0; i < n; i++)
		if ((req[i] < 0x20 && req[i] != '\r' && req[i] != '\n') || req[i] >= 0x7f)
			return 0;
	return n > 0;
}

static size_t
wave_list(struct sched *e, const struct probe_def **list, const unsigned char *banner, size_t blen)
{
	size_t n = 0;
	int text = 1;

	for (size_t i = 0; i < blen && text; i++)
		if ((banner[i] < 0x20 && !strchr("\r\n\t", banner[i])) || banner[i] == 0x7f)
			text = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < e->n_order; i++) {
			const struct probe_def *p = e->order[i];

			if (!pli_probe_asks(p) || e->asked[i] ||
			    (p == &pl_probe_tls && (e->tls_tried || e->run.ctx->opts.no_tls)))
				continue;
			if (blen && request_is_text(e, p) != (pass == 0 ? text : !text))
				continue;
			if (!blen && pass == 1)
				continue;
			list[n++] = p;
		}
	return n;
}

/* Every client-first probe not asked yet, in waves, until one identifies the service. */
static void
waves(struct sched *e, const unsigned char *banner, size_t blen, struct pl_err *err)
{
	const struct probe_def *list[32];
	size_t n = wave_list(e, list, banner, blen), heard = 1;
	unsigned wait = e->run.ctx->opts.read_ms;

	for (size_t at = 0; at < n && pli_probe_now_ms() < e->run.deadline; at += PL_PROBE_WAVE) {
		size_t m = n - at < PL_PROBE_WAVE ? n - at : PL_PROBE_WAVE;

		/* A port that gave no byte to a whole wave is silent: later waves wait less. */
		if (heard == 0 && wait > 500)
			wait = wait / 4 > 500 ? wait / 4 : 500;
		pli_probe_wave(&e->run, list + at, m, at == 0 ? &e->conn : NULL, wait, wave_answer,
		               e, &heard);
		if (e->saw_tls && try_tls(e, NULL, err))
			return;
		if (e->won_def) {
			conclude(e, e->won_by, e->won_def, err);
			return;
		}
	}
	if (strcmp(e->out->service, "tls") == 0 && !e->out->tls)
		try_tls(e, NULL, err);
}

/* The probes this port suggests, one by one; then the rest in waves. */
static void
client_probes(struct sched *e, const struct probe_def *hint, const unsigned char *banner,
              size_t blen, struct pl_err *err)
{
	int sent = blen > 0; /* the banner's connection is not reused for a request */

	if (hint == &pl_probe_tls && try_tls(e, hint, err))
		return;
	if (hint == &pl_probe_tls && e->plain && e->conf >= 50) {
		conclude(e, &pl_probe_tls, e->plain, err);
		return;
	}
	for (size_t i = 0; i < e->n_order && pli_probe_now_ms() < e->run.deadline; i++) {
		const struct probe_def *p = e->order[i], *def;

		if (!pli_probe_asks(p) || !port_listed(p, e->run.port) || p == &pl_probe_tls)
			continue;
		if ((e->conn.fd < 0 || sent) && reconnect(e, err) != PL_OK)
			return;
		sent = 1;
		e->asked[i] = 1;
		if (send_probe(e, p) != 0)
			continue;
		def = judge(e, p->name);
		if (def && e->conf >= 50) {
			conclude(e, p, def, err);
			return;
		}
	}
	if (e->conn.fd >= 0 && sent)
		pli_conn_close(&e->conn);
	waves(e, banner, blen, err);
}

static void
run_setup(struct sched *e, const struct pl_probe_ctx *ctx, const struct sockaddr *sa,
          socklen_t salen)
{
	struct pl_addr at;
	char ip[INET6_ADDRSTRLEN];

	e->run.ctx = ctx;
	e->run.sa = sa;
	e->run.salen = salen;
	e->run.deadline = pli_probe_now_ms() + ctx->opts.total_ms;
	pl_addr_from_sockaddr(sa, salen, &at); /* checked by the caller */
	e->run.port = at.port;
	pl_addr_ip_str(&at, ip, sizeof(ip));
	snprintf(e->run.host, sizeof(e->run.host), at.family == 6 ? "[%s]" : "%s", ip);
	order_probes(e);
}

enum pl_rc
pl_probe_service(const struct pl_probe_ctx *ctx, const struct sockaddr *sa, socklen_t salen,
                 struct pl_service *out, struct pl_err *err)
{
	struct sched e = {.out = out, .conn = {.fd = -1}};
	const struct probe_def *hint, *def;
	struct pl_addr at;
	uint64_t start = pli_probe_now_ms();
	enum pl_rc rc;
	unsigned wait;

	pli_service_init(out);
	if (!ctx || pl_addr_from_sockaddr(sa, salen, &at) != PL_OK)
		return pl_err_set(err, PL_ERR_ARG, "need an IPv4 or IPv6 address");
	e.ans = malloc(sizeof(*e.ans));
	if (!e.ans)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	run_setup(&e, ctx, sa, salen);
	hint = port_listed(e.order[0], e.run.port) ? e.order[0] : NULL;
	rc = reconnect(&e, err);
	if (rc != PL_OK)
		goto out;
	wait = hint && !hint->talks_first ? (ctx->opts.quick ? 0 : 300) : ctx->opts.banner_ms;
	if (hint != &pl_probe_tls && wait)
		pli_conn_read(&e.conn, e.ans, wait, 300, NULL);
	if (e.ans->len > 0) {
		def = judge(&e, "banner");
		if (def) {
			follow(&e, def);
		} else {
			unsigned char *banner = e.ans->truncated ? NULL : malloc(e.ans->len);

			/* Unrecognised: ask the other protocols, text ones first after text
			 * (not after a flood: that is no protocol waiting for its client). */
			if (banner) {
				size_t blen = e.ans->len;

				memcpy(banner, e.ans->data, blen);
				pli_conn_close(&e.conn);
				client_probes(&e, NULL, banner, blen, err);
				free(banner);
			}
		}
	} else {
		if (e.ans->closed || e.ans->reset)
			pli_conn_close(&e.conn);
		client_probes(&e, hint, NULL, 0, err);
	}
	rc = PL_OK;
out:
	if (e.conn.fd >= 0)
		pli_conn_close(&e.conn);
	free(e.ans);
	out->elapsed_ms = (uint32_t)(pli_probe_now_ms() - start);
	return rc;
}

int
pl_probe_classify_banner(const struct pl_probe_ctx *ctx, const unsigned char *data, size_t n,
                         struct pl_service *out)
{
	unsigned char *copy;
	unsigned conf = 0;

	pli_service_init(out);
	if (n > PL_PROBE_MAX_READ)
		n = PL_PROBE_MAX_READ;
	copy = pli_memdup_nul(data, n);
	if (!copy)
		return 0;
	if (!classify_all(ctx, copy, n, out, &conf))
		pli_probe_evidence(out, copy, n);
	else
		pli_probe_set(out->probe, sizeof(out->probe), "banner");
	if (out->evidence_len == 0)
		pli_probe_evidence(out, copy, n);
	free(copy);
	return conf > 0;
}
