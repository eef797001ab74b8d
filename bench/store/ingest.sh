#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/store/ingest.sh - ingesting N scan results (default 1,000,000) with `portlens
# import` into SQLite and into PostgreSQL (COPY), side by side in one run, with the
# PostgreSQL server started here (initdb + pg_ctl on a unix socket in a temporary
# directory). Prints rows/s of each (wall clock, parse included) and the parse-only time
# (`portlens diff -q FILE FILE` reads the file twice). Peer for SQLite: sqlite3's own
# `.import` of the same rows as CSV, when the sqlite3 shell is installed.
# Usage: bench/store/ingest.sh [PORTLENS]   N=1000000
set -euo pipefail
cd "$(dirname "$0")/../.."
PL=$(readlink -f "${1:-build/src/cli/portlens}")
N=${N:-1000000}
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (initdb as postgres)" >&2; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/portlens-bench-store.XXXXXX)
chown postgres "$D"
cleanup() {
	su postgres -c "$PGBIN/pg_ctl -D $D/data -m immediate -w stop" >/dev/null 2>&1 || true
	rm -rf "$D"
}
trap cleanup EXIT
su postgres -c "$PGBIN/initdb -D $D/data -A trust -U postgres" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $D/data -o \"-k $D -c listen_addresses=''\" -l $D/log -w start" >/dev/null
python3 - "$D/rows.json" "$D/rows.csv" "$N" <<'PY'
import sys
n = int(sys.argv[3])
with open(sys.argv[1], "w") as j, open(sys.argv[2], "w") as c:
    for i in range(n):
        a = "198.19.%d.%d" % (i >> 8 & 255, i & 255)
        p = 1 + i % 65535
        j.write('{"type":"result","host":"%s","port":%d,"proto":"tcp","state":"open","service":"x"}\n' % (a, p))
        c.write("%d,%s,%d,tcp,open,x\n" % (i, a, p))
PY
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); python3 -c "print('%.2f' % ($e - $s))"; }
parse=$(t "$PL" diff -q "$D/rows.json" "$D/rows.json")
sq=$(t "$PL" import --db "$D/s.db" "$D/rows.json")
pg=$(t "$PL" import --db "postgresql:///postgres?host=$D&user=postgres" "$D/rows.json")
rate() { python3 -c "print('%d' % ($N / $1))"; }
echo "portlens import, $N results: SQLite ${sq} s ($(rate "$sq") rows/s), PostgreSQL ${pg} s ($(rate "$pg") rows/s); parsing the file twice: ${parse} s"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$D/peer.db" "CREATE TABLE r(id INTEGER PRIMARY KEY, addr TEXT, port INTEGER, proto TEXT, state TEXT, service TEXT);"
	pe=$(t sqlite3 "$D/peer.db" -cmd ".mode csv" ".import $D/rows.csv r")
	echo "peer sqlite3 .import of the same rows as CSV: ${pe} s ($(rate "$pe") rows/s); ratio portlens/sqlite3 $(python3 -c "print('%.2f' % ($sq / $pe))")"
fi
