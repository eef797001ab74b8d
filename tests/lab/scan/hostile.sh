#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hostile.sh - targets that misbehave never hang a scan or leak a descriptor: ports
# that accept and never talk, a host that drops everything, a host that resets
# everything, a listener that accepts and resets, and a descriptor limit of 64 (the
# scan must adapt, not fail with "too many open files").
# Usage: hostile.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup hostile
D=$LAB_DIR
NS=$(lab_nsname s)
hold=$(for p in $(seq 100 140); do echo "198.19.10.10:$p"; done)
# shellcheck disable=SC2086
lab_listen t hold $hold
lab_listen t reset 198.19.10.40:443 198.19.10.40:8080
lab_drop t 198.19.10.20
lab_reset t 198.19.10.30

# All states, bounded: 4 hosts x 500 ports; drops resolve after 300 ms x 2 attempts.
start=$(date +%s)
timeout 60 ip netns exec "$NS" "$PORTLENS" scan 198.19.10.10 198.19.10.20 198.19.10.30 \
	198.19.10.40 -p 1-500,8080 --timeout 300 --retries 1 --all-states --no-progress \
	-oJ "$D/res.jsonl" --stats-json 1 >/dev/null 2>"$D/stats" || fail "scan exited $? (hang?)"
echo "scan took $(($(date +%s) - start)) s"
python3 - "$D/res.jsonl" <<'PY' || fail "states of hostile targets"
import json, sys
st = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] == "result":
        st.setdefault(r["host"], {}).setdefault(r["state"], set()).add(r["port"])
h10, h20, h30, h40 = (st[f"198.19.10.{x}"] for x in (10, 20, 30, 40))
assert h10["open"] == set(range(100, 141)), h10.keys()
assert set(h20) == {"filtered"} and len(h20["filtered"]) == 501, {k: len(v) for k, v in h20.items()}
assert set(h30) == {"closed"} and len(h30["closed"]) == 501
assert h40["open"] == {443, 8080}
print("states ok")
PY
grep -q '"final":true' "$D/stats" || fail "no final --stats-json line"

# A descriptor limit of 64 with a request for 10000 in flight: clamped, still exact.
(
	ulimit -n 64
	timeout 60 ip netns exec "$NS" "$PORTLENS" scan 198.19.10.10 198.19.10.30 -p 1-500 \
		--max-inflight 10000 --timeout 300 --no-progress -oJ "$D/low.jsonl" >/dev/null \
		2>"$D/low.err"
) || { cat "$D/low.err"; fail "scan under ulimit -n 64 exited $?"; }
grep -q "exceeds the descriptor limit" "$D/low.err" || fail "no clamp warning"
[ "$(grep -c '"state":"open"' "$D/low.jsonl")" -eq 41 ] || fail "low-fd scan results"
echo "PASS: hostile targets: no hang, exact states, works with 64 descriptors"
