// SPDX-License-Identifier: MIT
/*
 * test_store_common.c - the store's behaviour that must not depend on the backend, run
 * against SQLite (a fresh file per test; suite unit) and, when PL_TEST_DB names a
 * PostgreSQL database, against that real server (tests/lab/store/with_pg.sh starts one
 * from Debian's postgresql and runs this binary; every test starts from an empty
 * schema). Covered: scans and results round trip and delete, a writer killed mid-scan
 * losing nothing it reported, result order, votes (one per visitor, concurrent voters
 * on their own connections, the vote names), upgrading a version-1 database through every
 * migration, refusing a newer one, watch events (a batch sent twice stored once, a rolled-back
 * batch leaving nothing), each machine's listeners replaced whole, the host list,
 * counts, and timelines built from saved scans and events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "portlens/store.h"

struct fixture {
	char dir[64];
	char db[512]; /* a file path, or the PostgreSQL URL */
	int pg;
};

static void
raw_exec(const struct fixture *f, const char *sql)
{
	if (f->pg) {
		PGconn *c = PQconnectdb(f->db);
		PGresult *r;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db = NULL;
		char *msg = NULL;

		assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("%s: %s", sql, msg);
		sqlite3_close(db);
	}
}

static int64_t
raw_int(const struct fixture *f, const char *sql)
{
	int64_t v = -1;

	if (f->pg) {
		PGconn *c = PQconnectdb(f->db);
		PGresult *r = PQexec(c, sql);

		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		assert_int_equal(PQntuples(r), 1);
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db = NULL;
		sqlite3_stmt *s = NULL;

		assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
	return v;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *url = getenv("PL_TEST_DB");

	snprintf(f->dir, sizeof(f->dir), "/tmp/pl-storec-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (url && pl_store_is_url(url)) {
		f->pg = 1;
		snprintf(f->db, sizeof(f->db), "%s", url);
		raw_exec(f, "DROP TABLE IF EXISTS events, listeners, votes, results, scans, "
		            "portlens_meta CASCADE");
	} else {
		snprintf(f->db, sizeof(f->db), "%s/portlens.db", f->dir);
	}
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

static struct pl_store *
open_store(const struct fixture *f)
{
	struct pl_store *st = NULL;
	struct pl_err err = {0};

	if (pl_store_open(f->db, PL_STORE_MKDIR, &st, &err) != PL_OK)
		fail_msg("open %s: %s", f->db, err.msg);
	assert_string_equal(pl_store_backend(st), f->pg ? "postgresql" : "sqlite");
	return st;
}

static void
test_scan_round_trip_and_delete(void **state)
{
	struct fixture *f = *state;
	struct pl_store_scan_meta meta = {.targets = "127.0.0.1/30",
	                                  .ports = "22,2323",
	                                  .engine = "connect",
	                                  .command = "portlens scan 127.0.0.1/30 -p 22,2323 --save",
	                                  .started_at = 1000};
	struct pl_store *st = open_store(f);
	struct pl_store_scan *list = NULL, one;
	struct pl_store_result_row *rows = NULL;
	struct pl_err err = {0};
	size_t n = 0;
	int64_t id = 0, id2 = 0;

	assert_int_equal(pl_store_schema_version(st), PL_STORE_SCHEMA_VERSION);
	assert_int_equal(pl_store_scan_begin(st, &meta, &id, &err), PL_OK);
	for (int i = 0; i < 3; i++) {
		struct pl_store_result r = {.addr = "127.0.0.1",
		                            .port = (uint16_t)(2321 + i),
		                            .proto = PL_PROTO_TCP,
		                            .state = i == 2 ? "open" : "closed",
		                            .service = i == 2 ? "3d-nfsd" : NULL,
		                            .banner = i == 2 ? "login:\t<script>\\\n" : NULL,
		                            .product = i == 2 ? "telnetd" : NULL,
		                            .version = i == 2 ? "0.17" : NULL,
		                            .cpe = i == 2 ? "cpe:/a:netkit:telnetd:0.17" : NULL,
		                            .rtt_us = i == 2 ? 42 : -1,
		                            .observed_at = 1001};

		assert_int_equal(pl_store_scan_add(st, id, &r, &err), PL_OK);
	}
	{
		struct pl_store_result bad[2] = {{.addr = "x", .state = "open"},
		                                 {.addr = "y", .state = "open"}};

		assert_int_equal(pl_store_scan_add(st, 999, &bad[0], &err), PL_ERR_NOTFOUND);
		assert_int_equal(pl_store_scan_add_many(st, 999, bad, 2, &err), PL_ERR_NOTFOUND);
		bad[0].addr = NULL;
		assert_int_equal(pl_store_scan_add(st, id, &bad[0], &err), PL_ERR_ARG);
	}
	assert_int_equal(pl_store_scan_finish(st, id, "done", &err), PL_OK);
	assert_int_equal(pl_store_scan_finish(st, 999, "done", &err), PL_ERR_NOTFOUND);
	assert_int_equal(pl_store_scan_begin(st, NULL, &id2, &err), PL_OK);
	assert_true(id2 > id);

	assert_int_equal(pl_store_scans_list(st, 10, &list, &n, &err), PL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id2);
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
	assert_string_equal(rows[2].banner, "login:\t<script>\\\n");
	assert_string_equal(rows[2].service, "3d-nfsd");
	assert_string_equal(rows[2].proto, "tcp");
	assert_string_equal(rows[2].product, "telnetd");
	assert_string_equal(rows[2].version, "0.17");
	assert_string_equal(rows[2].cpe, "cpe:/a:netkit:telnetd:0.17");
	assert_int_equal(rows[2].rtt_us, 42);
	assert_string_equal(rows[0].service, "");
	assert_string_equal(rows[0].product, "");
	pl_store_results_free(rows, n);
	assert_int_equal(pl_store_scan_results(st, id, 2, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].port, 2322);
	pl_store_results_free(rows, n);

	/* delete takes the results with it */
	assert_int_equal(pl_store_scan_delete(st, id, &err), PL_OK);
	assert_int_equal(pl_store_scan_delete(st, id, &err), PL_ERR_NOTFOUND);
	assert_int_equal(pl_store_scan_get(st, id, &one, &err), PL_ERR_NOTFOUND);
	pl_store_close(st);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM results"), 0);
}

/* The writer dies with SIGKILL after reporting 5 results: all 5 must be stored. */
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

	pl_store_close(open_store(f)); /* schema made before the child races */
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pl_store_scan_meta meta = {.targets = "127.0.0.1", .ports = "1-5"};
		struct pl_store_sink *sink = NULL;

		if (pl_store_sink_open(f->db, &meta, &sink, NULL) != PL_OK)
			_exit(3);
		for (int i = 1; i <= 5; i++) {
			struct pl_store_result r = {
			    .addr = "127.0.0.1", .port = (uint16_t)i, .state = "open"};

			if (pl_store_sink_add(sink, &r, NULL) != PL_OK)
				_exit(4);
		}
		if (write(pipefd[1], "x", 1) != 1)
			_exit(5);
		pause();
		_exit(6);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));

	st = open_store(f);
	assert_int_equal(pl_store_scans_list(st, 0, &list, &n, &err), PL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].status, "running");
	assert_int_equal(list[0].n_results, 5);
	assert_int_equal(list[0].n_open, 5);
	pl_store_scans_free(list, n);
	pl_store_close(st);
}

