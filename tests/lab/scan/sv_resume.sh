#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sv_resume.sh - Ctrl-C and --resume with --sV lose and repeat nothing, whatever state
# the service probes are in (docs/scan.md, "Ctrl-C and resume"):
#   - a probe that is running when Ctrl-C comes is waited for (within its budget) and
#     its port is written with its service record;
#   - a port still queued for a probe is not written; its position goes into the
#     resume file's pending list, and --resume scans and probes it again.
# Scenario 1 (deterministic): 20 silent listeners ("hold": a probe takes ~8 s) on one
# host; the scan itself ends at once, 16 probes run (the pool's size), 4 wait; Ctrl-C
# during the wait must leave exactly 16 ports written and 4 pending.
# Scenario 2: Ctrl-C during a rate-limited /24 scan with --sV; the driver's own
# leftovers and the dropped probe queue together must make the resumed run exact.
# In both, after --resume: every probe reported once (check.py), every open port once
# with its "service" record, and the XML, grepable, CSV and text outputs hold each open
# port exactly once.
# Usage: sv_resume.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup svres
SEED=${LAB_SEED:-$RANDOM}
echo "lab seed $SEED"
D=$LAB_DIR
NS=$(lab_nsname s)
cd "$D" || exit 1

# Every open result is followed by its service record; no port twice. Prints the count.
check_pairs() { # FILE.jsonl...
	python3 - "$@" <<'PY'
import json, sys
n, seen = 0, set()
for path in sys.argv[1:]:
    recs = [json.loads(l) for l in open(path)]
    for i, r in enumerate(recs):
        if r["type"] == "service":
            p = recs[i - 1]
            assert p["type"] == "result" and (p["host"], p["port"]) == (r["host"], r["port"]), r
        if r["type"] != "result" or r["state"] != "open":
            continue
        k = (r["host"], r["port"])
        assert k not in seen, f"{k} written twice"
        seen.add(k)
        s = recs[i + 1]
        assert s["type"] == "service" and (s["host"], s["port"]) == k, f"{k}: no service record"
        assert "error" not in s, s
        n += 1
print(n)
PY
}

# Outputs after the resume: each open port exactly once in XML, grepable, CSV, text.
check_files() { # PREFIX N_OPEN
	python3 - "$1" "$2" <<'PY'
import csv, sys, xml.etree.ElementTree as ET
pre, n = sys.argv[1], int(sys.argv[2])
root = ET.parse(pre + ".xml").getroot()
ports = [(h.find("address").get("addr"), p.get("portid")) for h in root.iter("host")
         for p in h.iter("port") if p.find("state").get("state") == "open"]
assert len(ports) == len(set(ports)) == n, (len(ports), len(set(ports)), n)
addrs = [h.find("address").get("addr") for h in root.iter("host")]
assert len(addrs) == len(set(addrs)), "a host appears twice"
assert all(p.find("service").get("method") for h in root.iter("host") for p in h.iter("port"))
g = [l for l in open(pre + ".gnmap") if "/open/tcp//" in l]
assert len(g) == len(set(g)) == n, ("grepable", len(g), len(set(g)))
rows = list(csv.reader(open(pre + ".csv", newline="")))
assert rows[0][-5:] == ["detected_service", "product", "version", "cpe", "evidence"], rows[0]
body = [tuple(r[:3]) for r in rows[1:] if r[4] == "open"]
assert rows.count(rows[0]) == 1 and len(body) == len(set(body)) == n, ("csv", len(body))
t = [l.split()[:4] for l in open(pre + ".txt") if " open " in l and not l.startswith(("|", "#"))]
assert len(t) == len({tuple(x) for x in t}) == n, ("text", len(t))
print(f"xml, grepable, csv, text: {n} open ports, each once")
PY
}

interrupt() { # SECS OUT_PREFIX ARGS... ; expects exit 130
	local secs=$1 rc=0 pid
	shift
	ip netns exec "$NS" "$PORTLENS" scan "$@" >/dev/null 2>"$D/err" &
	pid=$!
	sleep "$secs"
	kill -INT "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ] || { cat "$D/err"; fail "interrupted scan exited $rc, not 130"; }
	grep -q "portlens scan --resume" "$D/err" || fail "no resume hint on stderr"
}

