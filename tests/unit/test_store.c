// SPDX-License-Identifier: MIT
/*
 * test_store.c - the SQLite store against real database files in a fresh temporary
 * directory: schema creation and WAL, migration from an older file, refusal of a newer
 * one, scans and results round trip, durability when the writer dies mid-scan (a forked
 * child killed with SIGKILL), one vote per visitor per page, and concurrent voters on
 * separate connections (threads) leaving consistent counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
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

static void
test_migrates_and_refuses_newer(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_store_scan s;
	struct pl_err err = {0};
	char path[160];

	/* A version-1 file (before votes existed) with one scan in it. */
	snprintf(path, sizeof(path), "%s/v1.db", f->dir);
	sql_exec(path, "CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT, targets TEXT "
	               "NOT NULL DEFAULT '', ports TEXT NOT NULL DEFAULT '', engine TEXT NOT NULL "
	               "DEFAULT '', command TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT "
	               "'running', started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL "
	               "DEFAULT 0); CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT, "
	               "scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE, addr TEXT "
	               "NOT NULL, port INTEGER NOT NULL, proto TEXT NOT NULL, state TEXT NOT NULL, "
	               "service TEXT NOT NULL DEFAULT '', banner TEXT NOT NULL DEFAULT '', rtt_us "
	               "INTEGER NOT NULL DEFAULT -1, observed_at INTEGER NOT NULL); INSERT INTO "
	               "scans(targets, started_at) VALUES ('127.0.0.1', 5); INSERT INTO "
	               "results(scan_id, addr, port, proto, state, banner, observed_at) VALUES "
	               "(1, '127.0.0.1', 22, 'tcp', 'open', 'SSH-2.0-x', 6); PRAGMA user_version = "
	               "1;");
	assert_int_equal(pl_store_open(path, PL_STORE_READONLY, &st, &err), PL_ERR_IO);
	assert_non_null(strstr(err.msg, "needs migrating"));
	assert_int_equal(pl_store_open(path, 0, &st, &err), PL_OK);
	assert_int_equal(pl_store_schema_version(st), PL_STORE_SCHEMA_VERSION);
	assert_int_equal(pl_store_scan_get(st, 1, &s, &err), PL_OK);
	assert_string_equal(s.targets, "127.0.0.1");
	pl_store_scan_cleanup(&s);
	/* The old result survives migration 2 -> 3, with no product, version or CPE. */
	{
		struct pl_store_result_row *rows = NULL;
		size_t n = 0;

		assert_int_equal(pl_store_scan_results(st, 1, 0, &rows, &n, &err), PL_OK);
		assert_int_equal(n, 1);
		assert_string_equal(rows[0].banner, "SSH-2.0-x");
		assert_string_equal(rows[0].product, "");
		assert_string_equal(rows[0].version, "");
		assert_string_equal(rows[0].cpe, "");
		pl_store_results_free(rows, n);
	}
	assert_int_equal(pl_store_vote(st, "port/22", "v1", PL_VOTE_YES, NULL, &err), PL_OK);
	pl_store_close(st);

	sql_exec(path, "PRAGMA user_version = 99");
	assert_int_equal(pl_store_open(path, 0, &st, &err), PL_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "newer"));

	/* Not a database at all. */
	snprintf(path, sizeof(path), "%s/junk.db", f->dir);
	sql_exec(path, "SELECT 1"); /* creates an empty file */
	{
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		fputs("this is not sqlite, just text long enough to be a header.........", fp);
		fclose(fp);
	}
	assert_int_equal(pl_store_open(path, 0, &st, &err), PL_ERR_IO);
}