static void
test_result_order(void **state)
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
	static const size_t want[] = {4, 5, 3, 2, 0, 1};
	struct fixture *f = *state;
	struct pl_store *st = open_store(f);
	struct pl_store_result_row *rows = NULL;
	struct pl_store_result batch[6];
	struct pl_err err = {0};
	int64_t id = 0;
	size_t n = 0;

	assert_int_equal(pl_store_scan_begin(st, NULL, &id, &err), PL_OK);
	for (size_t i = 0; i < 6; i++)
		batch[i] = (struct pl_store_result){.addr = found[i].addr,
		                                    .port = found[i].port,
		                                    .proto = found[i].proto,
		                                    .state = "open",
		                                    .rtt_us = -1};
	/* a batch: COPY into PostgreSQL, one prepared statement into SQLite */
	assert_int_equal(pl_store_scan_add_many(st, id, batch, 6, &err), PL_OK);
	assert_int_equal(pl_store_scan_results(st, id, 0, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].addr, found[want[i]].addr);
		assert_int_equal(rows[i].port, found[want[i]].port);
		assert_string_equal(rows[i].proto, pl_proto_name(found[want[i]].proto));
	}
	pl_store_results_free(rows, n);
	pl_store_close(st);
}

static void
test_votes(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = open_store(f);
	struct pl_err err = {0};
	int64_t counts[PL_VOTE_COUNT];
	int replaced = -1, mine = 7;
	enum pl_vote v;

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
	assert_int_equal(raw_int(f, "SELECT count(*) FROM votes"), 3);
}

