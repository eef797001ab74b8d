#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scan.sh - `portlens watch --scan '... every 1s'` against real services on 127.0.0.1:
# an SSH-style banner served by socat (OpenSSH 9.2p1, later 9.6p1 on the same port) and
# python3's http.server. After the first scan the test stops one server, starts another
# and swaps the banner: watch must report exactly "closed", "opened" and "changed" for
# those three ports, as JSON lines on standard output, in the journal (stable
# MESSAGE_IDs), at a webhook receiver (a real HTTP server) and in the store (--db).
# A bad --scan spec is a usage error (exit 2) naming what is wrong. About 10 s.
# Usage: scan.sh PORTLENS_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lab.sh
source "$HERE/../lab.sh"
lab_start wscan "$1"
PA=$(free_port) PB=$(free_port) PC=$(free_port) RPORT=$(free_port)
command -v socat >/dev/null || { echo "SKIP: socat is not installed"; exit 77; }

# bad specs: exit 2, one line naming the problem, nothing started
for spec in '127.0.0.1 -p 22' '127.0.0.1 -p 22 every soon' '127.0.0.1 -p 99999 every 1s' \
	'127.0.0.1 -p 22 -oJ x every 1s'; do
	rc=0
	"$PORTLENS" watch --state-dir "$D/bad" --scan "$spec" --duration 1 >/dev/null 2>"$D/bad.err" || rc=$?
	[ "$rc" = 2 ] && grep -q -- '--scan' "$D/bad.err" || fail "spec '$spec': exit $rc: $(cat "$D/bad.err")"
done

ssh_banner() { # PORT VERSION: a server that greets as OpenSSH VERSION
	socat "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork" \
		"SYSTEM:echo SSH-2.0-OpenSSH_$2; sleep 2" >/dev/null 2>&1 &
	echo $!
}
wait_port() { for _ in $(seq 1 100); do ss -Htln "sport = :$1" | grep -q . && return 0; sleep 0.05; done; fail "port $1 never listened"; }
SA=$(ssh_banner "$PA" 9.2p1)
LAB_PIDS+=("$SA")
python3 -m http.server "$PB" --bind 127.0.0.1 >/dev/null 2>&1 &
SB=$!
LAB_PIDS+=("$SB")
wait_port "$PA"
wait_port "$PB"

python3 "$HERE/journal.py" "$D/journal.sock" "$D/journal.out" &
LAB_PIDS+=($!)
python3 "$HERE/receiver.py" "$RPORT" "$D/rready" "$D/accepted" 0 0 &
LAB_PIDS+=($!)
for _ in $(seq 1 100); do [ -S "$D/journal.sock" ] && [ -s "$D/rready" ] && break; sleep 0.05; done

PORTLENS_JOURNAL_SOCKET="$D/journal.sock" "$PORTLENS" watch --poll --json --syslog \
	--state-dir "$D/st" --db "$D/store.db" --webhook "http://127.0.0.1:$RPORT/hook" \
	--scan "127.0.0.1 -p $PA,$PB,$PC --sV every 1s" >"$D/out" 2>"$D/err" &
W=$!
LAB_PIDS+=("$W")
for _ in $(seq 1 200); do grep -qs 'scan 1:' "$D/err" && break; sleep 0.05; done
grep -q 'scan 1: 1 hosts, 2 open ports (the first' "$D/err" || { cat "$D/err"; fail "first scan"; }

# the changes: PB closes, PC opens, PA answers with another version
kill "$SB" "$SA"
wait "$SB" "$SA" 2>/dev/null || true
python3 -m http.server "$PC" --bind 127.0.0.1 >/dev/null 2>&1 &
LAB_PIDS+=($!)
SA=$(ssh_banner "$PA" 9.6p1)
LAB_PIDS+=("$SA")
wait_port "$PC"
wait_port "$PA"

ev() { grep '"source":"scan"' "$D/out" | grep "\"event\":\"$1\"" | grep "\"port\":$2," || true; }
for _ in $(seq 1 300); do
	[ -n "$(ev closed "$PB")" ] && [ -n "$(ev opened "$PC")" ] && [ -n "$(ev changed "$PA")" ] && break
	sleep 0.05
done
[ -n "$(ev closed "$PB")" ] || { cat "$D/err" "$D/out"; fail "no 'closed' for $PB"; }
[ -n "$(ev opened "$PC")" ] || fail "no 'opened' for $PC"
c=$(ev changed "$PA")
[ -n "$c" ] || fail "no 'changed' for $PA: $(cat "$D/out")"
python3 - "$c" <<'PY' || fail "changed event: $c"
import json, sys
e = json.loads(sys.argv[1])
assert e["product"] == "OpenSSH" and e["version"] == "9.6p1", e
assert e["before"]["version"] == "9.2p1", e
PY
# nothing else from the scans: the three ports changed once each
sleep 2.5
n=$(grep -c '"source":"scan"' "$D/out" || true)
[ "$n" = 3 ] || fail "$n scan events, not 3: $(grep '"source":"scan"' "$D/out")"
echo "watch --scan: closed $PB, opened $PC, changed $PA (9.2p1 -> 9.6p1), nothing else"

# the same three everywhere else
ids=$(grep '"source":"scan"' "$D/out" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in sys.stdin))')
for id in $ids; do
	for _ in $(seq 1 100); do grep -qx "$id" "$D/accepted" 2>/dev/null && break; sleep 0.05; done
	grep -qx "$id" "$D/accepted" || fail "webhook never got $id"
	grep -qE "$id[^0-9]" "$D/journal.out" || fail "journal never got $id"
done
for m in 703 704 705; do
	grep -q "\"MESSAGE_ID\": *\"8d2f3c1a6b5e4f7091a2b3c4d5e6f$m\"" "$D/journal.out" ||
		fail "no MESSAGE_ID ...$m in the journal"
done
kill "$W"
wait "$W" 2>/dev/null || true
got=$(python3 -c "import sqlite3,sys; print(' '.join(r[0] + ':' + str(r[1]) for r in sqlite3.connect(sys.argv[1]).execute(\"select kind, port from events where source = 'scan' order by kind\")))" "$D/store.db")
[ "$got" = "changed:$PA closed:$PB opened:$PC" ] || fail "store: $got"
echo "the same events at the webhook, in the journal and in the store"
echo PASS