static void
test_scan_round_trip(void **state)
{
	struct fixture *f = *state;
	struct pl_store_scan_meta meta = {.targets = "127.0.0.1/30",
	                                  .ports = "22,2323",
	                                  .engine = "connect",
	                                  .command = "portlens scan 127.0.0.1/30 -p 22,2323 --save",
	                                  .started_at = 1000};
	struct pl_store *st = NULL;
	struct pl_store_scan *list = NULL, one;
	struct pl_store_result_row *rows = NULL;
	struct pl_err err = {0};
	size_t n = 0;
	int64_t id = 0, id2 = 0;

	assert_int_equal(pl_store_open(f->path, PL_STORE_MKDIR, &st, &err), PL_OK);
	assert_int_equal(pl_store_scan_begin(st, &meta, &id, &err), PL_OK);
	for (int i = 0; i < 3; i++) {
		struct pl_store_result r = {.addr = "127.0.0.1",
		                            .port = (uint16_t)(2321 + i),
		                            .proto = PL_PROTO_TCP,
		                            .state = i == 2 ? "open" : "closed",
		                            .service = i == 2 ? "3d-nfsd" : NULL,
		                            .banner = i == 2 ? "login: <script>" : NULL,
		                            .product = i == 2 ? "telnetd" : NULL,
		                            .version = i == 2 ? "0.17" : NULL,
		                            .cpe = i == 2 ? "cpe:/a:netkit:telnetd:0.17" : NULL,
		                            .rtt_us = i == 2 ? 42 : -1,
		                            .observed_at = 1001};

		assert_int_equal(pl_store_scan_add(st, id, &r, &err), PL_OK);
	}
	{
		struct pl_store_result bad = {.addr = "x", .state = "open"};

		assert_int_equal(pl_store_scan_add(st, 999, &bad, &err), PL_ERR_NOTFOUND);
		bad.addr = NULL;
		assert_int_equal(pl_store_scan_add(st, id, &bad, &err), PL_ERR_ARG);
	}
	assert_int_equal(pl_store_scan_finish(st, id, "done", &err), PL_OK);
	assert_int_equal(pl_store_scan_finish(st, 999, "done", &err), PL_ERR_NOTFOUND);
	assert_int_equal(pl_store_scan_begin(st, NULL, &id2, &err), PL_OK);
	assert_true(id2 > id);

	assert_int_equal(pl_store_scans_list(st, 10, &list, &n, &err), PL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id2); /* newest first */
	assert_string_equal(list[0].status, "running");
	assert_int_equal(list[1].n_results, 3);
	assert_int_equal(list[1].n_open, 1);
	assert_string_equal(list[1].ports, "22,2323");
	pl_store_scans_free(list, n);

	assert_int_equal(pl_store_scan_get(st, id, &one, &err), PL_OK);
	assert_string_equal(one.status, "done");
	assert_int_equal(one.started_at, 1000);
	assert_true(one.finished_at > 0);
	pl_store_scan_cleanup(&one);
	assert_int_equal(pl_store_scan_get(st, 12345, &one, &err), PL_ERR_NOTFOUND);

	assert_int_equal(pl_store_scan_results(st, id, 0, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].port, 2321);
	assert_string_equal(rows[2].banner, "login: <script>");
	assert_string_equal(rows[2].service, "3d-nfsd");
	assert_string_equal(rows[2].proto, "tcp");
	assert_int_equal(rows[2].rtt_us, 42);
	assert_string_equal(rows[0].service, "");
	assert_string_equal(rows[2].product, "telnetd");
	assert_string_equal(rows[2].version, "0.17");
	assert_string_equal(rows[2].cpe, "cpe:/a:netkit:telnetd:0.17");
	assert_string_equal(rows[0].product, "");
	pl_store_results_free(rows, n);
	assert_int_equal(pl_store_scan_results(st, id, 2, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 2);
	pl_store_results_free(rows, n);
	pl_store_close(st);
}

/* The writer dies with SIGKILL after reporting 5 results: all 5 must be in the file. */
static void
test_crash_mid_scan_loses_nothing(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_store_scan *list = NULL;
	struct pl_err err = {0};
	size_t n = 0;
	int pipefd[2], status;
	pid_t pid;
	char c;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pl_store_scan_meta meta = {.targets = "127.0.0.1", .ports = "1-5"};
		struct pl_store_sink *sink = NULL;

		if (pl_store_sink_open(f->path, &meta, &sink, NULL) != PL_OK)
			_exit(3);
		for (int i = 1; i <= 5; i++) {
			struct pl_store_result r = {
			    .addr = "127.0.0.1", .port = (uint16_t)i, .state = "open"};

			if (pl_store_sink_add(sink, &r, NULL) != PL_OK)
				_exit(4);
		}
		if (write(pipefd[1], "x", 1) != 1)
			_exit(5);
		pause(); /* killed here, sink never closed */
		_exit(6);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));

	assert_int_equal(pl_store_open(f->path, 0, &st, &err), PL_OK);
	assert_int_equal(pl_store_scans_list(st, 0, &list, &n, &err), PL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].status, "running");
	assert_int_equal(list[0].n_results, 5);
	assert_int_equal(list[0].n_open, 5);
	pl_store_scans_free(list, n);
	pl_store_close(st);
}