#define VOTERS     6
#define VOTES_EACH 30

struct voter {
	const char *db;
	int idx, failures;
};

static void *
voter_main(void *arg)
{
	struct voter *v = arg;
	struct pl_store *st = NULL;
	char visitor[32];

	if (pl_store_open(v->db, 0, &st, NULL) != PL_OK) {
		v->failures = VOTES_EACH;
		return NULL;
	}
	for (int i = 0; i < VOTES_EACH; i++) {
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
	struct pl_store *st = open_store(f);
	pthread_t th[VOTERS];
	struct voter v[VOTERS];
	int64_t counts[PL_VOTE_COUNT];

	for (int i = 0; i < VOTERS; i++) {
		v[i] = (struct voter){.db = f->db, .idx = i};
		assert_int_equal(pthread_create(&th[i], NULL, voter_main, &v[i]), 0);
	}
	for (int i = 0; i < VOTERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(v[i].failures, 0);
	}
	assert_int_equal(pl_store_vote_counts(st, "port/2323", NULL, counts, NULL, NULL), PL_OK);
	assert_int_equal(counts[0] + counts[1] + counts[2], VOTERS + 1);
	pl_store_close(st);
	assert_int_equal(raw_int(f, "SELECT count(DISTINCT visitor) FROM votes"), VOTERS + 1);
	if (!f->pg)
		assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_integrity_check WHERE "
		                            "integrity_check != 'ok'"),
		                 0);
}

struct deleter {
	const char *db;
	int64_t id;
	enum pl_rc rc;
};

static void *
deleter_main(void *arg)
{
	struct deleter *d = arg;
	struct pl_store *st = NULL;

	d->rc = pl_store_open(d->db, 0, &st, NULL);
	if (d->rc == PL_OK)
		d->rc = pl_store_scan_delete(st, d->id, NULL);
	pl_store_close(st);
	return NULL;
}

/* A scan deleted while another connection is adding its results (in a transaction not
 * yet committed) takes those results too once they are committed: the delete waits for
 * the writer (PostgreSQL: FOR UPDATE against the writer's FOR KEY SHARE, as there is no
 * foreign key since schema 6; SQLite: the write lock), and no result is left without its
 * scan. */
