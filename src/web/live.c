// SPDX-License-Identifier: MIT
/*
 * live.c - live data from this machine for the web pages: who listens on a port and
 * how many connections use it, and the full listeners table for /listen.
 *
 * Placeholder until portlens/sockets.h (issue 3) is committed: every call says live
 * data is not available in this build.
 */
#include <stdio.h>
#include <string.h>

#include "shared/jsonw.h"
#include "web/web_impl.h"

void
web_live_port(struct pl_web *web, uint16_t port, struct web_live_port *out)
{
	(void)web;
	(void)port;
	memset(out, 0, sizeof(*out));
	snprintf(out->why, sizeof(out->why), "this build has no socket reader yet");
}

void
web_live_listen_html(struct web_req *rq, struct pl_buf *b)
{
	pl_buf_puts(b, "<section id=\"live\" data-refresh=\"3\"><p>");
	web_trf(b, rq, S_LIVE_UNAVAILABLE, "this build has no socket reader yet", NULL, NULL, NULL);
	pl_buf_puts(b, "</p></section>");
}

void
web_live_listen_json(struct web_req *rq, struct pl_buf *b)
{
	struct pl_jsonw w;

	(void)rq;
	pl_jsonw_init(&w, b, 1);
	pl_jsonw_object(&w);
	pl_jsonw_kstr(&w, "schema", "portlens.web-listen/1");
	pl_jsonw_kbool(&w, "available", 0);
	pl_jsonw_kstr(&w, "reason", "this build has no socket reader yet");
	pl_jsonw_end(&w);
	pl_buf_putc(b, '\n');
}