static void
test_votes_one_per_visitor(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_err err = {0};
	int64_t counts[PL_VOTE_COUNT];
	int replaced = -1, mine = 7;
	enum pl_vote v;

	assert_int_equal(pl_store_open(f->path, PL_STORE_MKDIR, &st, &err), PL_OK);
	assert_int_equal(pl_store_vote(st, "port/2323", "alice", PL_VOTE_YES, &replaced, &err),
	                 PL_OK);
	assert_int_equal(replaced, 0);
	assert_int_equal(pl_store_vote(st, "port/2323", "alice", PL_VOTE_NO, &replaced, &err),
	                 PL_OK);
	assert_int_equal(replaced, 1);
	assert_int_equal(pl_store_vote(st, "port/2323", "bob", PL_VOTE_PARTLY, NULL, &err), PL_OK);
	assert_int_equal(pl_store_vote(st, "port/22", "alice", PL_VOTE_YES, NULL, &err), PL_OK);
	assert_int_equal(pl_store_vote_counts(st, "port/2323", "alice", counts, &mine, &err),
	                 PL_OK);
	assert_int_equal(counts[PL_VOTE_YES], 0);
	assert_int_equal(counts[PL_VOTE_PARTLY], 1);
	assert_int_equal(counts[PL_VOTE_NO], 1);
	assert_int_equal(mine, PL_VOTE_NO);
	assert_int_equal(pl_store_vote_counts(st, "port/2323", "carol", counts, &mine, &err),
	                 PL_OK);
	assert_int_equal(mine, -1);
	assert_int_equal(pl_store_vote(st, "", "x", PL_VOTE_YES, NULL, &err), PL_ERR_ARG);
	assert_int_equal(pl_store_vote(st, "p", "", PL_VOTE_YES, NULL, &err), PL_ERR_ARG);
	assert_int_equal(pl_store_vote(st, "p", "x", (enum pl_vote)3, NULL, &err), PL_ERR_ARG);
	assert_int_equal(pl_vote_parse("partly", &v), PL_OK);
	assert_int_equal(v, PL_VOTE_PARTLY);
	assert_int_equal(pl_vote_parse("maybe", &v), PL_ERR_PARSE);
	assert_string_equal(pl_vote_name(PL_VOTE_NO), "no");
	pl_store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM votes"), 3);
}

#define VOTERS     8
#define VOTES_EACH 40

struct voter {
	const char *path;
	int idx;
	int failures;
};

static void *
voter_main(void *arg)
{
	struct voter *v = arg;
	struct pl_store *st = NULL;
	char visitor[32];

	if (pl_store_open(v->path, 0, &st, NULL) != PL_OK) {
		v->failures = VOTES_EACH;
		return NULL;
	}
	for (int i = 0; i < VOTES_EACH; i++) {
		/* Half the votes come from one shared visitor, half from the thread's own. */
		snprintf(visitor, sizeof(visitor), i % 2 ? "shared" : "own-%d", v->idx);
		if (pl_store_vote(st, "port/2323", visitor, (enum pl_vote)(i % 3), NULL, NULL) !=
		    PL_OK)
			v->failures++;
	}
	pl_store_close(st);
	return NULL;
}

