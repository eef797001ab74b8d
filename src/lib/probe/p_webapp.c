// SPDX-License-Identifier: MIT
/*
 * p_webapp.c - services that speak HTTP, told apart from a plain web server by what
 * they answer: CUPS (Server "CUPS/2.4"; the exact version is in its page titles,
 * "Home - CUPS 2.4.2"), HTTP proxies (Squid's Server/Via/X-Squid-Error headers,
 * tinyproxy, Proxy-Agent), Jenkins (X-Jenkins), Elasticsearch and OpenSearch (the root
 * JSON document, or Elasticsearch's security_exception), the Docker Engine API
 * (Api-Version header; /version), the Kubernetes API server (a v1 Status document,
 * also its 401/403 refusals; /version's gitVersion) and kubelet (a PodList, or its
 * authentication filter's refusals: a 403 naming the checked attributes, or the same
 * bare 401 at / and at /pods), Prometheus exporters (the
 * text exposition format; NAME_build_info's version label), and MongoDB's answer to
 * HTTP on its driver port.
 *
 * When the root answer names the service but not its version, the HTTP probe's
 * follow-up asks the service's own path (/version, /metrics) on a new connection
 * (inside TLS when the service spoke TLS). /metrics can be long, so it is scanned as
 * it streams for the build_info line (at most 1 MiB, within the read timeout).
 *
 * An HTTP proxy (or any plain web server: a forward proxy may show any front page) is
 * asked to fetch a URL on the scanner itself: portlens listens on
 * the address it reaches the proxy from, on a fresh port, and asks for
 * http://THAT:PORT/portlens-relay-NONCE. Only a proxy that really relays makes that
 * request arrive (and carries the nonce back); the request never goes to a third host.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/probe_impl.h"

static void
set3(struct pl_service *out, const char *service, const char *product, const char *version)
{
	pli_probe_set(out->service, sizeof(out->service), service);
	pli_probe_set(out->product, sizeof(out->product), product);
	if (version)
		pli_probe_set(out->version, sizeof(out->version), version);
}

/* The answer's status line ("HTTP/1.1 401 ...", n bytes at head) has status code. */
static int
status_is(const char *head, size_t n, const char *code)
{
	return n > 12 && memcmp(head + 9, code, 3) == 0;
}

/* The version after "CUPS" or "CUPS v" in s, if any. */
static void
cups_version(const char *s, char *out, size_t size)
{
	const char *p = strstr(s, "CUPS ");

	out[0] = '\0';
	if (!p)
		return;
	p += 5;
	if (*p == 'v')
		p++;
	if (*p >= '0' && *p <= '9')
		pli_probe_copy(out, size, p, strspn(p, "0123456789.abcrp"));
}

/* Copies the <title> text; "" when there is none. */
static void
page_title(const unsigned char *d, size_t n, char *out, size_t size)
{
	const unsigned char *t = pli_probe_memcasemem(d, n, "<title>"), *e;

	out[0] = '\0';
	if (!t)
		return;
	t += 7;
	e = pli_probe_memcasemem(t, n - (size_t)(t - d), "</title");
	if (e)
		pli_probe_copy(out, size, (const char *)t, (size_t)(e - t));
}

static unsigned
proxy_or_cups(const unsigned char *d, size_t n, const char *head, size_t hlen,
              struct pl_service *out)
{
	char v[160], t[160];

	if (pli_http_header(head, hlen, "Server", v, sizeof(v)) && strncmp(v, "CUPS/", 5) == 0) {
		page_title(d, n, t, sizeof(t));
		set3(out, "ipp", "CUPS", NULL);
		cups_version(t, out->version, sizeof(out->version));
		if (!out->version[0]) /* the Server header has major.minor only */
			pli_probe_copy(out->version, sizeof(out->version), v + 5,
			               strcspn(v + 5, " "));
		pli_probe_set(out->vendor, sizeof(out->vendor), "OpenPrinting");
		return 100;
	}
	if ((pli_http_header(head, hlen, "Server", v, sizeof(v)) && strncmp(v, "squid", 5) == 0) ||
	    pli_http_header(head, hlen, "X-Squid-Error", t, sizeof(t))) {
		set3(out, "http-proxy", "Squid", NULL);
		if (pli_http_header(head, hlen, "Server", v, sizeof(v)) &&
		    strncmp(v, "squid/", 6) == 0)
			pli_probe_copy(out->version, sizeof(out->version), v + 6,
			               strcspn(v + 6, " "));
		return 100;
	}
	if (pli_http_header(head, hlen, "Server", v, sizeof(v)) &&
	    strncmp(v, "tinyproxy/", 10) == 0) {
		set3(out, "http-proxy", "Tinyproxy", NULL);
		pli_probe_copy(out->version, sizeof(out->version), v + 10, strcspn(v + 10, " "));
		return 100;
	}
	if (pli_http_header(head, hlen, "Proxy-Agent", v, sizeof(v))) {
		set3(out, "http-proxy", "", NULL);
		pli_probe_add_info(out, "proxy agent: %s", v);
		return 100;
	}
	return 0;
}

