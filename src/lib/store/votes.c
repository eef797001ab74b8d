// SPDX-License-Identifier: MIT
/*
 * votes.c - the "Was this page helpful?" votes: one row per (page, visitor), replaced
 * by a later vote of the same visitor, counted per choice. The primary key makes "one
 * vote per visitor per page" a property of the database rather than of the caller, so
 * concurrent votes from many connections cannot produce duplicates.
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
	sqlite3_stmt *s = NULL;
	enum pl_rc rc = PL_OK;
	int prior = -1;

	if (!key_ok(page) || !key_ok(visitor) || (unsigned)choice >= PL_VOTE_COUNT)
		return pl_err_set(err, PL_ERR_ARG, "a vote needs a page, a visitor and a choice");
	rc = pl_store_vote_counts(st, page, visitor, NULL, &prior, err);
	if (rc != PL_OK)
		return rc;
	if (sqlite3_prepare_v2(
	        st->db,
	        "INSERT INTO votes(page, visitor, choice, voted_at) VALUES (?, ?, ?, "
	        "?) ON CONFLICT(page, visitor) DO UPDATE SET choice = "
	        "excluded.choice, voted_at = excluded.voted_at",
	        -1, &s, NULL) != SQLITE_OK) {
		rc = pl_store_db_err(st, err, "prepare");
		goto out;
	}
	sqlite3_bind_text(s, 1, page, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, visitor, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, (int)choice);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = pl_store_db_err(st, err, "cannot record the vote");
	else if (replaced)
		*replaced = prior >= 0;
out:
	sqlite3_finalize(s);
	return rc;
}

enum pl_rc
pl_store_vote_counts(struct pl_store *st, const char *page, const char *visitor,
                     int64_t counts[PL_VOTE_COUNT], int *mine, struct pl_err *err)
{
	sqlite3_stmt *s = NULL;
	enum pl_rc rc = PL_OK;
	int step;

	if (counts)
		memset(counts, 0, sizeof(int64_t) * PL_VOTE_COUNT);
	if (mine)
		*mine = -1;
	if (!st)
		return pl_err_set(err, PL_ERR_IO, "no database");
	if (!key_ok(page))
		return pl_err_set(err, PL_ERR_ARG, "no page");
	if (sqlite3_prepare_v2(st->db,
	                       "SELECT choice, count(*), sum(visitor = ?) FROM votes WHERE page = "
	                       "? GROUP BY choice",
	                       -1, &s, NULL) != SQLITE_OK) {
		rc = pl_store_db_err(st, err, "prepare");
		goto out;
	}
	sqlite3_bind_text(s, 1, visitor ? visitor : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, page, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int c = sqlite3_column_int(s, 0);

		if (c < 0 || c >= PL_VOTE_COUNT)
			continue;
		if (counts)
			counts[c] = sqlite3_column_int64(s, 1);
		if (mine && visitor && sqlite3_column_int64(s, 2) > 0)
			*mine = c;
	}
	if (step != SQLITE_DONE)
		rc = pl_store_db_err(st, err, "cannot count votes");
out:
	sqlite3_finalize(s);
	return rc;
}
