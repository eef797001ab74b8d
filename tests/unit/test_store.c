// SPDX-License-Identifier: MIT
/*
 * test_store.c - what only the SQLite store does, against real database files in a fresh
 * temporary directory: the file and its directories made on request, WAL, a read-only
 * reopen, a file that is not a database refused, the new file's mode (0600 whatever the
 * umask), the default path under XDG_DATA_HOME or HOME, and a NULL store answering "no
 * database". Everything a store does whichever the backend (scans, results, votes,
 * migrations, events, timelines) is in test_store_common.c, which runs on SQLite in
 * this suite and on PostgreSQL in the lab suite.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "portlens/store.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/pl-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/sub/dir/portlens.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void
test_open_creates_wal_schema(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_err err = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	assert_int_equal(pl_store_open(f->path, 0, &st, &err), PL_ERR_IO); /* no dir, no MKDIR */
	assert_int_equal(pl_store_open(f->path, PL_STORE_MKDIR, &st, &err), PL_OK);
	assert_int_equal(pl_store_schema_version(st), PL_STORE_SCHEMA_VERSION);
	pl_store_close(st);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), PL_STORE_SCHEMA_VERSION);
	/* Reopening an up-to-date file changes nothing; read-only works too. */
	assert_int_equal(pl_store_open(f->path, PL_STORE_READONLY, &st, &err), PL_OK);
	pl_store_close(st);
	pl_store_close(NULL);
}

/* A file that is not SQLite is refused with an error, not taken over. */
static void
test_not_a_database(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_err err = {0};
	char path[160];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/junk.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not sqlite, just text long enough to be a header.........", fp);
	fclose(fp);
	assert_int_equal(pl_store_open(path, 0, &st, &err), PL_ERR_IO);
}

static void
test_default_path(void **state)
{
	char buf[256];
	char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	(void)state;
	setenv("XDG_DATA_HOME", "/x/data", 1);
	assert_int_equal(pl_store_default_path(buf, sizeof(buf), NULL), PL_OK);
	assert_string_equal(buf, "/x/data/portlens/portlens.db");
	setenv("XDG_DATA_HOME", "relative", 1); /* not absolute: ignored, as the spec says */
	setenv("HOME", "/home/u", 1);
	assert_int_equal(pl_store_default_path(buf, sizeof(buf), NULL), PL_OK);
	assert_string_equal(buf, "/home/u/.local/share/portlens/portlens.db");
	assert_int_equal(pl_store_default_path(buf, 10, NULL), PL_ERR_LIMIT);
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_int_equal(pl_store_default_path(buf, sizeof(buf), NULL), PL_ERR_NOTFOUND);
	if (old_xdg)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

/* A new file is 0600 whatever the umask; a NULL store answers "no database" instead of
 * crashing. */
static void
test_file_mode_and_no_store(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_store_scan *list = NULL;
	struct pl_err err = {0};
	struct stat sb;
	int64_t counts[PL_VOTE_COUNT];
	mode_t old = umask(022);
	size_t n = 0;

	assert_int_equal(pl_store_open(f->path, PL_STORE_MKDIR, &st, &err), PL_OK);
	umask(old);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	pl_store_close(st);
	assert_int_equal(pl_store_scans_list(NULL, 5, &list, &n, &err), PL_ERR_IO);
	assert_int_equal(pl_store_vote_counts(NULL, "port/1", NULL, counts, NULL, &err), PL_ERR_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_wal_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
	    cmocka_unit_test(test_default_path),
	    cmocka_unit_test_setup_teardown(test_file_mode_and_no_store, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
