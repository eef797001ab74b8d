#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# udp.sh - the UDP engine (-sU) against real UDP servers from Debian packages, started
# by this test on lab host 198.19.8.1: dnsmasq (DNS 53), chronyd (NTP 123), snmpd (SNMP
# 161, community public), memcached -U (11211); nftables on the target drops 2049,
# rejects 5060 with ICMP admin-prohibited and 1000-1005 with the other ICMP
# unreachables nftables can send (net, host, protocol, net-prohibited, host-prohibited,
# port), and drops all UDP to 198.19.8.2. Checks:
#  - exact states over 2 x 1027 probes: open = the four servers, filtered 5060 and
#    1000-1004 with nmap's reason words, open|filtered 2049 and every port of .2, closed
#    the rest (1005 too: port-unreach);
#  - each server identified with --sV (dns, ntp, snmp, memcached) and the JSON answer
#    bytes are the server's datagram (DNS id 0x706c);
#  - XML scaninfo type="udp" protocol="udp", ports protocol="udp";
#  - as root (raw ICMP sockets instead of IP_RECVERR): the same states, and fewer than
#    200 sendmmsg calls for 2054 probes (batches stay whole);
#  - -T5 (2 retries) and an explicit --retries that wins over it;
#  - nmap -sU on the same host finds the same open ports (only those: nmap -T5 gives up
#    on some closed ports' ICMP answers from run to run);
#  - avahi-daemon (mDNS) on the target's interface address 198.18.0.2: 5353 open,
#    identified as mdns, as nmap -sU finds it.
# Runs without privileges inside the scanner namespace (-sU needs none).
# Usage: udp.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
# shellcheck source=udp_servers.sh
source "$(dirname "$0")/udp_servers.sh"
scan_lab_setup udp
for t in dnsmasq chronyd snmpd memcached avahi-daemon nmap; do
	command -v $t >/dev/null || fail "$t is not installed (scripts/install-deps.sh)"
done
D=$LAB_DIR
A=198.19.8.1
B=198.19.8.2

# The servers, in the target namespace, on A only (udp_servers.sh).
udp_servers_start t $A "$D"
# Rules: drop one port, admin-prohibited on another, drop everything to B.
lab_exec t nft add table inet labu
lab_exec t nft add chain inet labu input '{ type filter hook input priority 0; }'
lab_exec t nft add rule inet labu input ip daddr $A udp dport 2049 drop
lab_exec t nft add rule inet labu input ip daddr $A udp dport 5060 reject with icmp type admin-prohibited
ICMP_TYPES=(net-unreachable host-unreachable prot-unreachable net-prohibited host-prohibited port-unreachable)
for k in 0 1 2 3 4 5; do
	lab_exec t nft add rule inet labu input ip daddr $A udp dport $((1000 + k)) reject with icmp type "${ICMP_TYPES[$k]}"
done
lab_exec t nft add rule inet labu input ip daddr $B meta l4proto udp drop
udp_servers_wait t $A
udp_mdns_start t lab0 "$D"
udp_mdns_wait "$D"

PORTS=1-1024,2049,5060,11211
chmod 0777 "$D" # the scan runs as nobody and writes its outputs here
printf '%s\n' $A:53 $A:123 $A:161 $A:11211 >"$D/open"
printf '%s\n' $A:5060 $A:1000 $A:1001 $A:1002 $A:1003 $A:1004 >"$D/filtered"
{
	echo $A:2049
	for p in $(seq 1 1024) 2049 5060 11211; do echo $B:$p; done
} >"$D/of"
rc=0
t0=$(date +%s)
timeout 120 ip netns exec "$(lab_nsname s)" setpriv --reuid=nobody --regid=nogroup \
	--clear-groups --inh-caps=-all "$PORTLENS" scan -sU $A $B -p $PORTS --all-states --sV \
	--timeout 400 --retries 1 --no-progress -oJ "$D/res.jsonl" -oX "$D/res.xml" >"$D/text" \
	2>"$D/err" || rc=$?
echo "portlens -sU took $(($(date +%s) - t0)) s"
[ "$rc" -eq 0 ] || fail "-sU as nobody exited $rc: $(cat "$D/err")"
$CHECK exact --results "$D/res.jsonl" --open "$D/open" --filtered "$D/filtered" \
	--open-filtered "$D/of" --probes $((2 * 1027)) || fail "-sU states differ from the lab"
# The terminal table keeps its columns: "open|filtered" (13 characters) must not push
# SERVICE, HOST and NOTE to the right of where the header puts them.
awk 'NR == 1 || /^PORT / { col = index($0, "SERVICE"); next }
	/^[0-9]+\/udp / && col { if (substr($0, col - 1, 1) != " " || substr($0, col, 1) == " ") { print; bad = 1 } }
	END { exit bad || !col }' "$D/text" || fail "-sU table: a row's SERVICE is not under the header's"
# As root the engine reads ICMP errors through raw ICMP sockets (IP_RECVERR off): the
# same states, and sends stay batched (with the error queue a fast target cut every
# sendmmsg after one datagram: about one call per probe).
# (LeakSanitizer cannot run under ptrace: no leak check for this one run.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	timeout 120 ip netns exec "$(lab_nsname s)" strace -f -c -e trace=sendmmsg -o "$D/root.strace" \
	"$PORTLENS" scan -sU $A $B -p $PORTS --all-states --timeout 400 --retries 1 --no-progress \
	-oJ "$D/root.jsonl" >/dev/null 2>&1 || fail "-sU as root exited $?"
$CHECK exact --results "$D/root.jsonl" --open "$D/open" --filtered "$D/filtered" \
	--open-filtered "$D/of" --probes $((2 * 1027)) || fail "-sU as root: states differ from the lab"
