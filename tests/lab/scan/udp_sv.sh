#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# udp_sv.sh - `scan -sU --sV` on unusual ports: real UDP servers from Debian packages
# where no payload of data/udp-payloads.txt is sent (the sweep sends them an empty
# datagram, which they ignore, so the sweep leaves them open|filtered). The service
# stage sends those ports every payload at once and must find them. Lab host
# 198.19.9.1: dnsmasq on 20053, chronyd on 20123, snmpd on 20161, memcached -U on 21211;
# nftables drops 20055 (stays open|filtered) and all UDP to 198.19.9.2; avahi-daemon
# answers on 198.18.0.2:25353 (nftables redirects it to its fixed port 5353).
# Checks:
#  - without --sV: the four servers are open|filtered (what the sweep alone sees);
#  - with --sV: exactly the four open and identified (dns, ntp, snmp, memcached),
#    20055 and every port of .2 still open|filtered, the rest closed; the same in
#    JSON lines (results, service records, end totals), XML (state, service, runstats),
#    grepable, CSV, text and the store (--save); without --all-states only the four;
#  - avahi's mDNS on 25353 open and identified as mdns;
#  - nmap -sU -sV on the service ports finds the same open ports but memcached's (its
#    default version intensity leaves that one open|filtered), and mDNS on 25353.
# nmap -sU -sV needs about 105 s for these ports; it runs while portlens's checks do.
# Usage: udp_sv.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
# shellcheck source=udp_servers.sh
source "$(dirname "$0")/udp_servers.sh"
scan_lab_setup udpsv
for t in dnsmasq chronyd snmpd memcached avahi-daemon nmap sqlite3; do
	command -v $t >/dev/null || fail "$t is not installed (scripts/install-deps.sh)"
done
D=$LAB_DIR
A=198.19.9.1
B=198.19.9.2
udp_servers_start t $A "$D" 20053 20123 20161 21211
lab_exec t nft add table inet labsv
lab_exec t nft add chain inet labsv input '{ type filter hook input priority 0; }'
lab_exec t nft add rule inet labsv input ip daddr $A udp dport 20055 drop
lab_exec t nft add rule inet labsv input ip daddr $B meta l4proto udp drop
lab_exec t nft add chain inet labsv pre '{ type nat hook prerouting priority -100; }'
lab_exec t nft add rule inet labsv pre ip daddr 198.18.0.2 udp dport 25353 redirect to :5353
udp_servers_wait t $A 20053 20123 20161 21211
udp_mdns_start t lab0 "$D"
udp_mdns_wait "$D"
chmod 0777 "$D"
# nmap -sU -sV takes minutes of waiting on these ports: it runs meanwhile, two at once
# (it sends only to the service ports, so no closed port of the checks below sees its
# probes).
t0=$(date +%s%N)
ip netns exec "$(lab_nsname s)" nmap -sU -sV -n -Pn -p 20053,20123,20161,21211 -oX "$D/nmap.xml" \
	$A >/dev/null 2>"$D/nmap.err" &
NMAP_PID=$!
ip netns exec "$(lab_nsname s)" nmap -sU -sV -n -Pn -p 25353 -oX "$D/nmap-mdns.xml" 198.18.0.2 \
	>/dev/null 2>"$D/nmap-mdns.err" &
NMAP_MDNS_PID=$!

PORTS=20050-20060,20120-20125,20160-20165,21210-21212
NPORTS=$((11 + 6 + 6 + 3))
printf '%s\n' $A:20053 $A:20123 $A:20161 $A:21211 >"$D/open"
{
	echo $A:20055
	for p in $(seq 20050 20060) $(seq 20120 20125) $(seq 20160 20165) $(seq 21210 21212); do echo $B:$p; done
} >"$D/of"

# The sweep alone: the four servers say nothing to an empty datagram.
lab_exec s "$PORTLENS" scan -sU $A -p 20053,20123,20161,21211 --all-states --no-progress \
	--timeout 300 -oJ "$D/plain.jsonl" >/dev/null || fail "-sU without --sV exited $?"
[ "$(grep -c '"state":"open|filtered"' "$D/plain.jsonl")" -eq 4 ] ||
	fail "without --sV the four servers should be open|filtered: $(grep result "$D/plain.jsonl")"

t0=$(date +%s%N)
lab_exec s "$PORTLENS" scan -sU $A $B -p $PORTS --sV --all-states --no-progress --timeout 300 \
	-oJ "$D/sv.jsonl" -oX "$D/sv.xml" -oG "$D/sv.gnmap" -oC "$D/sv.csv" --save --db "$D/store.db" \
	>"$D/sv.txt" 2>"$D/sv.err" || fail "-sU --sV exited $?: $(cat "$D/sv.err")"
echo "portlens -sU --sV: $((($(date +%s%N) - t0) / 1000000)) ms"
$CHECK exact --results "$D/sv.jsonl" --open "$D/open" --open-filtered "$D/of" \
	--probes $((2 * NPORTS)) || fail "-sU --sV: states differ from the lab"
