#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# diff.sh - `portlens diff` against nmap on a real lab. nmap's own XML (nmap -sT) of the
# lab compared with a portlens scan of the same lab shows no difference, for IPv4 and
# IPv6, open-only and with every state listed (--all-states: closed and filtered must
# agree with nmap's port by port). Then the lab changes -- one listener stops, one
# starts, one port gets a drop rule, one SSH banner changes version -- and diff reports
# exactly those changes, as text and JSON, between nmap files, portlens files, mixed,
# and saved scans (--save, by number). Exit codes: 0 same, 1 differs, 2 bad input.
# Usage: diff.sh PORTLENS_BINARY
source "$(dirname "$0")/../scan/common.sh" "$1"
command -v nmap >/dev/null || { echo "SKIP: nmap is not installed"; exit 77; }
scan_lab_setup diff
D=$LAB_DIR
NS=$(lab_nsname s)
PORTS=22,23,80,443,2222,8080
V4=198.19.21.0/28

lab_listen t open 198.19.21.5:22 198.19.21.9:443 '[2001:2:0:1::5]:22' '[2001:2:0:1::5]:80'
# A listener this test stops later: started without a subshell, so $! is the helper.
listen_killable() {
	ip netns exec "$(lab_nsname t)" python3 "$LAB_HERE/listeners.py" --ready "$D/ready.$1" \
		--mode open "$1" &
	LAB_PIDS+=($!)
	for _ in $(seq 1 200); do [ -e "$D/ready.$1" ] && return 0; sleep 0.05; done
	fail "listener $1 not ready"
}
listen_killable 198.19.21.5:80
L80=${LAB_PIDS[-1]}
# an SSH server's greeting (what --sV identifies), from a one-line socat server
banner() {
	printf '#!/bin/sh\nprintf "SSH-2.0-OpenSSH_%s\\r\\n"\nsleep 1\n' "$1" >"$D/ssh-$1.sh"
	chmod +x "$D/ssh-$1.sh"
	ip netns exec "$(lab_nsname t)" socat "TCP-LISTEN:2222,bind=198.19.21.3,reuseaddr,fork" "EXEC:$D/ssh-$1.sh" &
	LAB_PIDS+=($!)
	for _ in $(seq 1 100); do
		lab_exec t ss -Htln 'sport = 2222' | grep -q . && return 0
		sleep 0.05
	done
	fail "socat banner server did not start"
}
banner 9.2p1
BANNER=${LAB_PIDS[-1]}
lab_drop t 198.19.21.9 23

nmap4() { timeout 120 ip netns exec "$NS" nmap -n -Pn -sT -p "$PORTS" --max-retries 1 "$@" "$V4" >/dev/null; }
nmap6() { timeout 120 ip netns exec "$NS" nmap -6 -n -Pn -sT -p "$PORTS" --max-retries 1 "$@" 2001:2:0:1::5 >/dev/null; }
plscan() { timeout 120 ip netns exec "$NS" "$PORTLENS" scan -p "$PORTS" --timeout 500 --no-progress "$@" >/dev/null; }
pdiff() { "$PORTLENS" diff "$@"; }

# 1. the same lab seen by nmap and by portlens: no differences
nmap4 -oX "$D/n1.xml" || fail "nmap v4"
nmap6 -oX "$D/n1v6.xml" || fail "nmap v6"
plscan "$V4" -oJ "$D/p1.json" -oX "$D/p1.xml" --save --db "$D/store.db" 2>"$D/save1.err" ||
	fail "portlens scan 1"