calls=$(awk '$NF == "sendmmsg" {print $4}' "$D/root.strace")
[ -n "$calls" ] && [ "$calls" -lt 200 ] || fail "-sU as root: $calls sendmmsg calls for 2054 probes"
echo "ok: -sU as root (raw ICMP sockets): same states, $calls sendmmsg calls for 2054 probes"
python3 - "$D/res.jsonl" <<'PY' || fail "--sV on UDP or the answer bytes"
import json, sys
want = {53: "dns", 123: "ntp", 161: "snmp", 11211: "memcached"}
got, answers = {}, {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "service":
        got[r["port"]] = r.get("service")
    if r.get("type") == "result" and r.get("state") == "open":
        assert r["proto"] == "udp" and r["reason"] == "udp-response", r
        answers[r["port"]] = r["answer"].encode("latin-1")
        assert r["answer_bytes"] >= len(answers[r["port"]]), r
assert got == want, f"services {got}"
reasons = {r["port"]: r["reason"] for r in map(json.loads, open(sys.argv[1]))
           if r.get("type") == "result" and r["host"] == "198.19.8.1" and r["port"] in (5060, 1000, 1001, 1002, 1003, 1004, 1005)}
assert reasons == {5060: "admin-prohibited", 1000: "net-unreach", 1001: "host-unreach",
                   1002: "proto-unreach", 1003: "net-prohibited", 1004: "host-prohibited",
                   1005: "port-unreach"}, reasons
assert answers[53][:2] == b"\x70\x6c", answers[53][:12]   # our DNS id, echoed
assert answers[123][0] & 7 == 4, answers[123][:4]          # NTP mode 4 (server)
assert answers[11211][8:13] == b"STAT ", answers[11211]  # memcached frame + stats
print("ok: services", got)
PY
grep -q '<scaninfo type="udp" protocol="udp"' "$D/res.xml" || fail "XML scaninfo"
grep -q '<port protocol="udp" portid="53">' "$D/res.xml" || fail "XML port protocol"
grep -q '2049/udp .*open|filtered' "$D/text" || fail "text output: open|filtered"
# -T5 sets 2 retries (3 attempts) for a silent port; an explicit --retries wins over -T.
lab_exec s "$PORTLENS" scan -sU $B -p 1-3 -T5 --all-states --no-progress -oJ "$D/t5.jsonl" >/dev/null
[ "$(grep -c '"attempts":3' "$D/t5.jsonl")" -eq 3 ] || fail "-T5: $(cat "$D/t5.jsonl")"
lab_exec s "$PORTLENS" scan -sU $B -p 1-3 --retries 0 -T5 --all-states --no-progress -oJ "$D/t5r.jsonl" >/dev/null
[ "$(grep -c '"attempts":1' "$D/t5r.jsonl")" -eq 3 ] || fail "-T5 --retries 0: $(cat "$D/t5r.jsonl")"
echo "ok: -T5 retries, explicit --retries wins"
# nmap -sU on host A: the same open ports.
t0=$(date +%s)
timeout 150 ip netns exec "$(lab_nsname s)" nmap -sU -n -Pn -T5 --max-retries 1 -p 50-200,1000-1005,2049,5060,11211 \
	-oX "$D/nmap.xml" $A >/dev/null || fail "nmap exited $?"
echo "nmap -sU took $(($(date +%s) - t0)) s"
$CHECK vs-nmap --open-only --results "$D/res.jsonl" --nmap "$D/nmap.xml" || fail "-sU and nmap -sU disagree"
# nmap's states for the ICMP-rejected ports: filtered, as portlens says, closed for 1005.
python3 - "$D/nmap.xml" <<'PY' || fail "nmap -sU states of the ICMP-rejected ports"
import sys, xml.etree.ElementTree as ET
st = {int(p.get("portid")): p.find("state").get("state") for p in ET.parse(sys.argv[1]).iter("port")}
want = {5060: "filtered", 1000: "filtered", 1001: "filtered", 1002: "filtered", 1003: "filtered",
        1004: "filtered", 1005: "closed"}
st.setdefault(1005, "closed")  # or among the <extraports state="closed">
assert {p: st.get(p) for p in want} == want, {p: st.get(p) for p in want}
PY
# mDNS: avahi answers the payload's unicast query at the interface's own address.
lab_exec s "$PORTLENS" scan -sU 198.18.0.2 -p 5353,5354 --all-states --sV --no-progress \
	-oJ "$D/mdns.jsonl" >/dev/null || fail "-sU mDNS scan exited $?"
grep -q '"port":5353,"proto":"udp","state":"open"' "$D/mdns.jsonl" || fail "5353 not open: $(cat "$D/mdns.jsonl")"
grep -q '"type":"service","host":"198.18.0.2","port":5353,"proto":"udp","service":"mdns"' "$D/mdns.jsonl" ||
	fail "5353 not identified as mdns: $(grep service "$D/mdns.jsonl")"
timeout 60 ip netns exec "$(lab_nsname s)" nmap -sU -n -Pn -p 5353 -oX "$D/nmap-mdns.xml" 198.18.0.2 >/dev/null ||
	fail "nmap exited $?"
grep -q 'portid="5353"><state state="open"' "$D/nmap-mdns.xml" || fail "nmap -sU does not see mDNS open"
echo "ok: avahi-daemon's mDNS open and identified, as nmap -sU sees it"
echo "PASS: -sU exact states against dnsmasq, chronyd, snmpd, memcached, avahi and nftables; services identified; nmap -sU finds the same open ports"
