// SPDX-License-Identifier: MIT
/*
 * store/migrate.c - the schema's history and the one loop that replays it, for SQLite
 * and PostgreSQL alike.
 *
 * MIGRATIONS is an ordered list: entry i takes the schema from version i to i + 1 and
 * has one script per backend (the dialects differ in ids: INTEGER PRIMARY KEY
 * AUTOINCREMENT against BIGSERIAL, and in types). Each step runs in its own transaction
 * together with the new version number, so a crash mid-migration leaves the previous
 * version whole. Where the version is kept: SQLite's PRAGMA user_version (the file
 * header), PostgreSQL's portlens_meta table. Writers serialise: SQLite by BEGIN
 * IMMEDIATE, PostgreSQL by a transaction-scoped advisory lock; the version is read
 * again under the lock because another process may have migrated meanwhile. A version
 * newer than this build knows is refused rather than guessed at.
 *
 * Adding a migration: append an entry and raise PL_STORE_SCHEMA_VERSION; never edit an
 * entry that has shipped (databases in the field have run it).
 */
#include <stdio.h>
#include <string.h>

#include "core/strnum.h"
#include "store/store_impl.h"

#define MIGRATE_LOCK_KEY 0x706c656e73LL /* "plens": the advisory lock for migrations */

struct migration {
	const char *what;
	const char *sql[2]; /* [STORE_SQLITE], [STORE_PG] */
};

#define RESULTS_V1_COLUMNS                                                                         \
	"  addr TEXT NOT NULL, port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"            \
	"  proto TEXT NOT NULL, state TEXT NOT NULL, service TEXT NOT NULL DEFAULT '',"            \
	"  banner TEXT NOT NULL DEFAULT '', rtt_us BIGINT NOT NULL DEFAULT -1,"                    \
	"  observed_at BIGINT NOT NULL);"
#define SCANS_V1_COLUMNS                                                                           \
	"  targets TEXT NOT NULL DEFAULT '', ports TEXT NOT NULL DEFAULT '',"                      \
	"  engine TEXT NOT NULL DEFAULT '', command TEXT NOT NULL DEFAULT '',"                     \
	"  status TEXT NOT NULL DEFAULT 'running',"                                                \
	"  started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL DEFAULT 0);"
#define EVENTS_V4_COLUMNS                                                                          \
	"  event_id TEXT NOT NULL UNIQUE, host TEXT NOT NULL, at_ms BIGINT NOT NULL,"              \
	"  kind TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', proto TEXT NOT NULL DEFAULT '',"   \
	"  addr TEXT NOT NULL DEFAULT '', port INTEGER NOT NULL DEFAULT 0,"                        \
	"  netns TEXT NOT NULL DEFAULT '', process TEXT NOT NULL DEFAULT '',"                      \
	"  pid BIGINT NOT NULL DEFAULT 0, username TEXT NOT NULL DEFAULT '',"                      \
	"  unit TEXT NOT NULL DEFAULT '', container TEXT NOT NULL DEFAULT '',"                     \
	"  detail TEXT NOT NULL DEFAULT '', json TEXT NOT NULL DEFAULT '');"
#define LISTENERS_V4                                                                               \
	"CREATE TABLE listeners (host TEXT NOT NULL, proto TEXT NOT NULL, addr TEXT NOT NULL,"     \
	"  port INTEGER NOT NULL, netns TEXT NOT NULL DEFAULT '',"                                 \
	"  process TEXT NOT NULL DEFAULT '', pid BIGINT NOT NULL DEFAULT 0,"                       \
	"  username TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '',"                      \
	"  container TEXT NOT NULL DEFAULT '', baseline INTEGER NOT NULL DEFAULT -1,"              \
	"  seen_ms BIGINT NOT NULL);"                                                              \
	"CREATE INDEX listeners_host ON listeners(host, port);"                                    \
	"CREATE INDEX events_host ON events(host, at_ms);"                                         \
	"CREATE INDEX events_port ON events(port, at_ms);"                                         \
	"CREATE INDEX results_addr ON results(addr, scan_id);"

/* A host's timeline reads the rows of the ports that were ever open on it (a few of
 * 100,000): found by (addr, state), then read by (addr, port, proto). */
#define RESULTS_V5_INDEXES                                                                         \
	"DROP INDEX results_addr;"                                                                 \
	"CREATE INDEX results_addr ON results(addr, port, proto, scan_id);"                        \
	"CREATE INDEX results_open ON results(addr, state, port, proto);"

