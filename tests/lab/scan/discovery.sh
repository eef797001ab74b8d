#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# discovery.sh - host discovery (-sn) in the namespace lab, IPv4 and IPv6, against hosts
# that answer in one way only (nftables in the target namespace):
#   198.19.10.1 / 2001:2:0:1::1   answers everything                   up
#   198.19.10.2 / 2001:2:0:1::2   echo only (TCP dropped)               up, echo-reply
#   198.19.10.3 / 2001:2:0:1::3   RSTs only (ICMP dropped)              up, reset
#   198.19.10.4 / 2001:2:0:1::4   nothing (everything dropped)          down
#   198.18.0.3  / 2001:2::3       on the scanner's segment, every IP packet dropped:
#                                 only ARP / neighbour discovery answers up, arp-response
#                                 / nd-response
#   198.18.0.4  / 2001:2::4       on the segment, nobody has it         down
# Checks: the exact up set and each reason in JSON lines; XML (no scaninfo, <status
# reason>, runstats hosts up/down), grepable "Status: Up", text, CSV (a row per up
# host) and the store (--save: a row of port 0 in state "up" per up host, which
# `portlens diff` reads back as hosts); `nmap -sn` on the same
# hosts finds the same up set; -sn with -p is refused; without CAP_NET_RAW one line
# naming it, exit 2.
# Usage: discovery.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup disc
command -v nmap >/dev/null || fail "nmap is not installed (scripts/install-deps.sh)"
D=$LAB_DIR

ip -n "$(lab_nsname t)" addr add 198.18.0.3/24 dev lab0
ip -n "$(lab_nsname t)" addr add 2001:2::3/64 dev lab0 nodad
lab_exec t nft -f - <<'NFT'
table inet disc {
	chain input {
		type filter hook input priority 0;
		ip daddr 198.19.10.2 meta l4proto tcp drop
		ip daddr 198.19.10.3 meta l4proto icmp drop
		ip daddr { 198.19.10.4, 198.18.0.3 } drop
		ip6 daddr 2001:2:0:1::2 meta l4proto tcp drop
		ip6 daddr 2001:2:0:1::3 icmpv6 type echo-request drop
		ip6 daddr 2001:2:0:1::4 drop
		ip6 daddr 2001:2::3 meta l4proto tcp drop
		ip6 daddr 2001:2::3 icmpv6 type echo-request drop
	}
}
NFT

# Without the capability: one line, exit 2, nothing sent.
rc=0
lab_exec s setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	"$PORTLENS" scan -sn 198.19.10.1 >"$D/np.out" 2>"$D/np.err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$D/np.err")" -eq 1 ] && grep -q CAP_NET_RAW "$D/np.err" ||
	fail "non-root -sn: exit $rc, $(cat "$D/np.err")"
rc=0
pl scan -sn 198.19.10.1 -p 80 >/dev/null 2>"$D/p.err" || rc=$?
[ "$rc" -eq 2 ] && grep -q -- '-sn finds up hosts' "$D/p.err" || fail "-sn -p: exit $rc"

V4="198.19.10.1 198.19.10.2 198.19.10.3 198.19.10.4 198.18.0.2 198.18.0.3 198.18.0.4"
V6="2001:2:0:1::1 2001:2:0:1::2 2001:2:0:1::3 2001:2:0:1::4 2001:2::2 2001:2::3 2001:2::4"
for fam in v4 v6; do
	if [ $fam = v4 ]; then hosts=$V4 six=""; else hosts=$V6 six=-6; fi
	# shellcheck disable=SC2086
	timeout 60 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sn $hosts --timeout 500 \
		--retries 1 --no-progress -oJ "$D/$fam.jsonl" -oX "$D/$fam.xml" -oG "$D/$fam.gnmap" \
		-oC "$D/$fam.csv" --save --db "$D/$fam.db" >"$D/$fam.txt" 2>"$D/$fam.err" || fail "$fam -sn exited $?: $(cat "$D/$fam.err")"
	# shellcheck disable=SC2086
	timeout 60 ip netns exec "$(lab_nsname s)" nmap $six -sn -n --max-retries 1 -oX "$D/nmap.$fam.xml" \
		$hosts >/dev/null || fail "$fam: nmap -sn exited $?"
	python3 - "$fam" "$D/$fam.jsonl" "$D/$fam.xml" "$D/nmap.$fam.xml" "$D/$fam.gnmap" "$D/$fam.txt" \
		"$D/$fam.csv" "$D/$fam.db" <<'PY' || fail "$fam: -sn results"
