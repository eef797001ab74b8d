// SPDX-License-Identifier: MIT
/*
 * store.c - opening the SQLite store, WAL mode and schema migrations.
 *
 * Migrations are an ordered array of SQL scripts; migration i takes the schema from
 * version i to i + 1 inside one transaction, and PRAGMA user_version records how far a
 * file has come. A file whose version is newer than this build knows is refused rather
 * than guessed at. synchronous=NORMAL in WAL mode survives a crash of the process (not
 * of the machine) without losing a committed row, which is what `scan --save` promises.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_impl.h"

static const char *const migrations[PL_STORE_SCHEMA_VERSION] = {
    /* 0 -> 1: scans and their results. */
    "CREATE TABLE scans ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  targets TEXT NOT NULL DEFAULT '', ports TEXT NOT NULL DEFAULT '',"
    "  engine TEXT NOT NULL DEFAULT '', command TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'running',"
    "  started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE results ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
    "  addr TEXT NOT NULL, port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
    "  proto TEXT NOT NULL, state TEXT NOT NULL, service TEXT NOT NULL DEFAULT '',"
    "  banner TEXT NOT NULL DEFAULT '', rtt_us INTEGER NOT NULL DEFAULT -1,"
    "  observed_at INTEGER NOT NULL);"
    "CREATE INDEX results_scan ON results(scan_id, id);",
    /* 1 -> 2: the feedback widget. */
    "CREATE TABLE votes ("
    "  page TEXT NOT NULL, visitor TEXT NOT NULL,"
    "  choice INTEGER NOT NULL CHECK (choice BETWEEN 0 AND 2),"
    "  voted_at INTEGER NOT NULL,"
    "  PRIMARY KEY (page, visitor)) WITHOUT ROWID;"
    "CREATE INDEX votes_page ON votes(page, choice);",
    /* 2 -> 3: what service detection found, beside the banner. */
    "ALTER TABLE results ADD COLUMN product TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE results ADD COLUMN version TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE results ADD COLUMN cpe TEXT NOT NULL DEFAULT '';",
};

enum pl_rc
pl_store_db_err(struct pl_store *st, struct pl_err *err, const char *what)
{
	int code = sqlite3_errcode(st->db);

	return pl_err_set(err, code == SQLITE_NOMEM ? PL_ERR_NOMEM : PL_ERR_IO, "%s: %s: %s",
	                  st->path, what, sqlite3_errmsg(st->db));
}

enum pl_rc
pl_store_exec(struct pl_store *st, const char *sql, struct pl_err *err)
{
	char *msg = NULL;
	enum pl_rc rc = PL_OK;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		rc = pl_err_set(err, PL_ERR_IO, "%s: %s", st->path, msg ? msg : "sqlite error");
	sqlite3_free(msg);
	return rc;
}

enum pl_rc
pl_store_default_path(char *buf, size_t size, struct pl_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/portlens/portlens.db", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.local/share/portlens/portlens.db", home);
	else
		return pl_err_set(
		    err, PL_ERR_NOTFOUND,
		    "no place for the database: neither XDG_DATA_HOME nor HOME is set");
	if (n < 0 || (size_t)n >= size)
		return pl_err_set(err, PL_ERR_LIMIT, "database path too long");
	return PL_OK;
}

/* mkdir -p of the directory part of path, mode 0700 for the directories it creates. */
static enum pl_rc
make_parent(const char *path, struct pl_err *err)
{
	char dir[4096];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return pl_err_set(err, PL_ERR_LIMIT, "database path too long");
	memcpy(dir, path, len + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			int e = errno;
			enum pl_rc rc =
			    pl_err_set(err, PL_ERR_IO, "cannot create %s: %s", dir, strerror(e));

			if (err)
				err->sys_errno = e;
			return rc;
		}
		*p = '/';
	}
	return PL_OK;
}

/*
 * Creates the database file with mode 0600 when it does not exist yet, so the scans and
 * votes it will hold are the owner's alone whatever the umask or the directory (SQLite
 * gives the -wal and -shm files the mode of the database file). An existing file keeps
 * the mode its owner gave it. O_NOFOLLOW: a symlink planted at the path is refused.
 */
static enum pl_rc
create_private(const char *path, struct pl_err *err)
{
	int e, fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd >= 0) {
		close(fd);
		return PL_OK;
	}
	e = errno;
	if (e == EEXIST)
		return PL_OK;
	pl_err_set(err, PL_ERR_IO, "cannot create %s: %s", path, strerror(e));
	if (err)
		err->sys_errno = e;
	return PL_ERR_IO;
}

static enum pl_rc
read_version(struct pl_store *st, struct pl_err *err)
{
	sqlite3_stmt *s = NULL;
	enum pl_rc rc = PL_OK;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		rc = pl_store_db_err(st, err, "not a readable SQLite database");
		goto out;
	}
	st->version = sqlite3_column_int(s, 0);
out:
	sqlite3_finalize(s);
	return rc;
}