/*
 * PostgreSQL checked every results row against scans (a foreign-key trigger per row:
 * half of an import's server time) and kept two indexes by id. The writer now checks the
 * scan once per batch under a row lock and deletes a scan's results itself (scans.c,
 * txn.c); (scan_id, id) becomes the primary key. SQLite's per-row check costs little:
 * it keeps its foreign key, so there is nothing to change there.
 */
#define RESULTS_V6_PG                                                                              \
	"ALTER TABLE results DROP CONSTRAINT results_scan_id_fkey;"                                \
	"ALTER TABLE results DROP CONSTRAINT results_pkey, ADD PRIMARY KEY (scan_id, id);"         \
	"DROP INDEX results_scan;"

/* A host's timeline (timeline.c) walks the address's scans by (addr, scan_id), which
 * also finds the one row at a scan that closed a port, and reads the open rows at each
 * scan with what a "changed" compares (a partial index: a port scan's rows are nearly
 * all closed, and those are neither in it nor read). */
#define RESULTS_V7_INDEXES                                                                         \
	"DROP INDEX results_open;"                                                                 \
	"DROP INDEX results_addr;"                                                                 \
	"CREATE INDEX results_addr ON results(addr, scan_id, port, proto);"                        \
	"CREATE INDEX results_open ON results(addr, scan_id, port, proto, product, version) "      \
	"WHERE state = 'open';"

static const struct migration migrations[PL_STORE_SCHEMA_VERSION] = {
    {.what = "scans and their results",
     .sql =
         {[STORE_SQLITE] =
              "CREATE TABLE scans (id INTEGER PRIMARY KEY AUTOINCREMENT," SCANS_V1_COLUMNS
              "CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT,"
              "  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE "
              "CASCADE," RESULTS_V1_COLUMNS "CREATE INDEX results_scan ON results(scan_id, id);",
          [STORE_PG] =
              "CREATE TABLE scans (id BIGSERIAL PRIMARY KEY," SCANS_V1_COLUMNS
              "CREATE TABLE results (id BIGSERIAL PRIMARY KEY,"
              "  scan_id BIGINT NOT NULL REFERENCES scans(id) ON DELETE CASCADE," RESULTS_V1_COLUMNS
              "CREATE INDEX results_scan ON results(scan_id, id);"}},
    {.what = "the feedback widget's votes",
     .sql = {[STORE_SQLITE] = "CREATE TABLE votes (page TEXT NOT NULL, visitor TEXT NOT NULL,"
                              "  choice INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 2),"
                              "  voted_at INTEGER NOT NULL,"
                              "  PRIMARY KEY (page, visitor)) WITHOUT ROWID;"
                              "CREATE INDEX votes_page ON votes(page, choice);",
             [STORE_PG] = "CREATE TABLE votes (page TEXT NOT NULL, visitor TEXT NOT NULL,"
                          "  choice INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 2),"
                          "  voted_at BIGINT NOT NULL, PRIMARY KEY (page, visitor));"
                          "CREATE INDEX votes_page ON votes(page, choice);"}},
    {.what = "what service detection found, beside the banner",
     .sql = {[STORE_SQLITE] = "ALTER TABLE results ADD COLUMN product TEXT NOT NULL DEFAULT '';"
                              "ALTER TABLE results ADD COLUMN version TEXT NOT NULL DEFAULT '';"
                              "ALTER TABLE results ADD COLUMN cpe TEXT NOT NULL DEFAULT '';",
             [STORE_PG] = "ALTER TABLE results ADD COLUMN product TEXT NOT NULL DEFAULT '',"
                          "  ADD COLUMN version TEXT NOT NULL DEFAULT '',"
                          "  ADD COLUMN cpe TEXT NOT NULL DEFAULT '';"}},
    {.what = "watch events, each machine's listeners, results by address",
     .sql = {[STORE_SQLITE] =
                 "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT," EVENTS_V4_COLUMNS
                     LISTENERS_V4,
             [STORE_PG] =
                 "CREATE TABLE events (id BIGSERIAL PRIMARY KEY," EVENTS_V4_COLUMNS LISTENERS_V4}},
    {.what = "indexes for a host's timeline: its ports, and the ones ever open",
     .sql = {[STORE_SQLITE] = RESULTS_V5_INDEXES, [STORE_PG] = RESULTS_V5_INDEXES}},
    {.what = "results checked against their scan once per batch, not per row",
     .sql = {[STORE_SQLITE] = "SELECT 1;", [STORE_PG] = RESULTS_V6_PG}},
    {.what = "indexes for a host's timeline: its scans, and its open rows only",
     .sql = {[STORE_SQLITE] = RESULTS_V7_INDEXES, [STORE_PG] = RESULTS_V7_INDEXES}},
};