static unsigned
search_engines(const unsigned char *d, size_t n, const char *head, size_t hlen,
               struct pl_service *out)
{
	char v[64];
	int status401 = status_is(head, hlen, "401");

	if (!(pli_probe_memcasemem(d, n, "\"cluster_name\"") ||
	      pli_probe_memcasemem(d, n, "You Know, for Search") ||
	      pli_http_header(head, hlen, "X-elastic-product", v, sizeof(v)) ||
	      (status401 && pli_probe_memcasemem(d, n, "security_exception"))))
		return 0;
	set3(out, "elasticsearch",
	     pli_probe_memcasemem(d, n, "opensearch") ? "OpenSearch" : "Elasticsearch", NULL);
	pli_json_str(d, n, "\"number\"", out->version, sizeof(out->version));
	out->auth_required = status401 ? PL_TRI_YES : PL_TRI_NO;
	return 100;
}

/*
 * A kubelet that wants credentials answers every path through its authentication
 * filter (go-restful's WriteErrorString): 401 with the bare body "Unauthorized" --
 * text/plain from Go's sniffing, no newline, no Server or WWW-Authenticate header --
 * and, to an anonymous user it may not authorise, 403 "Forbidden (user=system:
 * anonymous, verb=get, resource=nodes, subresource=proxy)". 403: 2; 401: 1 (a shape
 * only: the follow-up asks /pods for the same answer); else 0.
 */
int
pli_kubelet_denied(const unsigned char *d, size_t n, size_t hlen)
{
	const char *head = (const char *)d;
	const unsigned char *body = d + hlen + 4;
	size_t blen = n > hlen + 4 ? n - hlen - 4 : 0;
	char v[64];

	if (hlen < 12 || hlen + 4 > n)
		return 0;
	if (memcmp(head + 9, "403", 3) == 0 && blen > 16 &&
	    memcmp(body, "Forbidden (user=", 16) == 0 &&
	    pli_probe_memcasemem(body, blen, ", verb=") &&
	    pli_probe_memcasemem(body, blen, "resource="))
		return 2;
	if (memcmp(head + 9, "401", 3) == 0 && blen == 12 &&
	    memcmp(body, "Unauthorized", 12) == 0 &&
	    pli_http_header(head, hlen, "Content-Type", v, sizeof(v)) &&
	    strcmp(v, "text/plain; charset=utf-8") == 0 &&
	    !pli_http_header(head, hlen, "Server", v, sizeof(v)) &&
	    !pli_http_header(head, hlen, "WWW-Authenticate", v, sizeof(v)))
		return 1;
	return 0;
}

static unsigned
container_apis(const unsigned char *d, size_t n, const char *head, size_t hlen,
               struct pl_service *out)
{
	char v[64];
	int denied = status_is(head, hlen, "401") || status_is(head, hlen, "403");

	if (pli_http_header(head, hlen, "Api-Version", v, sizeof(v)) ||
	    (pli_http_header(head, hlen, "Server", v, sizeof(v)) &&
	     strncmp(v, "Docker/", 7) == 0)) {
		set3(out, "docker", "Docker Engine API", NULL);
		if (pli_probe_memcasemem(d, n, "\"ApiVersion\""))
			pli_json_str(d, n, "\"Version\"", out->version, sizeof(out->version));
		else if (pli_http_header(head, hlen, "Server", v, sizeof(v)) &&
		         strncmp(v, "Docker/", 7) == 0)
			pli_probe_copy(out->version, sizeof(out->version), v + 7,
			               strcspn(v + 7, " "));
		out->auth_required = PL_TRI_NO;
		return 100;
	}
	if (pli_probe_memcasemem(d, n, "\"gitVersion\"") &&
	    pli_probe_memcasemem(d, n, "\"goVersion\"")) {
		set3(out, "kubernetes", "Kubernetes API server", NULL);
		pli_json_str(d, n, "\"gitVersion\"", v, sizeof(v));
		pli_probe_set(out->version, sizeof(out->version), v[0] == 'v' ? v + 1 : v);
		return 100;
	}
	if (pli_probe_memcasemem(d, n, "\"kind\":\"PodList\"") ||
	    pli_probe_memcasemem(d, n, "\"kind\": \"PodList\"")) {
		set3(out, "kubelet", "Kubernetes kubelet", NULL);
		out->auth_required = PL_TRI_NO;
		return 100;
	}
	if (pli_kubelet_denied(d, n, hlen) == 2) {
		set3(out, "kubelet", "Kubernetes kubelet", NULL);
		out->auth_required = PL_TRI_YES;
		return 100;
	}
	if ((pli_probe_memcasemem(d, n, "\"kind\":\"Status\"") ||
	     pli_probe_memcasemem(d, n, "\"kind\": \"Status\"")) &&
	    pli_probe_memcasemem(d, n, "\"apiVersion\"")) {
		set3(out, "kubernetes", "Kubernetes API server", NULL);
		if (denied)
			out->auth_required = PL_TRI_YES;
		return 100;
	}
	return 0;
}