static void
test_delete_waits_for_writer(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = open_store(f);
	struct pl_store_result rows[2] = {{.addr = "198.19.0.1", .port = 22, .state = "open"},
	                                  {.addr = "198.19.0.1", .port = 80, .state = "open"}};
	struct deleter d = {.db = f->db, .rc = PL_ERR_IO};
	struct pl_err err = {0};
	char sql[120];
	pthread_t t;

	assert_int_equal(pl_store_scan_begin(st, NULL, &d.id, &err), PL_OK);
	assert_int_equal(pl_store_begin(st, &err), PL_OK);
	assert_int_equal(pl_store_scan_add_many(st, d.id, rows, 2, &err), PL_OK);
	assert_int_equal(pthread_create(&t, NULL, deleter_main, &d), 0);
	usleep(300 * 1000); /* the delete is under way, waiting for this transaction */
	assert_int_equal(pl_store_commit(st, &err), PL_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(d.rc, PL_OK);
	pl_store_close(st);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM results WHERE scan_id = %lld",
	         (long long)d.id);
	assert_int_equal(raw_int(f, sql), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM scans"), 0);
}

/* A version-1 database (scans and results only, one scan in it) is upgraded through
 * every migration; one newer than this build is refused. */
static void
test_upgrade_v1(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = NULL;
	struct pl_store_result_row *rows = NULL;
	struct pl_store_event ev = {.event_id = "m-1", .host = "m", .kind = "new", .at_ms = 5};
	struct pl_store_scan s;
	struct pl_err err = {0};
	size_t n = 0;

	if (f->pg)
		raw_exec(f, "CREATE TABLE scans (id BIGSERIAL PRIMARY KEY, targets TEXT NOT NULL "
		            "DEFAULT '', ports TEXT NOT NULL DEFAULT '', engine TEXT NOT NULL "
		            "DEFAULT '', command TEXT NOT NULL DEFAULT '', status TEXT NOT NULL "
		            "DEFAULT 'running', started_at BIGINT NOT NULL, finished_at BIGINT NOT "
		            "NULL DEFAULT 0); CREATE TABLE results (id BIGSERIAL PRIMARY KEY, "
		            "scan_id BIGINT NOT NULL REFERENCES scans(id) ON DELETE CASCADE, addr "
		            "TEXT NOT NULL, port INTEGER NOT NULL, proto TEXT NOT NULL, state TEXT "
		            "NOT NULL, service TEXT NOT NULL DEFAULT '', banner TEXT NOT NULL "
		            "DEFAULT '', rtt_us BIGINT NOT NULL DEFAULT -1, observed_at BIGINT NOT "
		            "NULL); CREATE INDEX results_scan ON results(scan_id, id);"
		            "CREATE TABLE portlens_meta (version INTEGER NOT NULL);"
		            "INSERT INTO portlens_meta VALUES (1);");
	else
		raw_exec(f,
		         "CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT, targets "
		         "TEXT NOT NULL DEFAULT '', ports TEXT NOT NULL DEFAULT '', engine TEXT "
		         "NOT NULL DEFAULT '', command TEXT NOT NULL DEFAULT '', status TEXT NOT "
		         "NULL DEFAULT 'running', started_at INTEGER NOT NULL, finished_at "
		         "INTEGER NOT NULL DEFAULT 0); CREATE TABLE results (id INTEGER PRIMARY "
		         "KEY AUTOINCREMENT, scan_id INTEGER NOT NULL REFERENCES scans(id) ON "
		         "DELETE CASCADE, addr TEXT NOT NULL, port INTEGER NOT NULL, proto TEXT "
		         "NOT NULL, state TEXT NOT NULL, service TEXT NOT NULL DEFAULT '', "
		         "banner TEXT NOT NULL DEFAULT '', rtt_us INTEGER NOT NULL DEFAULT -1, "
		         "observed_at INTEGER NOT NULL); CREATE INDEX results_scan ON "
		         "results(scan_id, id); PRAGMA user_version = 1;");
	raw_exec(f, "INSERT INTO scans(targets, started_at) VALUES ('127.0.0.1', 5);"
	            "INSERT INTO results(scan_id, addr, port, proto, state, banner, observed_at) "
	            "VALUES (1, '127.0.0.1', 22, 'tcp', 'open', 'SSH-2.0-x', 6);");
	assert_int_equal(pl_store_open(f->db, PL_STORE_READONLY, &st, &err), PL_ERR_IO);
	assert_non_null(strstr(err.msg, "needs migrating"));
	st = open_store(f);
	assert_int_equal(pl_store_schema_version(st), PL_STORE_SCHEMA_VERSION);
	assert_int_equal(pl_store_scan_get(st, 1, &s, &err), PL_OK);
	assert_string_equal(s.targets, "127.0.0.1");
	pl_store_scan_cleanup(&s);
	assert_int_equal(pl_store_scan_results(st, 1, 0, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].banner, "SSH-2.0-x");
	assert_string_equal(rows[0].product, "");
	assert_string_equal(rows[0].version, "");
	assert_string_equal(rows[0].cpe, "");
	pl_store_results_free(rows, n);
	/* what later migrations added works */
	assert_int_equal(pl_store_vote(st, "port/22", "v1", PL_VOTE_YES, NULL, &err), PL_OK);
	assert_int_equal(pl_store_events_add(st, &ev, 1, &err), PL_OK);
	/* schema 6 took PostgreSQL's foreign key from results: the writer checks the scan,
	 * and a delete still takes its results */
	assert_int_equal(
	    pl_store_scan_add(
	        st, 2, &(struct pl_store_result){.addr = "127.0.0.1", .state = "open"}, &err),
	    PL_ERR_NOTFOUND);
	assert_int_equal(pl_store_scan_delete(st, 1, &err), PL_OK);
	pl_store_close(st);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM results"), 0);
	if (f->pg)
		assert_int_equal(raw_int(f, "SELECT count(*) FROM pg_constraint WHERE conrelid = "
		                            "'results'::regclass AND contype = 'f'"),
		                 0);
	assert_int_equal(
	    raw_int(f, f->pg ? "SELECT version FROM portlens_meta" : "PRAGMA user_version"),
	    PL_STORE_SCHEMA_VERSION);
	/* opening again migrates nothing */
	pl_store_close(open_store(f));
	raw_exec(f, f->pg ? "UPDATE portlens_meta SET version = 99" : "PRAGMA user_version = 99");
	assert_int_equal(pl_store_open(f->db, 0, &st, &err), PL_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "newer"));
}

