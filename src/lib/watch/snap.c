// SPDX-License-Identifier: MIT
/*
 * watch/snap.c - a snapshot of this machine's listeners for `portlens watch`: the
 * collection `portlens listen` makes (every namespace, holders, units, containers),
 * flattened into fixed identity keys plus the evidence an event carries, sorted by key
 * so two snapshots compare with one merge walk. The key includes the socket inode: a
 * service that restarts and binds the same port again is a vanished listener and a new
 * one, which is what happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "watch/watch_impl.h"

void
pl_watch_snap_cleanup(struct pl_watch_snap *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].container);
		free(s->v[i].unit);
		free(s->v[i].cmdline);
	}
	free(s->v);
	free(s->notes);
	memset(s, 0, sizeof(*s));
}

static int
cmp_key(const void *a, const void *b)
{
	return memcmp(&((const struct pl_watch_listener *)a)->key,
	              &((const struct pl_watch_listener *)b)->key,
	              sizeof(((const struct pl_watch_listener *)a)->key));
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* Fills l from socket s of set; PL_ERR_NOMEM when a string cannot be copied. */
static enum pl_rc
fill(struct pl_watch_listener *l, const struct pl_sockset *set, const struct pl_sock *s,
     struct pl_baseline *b)
{
	const struct pl_netns *ns = &set->netns[s->netns];
	const struct pl_proc *p = s->n_owners ? pl_sock_owner(set, s, 0) : NULL;
	const char *container = ns->container;

	memset(l, 0, sizeof(*l));
	l->key.netns = ns->ino;
	l->key.inode = s->inode;
	memcpy(l->key.addr, s->local, sizeof(l->key.addr));
	l->key.port = s->lport;
	l->key.proto = s->proto;
	l->key.family = s->family;
	snprintf(l->label, sizeof(l->label), "%s", pl_sock_proto_label(s));
	pl_sock_addr_str(s, 0, l->addr, sizeof(l->addr));
	snprintf(l->netns, sizeof(l->netns), "%s", ns->label);
	if (s->reg && s->reg->service)
		snprintf(l->service, sizeof(l->service), "%s", s->reg->service);
	if (p) {
		l->pid = p->pid;
		l->uid = p->uid;
		memcpy(l->comm, p->comm, sizeof(l->comm));
		pl_user_name(p->uid, l->user, sizeof(l->user));
		if (!container)
			container = p->container;
	} else {
		l->uid = s->uid;
		pl_user_name(s->uid, l->user, sizeof(l->user));
	}
	l->baseline = -1;
	if (b) {
		unsigned *before = malloc((b->n ? b->n : 1) * sizeof(*before));

		for (size_t i = 0; before && i < b->n; i++)
			before[i] = b->v[i].matched;
		l->baseline = pl_baseline_covers(b, set, s) ? 1 : 0;
		/* the first line whose count moved is the one that covers it */
		for (size_t i = 0; before && l->baseline == 1 && i < b->n; i++)
			if (b->v[i].matched != before[i]) {
				l->baseline_line = b->v[i].line;
				break;
			}
		free(before);
		pl_baseline_line(set, s, l->baseline_text, sizeof(l->baseline_text));
	}
	l->container = dup_or_empty(container);
	l->unit = dup_or_empty(p ? p->unit : NULL);
	l->cmdline = dup_or_empty(p ? p->cmdline : NULL);
	if (!l->container || !l->unit || !l->cmdline)
		return PL_ERR_NOMEM;
	return PL_OK;
}

enum pl_rc
pl_watch_snapshot(const struct pl_sock_query *q, struct pl_baseline *b, struct pl_watch_snap *out,
                  struct pl_err *err)
{
	struct pl_sock_query query = *q;
	struct pl_sockset *set = NULL;
	struct pl_buf notes;
	enum pl_rc rc;

