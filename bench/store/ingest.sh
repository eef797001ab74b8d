#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/store/ingest.sh - ingesting N scan results (default 1,000,000) with `portlens
# import` into SQLite and into PostgreSQL (COPY), side by side in one run, with the
# PostgreSQL server started here (initdb + pg_ctl on a unix socket in a temporary
# directory). Prints rows/s of each (wall clock, parse included) and the parse-only time
# (`portlens diff -q FILE FILE` reads the file twice), then the store alone
# (bench/store/store_bench: the same rows from memory, no parsing, into an empty
# database of its own). The PostgreSQL server's CPU seconds are printed beside the
# client's (read from /proc: the postmaster and its children). Peer for SQLite:
# sqlite3's own `.import` of the same rows as CSV, when the sqlite3 shell is installed.
# Usage: bench/store/ingest.sh [PORTLENS]   N=1000000
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
N=${N:-1000000}
bench_need_root "initdb as postgres"
bench_workdir store
D=$BENCH_DIR
# shellcheck source=../../tests/lab/store/pg_server.sh
. tests/lab/store/pg_server.sh
bench_on_exit pg_server_stop
load0=$(cut -d' ' -f1-3 /proc/loadavg)
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
# CPU seconds used so far by the PostgreSQL server: the postmaster, its children that
# exited (the benchmark's backends) and those still running (WAL writer, checkpointer...)
pg_cpu() {
	local pm t c
	pm=$(head -1 "$PG_DIR/data/postmaster.pid")
	t=$(tree_ticks_ended "$pm")
	for c in $(pgrep -P "$pm"); do
		t=$((t + $(ticks "$c" 2>/dev/null || echo 0)))
	done
	echo "$t"
}
# (after a second: the client's backend has exited and been reaped, so it is counted once)
pg_cpu_since() { sleep 1; python3 -c "print('%.2f' % (($(pg_cpu) - $1) / $BENCH_HZ))"; }
read -r parse_w parse_c < <(timed "$PORTLENS" diff -q "$D/rows.json" "$D/rows.json")
read -r sq_w sq_c < <(timed "$PORTLENS" import --db "$D/s.db" "$D/rows.json")
pg0=$(pg_cpu)
read -r pg_w pg_c < <(timed "$PORTLENS" import --db "$PG_URL" "$D/rows.json")
pg_s=$(pg_cpu_since "$pg0")
rate() { python3 -c "print('%d' % ($N / max($1, 0.001)))"; }
echo "portlens import of $N results (wall s / CPU s of the portlens process / rows per wall s / rows per CPU s):"
echo "  SQLite      $sq_w / $sq_c / $(rate "$sq_w") / $(rate "$sq_c")"
echo "  PostgreSQL  $pg_w / $pg_c / $(rate "$pg_w") / $(rate "$pg_c")   (portlens only; the server used $pg_s s CPU)"
echo "  parsing the file twice (diff -q F F): $parse_w / $parse_c"
# the store alone, without a file to parse (bench/store/store_bench.c, built with portlens)
SB=$(dirname "$PORTLENS")/../../bench/store/store_bench
if [ -x "$SB" ]; then
	echo "the store alone (store_bench: the same rows made in memory, batches of 10,000, one transaction):"
	echo "  $("$SB" "$D/bench.db" "$N")"
	pg_psql 'CREATE DATABASE alone'
	pg0=$(pg_cpu)
	echo "  $("$SB" "postgresql:///alone?host=$PG_DIR&user=postgres" "$N")   (this process only; the server used $(pg_cpu_since "$pg0") s CPU)"
fi
if command -v sqlite3 >/dev/null; then
	sqlite3 "$D/peer.db" "CREATE TABLE r(id INTEGER PRIMARY KEY, addr TEXT, port INTEGER, proto TEXT, state TEXT, service TEXT);"
	read -r pe_w pe_c < <(timed sqlite3 "$D/peer.db" -cmd ".mode csv" ".import $D/rows.csv r")
	echo "  peer: sqlite3 .import of the same rows as CSV $pe_w / $pe_c; ratio portlens/sqlite3 wall $(python3 -c "print('%.2f' % ($sq_w / max($pe_w, 0.001)))"), CPU $(python3 -c "print('%.2f' % ($sq_c / max($pe_c, 0.001)))")"
fi
echo "load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
