#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# resume.sh - Ctrl-C and --resume lose and repeat nothing. A rate-limited scan of
# 198.19.8.0/24 x 256 ports is interrupted (SIGINT) twice and resumed each time; the
# JSON lines output, continued across the three runs, must hold every probe exactly
# once with exactly the lab's open and filtered sets, and the XML output must be one
# well-formed document with every open port. A further --resume of the finished scan
# finds no resume file and appends nothing.
# Usage: resume.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup resume
SEED=${LAB_SEED:-$RANDOM}
echo "lab seed $SEED"
D=$LAB_DIR
random_pairs v4 40 "$SEED" 198.19.8 1 256 >"$D/all"
sed -n 1,34p "$D/all" >"$D/open"
sed -n 35,40p "$D/all" >"$D/drop"
# shellcheck disable=SC2046
lab_listen t open $(cat "$D/open")
while IFS= read -r pair; do lab_drop t "${pair%:*}" "${pair##*:}"; done <"$D/drop"

NS=$(lab_nsname s)
cd "$D"
interrupt_after() {
	local secs=$1 rc=0
	shift
	ip netns exec "$NS" "$PORTLENS" scan "$@" >/dev/null 2>"$D/err" &
	local pid=$!
	sleep "$secs"
	kill -INT "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ] || { cat "$D/err"; fail "interrupted scan exited $rc, not 130"; }
	[ -s "$D/state.resume" ] || fail "no resume file written"
	grep -q "portlens scan --resume" "$D/err" || fail "no resume hint on stderr"
}

# 65536 probes at 20000/s take ~3.3 s; stop after 1 s twice.
interrupt_after 1 198.19.8.0/24 -p 1-256 --rate 20000 --timeout 400 --all-states \
	--no-progress --resume-file "$D/state.resume" -oJ "$D/res.jsonl" -oX "$D/res.xml" \
	-oG "$D/res.gnmap"
n1=$(grep -c '"type":"result"' "$D/res.jsonl")
echo "first run: $n1 results before Ctrl-C"
[ "$n1" -gt 0 ] && [ "$n1" -lt 65536 ] || fail "first run reported $n1 results"
grep -q '^pending ' "$D/state.resume" || echo "note: nothing was in flight at the stop"

interrupt_after 1 --resume "$D/state.resume" --no-progress
n2=$(grep -c '"type":"result"' "$D/res.jsonl")
echo "after second run: $n2 results"
[ "$n2" -gt "$n1" ] && [ "$n2" -lt 65536 ] || fail "second run: $n2 results"

timeout 60 ip netns exec "$NS" "$PORTLENS" scan --resume "$D/state.resume" --no-progress \
	>/dev/null || fail "final resume exited $?"
$CHECK exact --results "$D/res.jsonl" --open "$D/open" --filtered "$D/drop" --probes 65536 ||
	fail "resumed scan lost or repeated probes"
# XML: one document, every open port once.
python3 - "$D/res.xml" "$D/open" <<'PY' || fail "XML output after resume"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
got = {f"{h.find('address').get('addr')}:{p.get('portid')}"
       for h in root.iter('host') for p in h.iter('port')
       if p.find('state').get('state') == 'open'}
want = {l.strip() for l in open(sys.argv[2]) if l.strip()}
addrs = [h.find('address').get('addr') for h in root.iter('host')]
assert got == want, (sorted(got ^ want))[:10]
assert len(addrs) == len(set(addrs)), "a host appears twice"
assert root.find('runstats') is not None
print(f"xml ok: {len(got)} open ports on {len(addrs)} hosts")
PY
[ "$(grep -c '/open/' "$D/res.gnmap")" -eq 34 ] || fail "grepable output after resume"
# The finished scan's state is spent: its resume file is gone, and a second --resume
# says so and appends nothing (it used to run the whole scan again).
[ ! -e "$D/state.resume" ] || fail "the finished scan left its resume file behind"
n3=$(grep -c '"type":"result"' "$D/res.jsonl")
rc=0
timeout 60 ip netns exec "$NS" "$PORTLENS" scan --resume "$D/state.resume" --no-progress \
	>/dev/null 2>"$D/err" || rc=$?
[ "$rc" -eq 2 ] || fail "a second --resume of a finished scan exited $rc, not 2"
grep -q "nothing to resume" "$D/err" || fail "second --resume: $(cat "$D/err")"
[ "$(grep -c '"type":"result"' "$D/res.jsonl")" -eq "$n3" ] ||
	fail "a second --resume appended results"
echo "PASS: two interruptions, two resumes, nothing lost or repeated; a third does nothing"
