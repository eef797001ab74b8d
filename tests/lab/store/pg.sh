#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pg.sh - the PostgreSQL store against a real server: Debian's postgresql, initdb into
# a temporary directory as the postgres user, pg_ctl start on a unix socket in that
# directory only (no TCP), stopped afterwards. The same scan files are imported into
# SQLite and PostgreSQL and read back identically (diff by number across the two stores
# and against the files); the schema is created once and recorded (portlens_meta);
# a 300,000-result import killed with SIGKILL while its COPY runs leaves nothing.
# Usage: pg.sh PORTLENS_BINARY
set -euo pipefail
PORTLENS=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (initdb as the postgres user)"; exit 77; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] && id postgres >/dev/null 2>&1 ||
	{ echo "SKIP: Debian's postgresql is not installed"; exit 77; }
D=$(mktemp -d /tmp/portlens-pg.XXXXXX)
chown postgres "$D"
cleanup() {
	su postgres -c "$PGBIN/pg_ctl -D $D/data -m immediate -w stop" >/dev/null 2>&1 || true
	rm -rf "$D"
}
trap cleanup EXIT
su postgres -c "$PGBIN/initdb -D $D/data -A trust -U postgres" >"$D/initdb.log" 2>&1 ||
	{ cat "$D/initdb.log"; fail "initdb"; }
su postgres -c "$PGBIN/pg_ctl -D $D/data -o \"-k $D -c listen_addresses=''\" -l $D/server.log -w start" \
	>/dev/null || { cat "$D/server.log"; fail "pg_ctl start"; }
URL="postgresql:///postgres?host=$D&user=postgres"
psql() { su postgres -c "psql -h $D -U postgres -AtqX -c \"$1\" postgres"; }

C=$SRC/fuzz/corpus/scandoc
files="$C/nmap-sv.xml $C/portlens-sv.jsonl $C/masscan.json $C/masscan-list.txt $C/portlens.xml"
# shellcheck disable=SC2086
"$PORTLENS" import --db "$URL" $files >"$D/pg.out" || fail "import into PostgreSQL"
# shellcheck disable=SC2086
"$PORTLENS" import --db "$D/s.db" $files >"$D/sqlite.out" || fail "import into SQLite"
diff <(sed 's/ (.*//' "$D/pg.out") <(sed 's/ (.*//' "$D/sqlite.out") >/dev/null ||
	fail "the stores numbered differently"
i=0
for f in $files; do
	i=$((i + 1))
	"$PORTLENS" diff -q --db "$URL" "$i" "$f" || fail "PostgreSQL scan $i differs from $f"
	"$PORTLENS" diff --json --db "$URL" "$i" "$f" | grep -q '"same": true' || fail "json $i"
	"$PORTLENS" diff -q --db "$D/s.db" "$i" "$f" || fail "SQLite scan $i differs from $f"
done
[ "$(psql 'SELECT version FROM portlens_meta')" = 3 ] || fail "schema version"
[ "$(psql 'SELECT count(*) FROM portlens_meta')" = 1 ] || fail "portlens_meta rows"
[ "$(psql "SELECT count(*) FROM scans WHERE status = 'done'")" = 5 ] || fail "scans"
want=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from results').fetchone()[0])" "$D/s.db")
[ "$(psql 'SELECT count(*) FROM results')" = "$want" ] || fail "results: not $want"
# a banner with tabs, newlines and backslashes survives COPY
printf '{"type":"result","host":"198.18.0.9","port":7,"proto":"tcp","state":"open","service":"a\\tb\\\\c\\nd"}\n' \
	>"$D/esc.json"
"$PORTLENS" import --db "$URL" "$D/esc.json" >/dev/null || fail "import esc"
[ "$(psql "SELECT service = E'a\\\\tb\\\\\\\\c\\\\nd' FROM results WHERE port = 7")" = t ] ||
	fail "COPY escaping: $(psql 'SELECT service FROM results WHERE port = 7')"
"$PORTLENS" diff -q --db "$URL" 6 "$D/esc.json" || fail "escaped scan differs"
echo "PostgreSQL and SQLite hold the same scans; COPY keeps tabs, newlines, backslashes"

# unreachable server: one line, exit 1
rc=0
"$PORTLENS" import --db "postgresql:///postgres?host=$D/nowhere" "$C/portlens.xml" 2>"$D/err" || rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l <"$D/err")" -eq 1 ] && grep -q 'PostgreSQL: cannot connect' "$D/err" ||
	fail "unreachable server: exit $rc: $(cat "$D/err")"

# kill -9 during COPY: nothing of that import remains
python3 - "$D/big.json" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(300000):
        f.write('{"type":"result","host":"198.19.%d.%d","port":%d,"proto":"tcp","state":"open"}\n'
                % (i // 65536 % 256, i // 256 % 256, 1 + i % 256))
PY
"$PORTLENS" import --db "$URL" "$D/big.json" >/dev/null &
IMP=$!
seen=0
for _ in $(seq 1 1000); do
	if [ "$(psql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY results%'")" != 0 ]; then
		seen=1
		break
	fi
	kill -0 "$IMP" 2>/dev/null || break
	sleep 0.01
done
kill -9 "$IMP" 2>/dev/null || true
wait "$IMP" 2>/dev/null || true
[ "$seen" = 1 ] || fail "never saw the COPY running"
for _ in $(seq 1 100); do
	[ "$(psql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY results%'")" = 0 ] && break
	sleep 0.1
done
n=$(psql "SELECT count(*) FROM scans WHERE id > 6")/$(psql 'SELECT count(*) FROM results WHERE scan_id > 6')
[ "$n" = 0/0 ] || fail "a killed import left scans/results $n"
echo "kill -9 during COPY: nothing of that import is in PostgreSQL"
echo "PASS"