echo "== 1: Ctrl-C while 16 probes run and 4 wait"
pairs1=()
for p in $(seq 1001 1020); do pairs1+=("198.19.9.5:$p"); done
printf '%s\n' "${pairs1[@]}" >"$D/open1"
lab_listen t hold "${pairs1[@]}"
out1=(-oJ "$D/one.jsonl" -oX "$D/one.xml" -oG "$D/one.gnmap" -oC "$D/one.csv" -oN "$D/one.txt")
interrupt 2 198.19.9.5 -p 1001-1020 --sV --no-progress --resume-file "$D/one.resume" "${out1[@]}"
grep -q "waiting for 16 running service probes" "$D/err" || { cat "$D/err"; fail "no wait message"; }
n1=$(check_pairs "$D/one.jsonl") || fail "first run: result/service records"
[ "$n1" -eq 16 ] || fail "first run wrote $n1 open ports, want the 16 that were being probed"
pend=$(sed -n 's/^pending //p' "$D/one.resume" | wc -w)
[ "$pend" -eq 4 ] || { cat "$D/one.resume"; fail "resume file lists $pend pending positions, want 4"; }
grep -q '"type":"end","interrupted":true' "$D/one.jsonl" || fail "no interrupted end record"
echo "first run: 16 probed ports written, 4 queued ones pending in the resume file"
timeout 60 ip netns exec "$NS" "$PORTLENS" scan --resume "$D/one.resume" --no-progress \
	>/dev/null 2>"$D/err" || { cat "$D/err"; fail "resume exited $?"; }
$CHECK exact --results "$D/one.jsonl" --open "$D/open1" --probes 20 || fail "scenario 1: lost or repeated"
n=$(check_pairs "$D/one.jsonl") || fail "after resume: result/service records"
[ "$n" -eq 20 ] || fail "after resume: $n open ports with service records, want 20"
check_files "$D/one" 20 || fail "scenario 1: outputs after resume"

echo "== 2: Ctrl-C during a /24 scan with --sV"
random_pairs v4 40 "$SEED" 198.19.10 1 200 >"$D/open2"
sed -n 1,30p "$D/open2" >"$D/fast"
sed -n 31,40p "$D/open2" >"$D/slow"
# shellcheck disable=SC2046
lab_listen t open $(cat "$D/fast")
# shellcheck disable=SC2046
lab_listen t hold $(cat "$D/slow")
# 51200 probes (256 addresses x 200 ports) at 20000/s take ~2.6 s; stop after 1 s.
interrupt 1 198.19.10.0/24 -p 1-200 --rate 20000 --timeout 400 --all-states --sV --no-progress \
	--resume-file "$D/two.resume" -oJ "$D/two.jsonl" -oX "$D/two.xml" -oG "$D/two.gnmap" \
	-oC "$D/two.csv" -oN "$D/two.txt"
n1=$(grep -c '"type":"result"' "$D/two.jsonl" || true)
echo "first run: $n1 results before Ctrl-C; $(check_pairs "$D/two.jsonl") open with service records"
[ "$n1" -gt 0 ] && [ "$n1" -lt 51200 ] || fail "first run reported $n1 results"
timeout 90 ip netns exec "$NS" "$PORTLENS" scan --resume "$D/two.resume" --no-progress \
	>/dev/null 2>"$D/err" || { cat "$D/err"; fail "resume exited $?"; }
$CHECK exact --results "$D/two.jsonl" --open "$D/open2" --probes 51200 ||
	fail "scenario 2: lost or repeated"
n=$(check_pairs "$D/two.jsonl") || fail "scenario 2: result/service records"
[ "$n" -eq 40 ] || fail "scenario 2: $n open ports with service records, want 40"
check_files "$D/two" 40 || fail "scenario 2: outputs after resume"
echo "PASS: --sV with Ctrl-C: running probes written, queued ones resumed, nothing lost or repeated"