plscan "$V4" --all-states -oJ "$D/p1all.json" || fail "portlens scan --all-states"
plscan 2001:2:0:1::5 --all-states -oJ "$D/p1v6.json" || fail "portlens scan v6"
grep -q '#1 ' "$D/save1.err" || { cat "$D/save1.err"; fail "scan 1 not saved as #1"; }
[ "$(grep -c 'state="open"' "$D/n1.xml")" -eq 4 ] || fail "nmap saw $(grep -c 'state="open"' "$D/n1.xml") open ports, not 4"
[ "$(grep -c 'state="filtered"' "$D/n1.xml")" -eq 1 ] || fail "nmap does not list the filtered port"
for pair in "n1.xml p1.json" "n1.xml p1.xml" "n1.xml p1all.json" "p1all.json n1.xml" \
	"n1v6.xml p1v6.json"; do
	# shellcheck disable=SC2086
	out=$(cd "$D" && pdiff $pair) || fail "diff $pair: exit $? (want 0): $out"
	grep -q '^no differences$' <<<"$out" || fail "diff $pair: $out"
done
echo "nmap and portlens agree: open ports, closed and filtered states, IPv4 and IPv6"

# 2. change the lab: 80 on .5 stops, 8080 on .9 starts, 23 on .5 is dropped (closed ->
#    filtered), the SSH server on .3:2222 is upgraded
kill "$L80"
wait "$L80" 2>/dev/null || true
listen_killable 198.19.21.9:8080
lab_drop t 198.19.21.5 23
kill "$BANNER"
wait "$BANNER" 2>/dev/null || true
banner 9.6p1
BANNER=${LAB_PIDS[-1]}
nmap4 -oX "$D/n2.xml" || fail "nmap v4 (2)"
plscan "$V4" -oJ "$D/p2.json" --save --db "$D/store.db" 2>/dev/null || fail "portlens scan 2"
plscan "$V4" --all-states -oJ "$D/p2all.json" || fail "portlens scan 2 --all-states"

want_open_close="198.19.21.5 80 tcp closed
198.19.21.9 8080 tcp opened"
want_all="198.19.21.5 23 tcp state closed filtered
$want_open_close"
check_json() { # FILE WANT: the changes of a --json diff, one per line
	python3 - "$1" <<'PY' >"$1.changes"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "portlens.diff/1"
assert d["same"] == (len(d["changes"]) == 0)
for c in d["changes"]:
    extra = ""
    if c["change"] == "state":
        extra = " %s %s" % (c["a"]["state"], c["b"]["state"])
    print(c["host"], c["port"], c["proto"], c["change"] + extra)
PY
	diff -u <(printf '%s\n' "$2") "$1.changes" || fail "changes in $1"
}
for pair in "n1.xml p2.json" "p1.json p2.json" "p1.xml n2.xml" "1 2"; do
	rc=0
	# shellcheck disable=SC2086
	(cd "$D" && pdiff --json --db "$D/store.db" $pair) >"$D/d.json" || rc=$?
	[ "$rc" -eq 1 ] || fail "diff $pair: exit $rc, want 1"
	check_json "$D/d.json" "$want_open_close"
done
for pair in "n1.xml n2.xml" "p1all.json p2all.json" "n1.xml p2all.json"; do
	rc=0
	# shellcheck disable=SC2086
	(cd "$D" && pdiff --json $pair) >"$D/d.json" || rc=$?
	[ "$rc" -eq 1 ] || fail "diff $pair: exit $rc, want 1"
	check_json "$D/d.json" "$want_all"
done
out=$(cd "$D" && pdiff n1.xml n2.xml) && fail "text diff exit 0"
for want in '^198.19.21.5$' '^  - 80/tcp +closed +closed \(was open\): http$' \
	'^  ~ 23/tcp +state +closed -> filtered$' '^  \+ 8080/tcp +opened +open \(was closed\)' \
	'^3 differences on 2 hosts: 1 opened, 1 closed, 1 state, 0 service$'; do
	grep -qE "$want" <<<"$out" || fail "text diff lacks /$want/: $out"
done
echo "changes found exactly: nmap/nmap, portlens/portlens, mixed, saved scans 1 and 2"