import csv, ipaddress, json, sqlite3, sys
import xml.etree.ElementTree as ET
fam, jl, xml, nxml, gnmap, txt, csvf, db = sys.argv[1:]
A = lambda s: str(ipaddress.ip_address(s))
if fam == "v4":
    want = {"198.19.10.1": None, "198.19.10.2": "echo-reply", "198.19.10.3": "reset",
            "198.18.0.2": None, "198.18.0.3": "arp-response"}
else:
    want = {"2001:2:0:1::1": None, "2001:2:0:1::2": "echo-reply", "2001:2:0:1::3": "reset",
            "2001:2::2": None, "2001:2::3": "nd-response"}
want = {A(k): v for k, v in want.items()}
got, end = {}, None
for line in open(jl):
    r = json.loads(line)
    assert r.get("type") != "result", f"-sn wrote a port result: {r}"
    if r.get("type") == "host":
        got[A(r["host"])] = r["reason"]
    if r.get("type") == "end":
        end = r
assert set(got) == set(want), f"up hosts: {sorted(got)} != {sorted(want)}"
for h, why in want.items():
    assert why is None or got[h] == why, f"{h}: reason {got[h]}, expected {why}"
assert end and end.get("hosts_up") == len(want), end
root = ET.parse(xml).getroot()
assert root.find("scaninfo") is None, "-sn XML has a scaninfo"
xup = {A(h.find("address").get("addr")): h.find("status").get("reason") for h in root.iter("host")}
assert xup == got, f"XML {xup} != JSON {got}"
hs = root.find("runstats/hosts")
assert (hs.get("up"), hs.get("down")) == (str(len(want)), str(7 - len(want))), hs.attrib
nup = {A(h.find("address").get("addr")) for h in ET.parse(nxml).getroot().iter("host")
       if h.find("status").get("state") == "up"}
assert nup == set(want), f"nmap -sn up: {sorted(nup)}, portlens: {sorted(want)}"
g = {A(l.split()[1]) for l in open(gnmap) if "Status: Up" in l}
assert g == set(want), f"grepable {g}"
t = {A(l.split()[0]) for l in open(txt) if " is up (" in l}
assert t == set(want), f"text {t}"
rows = list(csv.reader(open(csvf, newline="")))
assert rows[0] == ["host", "hostname", "state", "reason", "rtt_ms"], rows[0]
c = {A(r[0]): r[3] for r in rows[1:] if r[2] == "up"}
assert c == got and len(rows) == len(want) + 1, f"CSV {rows}"
con = sqlite3.connect(db)
assert [s for (s,) in con.execute("SELECT status FROM scans")] == ["done"]
sv = {A(a): (p, s, b) for a, p, s, b in con.execute("SELECT addr, port, state, banner FROM results")}
assert sv == {h: (0, "up", why) for h, why in got.items()}, f"store {sv}"
print(f"ok: {fam} -sn up {sorted(got.items())} in JSON, XML, grepable, text, CSV and the store; nmap -sn agrees")
PY
done
# diff reads saved -sn scans back as hosts without ports (5 up, then 1).
lab_exec t nft add rule inet disc input ip daddr 198.19.10.2 drop
timeout 60 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sn 198.19.10.1 198.19.10.2 --timeout 500 \
	--retries 1 --no-progress --save --db "$D/v4.db" >/dev/null 2>"$D/v4b.err" ||
	fail "second -sn exited $?: $(cat "$D/v4b.err")"
"$PORTLENS" diff --db "$D/v4.db" 1 2 >"$D/diff.txt" 2>&1 || true
grep -q '^A: 1 (saved-scan, ping, 5 hosts, 0 open)' "$D/diff.txt" &&
	grep -q '^B: 2 (saved-scan, ping, 1 host, 0 open)' "$D/diff.txt" ||
	fail "diff of two saved -sn scans: $(cat "$D/diff.txt")"
echo "ok: diff reads saved -sn scans back (5 hosts up, then 1)"
echo "PASS: -sn finds exactly the hosts that answer echo, RST, ARP or ND, as nmap -sn does"