static void
test_events(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = open_store(f);
	struct pl_store_event ev[3] = {
	    {.event_id = "web1-1",
	     .host = "web1",
	     .at_ms = 1000,
	     .kind = "new",
	     .source = "bpf",
	     .proto = "tcp4",
	     .addr = "0.0.0.0",
	     .port = 8080,
	     .process = "python3\t\"x\"",
	     .pid = 42,
	     .detail = "NOT in the baseline",
	     .json = "{\"seq\":1}"},
	    {.event_id = "web1-2",
	     .host = "web1",
	     .at_ms = 2000,
	     .kind = "gone",
	     .port = 8080,
	     .proto = "tcp4"},
	    {.event_id = "db1-1",
	     .host = "db1",
	     .at_ms = 1500,
	     .kind = "new",
	     .port = 5432,
	     .proto = "tcp6"},
	};
	struct pl_store_event more[2] = {
	    ev[2],
	    {.event_id = "db1-2", .host = "db1", .at_ms = 3000, .kind = "gone", .port = 5432},
	};
	struct pl_store_event_row *rows = NULL;
	struct pl_err err = {0};
	size_t n = 0;

	assert_int_equal(pl_store_events_add(st, ev, 3, &err), PL_OK);
	/* sent again after a lost answer, with one new event: stored once */
	assert_int_equal(pl_store_events_add(st, more, 2, &err), PL_OK);
	assert_int_equal(pl_store_events_list(st, NULL, 0, 0, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].event_id, "db1-2"); /* newest first */
	assert_string_equal(rows[3].event_id, "web1-1");
	assert_string_equal(rows[3].process, "python3\t\"x\"");
	assert_int_equal(rows[3].pid, 42);
	assert_string_equal(rows[3].detail, "NOT in the baseline");
	pl_store_events_free(rows, n);
	assert_int_equal(pl_store_events_list(st, "web1", 0, 0, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 2);
	pl_store_events_free(rows, n);
	assert_int_equal(pl_store_events_list(st, NULL, 5432, 1, &rows, &n, &err), PL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].kind, "gone");
	pl_store_events_free(rows, n);

	/* a batch with an event without id is refused whole */
	more[0].event_id = "db1-3";
	more[1].event_id = NULL;
	assert_int_equal(pl_store_events_add(st, more, 2, &err), PL_ERR_ARG);
	/* a batch inside a transaction that is rolled back leaves nothing */
	more[1].event_id = "db1-4";
	assert_int_equal(pl_store_begin(st, &err), PL_OK);
	assert_int_equal(pl_store_events_add(st, more, 2, &err), PL_OK);
	pl_store_rollback(st);
	pl_store_close(st);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM events"), 4);
}

