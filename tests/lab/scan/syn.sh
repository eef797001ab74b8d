#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# syn.sh - the raw SYN engine (-sS) in the namespace lab, IPv4 and IPv6:
#  - exact open/closed/filtered sets over 65,000+ probes per family, from two sending
#    threads (the default on two CPUs) and from one (--threads 1) (listeners on random
#    pairs, nftables drop, RST and ICMP rules), each probe once; ICMP unreachables
#    (host-unreachable, admin-prohibited, net-unreachable; ICMPv6 admin-prohibited,
#    addr-unreachable, no-route) are filtered with nmap's reason word;
#  - the same state for every port as `nmap -sS` on the same hosts;
#  - no half-open connection left on the target (the kernel RSTs the SYN-ACKs);
#  - Ctrl-C twice and --resume: every probe reported exactly once over three runs;
#  - a /16 through a local route, one port: every planted listener found (100% recall);
#  - XML scaninfo type="syn"; capabilities dropped while scanning in every thread (only
#    CAP_DAC_OVERRIDE kept); without CAP_NET_RAW one line naming it and -sT, exit 2,
#    no output file created.
# Usage: syn.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup syn
command -v nmap >/dev/null || fail "nmap is not installed (scripts/install-deps.sh)"
SEED=${LAB_SEED:-$RANDOM}
echo "lab seed $SEED (LAB_SEED=$SEED to repeat)"
D=$LAB_DIR

# Non-root: refused before anything is opened or sent, inside the lab namespace.
rc=0
lab_exec s setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	"$PORTLENS" scan -sS 198.19.7.1 -p 22 -oX /tmp/syn-never-$$.xml >"$D/np.out" 2>"$D/np.err" || rc=$?
[ "$rc" -eq 2 ] || fail "non-root -sS exited $rc, expected 2"
[ "$(wc -l <"$D/np.err")" -eq 1 ] || fail "non-root -sS: expected one line, got: $(cat "$D/np.err")"
grep -q 'CAP_NET_RAW' "$D/np.err" && grep -q -- '-sT' "$D/np.err" ||
	fail "non-root message does not name CAP_NET_RAW and -sT: $(cat "$D/np.err")"
[ ! -e /tmp/syn-never-$$.xml ] || fail "non-root -sS created its output file"
echo "ok: non-root refusal: $(cat "$D/np.err")"