/* NAME_build_info{...version="X"...} in a Prometheus text exposition. */
static int
build_info(const unsigned char *d, size_t n, struct pl_service *out)
{
	const unsigned char *b = pli_probe_memcasemem(d, n, "_build_info{"), *line, *v, *end;
	char name[48];

	if (!b)
		return 0;
	for (line = b; line > d && line[-1] != '\n';)
		line--;
	end = memchr(b, '\n', n - (size_t)(b - d));
	if (!end)
		return 0;
	pli_probe_copy(name, sizeof(name), (const char *)line, (size_t)(b - line));
	if (strcmp(name, "prometheus") == 0)
		pli_probe_set(out->product, sizeof(out->product), "Prometheus");
	else
		snprintf(out->product, sizeof(out->product), "Prometheus %s", name);
	/* The version label, not goversion=: it follows "{" or ",". */
	v = pli_probe_memcasemem(b, (size_t)(end - b), "{version=\"");
	if (!v)
		v = pli_probe_memcasemem(b, (size_t)(end - b), ",version=\"");
	if (v)
		pli_probe_copy(out->version, sizeof(out->version), (const char *)v + 10,
		               strcspn((const char *)v + 10, "\""));
	return 1;
}

static unsigned
exporters(const unsigned char *d, size_t n, const char *head, size_t hlen, struct pl_service *out)
{
	char v[64], t[160];

	if (pli_probe_memcasemem(d, n, "\n# HELP ") && pli_probe_memcasemem(d, n, "\n# TYPE ")) {
		pli_probe_set(out->service, sizeof(out->service), "prometheus-exporter");
		build_info(d, n, out);
		return 100;
	}
	page_title(d, n, t, sizeof(t));
	if (pli_probe_memcasemem(d, n, "href=\"/metrics\"") &&
	    (strstr(t, "Exporter") || strstr(t, "exporter") || strstr(t, "Prometheus"))) {
		set3(out, "prometheus-exporter", t, NULL);
		return 100;
	}
	if (pli_http_header(head, hlen, "X-Jenkins", v, sizeof(v))) {
		set3(out, "http", "Jenkins", v);
		pli_probe_set(out->cpe, sizeof(out->cpe), "cpe:/a:jenkins:jenkins");
		return 100;
	}
	return 0;
}

unsigned
pli_probe_classify_webapp(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
                          size_t hlen, struct pl_service *out)
{
	const char *head = (const char *)d;
	unsigned conf;

	(void)ctx;
	if (pli_probe_memcasemem(d, n, "trying to access MongoDB over HTTP")) {
		set3(out, "mongodb", "MongoDB", NULL);
		return 100;
	}
	if ((conf = proxy_or_cups(d, n, head, hlen, out)) ||
	    (conf = search_engines(d, n, head, hlen, out)) ||
	    (conf = container_apis(d, n, head, hlen, out)) ||
	    (conf = exporters(d, n, head, hlen, out)))
		return conf;
	return 0;
}

/* The kubelet's bare 401 (pli_kubelet_denied) in a whole answer. */
static int
kubelet_401(const struct probe_answer *a)
{
	const unsigned char *body = pli_probe_memcasemem(a->data, a->len, "\r\n\r\n");

	return body && pli_kubelet_denied(a->data, a->len, (size_t)(body - a->data)) == 1;
}

/*
 * The Docker Engine's answer to a path it has no route for: 404 with the JSON body
 * {"message":"page not found"} and neither Api-Version nor Server (those come from the
 * middleware of its routes), so / says only this much; /version says the rest.
 */