static void
test_listeners_hosts_counts(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = open_store(f);
	struct pl_store_listener l[3] = {
	    {.proto = "tcp4",
	     .addr = "0.0.0.0",
	     .port = 22,
	     .process = "sshd",
	     .pid = 1,
	     .baseline = 1},
	    {.proto = "tcp4",
	     .addr = "0.0.0.0",
	     .port = 8080,
	     .process = "python3",
	     .pid = 2,
	     .baseline = 0},
	    {.proto = "udp4", .addr = "127.0.0.1", .port = 53, .baseline = -1},
	};
	struct pl_store_event ev = {
	    .event_id = "web1-9", .host = "web1", .at_ms = 9000, .kind = "new", .port = 8080};
	struct pl_store_result r = {.addr = "198.18.0.5", .port = 443, .state = "open"};
	struct pl_store_listener_row *rows = NULL;
	struct pl_store_host *hosts = NULL;
	struct pl_store_counts c;
	struct pl_err err = {0};
	int64_t id;
	size_t n = 0;

	assert_int_equal(pl_store_listeners_set(st, "web1", 5000, l, 3, &err), PL_OK);
	assert_int_equal(pl_store_listeners_set(st, "db1", 6000, l, 1, &err), PL_OK);
	/* replaced whole: web1 now has two */
	assert_int_equal(pl_store_listeners_set(st, "web1", 7000, l + 1, 2, &err), PL_OK);
	assert_int_equal(pl_store_listeners_list(st, "web1", &rows, &n, &err), PL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].port, 53);
	assert_int_equal(rows[1].port, 8080);
	assert_string_equal(rows[1].process, "python3");
	assert_int_equal(rows[1].baseline, 0);
	assert_int_equal(rows[1].seen_ms, 7000);
	pl_store_listeners_free(rows, n);
	assert_int_equal(pl_store_listeners_set(st, "", 1, l, 1, &err), PL_ERR_ARG);
	assert_int_equal(pl_store_events_add(st, &ev, 1, &err), PL_OK);
	assert_int_equal(pl_store_scan_begin(st, NULL, &id, &err), PL_OK);
	assert_int_equal(pl_store_scan_add(st, id, &r, &err), PL_OK);

	assert_int_equal(pl_store_hosts(st, 0, &hosts, &n, &err), PL_OK);
	assert_int_equal(n, 3);
	assert_string_equal(hosts[0].host, "198.18.0.5");
	assert_int_equal(hosts[0].scans, 1);
	assert_int_equal(hosts[0].open_ports, 1);
	assert_string_equal(hosts[1].host, "db1");
	assert_int_equal(hosts[1].listeners, 1);
	assert_string_equal(hosts[2].host, "web1");
	assert_int_equal(hosts[2].listeners, 2);
	assert_int_equal(hosts[2].events, 1);
	assert_int_equal(hosts[2].last_ms, 9000);
	pl_store_hosts_free(hosts, n);

	assert_int_equal(pl_store_counts(st, &c, &err), PL_OK);
	assert_int_equal(c.scans, 1);
	assert_int_equal(c.scans_by_status[1], 1); /* running */
	assert_int_equal(c.results, 1);
	assert_int_equal(c.events, 1);
	assert_int_equal(c.events_by_kind[0], 1);
	assert_int_equal(c.listeners_by_flag[0], 1); /* db1's sshd */
	assert_int_equal(c.listeners_by_flag[1], 1);
	assert_int_equal(c.listeners_by_flag[2], 1);
	assert_int_equal(c.hosts, 3);
	pl_store_close(st);
}

