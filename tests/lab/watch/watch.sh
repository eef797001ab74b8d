#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# watch.sh - `portlens watch` as root, against real sockets:
#  1. a TCP listener opened by the test on this host is reported within 1 s of listen()
#     (by the kernel event source), and its removal within 1 s of close(); the same for
#     a UDP socket (polled) and for a TCP listener inside a lab network namespace (named
#     as that namespace); a listener the baseline names is "expected", others not;
#  2. the webhook receiver (receiver.py, a real HTTP server) is down at first, then
#     fails (500), then hangs past the timeout, then recovers: every event of the log
#     arrives exactly once, in order of acceptance, with its id; each event also reached
#     the journal socket with its stable MESSAGE_ID;
#  3. --poll says it polls and still reports within 1 s;
#  4. kill -9 while listeners churn: every event watch printed is in the log (committed
#     before printing); a restarted watch continues the numbering and delivers the rest,
#     still exactly once.
# Usage: watch.sh PORTLENS_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lab.sh
source "$HERE/../lab.sh"
lab_start watch "$1"
lab_ns x
P1=$(free_port) P2=$(free_port) P3=$(free_port) P4=$(free_port) P5=$(free_port) RPORT=$(free_port)
# the churn's first port (sock.py skips any port another program holds)
P6=$(python3 -c 'import random; print(random.randint(40000, 50000))')
printf '# the test expects this one\ntcp4 127.0.0.1 %s *\n' "$P3" >"$D/base"

python3 "$HERE/journal.py" "$D/journal.sock" "$D/journal.out" &
LAB_PIDS+=($!)
for _ in $(seq 1 100); do [ -S "$D/journal.sock" ] && break; sleep 0.05; done