static int
docker_404(const struct probe_answer *a)
{
	static const char body[] = "\r\n\r\n{\"message\":\"page not found\"}";
	const unsigned char *b = pli_probe_memcasemem(a->data, a->len, body);
	char v[64];

	return status_is((const char *)a->data, a->len, "404") && b &&
	       pli_http_header((const char *)a->data, (size_t)(b - a->data), "Content-Type", v,
	                       sizeof(v)) &&
	       strcmp(v, "application/json") == 0;
}

/*
 * The service's own path when the root answer did not give its version; "/pods" for
 * a Go server's bare 404 or the kubelet's bare 401 (a kubelet answers its root so),
 * "/version" for the Docker Engine's 404.
 */
static const char *
own_path(const struct pl_service *out, const struct probe_answer *ans)
{
	if (strcmp(out->service, "http") == 0 && !out->product[0] &&
	    (pli_probe_memcasemem(ans->data, ans->len, "\r\n\r\n404 page not found") ||
	     kubelet_401(ans)))
		return "/pods";
	if (strcmp(out->service, "http") == 0 && !out->product[0] && docker_404(ans))
		return "/version";
	if (out->version[0])
		return NULL;
	if (strcmp(out->service, "docker") == 0 || strcmp(out->service, "kubernetes") == 0)
		return "/version";
	if (strcmp(out->service, "prometheus-exporter") == 0)
		return "/metrics";
	return NULL;
}

/* Reads a long answer as it streams until needle shows, keeping the last part. */
static void
read_until(struct probe_conn *c, struct probe_answer *ans, const char *needle, unsigned wait_ms)
{
	size_t total = 0;

	for (int round = 0; round < 64 && total < (1u << 20); round++) {
		size_t got = pli_conn_read(c, ans, wait_ms, 300, NULL);
		size_t keep;

		total += got;
		if (pli_probe_memcasemem(ans->data, ans->len, needle) || !ans->truncated)
			return;
		/* Full: keep the last 4 KiB (a header line may straddle) and read on. */
		keep = 4096;
		memmove(ans->data, ans->data + ans->len - keep, keep);
		ans->len = keep;
		ans->truncated = 0;
		if (got == 0)
			return;
	}
}

/* A listener on the address c reaches the proxy from; its URL base into url. -1 on error. */
static int
relay_listener(const struct probe_conn *c, char *url, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct pl_addr at;
	char a[PL_ADDR_STRLEN];
	int fd = -1;

	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	pl_sockaddr_set_port(&ss, 0);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
	    pl_addr_from_sockaddr((struct sockaddr *)&ss, len, &at) != PL_OK)
		goto fail;
	snprintf(url, size, "http://%s", pl_addr_str(&at, a, sizeof(a)));
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/*
 * Waits for the relayed request on lfd and answers it; 1 if it carried the nonce. A
 * server that answers on c first (its own 400/403/404) relayed nothing: stop there, so
 * asking a plain web server costs one round trip, not the read timeout.
 */
static int
relay_arrived(const struct probe_run *run, int lfd, const struct probe_conn *c, const char *nonce)
{
	struct pollfd p[2] = {{.fd = lfd, .events = POLLIN}, {.fd = c->fd, .events = POLLIN}};
	struct probe_conn in = {.fd = -1, .deadline = run->deadline};
	struct probe_answer *a = calloc(1, sizeof(*a));
	char reply[160];
	int ok = 0, n;

	if (!a || poll(p, 2, (int)run->ctx->opts.read_ms) <= 0 || !(p[0].revents & POLLIN) ||
	    (in.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) < 0)
		goto out;
	pli_conn_read(&in, a, run->ctx->opts.read_ms, 300, NULL);
	ok = pli_probe_memcasemem(a->data, a->len, nonce) != NULL;
	n = snprintf(reply, sizeof(reply),
	             "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	             strlen(nonce), nonce);
	if (ok && n > 0 && (size_t)n < sizeof(reply))
		pli_conn_send(&in, reply, (size_t)n);
out:
	free(a);
	pli_conn_close(&in);
	return ok;
}

/* Asks the proxy to fetch a URL on the scanner itself; sets PL_EXP_OPEN_PROXY if it does. */
static void
proxy_relay(const struct probe_run *run, struct pl_service *out)
{
	struct probe_conn c = {.fd = -1};
	unsigned char rnd[8];
	char url[96], nonce[40], req[400];
	int lfd = -1, n;

	if (pli_conn_open(&c, run->sa, run->salen, run->ctx->opts.connect_ms, run->deadline,
	                  NULL) != PL_OK ||
	    getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) ||
	    (lfd = relay_listener(&c, url, sizeof(url))) < 0)
		goto out;
	n = snprintf(nonce, sizeof(nonce), "portlens-relay-");
	for (size_t i = 0; i < sizeof(rnd) && n > 0; i++)
		n += snprintf(nonce + n, sizeof(nonce) - (size_t)n, "%02x", rnd[i]);
	n = snprintf(req, sizeof(req),
	             "GET %s/%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: portlens/" PL_VERSION
	             "\r\nConnection: close\r\n\r\n",
	             url, nonce, url + 7);
	if (n <= 0 || (size_t)n >= sizeof(req) || pli_conn_send(&c, req, (size_t)n) != 0)
		goto out;
	if (relay_arrived(run, lfd, &c, nonce)) {
		out->exposures |= PL_EXP_OPEN_PROXY;
		/* A web server that forwards absolute-URI requests is a proxy, whatever else. */
		pli_probe_set(out->service, sizeof(out->service), "http-proxy");
		pli_probe_add_info(out, "relayed GET %s/ to the scanner", url);
	}
out:
	if (lfd >= 0)
		close(lfd);
	pli_conn_close(&c);
}