static enum pl_rc
read_version(struct pl_store *st, struct pl_err *err)
{
	struct store_q *q = NULL;
	enum pl_rc rc;
	int row = 0;

	rc = sq_prepare(st,
	                st->backend == STORE_PG ? "SELECT version FROM portlens_meta"
	                                        : "PRAGMA user_version",
	                &q, err);
	if (rc == PL_OK)
		rc = sq_step(q, &row, err);
	if (rc != PL_OK && st->backend == STORE_SQLITE)
		rc = pli_store_db_err(st, err, "not a readable SQLite database");
	st->version = rc == PL_OK && row ? (int)sq_int(q, 0) : 0;
	sq_finish(q);
	return rc;
}

/* Takes the writers' lock; for PostgreSQL also makes sure the version table exists. */
static enum pl_rc
lock_schema(struct pl_store *st, struct pl_err *err)
{
	char sql[200];
	enum pl_rc rc;

	if (st->backend == STORE_SQLITE)
		return store_exec(st, "BEGIN IMMEDIATE", err);
	snprintf(sql, sizeof(sql),
	         "BEGIN; SELECT pg_advisory_xact_lock(%lld);"
	         "CREATE TABLE IF NOT EXISTS portlens_meta (version INTEGER NOT NULL)",
	         MIGRATE_LOCK_KEY);
	rc = store_exec(st, sql, err);
	if (rc != PL_OK)
		store_exec(st, "ROLLBACK", NULL);
	return rc;
}

static enum pl_rc
write_version(struct pl_store *st, int v, struct pl_err *err)
{
	char sql[120];

	if (st->backend == STORE_SQLITE)
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	else
		snprintf(sql, sizeof(sql),
		         "DELETE FROM portlens_meta; INSERT INTO portlens_meta VALUES (%d)", v);
	return store_exec(st, sql, err);
}

/* Runs migration st->version -> st->version + 1 unless another process did. */
static enum pl_rc
step(struct pl_store *st, struct pl_err *err)
{
	enum pl_rc rc = lock_schema(st, err);
	int from;

	if (rc != PL_OK)
		return rc;
	rc = read_version(st, err);
	from = st->version;
	if (rc == PL_OK && from < PL_STORE_SCHEMA_VERSION && !migrations[from].sql[st->backend])
		rc = pl_err_set(err, PL_ERR_UNSUPPORTED, "%s: no migration to schema %d", st->path,
		                from + 1); /* a list with a hole: never write the version then */
	if (rc == PL_OK && from < PL_STORE_SCHEMA_VERSION) {
		struct pl_err why = {0};

		rc = store_exec(st, migrations[from].sql[st->backend], &why);
		if (rc != PL_OK)
			pl_err_set(err, rc, "%s: migrating to schema %d (%s): %s", st->path,
			           from + 1, migrations[from].what, why.msg);
		else
			rc = write_version(st, from + 1, err);
	}
	if (rc != PL_OK) {
		store_exec(st, "ROLLBACK", NULL);
		return rc;
	}
	rc = store_exec(st, "COMMIT", err);
	if (rc == PL_OK)
		rc = read_version(st, err);
	return rc;
}

enum pl_rc
store_migrate(struct pl_store *st, struct pl_err *err)
{
	enum pl_rc rc;

	rc = read_version(st, err);
	if (rc != PL_OK && st->backend == STORE_PG) {
		/* a database portlens never wrote to: no portlens_meta yet */
		st->version = 0;
		rc = PL_OK;
	}
	if (rc != PL_OK)
		return rc;
	if (st->version > PL_STORE_SCHEMA_VERSION)
		return pl_err_set(err, PL_ERR_UNSUPPORTED,
		                  "%s: schema version %d is newer than this portlens knows (%d)",
		                  st->path, st->version, PL_STORE_SCHEMA_VERSION);
	while (st->version < PL_STORE_SCHEMA_VERSION) {
		int before = st->version;

		if (st->readonly)
			return pl_err_set(err, PL_ERR_IO,
			                  "%s: schema version %d needs migrating; open it for "
			                  "writing once",
			                  st->path, st->version);
		rc = step(st, err);
		if (rc != PL_OK)
			return rc;
		if (st->version <= before)
			return pl_err_set(err, PL_ERR_IO, "%s: schema version stuck at %d",
			                  st->path, before);
		if (st->version > PL_STORE_SCHEMA_VERSION)
			return pl_err_set(err, PL_ERR_UNSUPPORTED,
			                  "%s: schema version %d is newer than this portlens knows",
			                  st->path, st->version);
	}
	return PL_OK;
}