start_watch() { # OUT ERR ARGS...: watch in the background, returns when it is looking
	local out=$1 err=$2
	shift 2
	PORTLENS_JOURNAL_SOCKET="$D/journal.sock" "$PORTLENS" watch --json --syslog \
		--baseline "$D/base" "$@" >"$out" 2>"$err" &
	WATCH=$!
	LAB_PIDS+=($WATCH)
	for _ in $(seq 1 200); do grep -qs ' listeners' "$err" && return 0; sleep 0.05; done
	cat "$err"
	fail "watch did not start"
}
# wait_event OUT EVENT PORT: prints the event's JSON line once it is there (<= 5 s)
wait_event() {
	local line
	for _ in $(seq 1 250); do
		line=$(grep "\"event\":\"$2\"" "$1" | grep "\"port\":$3," | head -1 || true)
		[ -n "$line" ] && { echo "$line"; return 0; }
		sleep 0.02
	done
	fail "no '$2' event for port $3 in 5 s"
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
# within MS_LIMIT of a time in the TIMES file (column 2 open, 3 close)
check_latency() { # LINE TIMES COLUMN WHAT
	local t0 t
	t0=$(awk -v c="$3" '{print $c}' "$2")
	t=$(field "$1" time_ms)
	[ $((t - t0)) -le 1000 ] || fail "$4: reported $((t - t0)) ms after the fact"
	echo "$4: reported $((t - t0)) ms after the fact"
}

# ---- 1 and 2: host, UDP, namespace, baseline, webhook, journal -------------------------
start_watch "$D/w.out" "$D/w.err" --state-dir "$D/st" --webhook "http://127.0.0.1:$RPORT/hook" \
	--webhook-timeout 2000
grep -q 'events from the kernel' "$D/w.err" || { cat "$D/w.err"; fail "no kernel event source as root"; }
python3 "$HERE/sock.py" tcp 127.0.0.1 "$P1" 1.2 "$D/t1"
check_latency "$(wait_event "$D/w.out" new "$P1")" "$D/t1" 2 "host tcp listen"
l=$(wait_event "$D/w.out" gone "$P1")
check_latency "$l" "$D/t1" 3 "host tcp close"
[ "$(field "$l" netns)" = host ] || fail "netns of $P1: $l"
[ "$(field "$l" process)" = python3 ] || fail "process of $P1: $l"
[ "$(field "$l" baseline)" = unexpected ] || fail "baseline verdict of $P1: $l"
python3 "$HERE/sock.py" udp 127.0.0.1 "$P2" 1.2 "$D/t2"
check_latency "$(wait_event "$D/w.out" new "$P2")" "$D/t2" 2 "host udp bind"
check_latency "$(wait_event "$D/w.out" gone "$P2")" "$D/t2" 3 "host udp close"
python3 "$HERE/sock.py" tcp 127.0.0.1 "$P3" 1.2 "$D/t3"
l=$(wait_event "$D/w.out" new "$P3")
[ "$(field "$l" baseline)" = expected ] || fail "baseline verdict of $P3: $l"
[ "$(field "$l" baseline_line)" = 2 ] || fail "baseline line of $P3: $l"
lab_exec x python3 "$HERE/sock.py" tcp 127.0.0.1 "$P4" 1.2 "$D/t4"
l=$(wait_event "$D/w.out" new "$P4")
check_latency "$l" "$D/t4" 2 "namespace tcp listen"
[ "$(field "$l" netns)" = "$(lab_nsname x)" ] || fail "netns of $P4: $l"
check_latency "$(wait_event "$D/w.out" gone "$P4")" "$D/t4" 3 "namespace tcp close"

# the receiver comes up now: 3 failures, 2 hangs, then it accepts
python3 "$HERE/receiver.py" "$RPORT" "$D/rready" "$D/accepted" 3 2 &
LAB_PIDS+=($!)
delivered() { # waits until every line of the log was accepted (<= 30 s)
	for _ in $(seq 1 300); do
		[ -s "$D/accepted" ] && [ "$(wc -l <"$D/accepted")" -ge "$(wc -l <"$D/st/events.jsonl")" ] &&
			return 0
		sleep 0.1
	done
	fail "webhook: $(wc -l <"$D/accepted" 2>/dev/null || echo 0) of $(wc -l <"$D/st/events.jsonl") events accepted in 30 s"
}
delivered
kill -TERM "$WATCH"
wait "$WATCH" || fail "watch exited $? on SIGTERM"
grep -q 'webhook: .* delivered, [1-9][0-9]* failed attempts' "$D/w.err" ||
	fail "no failed attempts counted: $(tail -2 "$D/w.err")"
exactly_once() { # every event once; a redelivery only after a slow answer (receiver.py)
	[ ! -e "$D/accepted.dup" ] || fail "events accepted twice: $(cat "$D/accepted.dup")"
	[ ! -e "$D/accepted.late" ] ||
		echo "note: $(wc -l <"$D/accepted.late") events sent again after the receiver was slow to answer"
	python3 - "$D/st/events.jsonl" "$D/accepted" <<'PY' || fail "webhook ids differ from the log"
import json, sys
log = [json.loads(l)["id"] for l in open(sys.argv[1])]
got = [l.strip() for l in open(sys.argv[2])]
assert len(set(log)) == len(log), "ids repeat in the log"
assert got == log, (len(got), len(log), [x for x in log if x not in got][:5])
PY
}
exactly_once
echo "webhook: $(wc -l <"$D/accepted") events, each exactly once, through refusals, 500s and timeouts"
python3 - "$D/journal.out" "$D/w.out" "$P1" <<'PY' || fail "journal"
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
events = [json.loads(l) for l in open(sys.argv[2])]
assert len(j) == len(events), (len(j), len(events))
ids = {"new": "8d2f3c1a6b5e4f7091a2b3c4d5e6f701", "gone": "8d2f3c1a6b5e4f7091a2b3c4d5e6f702"}
for e, f in zip(events, j):
    assert f["MESSAGE_ID"] == ids[e["event"]] and f["PORTLENS_PORT"] == str(e["port"]), f
    assert json.loads(f["PORTLENS_JSON"]) == e and f["SYSLOG_IDENTIFIER"] == "portlens-watch"
mine = [f for f in j if f["PORTLENS_PORT"] == sys.argv[3]]
assert [f["PORTLENS_EVENT"] for f in mine] == ["new", "gone"], mine
assert mine[0]["PRIORITY"] == "4" and "NOT in the baseline" in mine[0]["MESSAGE"], mine[0]
PY
echo "journal: every event with its MESSAGE_ID and fields"

# ---- 3: polling fallback -----------------------------------------------------------------
start_watch "$D/p.out" "$D/p.err" --state-dir "$D/st-poll" --poll --duration 6
grep -q 'polling every 250 ms (--poll)' "$D/p.err" || fail "--poll not said: $(cat "$D/p.err")"
python3 "$HERE/sock.py" tcp 127.0.0.1 "$P5" 1.2 "$D/t5"
l=$(wait_event "$D/p.out" new "$P5")
check_latency "$l" "$D/t5" 2 "--poll tcp listen"
[ "$(field "$l" source)" = poll ] || fail "source: $l"
check_latency "$(wait_event "$D/p.out" gone "$P5")" "$D/t5" 3 "--poll tcp close"
wait "$WATCH" || fail "watch --duration exited $?"

# ---- 4: kill -9 while listeners churn ----------------------------------------------------
before=$(wc -l <"$D/st/events.jsonl")
start_watch "$D/k.out" "$D/k.err" --state-dir "$D/st" --webhook "http://127.0.0.1:$RPORT/hook"
grep -q "continuing after event $before" "$D/k.err" || fail "numbering: $(head -1 "$D/k.err")"
python3 "$HERE/sock.py" tcp 127.0.0.1 "$P6" 0.06 "$D/t6" 40 &
CHURN=$!
sleep 1.5
kill -9 "$WATCH"
wait "$WATCH" 2>/dev/null || true
wait "$CHURN"
printed=$(grep -c '^{.*}$' "$D/k.out" || true)
[ "$printed" -gt 0 ] || fail "watch printed nothing before kill -9"
python3 - "$D/k.out" "$D/st/events.jsonl" <<'PY' || fail "a printed event is not in the log"
import sys
log = set(l.rstrip("\n") for l in open(sys.argv[2]) if l.endswith("\n"))
for l in open(sys.argv[1]):
    if l.endswith("}\n"):
        assert l.rstrip("\n") in log, l
PY
echo "kill -9: all $printed printed events were committed to the log first"
start_watch "$D/r.out" "$D/r.err" --state-dir "$D/st" --webhook "http://127.0.0.1:$RPORT/hook" \
	--duration 3
wait "$WATCH" || fail "restarted watch exited $?"
delivered
exactly_once
echo "after restart: numbering continued, $(wc -l <"$D/accepted") events delivered exactly once"
echo "PASS"