void
pli_probe_webapp_followup(const struct probe_run *run, struct probe_conn *unused,
                          struct probe_answer *ans, struct pl_service *out)
{
	const char *path = own_path(out, ans);
	struct probe_conn c = {.fd = -1};
	struct pl_tls_info info = {0};
	struct pl_service found = *out;
	struct probe_answer *a = NULL;
	char req[512];
	int n;

	(void)unused;
	/* With opts.intrusive (the audit) every web server is asked the absolute-URI
	 * question once (a forward proxy hides behind any front page); it costs one round
	 * trip to one that does not relay. */
	if (run->ctx->opts.intrusive && (strcmp(out->service, "http-proxy") == 0 ||
	                                 (strcmp(out->service, "http") == 0 && !out->tls))) {
		proxy_relay(run, out);
		if (strcmp(out->service, "http-proxy") == 0)
			return;
	}
	if (pli_probe_ipp_likely(run, out, ans))
		pli_probe_ipp_followup(run, out);
	if (!path || pli_conn_open(&c, run->sa, run->salen, run->ctx->opts.connect_ms,
	                           run->deadline, NULL) != PL_OK)
		return;
	a = calloc(1, sizeof(*a));
	if (!a || (out->tls && pli_conn_tls(&c, run->ctx->ssl_ctx, run->host, &info, NULL) != 0))
		goto out;
	n = snprintf(req, sizeof(req),
	             "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: portlens/" PL_VERSION
	             "\r\nAccept: */*\r\nConnection: close\r\n\r\n",
	             path, run->host);
	if (n <= 0 || (size_t)n >= sizeof(req) || pli_conn_send(&c, req, (size_t)n) != 0)
		goto out;
	c.bytes_read = &out->bytes_read;
	read_until(&c, a, "_build_info{", run->ctx->opts.read_ms);
	if (strcmp(path, "/pods") == 0 &&
	    pli_probe_classify_http(run->ctx, a->data, a->len, &found) &&
	    strcmp(found.service, "kubelet") == 0) {
		pli_probe_set(out->service, sizeof(out->service), found.service);
		pli_probe_set(out->product, sizeof(out->product), found.product);
		out->auth_required = found.auth_required;
	} else if (strcmp(path, "/pods") == 0 && kubelet_401(ans) && kubelet_401(a)) {
		/* The same bare 401 at / and at /pods: a kubelet's authentication filter. */
		set3(out, "kubelet", "Kubernetes kubelet", NULL);
		out->auth_required = PL_TRI_YES;
		pli_probe_add_info(out, "GET /pods: 401 Unauthorized");
	} else if (strcmp(path, "/version") == 0 && strcmp(out->service, "http") == 0 &&
	           pli_probe_classify_http(run->ctx, a->data, a->len, &found) &&
	           strcmp(found.service, "docker") == 0) {
		pli_probe_set(out->service, sizeof(out->service), found.service);
		out->auth_required = found.auth_required;
	}
	if (strcmp(path, "/metrics") == 0
	        ? build_info(a->data, a->len, &found) != 0
	        : pli_probe_classify_http(run->ctx, a->data, a->len, &found) &&
	              strcmp(found.service, out->service) == 0) {
		pli_probe_set(out->product, sizeof(out->product), found.product);
		pli_probe_set(out->version, sizeof(out->version), found.version);
		pli_probe_add_info(out, "GET %s", path);
	}
out:
	free(a);
	pli_conn_close(&c);
}