	memset(out, 0, sizeof(*out));
	query.what = PL_SQ_LISTEN;
	rc = pl_sockets_collect(&query, &set, err);
	if (rc != PL_OK)
		return rc;
	out->v = calloc(set->n_socks ? set->n_socks : 1, sizeof(*out->v));
	pli_buf_init(&notes);
	if (!out->v) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < set->n_socks; i++) {
		if (set->socks[i].kind != PL_SK_INET)
			continue;
		rc = fill(&out->v[out->n], set, &set->socks[i], b);
		out->n++;
		if (rc != PL_OK) {
			pl_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_key);
	for (size_t i = 0; i < set->n_notes; i++)
		pli_buf_printf(&notes, "%s%s", i ? "; " : "", set->notes[i]);
	out->notes = strdup(pli_buf_str(&notes));
	if (!out->notes)
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
out:
	pli_buf_cleanup(&notes);
	pl_sockset_free(set);
	if (rc != PL_OK)
		pl_watch_snap_cleanup(out);
	return rc;
}

size_t
pl_watch_snap_diff(const struct pl_watch_snap *old, const struct pl_watch_snap *cur,
                   pl_watch_change_fn fn, void *ud)
{
	size_t i = 0, j = 0, n = 0;

	while (i < old->n || j < cur->n) {
		int c = i == old->n ? 1 : j == cur->n ? -1 : cmp_key(&old->v[i], &cur->v[j]);

		if (c == 0) {
			i++;
			j++;
			continue;
		}
		n++;
		if (c < 0 ? fn(ud, 1, &old->v[i++]) : fn(ud, 0, &cur->v[j++]))
			break;
	}
	return n;
}

int
pl_watch_snap_same(const struct pl_watch_snap *a, const struct pl_watch_snap *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (cmp_key(&a->v[i], &b->v[i]) != 0)
			return 0;
	return 1;
}

void
watch_event_begin(struct pl_jsonw *w, struct pl_buf *out, const char *id, uint64_t seq,
                  int64_t time_ms, const char *event, const char *source)
{
	pli_jsonw_init(w, out, 0);
	pli_jsonw_object(w);
	pli_jsonw_kstr(w, "schema", "portlens.watch/1");
	pli_jsonw_kstr(w, "id", id);
	pli_jsonw_kint(w, "seq", (int64_t)seq);
	pli_jsonw_kint(w, "time_ms", time_ms);
	pli_jsonw_kstr(w, "event", event);
	pli_jsonw_kstr(w, "source", source);
}

void
pl_watch_event_json(struct pl_buf *out, const char *id, uint64_t seq, int64_t time_ms, int gone,
                    const char *source, const struct pl_watch_listener *l)
{
	struct pl_jsonw w;

	watch_event_begin(&w, out, id, seq, time_ms, gone ? "gone" : "new", source);
	pli_jsonw_kstr(&w, "proto", l->label);
	pli_jsonw_kstr(&w, "addr", l->addr);
	pli_jsonw_kint(&w, "port", l->key.port);
	pli_jsonw_kstr(&w, "service", l->service);
	pli_jsonw_kstr(&w, "netns", l->netns);
	pli_jsonw_kint(&w, "inode", (int64_t)l->key.inode);
	pli_jsonw_kint(&w, "pid", l->pid);
	pli_jsonw_kstr(&w, "process", l->comm);
	pli_jsonw_kstr(&w, "user", l->user);
	pli_jsonw_kstr(&w, "unit", l->unit);
	pli_jsonw_kstr(&w, "container", l->container);
	pli_jsonw_kstr(&w, "cmdline", l->cmdline);
	if (l->baseline >= 0) {
		pli_jsonw_kstr(&w, "baseline", l->baseline ? "expected" : "unexpected");
		if (l->baseline_line)
			pli_jsonw_kint(&w, "baseline_line", l->baseline_line);
		pli_jsonw_kstr(&w, "baseline_text", l->baseline_text);
	}
	pli_jsonw_end(&w);
}
