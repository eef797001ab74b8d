// SPDX-License-Identifier: MIT
/*
 * watch_out.c - where a `portlens watch` event goes once it is committed to the event
 * log: a text line or the JSON line on standard output, and the journal (native
 * protocol, with a stable MESSAGE_ID per kind of event so `journalctl
 * MESSAGE_ID=...` finds them) or, where no journal listens, syslog(3) with the id in
 * the message.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli/watch/watch_cmd.h"
#include "portlens/diff.h"

const char watch_msgid_new[] = "8d2f3c1a6b5e4f7091a2b3c4d5e6f701";
const char watch_msgid_gone[] = "8d2f3c1a6b5e4f7091a2b3c4d5e6f702";
const char watch_msgid_opened[] = "8d2f3c1a6b5e4f7091a2b3c4d5e6f703";
const char watch_msgid_closed[] = "8d2f3c1a6b5e4f7091a2b3c4d5e6f704";
const char watch_msgid_changed[] = "8d2f3c1a6b5e4f7091a2b3c4d5e6f705";

/* "new tcp4 0.0.0.0:8080 (http-alt) in host: pid 42 python3, user root, unit x.service" */
void
watch_describe(struct pl_buf *b, int gone, const struct pl_watch_listener *l)
{
	int v6 = strchr(l->addr, ':') != NULL;

	pli_buf_printf(b, "%s %s %s%s%s:%u", gone ? "gone" : "new", l->label, v6 ? "[" : "",
	               l->addr, v6 ? "]" : "", l->key.port);
	if (l->service[0])
		pli_buf_printf(b, " (%s)", l->service);
	pli_buf_printf(b, " in %s: ", l->netns);
	if (l->pid)
		pli_buf_printf(b, "pid %d %s, user %s", (int)l->pid, l->comm, l->user);
	else
		pli_buf_printf(b, "no visible process, user %s", l->user);
	if (l->unit[0])
		pli_buf_printf(b, ", unit %s", l->unit);
	if (l->container[0])
		pli_buf_printf(b, ", container %s", l->container);
	if (l->baseline == 1)
		pli_buf_printf(b, "; in the baseline (line %u)", l->baseline_line);
	else if (l->baseline == 0)
		pli_buf_puts(b, "; NOT in the baseline");
}

/* The human line of either kind of event. */
static void
describe(struct pl_buf *b, const struct watch_pending *p)
{
	if (p->c)
		pl_watch_scan_describe(b, p->c);
	else
		watch_describe(b, p->gone, p->l);
}

void
watch_print(struct watch_run *w, const struct pl_buf *json, const struct watch_pending *p)
{
	struct pl_buf b;
	char when[32];
	int64_t time_ms = p->time_ms;
	time_t t = (time_t)(time_ms / 1000);
	struct tm tm;

	pli_buf_init(&b);
	if (w->cli->format == PL_FMT_JSON) {
		pli_buf_append(&b, json->data, json->len);
	} else {
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
		pli_buf_printf(&b, "%s.%03dZ ", when, (int)(time_ms % 1000));
		describe(&b, p);
	}
	pli_buf_putc(&b, '\n');
	if ((json && pli_buf_failed(json)) || pli_buf_write(&b, w->cli->out) == PL_ERR_NOMEM)
		pli_cli_fail(w->cli, "out of memory: a change was not shown");
	fflush(w->cli->out);
	pli_buf_cleanup(&b);
}

/* The journal's MESSAGE_ID and PORTLENS_EVENT of an event. */
static const char *
msgid(const struct watch_pending *p, const char **event)
{
	const char *kind = p->c ? pl_watch_scan_kind(p->c) : p->gone ? "gone" : "new";

	*event = kind ? kind : "state";
	if (!p->c)
		return p->gone ? watch_msgid_gone : watch_msgid_new;
	return p->c->kind == PL_DIFF_OPENED   ? watch_msgid_opened
	       : p->c->kind == PL_DIFF_CLOSED ? watch_msgid_closed
	                                      : watch_msgid_changed;
}

void
watch_syslog(struct watch_run *w, const struct pl_buf *json, const struct watch_pending *p)
{
	const char *path = getenv("PORTLENS_JOURNAL_SOCKET"), *event, *id = msgid(p, &event);
	const struct pl_scandoc_port *sp = p->c ? (p->c->b ? p->c->b : p->c->a) : NULL;
	/* a listener outside the baseline, and a port that opened, are warnings */
	int warn = p->c ? p->c->kind == PL_DIFF_OPENED : p->l->baseline == 0;
	struct pl_buf msg;
	char port[8], pid[16];

	if (!w->syslog)
		return;
	if (!path || !path[0])
		path = "/run/systemd/journal/socket";
	pli_buf_init(&msg);
	describe(&msg, p);
	snprintf(port, sizeof(port), "%u", sp ? sp->port : p->l->key.port);
	snprintf(pid, sizeof(pid), "%d", sp ? 0 : (int)p->l->pid);
	if (access(path, W_OK) == 0) {
		const char *keys[] = {"MESSAGE",           "MESSAGE_ID",     "PRIORITY",
		                      "SYSLOG_IDENTIFIER", "PORTLENS_EVENT", "PORTLENS_PORT",
		                      "PORTLENS_PROTO",    "PORTLENS_PID",   "PORTLENS_JSON"};
		const char *vals[] = {pli_buf_str(&msg),
		                      id,
		                      warn ? "4" : "5",
		                      "portlens-watch",
		                      event,
		                      port,
		                      sp ? pl_proto_name((enum pl_proto)sp->proto) : p->l->label,
		                      pid,
		                      pli_buf_str(json)};

		if (pl_journal_send(path, keys, vals, 9, NULL) == PL_OK) {
			pli_buf_cleanup(&msg);
			return;
		}
	}
	openlog("portlens-watch", LOG_PID, LOG_DAEMON);
	syslog(warn ? LOG_WARNING : LOG_NOTICE, "MESSAGE_ID=%s %s", id, pli_buf_str(&msg));
	closelog();
	pli_buf_cleanup(&msg);
}
