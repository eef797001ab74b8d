# SPDX-License-Identifier: MIT
# pg_server.sh - sourced by the store tests and benches: starts a private PostgreSQL
# server from Debian's postgresql (initdb into a fresh temporary directory as the
# postgres user, pg_ctl start listening on a unix socket in that directory only, no
# TCP) and stops it, removing the directory, when the calling script exits.
# After sourcing: $PG_DIR, $PG_URL (a libpq URI), pg_psql SQL (runs one statement, -At).
# Exits 77 (skip) when not root or when postgresql is not installed.
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (initdb as the postgres user)"; exit 77; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] && id postgres >/dev/null 2>&1 ||
	{ echo "SKIP: Debian's postgresql is not installed"; exit 77; }
PG_DIR=$(mktemp -d /tmp/portlens-pg.XXXXXX)
chown postgres "$PG_DIR"
pg_server_stop() {
	su postgres -c "$PGBIN/pg_ctl -D $PG_DIR/data -m immediate -w stop" >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
}
trap pg_server_stop EXIT
su postgres -c "$PGBIN/initdb -D $PG_DIR/data -A trust -U postgres" >"$PG_DIR/initdb.log" 2>&1 ||
	{ cat "$PG_DIR/initdb.log"; echo "FAIL: initdb" >&2; exit 1; }
su postgres -c "$PGBIN/pg_ctl -D $PG_DIR/data -o \"-k $PG_DIR -c listen_addresses=''\" -l $PG_DIR/server.log -w start" \
	>/dev/null || { cat "$PG_DIR/server.log"; echo "FAIL: pg_ctl start" >&2; exit 1; }
PG_URL="postgresql:///postgres?host=$PG_DIR&user=postgres"
pg_psql() { su postgres -c "psql -h $PG_DIR -U postgres -AtqX -c \"$1\" postgres"; }