static enum pl_rc
migrate(struct pl_store *st, struct pl_err *err)
{
	enum pl_rc rc;

	rc = read_version(st, err);
	if (rc != PL_OK)
		return rc;
	if (st->version > PL_STORE_SCHEMA_VERSION)
		return pl_err_set(err, PL_ERR_UNSUPPORTED,
		                  "%s: schema version %d is newer than this portlens knows (%d)",
		                  st->path, st->version, PL_STORE_SCHEMA_VERSION);
	while (st->version < PL_STORE_SCHEMA_VERSION) {
		char pragma[64];

		if (st->readonly)
			return pl_err_set(err, PL_ERR_IO,
			                  "%s: schema version %d needs migrating; open it for "
			                  "writing once",
			                  st->path, st->version);
		rc = pl_store_exec(st, "BEGIN IMMEDIATE", err);
		if (rc != PL_OK)
			return rc;
		/* Another process may have migrated while we waited for the lock. */
		rc = read_version(st, err);
		if (rc == PL_OK && st->version < PL_STORE_SCHEMA_VERSION) {
			snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			         st->version + 1);
			rc = pl_store_exec(st, migrations[st->version], err);
			if (rc == PL_OK)
				rc = pl_store_exec(st, pragma, err);
		}
		if (rc != PL_OK) {
			pl_store_exec(st, "ROLLBACK", NULL);
			return rc;
		}
		rc = pl_store_exec(st, "COMMIT", err);
		if (rc != PL_OK)
			return rc;
		rc = read_version(st, err);
		if (rc != PL_OK)
			return rc;
	}
	return PL_OK;
}

/*
 * "file:PATH?immutable=1" for a read-only database in a place nobody can write: SQLite
 * then needs no -shm file (which a WAL database otherwise needs and cannot create there).
 * Percent-encodes what a URI path cannot hold as is.
 */
static char *
immutable_uri(const char *path)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *u = malloc(5 + 3 * n + 13), *o = u;

	if (!u)
		return NULL;
	memcpy(o, "file:", 5);
	o += 5;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '?' || *p == '#' || *p == '%' || *p < 0x20 || *p >= 0x7f) {
			*o++ = '%';
			*o++ = hexd[*p >> 4];
			*o++ = hexd[*p & 15];
		} else {
			*o++ = (char)*p;
		}
	}
	memcpy(o, "?immutable=1", 13);
	return u;
}

/* Opens st->db and brings the schema up to date; immutable only for read-only stores. */
static enum pl_rc
connect_db(struct pl_store *st, int immutable, struct pl_err *err)
{
	int oflags = SQLITE_OPEN_NOMUTEX;
	char *uri = NULL;
	enum pl_rc rc;
	int src;

	oflags |= st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (immutable && !(uri = immutable_uri(st->path)))
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	src = sqlite3_open_v2(uri ? uri : st->path, &st->db, oflags | (uri ? SQLITE_OPEN_URI : 0),
	                      NULL);
	free(uri);
	if (src != SQLITE_OK)
		return st->db ? pl_store_db_err(st, err, "cannot open")
		              : pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (pl_store_register_order(st->db) != SQLITE_OK)
		return pl_store_db_err(st, err, "cannot register the address order");
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	rc = pl_store_exec(st, "PRAGMA foreign_keys = ON", err);
	if (rc == PL_OK && !st->readonly)
		rc = pl_store_exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
		                   err);
	if (rc == PL_OK)
		rc = migrate(st, err);
	return rc;
}

enum pl_rc
pl_store_open(const char *path, unsigned flags, struct pl_store **out, struct pl_err *err)
{
	struct pl_store *st = NULL;
	enum pl_rc rc;

	if (!path || !*path || !out)
		return pl_err_set(err, PL_ERR_ARG, "no database path");
	if ((flags & PL_STORE_MKDIR) && !(flags & PL_STORE_READONLY)) {
		rc = make_parent(path, err);
		if (rc != PL_OK)
			return rc;
	}
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		rc = pl_err_set(err, PL_ERR_NOMEM, "out of memory");
		goto out;
	}
	st->readonly = (flags & PL_STORE_READONLY) != 0;
	if (!st->readonly) {
		rc = create_private(path, err);
		if (rc != PL_OK)
			goto out;
	}
	rc = connect_db(st, 0, err);
	if (rc != PL_OK && st->readonly && st->db &&
	    (sqlite3_errcode(st->db) & 0xff) == SQLITE_CANTOPEN) {
		/* A WAL file in a read-only place (no -shm there, none can be made). */
		sqlite3_close(st->db);
		st->db = NULL;
		rc = connect_db(st, 1, err);
	}
out:
	if (rc != PL_OK) {
		pl_store_close(st);
		return rc;
	}
	*out = st;
	return PL_OK;
}

void
pl_store_close(struct pl_store *st)
{
	if (!st)
		return;
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
pl_store_schema_version(const struct pl_store *st)
{
	return st->version;
}

char *
pl_store_col_dup(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return strdup(t ? (const char *)t : "");
}
