#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pg.sh - the PostgreSQL store against a real server: Debian's postgresql, initdb into
# a temporary directory as the postgres user, pg_ctl start on a unix socket in that
# directory only (no TCP), stopped afterwards (pg_server.sh). The same scan files are imported into
# SQLite and PostgreSQL and read back identically (diff by number across the two stores
# and against the files); the schema is created once and recorded (portlens_meta);
# a 300,000-result import killed with SIGKILL while its COPY runs leaves nothing.
# Usage: pg.sh PORTLENS_BINARY
set -euo pipefail
PORTLENS=$(realpath "$1")
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=../lab.sh
source "$SRC/tests/lab/lab.sh"
# shellcheck source=tests/lab/store/pg_server.sh
. "$(dirname "$0")/pg_server.sh"
D=$PG_DIR
URL=$PG_URL
psql() { pg_psql "$1"; }

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
sv=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma user_version').fetchone()[0])" "$D/s.db")
[ "$(psql 'SELECT version FROM portlens_meta')" = "$sv" ] || fail "schema version: not $sv as in SQLite"
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

# scan --save and serve on PostgreSQL: a real listener scanned, saved, shown
hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$hport" --bind 127.0.0.1 >/dev/null 2>&1 &
HS=$!
for _ in $(seq 1 50); do
	ss -Htln "sport = :$hport" | grep -q . && break
	sleep 0.1
done
"$PORTLENS" scan 127.0.0.1 -p "$hport" --save --db "$URL" >/dev/null 2>"$D/save.err" ||
	fail "scan --save into PostgreSQL: $(cat "$D/save.err")"
sid=$(sed -n 's/.*scan saved as #\([0-9]*\).*/\1/p' "$D/save.err")
[ -n "$sid" ] || fail "no saved scan number: $(cat "$D/save.err")"
[ "$(psql "SELECT status || ' ' || count(*) FROM scans s JOIN results r ON r.scan_id = s.id WHERE s.id = $sid AND r.port = $hport AND r.state = 'open' GROUP BY status")" = "done 1" ] ||
	fail "scan #$sid not saved whole in PostgreSQL"
"$PORTLENS" serve --listen 127.0.0.1:0 --db "$URL" >"$D/serve.out" 2>&1 &
SV=$!
for _ in $(seq 1 50); do grep -q '^database:' "$D/serve.out" && break; sleep 0.1; done
base=$(sed -n 's|^portlens serve: \(http://[^/]*\)/.*|\1|p' "$D/serve.out")
grep -q "^database: postgresql://" "$D/serve.out" || fail "serve: $(cat "$D/serve.out")"
curl -sf "$base/api/scans/$sid" | grep -q "\"port\": *$hport" || fail "serve does not show scan #$sid from PostgreSQL"
kill "$SV" "$HS"
wait "$SV" 2>/dev/null || true
echo "scan --save and serve on PostgreSQL: scan #$sid saved and shown"

# unreachable server: one line, exit 1
rc=0
"$PORTLENS" import --db "postgresql:///postgres?host=$D/nowhere" "$C/portlens.xml" 2>"$D/err" || rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l <"$D/err")" -eq 1 ] && grep -q 'PostgreSQL: cannot connect' "$D/err" ||
	fail "unreachable server: exit $rc: $(cat "$D/err")"

# kill -9 during COPY: nothing of that import remains
lab_big_scan "$D/big.json" 300000
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
n=$(psql "SELECT count(*) FROM scans WHERE id > $sid")/$(psql "SELECT count(*) FROM results WHERE scan_id > $sid")
[ "$n" = 0/0 ] || fail "a killed import left scans/results $n"
echo "kill -9 during COPY: nothing of that import is in PostgreSQL"
echo "PASS"