run_family() {
	local fam=$1 prefix=$2 range=$3 probes=$4 hosts six="" k=0
	local -a icmp=("icmp type host-unreachable" "icmp type admin-prohibited" "icmp type net-unreachable")
	local -a why=(host-unreach admin-prohibited net-unreach)
	if [ "$fam" = v6 ]; then
		six=-6
		icmp=("icmpv6 type admin-prohibited" "icmpv6 type addr-unreachable" "icmpv6 type no-route")
		why=(admin-prohibited host-unreach net-unreach)
	fi
	random_pairs "$fam" 30 "$SEED" "$prefix" 1 256 >"$D/all.$fam"
	sed -n 1,18p "$D/all.$fam" >"$D/open.$fam"
	sed -n 19,24p "$D/all.$fam" >"$D/drop.$fam"
	sed -n 25,27p "$D/all.$fam" >"$D/unreach.$fam"
	sed -n 28,30p "$D/all.$fam" >"$D/reset.$fam"
	# shellcheck disable=SC2046
	lab_listen t open $(cat "$D/open.$fam")
	# shellcheck disable=SC2046
	lab_listen t open $(sed -n 19,20p "$D/all.$fam") # behind a drop rule: filtered
	while IFS= read -r pair; do
		local addr=${pair%:*} port=${pair##*:}
		addr=${addr#[}
		addr=${addr%]}
		if grep -qxF "$pair" "$D/drop.$fam"; then lab_drop t "$addr" "$port"; fi
		if grep -qxF "$pair" "$D/unreach.$fam"; then
			lab_nft_rule t "$addr" "$port" "reject with ${icmp[$k]}"
			echo "$addr ${why[$k]}" >>"$D/why.$fam"
			k=$((k + 1))
		fi
		if grep -qxF "$pair" "$D/reset.$fam"; then lab_reset t "$addr" "$port"; fi
	done <"$D/all.$fam"
	timeout 120 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sS "$range" -p 1-256 \
		--all-states --timeout 500 --retries 2 --no-progress -oJ "$D/res.$fam.jsonl" \
		-oX "$D/res.$fam.xml" >"$D/text.$fam" || fail "$fam -sS exited $?"
	cat "$D/drop.$fam" "$D/unreach.$fam" >"$D/filtered.$fam"
	$CHECK exact --results "$D/res.$fam.jsonl" --open "$D/open.$fam" \
		--filtered "$D/filtered.$fam" --probes "$probes" ||
		fail "$fam: -sS results differ from the lab"
	# The same from one thread (the default sends from two when two CPUs are usable).
	timeout 120 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sS "$range" -p 1-256 \
		--threads 1 --all-states --timeout 500 --retries 2 --no-progress \
		-oJ "$D/res1.$fam.jsonl" >/dev/null || fail "$fam: -sS --threads 1 exited $?"
	$CHECK exact --results "$D/res1.$fam.jsonl" --open "$D/open.$fam" \
		--filtered "$D/filtered.$fam" --probes "$probes" ||
		fail "$fam: -sS --threads 1 results differ from the lab"
	python3 - "$D/res.$fam.jsonl" "$D/why.$fam" "$D/unreach.$fam" <<'PY' || fail "$fam: ICMP reasons"
import ipaddress, json, sys
want = {}
for line, pair in zip(open(sys.argv[2]), open(sys.argv[3])):
    addr, why = line.split()
    want[(str(ipaddress.ip_address(addr)), int(pair.strip().rsplit(":", 1)[1]))] = why
got = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    k = (str(ipaddress.ip_address(r.get("host", "0.0.0.0"))), r.get("port"))
    if r.get("type") == "result" and k in want:
        got[k] = (r["state"], r["reason"])
assert got == {k: ("filtered", w) for k, w in want.items()}, got
print("ok: ICMP unreachables filtered with reasons", sorted(set(want.values())))
PY
	grep -q '<scaninfo type="syn" protocol="tcp"' "$D/res.$fam.xml" || fail "$fam: scaninfo"
	[ "$(grep -c ' open ' "$D/text.$fam")" -eq 18 ] || fail "$fam: text output"
	grep -q '"reason":"reset"' "$D/res.$fam.jsonl" || fail "$fam: closed ports' reason"
	# No half-open connection on the target: our kernel answered every SYN-ACK with a RST.
	[ "$(lab_exec t ss -Htn state syn-recv | wc -l)" -eq 0 ] ||
		fail "$fam: half-open connections left on the target: $(lab_exec t ss -Htn state syn-recv)"
	# nmap -sS on the lab's hosts: every port in the same state.
	hosts=$(sed 's/:[0-9]*$//; s/^\[//; s/\]$//' "$D/all.$fam" | sort -u | tr '\n' ' ')
	# shellcheck disable=SC2086
	timeout 150 ip netns exec "$(lab_nsname s)" nmap $six -sS -n -Pn -T5 --max-retries 2 \
		-p 1-256 -oX "$D/nmap.$fam.xml" $hosts >/dev/null || fail "$fam: nmap exited $?"
	$CHECK vs-nmap --results "$D/res.$fam.jsonl" --nmap "$D/nmap.$fam.xml" ||
		fail "$fam: -sS and nmap -sS disagree"
}

run_family v4 198.19.7 198.19.7.0/24 $((256 * 256))

# Ctrl-C twice and --resume: the raw engine's in-flight slots go into the resume file,
# so the three runs together report every probe exactly once (the v4 lab above).
interrupt_after() { # SECS ARGS...
	local secs=$1 rc=0 pid
	shift
	ip netns exec "$(lab_nsname s)" "$PORTLENS" scan "$@" >/dev/null 2>"$D/err" &
	pid=$!
	sleep "$secs"
	kill -INT "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 130 ] || fail "interrupted -sS exited $rc, not 130: $(cat "$D/err")"
}
interrupt_after 1 -sS 198.19.7.0/24 -p 1-256 --rate 20000 --timeout 500 --retries 2 \
	--all-states --no-progress --resume-file "$D/syn.resume" -oJ "$D/resumed.jsonl"
n1=$(grep -c '"type":"result"' "$D/resumed.jsonl")
interrupt_after 1 --resume "$D/syn.resume" --no-progress
n2=$(grep -c '"type":"result"' "$D/resumed.jsonl")
[ "$n1" -gt 0 ] && [ "$n2" -gt "$n1" ] && [ "$n2" -lt $((256 * 256)) ] ||
	fail "-sS resume: $n1 then $n2 results"
timeout 60 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan --resume "$D/syn.resume" \
	--no-progress >/dev/null || fail "final -sS resume exited $?"
$CHECK exact --results "$D/resumed.jsonl" --open "$D/open.v4" --filtered "$D/filtered.v4" \
	--probes $((256 * 256)) || fail "-sS resume lost or repeated probes"
echo "ok: -sS interrupted twice ($n1, $n2 results) and resumed: every probe once"
run_family v6 2001:2:0:1:: 2001:2:0:1::/120 $((256 * 256))

# A /16 through the lab's local route, one port, 200 planted listeners: 100% recall.
python3 -c "
import random; r = random.Random($SEED)
print('\n'.join('198.19.%d.%d:2323' % divmod(x, 256) for x in sorted(r.sample(range(1, 65535), 200))))" \
	>"$D/wide.open"
# shellcheck disable=SC2046
lab_listen t open $(cat "$D/wide.open")
timeout 60 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sS 198.19.0.0/16 -p 2323 \
	--no-progress -oJ "$D/wide.jsonl" >/dev/null || fail "/16 -sS exited $?"
$CHECK exact --results "$D/wide.jsonl" --open "$D/wide.open" || fail "/16 -sS: recall below 100%"
echo "ok: /16 sweep found all 200 planted listeners"

# Capabilities while scanning: a silent target keeps the scan running long enough to look.
# Every thread counts: -sS sends from a second thread on a machine with two CPUs, and
# capset() changes one thread only, so the worker must start after the drop.
lab_drop t 198.19.9.1
# ip netns exec execs portlens itself, so $! is portlens's pid.
ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sS 198.19.9.1 -p 1-50 --timeout 3000 --retries 0 --no-progress \
	>"$D/caps.out" 2>&1 &
pid=$!
want_tasks=1
[ "$(nproc)" -ge 2 ] && want_tasks=2
capeff="" ntasks=0
for _ in $(seq 1 40); do
	sleep 0.1
	capeff=$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/^CapEff:/ {print $2}' | sort -u | tr '\n' ' ' || true)
	ntasks=$(find /proc/"$pid"/task -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ "$capeff" = "0000000000000002 " ] && [ "$ntasks" -ge "$want_tasks" ] && break
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
rm -f portlens-scan.resume
[ "$ntasks" -ge "$want_tasks" ] || fail "-sS ran $ntasks threads on $(nproc) CPUs (want $want_tasks)"
[ "$capeff" = "0000000000000002 " ] || fail "capabilities while scanning (per thread): CapEff $capeff"
echo "ok: while scanning, all $ntasks threads have CapEff=0000000000000002 (CAP_DAC_OVERRIDE only)"

# --max-inflight 1 (what -T0..-T2 set) is one probe at a time even with two sending
# threads available: three silent probes of 500 ms each take 1.5 s, not 1 s.
ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sS 198.19.9.1 -p 1-3 --max-inflight 1 \
	--timeout 500 --retries 0 --no-progress -oJ "$D/serial.jsonl" >/dev/null ||
	fail "--max-inflight 1 -sS exited $?"
ms=$(grep -o '"elapsed_ms":[0-9]*' "$D/serial.jsonl" | cut -d: -f2)
[ "$ms" -ge 1400 ] || fail "--max-inflight 1: three 500 ms probes took $ms ms (more than one in flight)"
echo "ok: --max-inflight 1 sends one probe at a time ($ms ms for three silent probes)"
echo "PASS: -sS exact sets (IPv4, IPv6) and the same states as nmap -sS; no half-open; caps dropped; non-root refused"
