#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# rotate.sh - the event log of `portlens watch` does not grow without end, and rotation
# loses nothing: with --log-max-kb 2 and a webhook receiver (receiver.py, a real HTTP
# server), 12 listeners opened and closed one after another rotate the log
# (events.jsonl.1), then the log is renamed from outside and watch gets SIGHUP, and 3
# more listeners go to the new file. Every event watch printed reaches the receiver
# exactly once, event numbers run on without a gap across files, and a bad --log-max-kb
# is refused. About 10 s.
# Usage: rotate.sh PORTLENS_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lab.sh
source "$HERE/../lab.sh"
lab_start wrot "$1"
RPORT=$(free_port)
P1=$(python3 -c 'import random; print(random.randint(40000, 50000))')

rc=0
"$PORTLENS" watch --log-max-kb 0 --state-dir "$D/bad" >/dev/null 2>"$D/bad.err" || rc=$?
[ "$rc" = 2 ] && grep -q -- '--log-max-kb' "$D/bad.err" || fail "--log-max-kb 0: exit $rc"

python3 "$HERE/receiver.py" "$RPORT" "$D/rready" "$D/accepted" 0 0 &
LAB_PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$D/rready" ] && break; sleep 0.05; done
"$PORTLENS" watch --poll --interval 100 --json --log-max-kb 2 --state-dir "$D/st" \
	--webhook "http://127.0.0.1:$RPORT/hook" >"$D/out" 2>"$D/err" &
W=$!
LAB_PIDS+=("$W")
for _ in $(seq 1 200); do grep -qs ' listeners' "$D/err" && break; sleep 0.05; done
python3 "$HERE/sock.py" tcp 127.0.0.1 "$P1" 0.3 "$D/t1" 12
for _ in $(seq 1 100); do grep -q 'rotated' "$D/err" && break; sleep 0.05; done
grep -q 'event log rotated' "$D/err" || { cat "$D/err"; fail "no rotation past 2 KiB"; }
[ -s "$D/st/events.jsonl.1" ] || fail "no events.jsonl.1"

mv "$D/st/events.jsonl" "$D/st/outside.jsonl"
kill -HUP "$W"
for _ in $(seq 1 100); do grep -q 'SIGHUP: event log reopened' "$D/err" && break; sleep 0.05; done
grep -q 'SIGHUP: event log reopened' "$D/err" || fail "no reopen on SIGHUP"
python3 "$HERE/sock.py" tcp 127.0.0.1 "$((P1 + 100))" 0.3 "$D/t2" 3
for _ in $(seq 1 100); do [ -s "$D/st/events.jsonl" ] && break; sleep 0.05; done
[ -s "$D/st/events.jsonl" ] || fail "nothing written to the reopened log"
kill -0 "$W" || fail "watch died on SIGHUP"

# every printed event delivered exactly once; numbering without a gap
ids=$(python3 -c 'import json,sys; print("\n".join(json.loads(l)["id"] for l in open(sys.argv[1])))' "$D/out")
n=$(echo "$ids" | wc -l)
for _ in $(seq 1 200); do [ "$(wc -l <"$D/accepted" 2>/dev/null || echo 0)" -ge "$n" ] && break; sleep 0.05; done
[ ! -e "$D/accepted.dup" ] || fail "delivered twice: $(cat "$D/accepted.dup")"
missing=$(comm -23 <(echo "$ids" | sort) <(sort "$D/accepted") | head -3)
[ -z "$missing" ] || fail "never delivered: $missing"
python3 - "$D/out" <<'PY' || fail "event numbers have a gap"
import json, sys
seqs = [json.loads(l)["seq"] for l in open(sys.argv[1])]
assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
PY
[ "$n" -ge 30 ] || fail "only $n events"
echo "rotation: $n events, $(grep -c rotated "$D/err") rotations and a SIGHUP reopen, each delivered once"
echo PASS
