// SPDX-License-Identifier: MIT
/*
 * p_rsync.c - the rsync daemon protocol (rsyncd, TCP 873; rsync's "daemon mode"
 * greeting): the server talks first with "@RSYNCD: <protocol>[.<sub>] [digests]\n".
 * The follow-up answers with the same greeting and an empty module name, which asks
 * for the module list ("name\tcomment" lines, then "@RSYNCD: EXIT"): a list given to a
 * stranger is PL_EXP_RSYNC_LIST. Then, on a new connection, it asks for each listed
 * module (at most four) until one answers "@RSYNCD: OK" instead of "@RSYNCD: AUTHREQD":
 * that module is open to anyone (PL_EXP_RSYNC_OPEN). No file is listed or transferred.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_impl.h"

static unsigned
rsync_classify(const struct pl_probe_ctx *ctx, const unsigned char *d, size_t n,
               struct pl_service *out)
{
	size_t len;

	(void)ctx;
	if (n < 11 || memcmp(d, "@RSYNCD: ", 9) != 0 || d[9] < '0' || d[9] > '9')
		return 0;
	len = strcspn((const char *)d + 9, " \r\n");
	pli_probe_set(out->service, sizeof(out->service), "rsync");
	pli_probe_set(out->product, sizeof(out->product), "rsync");
	pli_probe_add_info(out, "protocol %.*s", (int)(len > 16 ? 16 : len), (const char *)d + 9);
	len = strcspn((const char *)d, "\n") + 1;
	pli_probe_evidence(out, d, len > n ? n : len);
	return 100;
}

static int
rsync_list_complete(const unsigned char *d, size_t n)
{
	return pli_probe_memcasemem(d, n, "@RSYNCD: EXIT") != NULL ||
	       pli_probe_memcasemem(d, n, "@ERROR") != NULL;
}

static int
rsync_answer_complete(const unsigned char *d, size_t n)
{
	/* the greeting line, then the answer line */
	const unsigned char *nl = memchr(d, '\n', n);

	return nl && memchr(nl + 1, '\n', n - (size_t)(nl + 1 - d)) != NULL;
}

/* Asks for module name on a new connection: 1 open, 0 needs auth or refused, -1 no answer. */
static int
rsync_try_module(const struct probe_run *run, const char *name)
{
	struct probe_conn c;
	struct probe_answer *a = calloc(1, sizeof(*a));
	char req[160];
	int r = -1, k = snprintf(req, sizeof(req), "@RSYNCD: 30.0\n%s\n", name);
	const unsigned char *nl;

	if (!a || k <= 0 || (size_t)k >= sizeof(req) ||
	    pli_conn_open(&c, run->sa, run->salen, run->ctx->opts.connect_ms, run->deadline,
	                  NULL) != PL_OK) {
		free(a);
		return -1;
	}
	pli_conn_read(&c, a, run->ctx->opts.read_ms, 300, pli_probe_line_complete);
	if (a->len > 0 && pli_conn_send(&c, req, (size_t)k) == 0) {
		pli_conn_read(&c, a, run->ctx->opts.read_ms, 300, rsync_answer_complete);
		nl = memchr(a->data, '\n', a->len);
		if (nl && (size_t)(a->data + a->len - nl) > 1)
			r = (size_t)(a->data + a->len - nl - 1) >= 11 &&
			    memcmp(nl + 1, "@RSYNCD: OK", 11) == 0;
	}
	pli_conn_close(&c);
	free(a);
	return r;
}

size_t
pli_rsync_modules(const char *p, const char *end, char names[][64], size_t max_names, char *list,
                  size_t cap)
{
	size_t nmod = 0, used = 0;

	if (cap)
		list[0] = '\0';
	for (int i = 0; i < 256 && p < end; i++) {
		size_t len = strcspn(p, "\n"), nl = strcspn(p, "\t ");

		if (len > (size_t)(end - p))
			len = (size_t)(end - p);
		if (len && p[0] != '@' && p[0] != '\r') {
			if (nl > len)
				nl = len;
			if (nmod < max_names)
				pli_probe_copy(names[nmod], 64, p, nl);
			nmod++;
			if (used < cap)
				used += (size_t)snprintf(list + used, cap - used, "%s%.*s",
				                         used ? ", " : "", (int)nl, p);
		}
		p += len + 1;
	}
	return nmod;
}

static void
rsync_followup(const struct probe_run *run, struct probe_conn *c, struct probe_answer *ans,
               struct pl_service *out)
{
	static const char hello[] = "@RSYNCD: 30.0\n\n";
	char names[4][64], list[160];
	size_t start = ans->len, nmod;

	if (pli_conn_send(c, hello, sizeof(hello) - 1) != 0)
		return;
	pli_conn_read(c, ans, run->ctx->opts.read_ms, 500, rsync_list_complete);
	nmod = pli_rsync_modules((const char *)ans->data + start,
	                         (const char *)ans->data + ans->len, names, 4, list, sizeof(list));
	if (nmod == 0) {
		pli_probe_add_info(out, "no modules listed");
		return;
	}
	out->exposures |= PL_EXP_RSYNC_LIST;
	pli_probe_add_info(out, "modules: %s", list);
	/* Opening a module is the audit's proof (opts.intrusive), not identification. */
	for (size_t i = 0; i < nmod && i < 4 && run->ctx->opts.intrusive; i++)
		if (rsync_try_module(run, names[i]) == 1) {
			out->exposures |= PL_EXP_RSYNC_OPEN;
			pli_probe_add_info(out, "module %s opens without credentials", names[i]);
			break;
		}
}

static const uint16_t rsync_ports[] = {873, 0};

const struct probe_def pl_probe_rsync = {
    .name = "rsync",
    .ports = rsync_ports,
    .talks_first = 1,
    .complete = pli_probe_line_complete,
    .classify = rsync_classify,
    .followup = rsync_followup,
};