/* Three scans of one host: 22 open throughout (version changes in the third), 80 opens
 * in the second, 443 closes in the second and is not reported by the third. */
static void
test_timeline(void **state)
{
	struct fixture *f = *state;
	struct pl_store *st = open_store(f);
	struct pl_store_change *c = NULL;
	struct pl_err err = {0};
	struct pl_store_event ev = {.event_id = "h-1",
	                            .host = "198.18.0.7",
	                            .at_ms = 2500000,
	                            .kind = "new",
	                            .proto = "tcp4",
	                            .addr = "0.0.0.0",
	                            .port = 8080,
	                            .process = "python3",
	                            .pid = 7};
	size_t n = 0;

	for (int s = 0; s < 3; s++) {
		struct pl_store_scan_meta meta = {.started_at = 1000 * (s + 1)};
		struct pl_store_result rows[3] = {
		    {.addr = "198.18.0.7",
		     .port = 22,
		     .state = "open",
		     .product = "OpenSSH",
		     .version = s == 2 ? "9.6" : "9.2"},
		    {.addr = "198.18.0.7", .port = 80, .state = s == 0 ? "closed" : "open"},
		    {.addr = "198.18.0.7", .port = 443, .state = s == 0 ? "open" : "closed"},
		};
		struct pl_store_result other = {.addr = "198.18.0.8", .port = 22, .state = "open"};
		int64_t id;

		assert_int_equal(pl_store_scan_begin(st, &meta, &id, &err), PL_OK);
		assert_int_equal(pl_store_scan_add_many(st, id, rows, s == 2 ? 2 : 3, &err), PL_OK);
		if (s == 0)
			assert_int_equal(pl_store_scan_add(st, id, &other, &err), PL_OK);
		assert_int_equal(pl_store_scan_finish(st, id, "done", &err), PL_OK);
	}
	assert_int_equal(pl_store_events_add(st, &ev, 1, &err), PL_OK);
	assert_int_equal(pl_store_timeline(st, "198.18.0.7", 0, 0, &c, &n, &err), PL_OK);
	/* newest first: 22 changed (scan 3), event, 80 opened + 443 closed (scan 2),
	 * 22 and 443 open at the first look (scan 1) */
	assert_int_equal(n, 6);
	assert_string_equal(c[0].kind, "changed");
	assert_int_equal(c[0].port, 22);
	assert_string_equal(c[0].detail, "OpenSSH 9.2 -> OpenSSH 9.6");
	assert_int_equal(c[0].scan_id, 3);
	assert_string_equal(c[1].kind, "new");
	assert_int_equal(c[1].scan_id, 0);
	assert_non_null(strstr(c[1].detail, "python3 (pid 7)"));
	assert_string_equal(c[2].kind, "opened");
	assert_int_equal(c[2].port, 80);
	assert_string_equal(c[3].kind, "closed");
	assert_int_equal(c[3].port, 443);
	assert_string_equal(c[3].detail, "closed");
	assert_string_equal(c[4].kind, "open");
	assert_string_equal(c[5].kind, "open");
	pl_store_changes_free(c, n);
	/* per port: 22 across both hosts */
	assert_int_equal(pl_store_timeline(st, NULL, 22, 0, &c, &n, &err), PL_OK);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].kind, "changed");
	pl_store_changes_free(c, n);
	assert_int_equal(pl_store_timeline(st, NULL, 0, 0, &c, &n, &err), PL_ERR_ARG);
	pl_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_scan_round_trip_and_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_mid_scan_loses_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_result_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_votes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_voters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_upgrade_v1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_delete_waits_for_writer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_listeners_hosts_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timeline, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
