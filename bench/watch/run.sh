#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/watch/run.sh - the CPU cost of `portlens watch` (kernel event source, root)
# side by side with the cron-and-glue way: a loop running `ss -Htuln` every 0.5 s
# (the same UDP poll interval watch uses; ss names no process, so the peer does less).
# 1. idle: both run for IDLE seconds; CPU time (utime+stime from /proc) as % of a core.
# 2. load: churn.py makes RATE listener changes per second for LOAD seconds (half
#    opens, half closes, each listener held HOLD s); watch must report every one
#    (a "new" and a "gone" event per port), and its CPU % is printed.
# Usage: bench/watch/run.sh [PORTLENS]   IDLE=20 LOAD=10 RATE=1000 HOLD=0.5
# Needs root. Binds only 127.0.0.1.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
IDLE=${IDLE:-20}
LOAD=${LOAD:-10}
RATE=${RATE:-1000}
HOLD=${HOLD:-0.5}
bench_need_root "the kernel event source"
bench_workdir watch
WORK=$BENCH_DIR

"$PORTLENS" watch --state-dir "$WORK/st" --json >"$WORK/events" 2>"$WORK/err" &
W=$!
BENCH_PIDS+=($W)
wait_grep ' listeners' "$WORK/err" || true
grep -q 'events from the kernel' "$WORK/err" || { cat "$WORK/err"; echo "bench: no BPF source"; exit 1; }
# the peer: ss every 0.5 s, its own CPU counted from the shell's children as they exit
bash -c 'while :; do ss -Htuln >/dev/null; sleep 0.5; done' &
S=$!
BENCH_PIDS+=($S)
sleep 1
w0=$(ticks "$W")
s0=$(tree_ticks_ended "$S")
sleep "$IDLE"
w1=$(ticks "$W")
s1=$(tree_ticks_ended "$S")
kill "$S"
kill -TERM "$W"
wait "$W" 2>/dev/null || true
echo "idle: $(grep -o 'stopped after .*' "$WORK/err") (other programs' listeners count too)"
"$PORTLENS" watch --state-dir "$WORK/st" --json >"$WORK/events" 2>"$WORK/err" &
W=$!
BENCH_PIDS+=($W)
wait_grep ' listeners' "$WORK/err" || true
wpct=$(pct $((w1 - w0)) "$IDLE")
spct=$(pct $((s1 - s0)) "$IDLE")
echo "idle ${IDLE}s: portlens watch ${wpct}% of a core, ss loop ${spct}%, ratio $(python3 -c "print('%.2f' % ($wpct / max($spct, 0.01)))")"

n0=$(wc -l <"$WORK/events")
w0=$(ticks "$W")
python3 bench/watch/churn.py "$RATE" "$LOAD" "$HOLD" 30000 "$WORK/ports"
sleep 1.5
w1=$(ticks "$W")
python3 - "$WORK/events" "$WORK/ports" "$n0" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[3]):]
ports = set(int(p) for p in open(sys.argv[2]).read().split())
seen = {"new": set(), "gone": set()}
for l in lines:
    e = json.loads(l)
    if e["netns"] == "host" and e["addr"] == "127.0.0.1" and e["port"] in ports:
        seen[e["event"]].add(e["port"])
missed = {k: len(ports - v) for k, v in seen.items()}
print("load: %d listeners opened and closed (%d changes); reported new %d, gone %d; missed %s"
      % (len(ports), 2 * len(ports), len(seen["new"]), len(seen["gone"]), missed))
sys.exit(1 if any(missed.values()) else 0)
PY
echo "load: portlens watch $(pct $((w1 - w0)) "$(python3 -c "print($LOAD + float($HOLD) + 1.5)")")% of a core while $RATE changes/s"