# 3. service detection on both sides: the version change, and nothing else
plscan 198.19.21.3 --sV -oJ "$D/sv2.json" -oX "$D/sv2.xml" || fail "--sV scan"
kill "$BANNER"
wait "$BANNER" 2>/dev/null || true
banner 9.2p1
sleep 0.2
plscan 198.19.21.3 --sV -oJ "$D/sv1.json" || fail "--sV scan (2)"
grep -q '"product":"OpenSSH"' "$D/sv1.json" || fail "--sV did not identify OpenSSH"
rc=0
out=$(cd "$D" && pdiff sv1.json sv2.xml) || rc=$?
[ "$rc" -eq 1 ] || fail "--sV diff exit $rc: $out"
grep -qE '^  ~ 2222/tcp +service +ssh OpenSSH 9.2p1 -> ssh OpenSSH 9.6p1' <<<"$out" ||
	fail "--sV diff: $out"
grep -q '^1 difference on 1 host' <<<"$out" || fail "--sV diff count: $out"
echo "service version change found between --sV scans (JSON vs XML)"

# 4. masscan's own output of the changed lab (one SYN scan, converted by masscan itself
#    to its list, JSON and XML formats) agrees with nmap's, and is imported
MAC=$(ip -n "$(lab_nsname t)" -j link show lab0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
if command -v masscan >/dev/null; then
	# its own stack on an address the kernel of s does not own (no RSTs from the kernel)
	timeout 60 ip netns exec "$NS" masscan "$V4" -p "$PORTS" --adapter lab0 \
		--adapter-ip 198.18.0.3 --router-mac "$MAC" --rate 2000 --retries 2 --wait 1 \
		-oB "$D/m2.bin" >/dev/null 2>&1 || fail "masscan"
	for fmt in L:list J:json X:xml; do
		masscan --readscan "$D/m2.bin" "-o${fmt%%:*}" "$D/m2.${fmt#*:}" >/dev/null 2>&1 ||
			fail "masscan --readscan -o${fmt%%:*}"
	done
	grep -q '^open tcp 8080 198.19.21.9 ' "$D/m2.list" || fail "masscan missed 8080: $(cat "$D/m2.list")"
	for f in m2.list m2.json m2.xml; do
		out=$(cd "$D" && pdiff p2.json "$f") || fail "diff p2.json $f: $out"
		grep -qE '^B: .*\((masscan-list|masscan-json|nmap-xml), masscan, 3 hosts, 4 open\)$' <<<"$out" ||
			fail "diff p2.json $f: $out"
	done
	out=$(cd "$D" && pdiff n1.xml m2.json) && fail "n1 vs masscan: same"
	grep -q '^2 differences on 2 hosts: 1 opened, 1 closed' <<<"$out" || fail "n1 vs masscan: $out"
	echo "masscan -oL/-oJ/-oX of the lab agree with portlens; nmap->masscan diff exact"
else
	echo "SKIP (part): masscan is not installed"
fi

# 5. import: saved whole, diffable by number, shown by the web server
imp=$("$PORTLENS" import --db "$D/store.db" "$D/n1.xml" "$D/p2all.json") || fail "import"
grep -q 'n1.xml: saved as scan #3 (nmap-xml, 16 hosts, 96 results)' <<<"$imp" || fail "import: $imp"
grep -qE 'p2all.json: saved as scan #4 \(portlens-json, 1[56] hosts, (90|96) results\)' <<<"$imp" ||
	fail "import: $imp"
pdiff --db "$D/store.db" 3 "$D/n1.xml" >/dev/null || fail "imported 3 differs from n1.xml"
pdiff --db "$D/store.db" 1 3 >/dev/null || fail "saved scan 1 differs from imported nmap scan"
pdiff --json --db "$D/store.db" 3 4 >"$D/d.json" && fail "3 vs 4 same"
check_json "$D/d.json" "$want_all"
rc=0
"$PORTLENS" import --db "$D/store.db" "$D/n1.xml" "$D/bad.xml" >/dev/null 2>"$D/err" || rc=$?
[ "$rc" -eq 2 ] || fail "import of a bad file: exit $rc"
"$PORTLENS" serve --db "$D/store.db" --listen 127.0.0.1:0 >"$D/serve.out" 2>&1 &
SERVE=$!
LAB_PIDS+=($SERVE)
for _ in $(seq 1 100); do grep -q '^portlens serve: http' "$D/serve.out" && break; sleep 0.05; done
url=$(sed -n 's/^portlens serve: \(http:[^ ?]*\).*/\1/p' "$D/serve.out")
[ -n "$url" ] || fail "serve did not start: $(cat "$D/serve.out")"
get() { python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=10).read())' "$1"; }
get "${url}api/scans/3" >"$D/api3.json" || fail "GET /api/scans/3"
python3 - "$D/api3.json" <<'PY' || fail "/api/scans/3"
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["results_list"]
assert d["results"] == len(rows) == 96, len(rows)
assert d["engine"] == "nmap" and d["status"] == "done", d
opened = sorted((r["addr"], r["port"]) for r in rows if r["state"] == "open")
assert opened == [("198.19.21.3", 2222), ("198.19.21.5", 22), ("198.19.21.5", 80), ("198.19.21.9", 443)], opened
PY
get "${url}scans" | grep -q '<a href="/scans/3">3</a></td><td>16 hosts</td>' ||
	fail "/scans does not list the import"
