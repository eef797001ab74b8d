// SPDX-License-Identifier: MIT
/*
 * store.c - opening the store: an SQLite file (WAL mode, private file mode) or, for a
 * postgresql:// URL, a PostgreSQL connection (pg.c); then the schema is migrated
 * (migrate.c) the same way for both.
 *
 * synchronous=NORMAL in WAL mode survives a crash of the process (not of the machine)
 * without losing a committed row, which is what `scan --save` promises.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/datapath.h"
#include "store/store_impl.h"

enum pl_rc
pl_store_default_path(char *buf, size_t size, struct pl_err *err)
{
	return pli_data_path("portlens.db", buf, size, err);
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
		return st->db ? pli_store_db_err(st, err, "cannot open")
		              : pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	if (pli_store_register_order(st->db) != SQLITE_OK)
		return pli_store_db_err(st, err, "cannot register the address order");
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	rc = store_exec(st, "PRAGMA foreign_keys = ON", err);
	if (rc == PL_OK && !st->readonly)
		rc = store_exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err);
	if (rc == PL_OK)
		rc = store_migrate(st, err);
	return rc;
}

int
pl_store_is_url(const char *db)
{
	return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
}

/* Connects to PostgreSQL and migrates; read-only sessions refuse every write. */
static enum pl_rc
open_pg(const char *url, unsigned flags, struct pl_store **out, struct pl_err *err)
{
	struct pl_store *st = calloc(1, sizeof(*st));
	enum pl_rc rc;

	if (!st)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	st->backend = STORE_PG;
	st->readonly = (flags & PL_STORE_READONLY) != 0;
	rc = store_pg_connect(st, url, err);
	if (rc == PL_OK)
		rc = store_migrate(st, err);
	if (rc == PL_OK && st->readonly)
		rc = store_exec(st, "SET default_transaction_read_only = on", err);
	if (rc != PL_OK) {
		pl_store_close(st);
		return rc;
	}
	*out = st;
	return PL_OK;
}

enum pl_rc
pl_store_open(const char *path, unsigned flags, struct pl_store **out, struct pl_err *err)
{
	struct pl_store *st = NULL;
	enum pl_rc rc;

	if (!path || !*path || !out)
		return pl_err_set(err, PL_ERR_ARG, "no database path");
	if (pl_store_is_url(path))
		return open_pg(path, flags, out, err);
	if ((flags & PL_STORE_MKDIR) && !(flags & PL_STORE_READONLY)) {
		rc = pli_data_make_parent(path, err);
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
	if (st->pg)
		PQfinish(st->pg);
	free(st->path);
	free(st);
}

int
pl_store_schema_version(const struct pl_store *st)
{
	return st->version;
}

const char *
pl_store_backend(const struct pl_store *st)
{
	return st->backend == STORE_PG ? "postgresql" : "sqlite";
}

const char *
pl_store_where(const struct pl_store *st)
{
	return st->path;
}