python3 - "$D" $A <<'PY' || fail "-sU --sV outputs"
import csv, json, sqlite3, sys, xml.etree.ElementTree as ET
d, a = sys.argv[1], sys.argv[2]
want = {20053: "dns", 20123: "ntp", 20161: "snmp", 21211: "memcached"}
recs = [json.loads(l) for l in open(f"{d}/sv.jsonl")]
svc = {r["port"]: r["service"] for r in recs if r["type"] == "service"}
assert svc == want, f"JSON services {svc}"
for r in recs:
    if r["type"] == "result" and r["state"] == "open":
        assert r["reason"] == "udp-response" and r["answer_bytes"] > 0, r
dns = next(r for r in recs if r["type"] == "result" and r["port"] == 20053)
assert dns["answer"].encode("latin-1")[:2] == b"\x70\x6c", dns  # our DNS id, echoed
end = next(r for r in recs if r["type"] == "end")
tot = end.get("totals", end)
assert tot["open"] == 4 and tot["open|filtered"] == 1 + 26, end
# XML: open with the service, method="probed"; runstats counts the hosts up.
x = ET.parse(f"{d}/sv.xml").getroot()
xs = {}
for h in x.iter("host"):
    for p in h.iter("port"):
        st = p.find("state").get("state")
        if st == "open":
            s = p.find("service")
            xs[int(p.get("portid"))] = (s.get("name"), s.get("method"))
assert xs == {p: (n, "probed") for p, n in want.items()}, xs
assert x.find("runstats/hosts").get("up") == "1", ET.tostring(x.find("runstats"))
# Grepable: nmap's Ports field.
g = open(f"{d}/sv.gnmap").read()
for p, n in want.items():
    assert f"{p}/open/udp//{n}/" in g, (p, g)
assert "20055/open|filtered/udp" in g, g
# CSV: state and detected service columns.
rows = list(csv.DictReader(open(f"{d}/sv.csv", newline="")))
cs = {int(r["port"]): r["detected_service"] for r in rows if r["state"] == "open"}
assert cs == want, cs
# Text: the four open rows with their service.
t = open(f"{d}/sv.txt").read()
for p, n in want.items():
    assert any(l.split()[:3] == [f"{p}/udp", "open", n] for l in t.splitlines()), (p, t)
# The store (--save).
db = sqlite3.connect(f"{d}/store.db")
st = {(p, s): v for p, s, v in db.execute("SELECT port, state, service FROM results")}
opened = {p: v for (p, s), v in st.items() if s == "open"}
assert opened == want, opened
print("ok: JSON, XML, grepable, CSV, text and the store agree:", want)
PY
# Without --all-states: exactly the four, and the footer counts them.
lab_exec s "$PORTLENS" scan -sU $A $B -p $PORTS --sV --no-progress --timeout 300 \
	-oJ "$D/open.jsonl" >"$D/open.txt" || fail "-sU --sV exited $?"
[ "$(grep -c '"type":"result"' "$D/open.jsonl")" -eq 4 ] || fail "only the open ports: $(cat "$D/open.jsonl")"
grep -q '"open":4' "$D/open.jsonl" || fail "end record: $(tail -1 "$D/open.jsonl")"
echo "ok: without --all-states only the four open ports"

# mDNS: avahi-daemon on its fixed 5353, reached on 25353 through the redirect.
lab_exec s "$PORTLENS" scan -sU 198.18.0.2 -p 25353 --sV --no-progress --timeout 300 \
	-oJ "$D/mdns.jsonl" >/dev/null || fail "mDNS scan exited $?"
grep -q '"type":"service","host":"198.18.0.2","port":25353,"proto":"udp","service":"mdns"' \
	"$D/mdns.jsonl" || fail "avahi on 25353 not found as mdns: $(cat "$D/mdns.jsonl")"
echo "ok: avahi-daemon's mDNS on 25353 open and identified"

# nmap -sU -sV (started above) on the same service ports: the same open set, except
# memcached, which nmap's default version intensity leaves open|filtered (its memcached
# probe is for 11211 only; --version-all finds the port open but not what it is, after
# four minutes).
wait "$NMAP_PID" || fail "nmap exited $?: $(cat "$D/nmap.err")"
wait "$NMAP_MDNS_PID" || fail "nmap exited $?: $(cat "$D/nmap-mdns.err")"
echo "nmap -sU -sV (two at once): $((($(date +%s%N) - t0) / 1000000)) ms"
python3 - "$D/sv.jsonl" "$D/nmap.xml" "$D/nmap-mdns.xml" <<'PY' || fail "-sU --sV and nmap -sU -sV disagree"
import json, sys, xml.etree.ElementTree as ET
ours = {r["port"] for r in map(json.loads, open(sys.argv[1]))
        if r["type"] == "result" and r["state"] == "open" and r["host"] == "198.19.9.1"}
def nmap_open(path):
    return {int(p.get("portid")) for p in ET.parse(path).iter("port")
            if p.find("state").get("state") == "open"}
theirs = nmap_open(sys.argv[2])
assert theirs == ours - {21211}, f"nmap {sorted(theirs)} portlens {sorted(ours)}"
assert nmap_open(sys.argv[3]) == {25353}, "nmap does not see mDNS on 25353"
print(f"ok: nmap -sU -sV open {sorted(theirs)}; portlens also 21211 (memcached)")
PY
echo "PASS: -sU --sV finds dnsmasq, chronyd, snmpd, memcached and avahi on unusual ports, in every output, as nmap -sU -sV does"