kill "$SERVE"
# a 100,000-result import killed with SIGKILL part way leaves nothing of it behind
lab_big_scan "$D/big.json" 100000
"$PORTLENS" import --db "$D/store.db" "$D/big.json" >/dev/null &
IMP=$!
# kill it once rows are being written: the WAL has grown by more than 512 KiB
wal0=$(stat -c %s "$D/store.db-wal" 2>/dev/null || echo 0)
for _ in $(seq 1 1500); do
	[ "$(stat -c %s "$D/store.db-wal" 2>/dev/null || echo 0)" -gt $((wal0 + 524288)) ] && break
	kill -0 "$IMP" 2>/dev/null || break
	sleep 0.02
done
[ "$(stat -c %s "$D/store.db-wal")" -gt $((wal0 + 524288)) ] || fail "import wrote nothing in 30 s"
kill -9 "$IMP" 2>/dev/null || true
wait "$IMP" 2>/dev/null || true
n=$(python3 - "$D/store.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ids = [r[0] for r in c.execute("select id from scans where command like '%big.json%'")]
rows = sum(c.execute("select count(*) from results where scan_id = ?", (i,)).fetchone()[0] for i in ids)
print(len(ids), rows)
PY
)
[ "$n" = "0 0" ] || fail "a killed import left $n (scans, rows)"
echo "import: whole or nothing ($n after kill -9), diff by number, /api/scans and /scans show it"

# 6. errors: exit 2 and one line naming the problem
printf '<nmaprun>\n<host><address addr="198.19.0.1"/><ports><port protocol="tcp" portid="x"/>' \
	>"$D/bad.xml"
for args in "$D/none.xml $D/n1.xml" "$D/bad.xml $D/n1.xml" "$D/n1.xml" "99 1"; do
	rc=0
	# shellcheck disable=SC2086
	pdiff --db "$D/store.db" $args >"$D/out" 2>"$D/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "diff $args: exit $rc, want 2"
	[ "$(wc -l <"$D/err")" -eq 1 ] || fail "diff $args: not one error line: $(cat "$D/err")"
done
grep -q 'bad.xml:2:42: <port> without a portid' <(pdiff "$D/bad.xml" "$D/n1.xml" 2>&1) || fail "no line number for bad XML"
pdiff -q "$D/n1.xml" "$D/p1.json" | head -c 1 | grep -q . && fail "-q printed"
echo "PASS"
