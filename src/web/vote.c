// SPDX-License-Identifier: MIT
/*
 * vote.c - POST /port/N/vote: the "Was this page helpful?" widget's form target.
 *
 * Order of checks (cheapest refusal first): a visitor cookie this server issued, the
 * CSRF token bound to it, a known choice, then the client's rate bucket; only then is
 * the store touched. The answer is 303 See Other back to the page (post/redirect/get, so
 * a reload does not vote again), or JSON when the client asks for it. The page's cached
 * renderings are dropped so the new count shows at once.
 */
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"
#include "web/web_impl.h"

static void
vote_json(struct web_resp *rs, const char *page, const int64_t counts[PL_VOTE_COUNT],
          enum pl_vote choice)
{
	struct pl_jsonw w;

	rs->ctype = "application/json";
	pli_jsonw_init(&w, &rs->body, 1);
	pli_jsonw_object(&w);
	pli_jsonw_kstr(&w, "schema", "portlens.vote/1");
	pli_jsonw_kstr(&w, "page", page);
	pli_jsonw_kstr(&w, "choice", pl_vote_name(choice));
	pli_jsonw_key(&w, "counts");
	pli_jsonw_object(&w);
	for (int i = 0; i < PL_VOTE_COUNT; i++)
		pli_jsonw_kint(&w, pl_vote_name((enum pl_vote)i), counts[i]);
	pli_jsonw_end(&w);
	pli_jsonw_end(&w);
	pli_buf_putc(&rs->body, '\n');
}

void
web_vote_post(struct web_req *rq, struct web_resp *rs, uint16_t port)
{
	struct pl_web *web = rq->web;
	char choice_s[16], page[32];
	int64_t counts[PL_VOTE_COUNT];
	enum pl_vote choice;
	enum pl_rc rc;

	if (!web_post_allowed(rq, rs))
		return;
	if (web_form_get(rq->body.data ? rq->body.data : "", rq->body.len, "choice", choice_s,
	                 sizeof(choice_s)) != 1 ||
	    pl_vote_parse(choice_s, &choice) != PL_OK) {
		web_error(rq, rs, 400);
		return;
	}
	if (!web_store_writable(rq, rs))
		return;
	if (!web_rate_take(&web->guard, rq->client, web_now_ms())) {
		web_error(rq, rs, 429);
		rs->retry_after = 60;
		return;
	}
	snprintf(page, sizeof(page), "port/%u", port);
	pthread_mutex_lock(&web->store_lock);
	rc = pl_store_vote(web->store, page, rq->visitor, choice, NULL, NULL);
	if (rc == PL_OK)
		rc = pl_store_vote_counts(web->store, page, NULL, counts, NULL, NULL);
	pthread_mutex_unlock(&web->store_lock);
	if (rc != PL_OK) {
		web_error(rq, rs, 503);
		return;
	}
	snprintf(page, sizeof(page), "port/%u|", port);
	web_cache_invalidate(&web->cache, page);
	if (web_wants_json(rq)) {
		snprintf(page, sizeof(page), "port/%u", port);
		rs->status = 200;
		vote_json(rs, page, counts, choice);
		return;
	}
	rs->status = 303;
	snprintf(rs->location, sizeof(rs->location), "/port/%u?lang=%s&voted=1#helpful", port,
	         rq->lang->code);
}
