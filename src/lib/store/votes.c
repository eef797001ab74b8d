// SPDX-License-Identifier: MIT
/*
 * votes.c - the "Was this page helpful?" votes: one row per (page, visitor), replaced
 * by a later vote of the same visitor, counted per choice. The primary key makes "one
 * vote per visitor per page" a property of the database rather than of the caller, so
 * concurrent votes from many connections cannot produce duplicates. The same SQL runs
 * on SQLite and PostgreSQL (both have ON CONFLICT ... DO UPDATE).
 */
#include <string.h>
#include <time.h>

#include "store/store_impl.h"

#define MAX_KEY_LEN 200

static const char *const vote_names[PL_VOTE_COUNT] = {
    [PL_VOTE_YES] = "yes",
    [PL_VOTE_PARTLY] = "partly",
    [PL_VOTE_NO] = "no",
};

const char *
pl_vote_name(enum pl_vote v)
{
	return (unsigned)v < PL_VOTE_COUNT ? vote_names[v] : "?";
}

enum pl_rc
pl_vote_parse(const char *s, enum pl_vote *out)
{
	for (unsigned i = 0; s && i < PL_VOTE_COUNT; i++) {
		if (strcmp(s, vote_names[i]) == 0) {
			*out = (enum pl_vote)i;
			return PL_OK;
		}
	}
	return PL_ERR_PARSE;
}

static int
key_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= MAX_KEY_LEN;
}

enum pl_rc
pl_store_vote(struct pl_store *st, const char *page, const char *visitor, enum pl_vote choice,
              int *replaced, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc = PL_OK;
	int prior = -1, row;

	if (!key_ok(page) || !key_ok(visitor) || (unsigned)choice >= PL_VOTE_COUNT)
		return pl_err_set(err, PL_ERR_ARG, "a vote needs a page, a visitor and a choice");
	rc = pl_store_vote_counts(st, page, visitor, NULL, &prior, err);
	if (rc != PL_OK)
		return rc;
	rc = sq_prepare(st,
	                "INSERT INTO votes(page, visitor, choice, voted_at) VALUES (?, ?, ?, "
	                "?) ON CONFLICT(page, visitor) DO UPDATE SET choice = "
	                "excluded.choice, voted_at = excluded.voted_at",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_text(q, 1, page);
	sq_bind_text(q, 2, visitor);
	sq_bind_int(q, 3, (int)choice);
	sq_bind_int(q, 4, (int64_t)time(NULL));
	rc = sq_step(q, &row, err);
	if (rc == PL_OK && replaced)
		*replaced = prior >= 0;
	sq_finish(q);
	return rc;
}

enum pl_rc
pl_store_vote_counts(struct pl_store *st, const char *page, const char *visitor,
                     int64_t counts[PL_VOTE_COUNT], int *mine, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row = 0;

	if (counts)
		memset(counts, 0, sizeof(int64_t) * PL_VOTE_COUNT);
	if (mine)
		*mine = -1;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (!key_ok(page))
		return pl_err_set(err, PL_ERR_ARG, "no page");
	rc = sq_prepare(st,
	                "SELECT choice, count(*), sum(CASE WHEN visitor = ? THEN 1 ELSE 0 END) "
	                "FROM votes WHERE page = ? GROUP BY choice",
	                &q, err);
	if (rc != PL_OK)
		return rc;
	sq_bind_text(q, 1, visitor ? visitor : "");
	sq_bind_text(q, 2, page);
	while ((rc = sq_step(q, &row, err)) == PL_OK && row) {
		int64_t c = sq_int(q, 0);

		if (c < 0 || c >= PL_VOTE_COUNT)
			continue;
		if (counts)
			counts[c] = sq_int(q, 1);
		if (mine && visitor && sq_int(q, 2) > 0)
			*mine = (int)c;
	}
	sq_finish(q);
	return rc;
}