static void
test_concurrent_voters(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	pthread_t th[VOTERS];
	struct voter v[VOTERS];
	int64_t counts[PL_VOTE_COUNT];

	assert_int_equal(pl_store_open(f->path, PL_STORE_MKDIR, &st, NULL), PL_OK);
	for (int i = 0; i < VOTERS; i++) {
		v[i] = (struct voter){.path = f->path, .idx = i};
		assert_int_equal(pthread_create(&th[i], NULL, voter_main, &v[i]), 0);
	}
	for (int i = 0; i < VOTERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(v[i].failures, 0);
	}
	assert_int_equal(pl_store_vote_counts(st, "port/2323", NULL, counts, NULL, NULL), PL_OK);
	/* One row per distinct visitor: VOTERS own ids plus the shared one. */
	assert_int_equal(counts[0] + counts[1] + counts[2], VOTERS + 1);
	pl_store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(DISTINCT visitor) FROM votes"), VOTERS + 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM pragma_integrity_check WHERE "
	                                  "integrity_check != 'ok'"),
	                 0);
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

/* A new file is 0600 whatever the umask; results come back by host (numeric address
 * order, IPv4 first), transport as nmap lists them, then port; a NULL store answers
 * "no database" instead of crashing. */
static void
test_mode_and_result_order(void **state)
{
	static const struct {
		const char *addr;
		enum pl_proto proto;
		uint16_t port;
	} found[] = {
	    {"127.0.0.10", PL_PROTO_TCP, 80},  {"::1", PL_PROTO_TCP, 22},
	    {"127.0.0.9", PL_PROTO_UDP, 53},   {"127.0.0.9", PL_PROTO_TCP, 443},
	    {"127.0.0.2", PL_PROTO_TCP, 8080}, {"127.0.0.9", PL_PROTO_TCP, 22},
	};
	static const size_t want[] = {4, 5, 3, 2, 0, 1}; /* indexes into found */
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_store_result_row *rows = NULL;
	struct pl_store_scan *list = NULL;
	struct pl_err err = {0};
	struct stat sb;
	int64_t id = 0, counts[PL_VOTE_COUNT];
	mode_t old = umask(022);
	size_t n = 0;

	assert_int_equal(pl_store_open(f->path, PL_STORE_MKDIR, &st, &err), PL_OK);
	umask(old);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(pl_store_scan_begin(st, NULL, &id, &err), PL_OK);
	for (size_t i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
		struct pl_store_result r = {.addr = found[i].addr,
		                            .port = found[i].port,
		                            .proto = found[i].proto,
		                            .state = "open",
		                            .rtt_us = -1};

		assert_int_equal(pl_store_scan_add(st, id, &r, &err), PL_OK);
	}
	assert_int_equal(pl_store_scan_results(st, id, 0, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].addr, found[want[i]].addr);
		assert_int_equal(rows[i].port, found[want[i]].port);
		assert_string_equal(rows[i].proto, pl_proto_name(found[want[i]].proto));
	}
	pl_store_results_free(rows, n);
	pl_store_close(st);
	assert_int_equal(pl_store_scans_list(NULL, 5, &list, &n, &err), PL_ERR_IO);
	assert_int_equal(pl_store_vote_counts(NULL, "port/1", NULL, counts, NULL, &err), PL_ERR_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_creates_wal_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrates_and_refuses_newer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scan_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_mid_scan_loses_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_votes_one_per_visitor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_voters, setup, teardown),
	    cmocka_unit_test(test_default_path),
	    cmocka_unit_test_setup_teardown(test_mode_and_result_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
