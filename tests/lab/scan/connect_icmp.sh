#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# connect_icmp.sh - the connect engine (-sT) and the ICMP errors nftables answers a SYN
# with, IPv4 and IPv6 (lab host 198.19.11.1 / 2001:2:0:1::b). connect() reports ICMP
# host unreachable and administratively prohibited alike (EHOSTUNREACH); the socket's
# error queue says which. Checks, as an unprivileged user (-sT needs nothing):
#  - reject with icmp(v6) admin-prohibited and icmpx admin-prohibited: filtered,
#    admin-prohibited (as nmap -sT says filtered); IPv4 host-prohibited and
#    net-prohibited: filtered, with those reason words;
#  - reject with icmp host-unreachable / icmpv6 addr-unreachable and net-unreachable /
#    no-route: unreachable, host-unreach / net-unreach (unchanged);
#  - a listener open, anything else closed;
#  - nmap -sT on the same ports: the prohibited ports filtered there too.
# Usage: connect_icmp.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup conicmp
command -v nmap >/dev/null || fail "nmap is not installed (scripts/install-deps.sh)"
D=$LAB_DIR
A=198.19.11.1
A6=2001:2:0:1::b
lab_exec t nft -f - <<NFT
table inet conicmp {
	chain input {
		type filter hook input priority 0;
		ip daddr $A tcp dport 2001 reject with icmp type admin-prohibited
		ip daddr $A tcp dport 2002 reject with icmpx type admin-prohibited
		ip daddr $A tcp dport 2003 reject with icmp type host-prohibited
		ip daddr $A tcp dport 2004 reject with icmp type net-prohibited
		ip daddr $A tcp dport 2005 reject with icmp type host-unreachable
		ip daddr $A tcp dport 2006 reject with icmp type net-unreachable
		ip6 daddr $A6 tcp dport 2001 reject with icmpv6 type admin-prohibited
		ip6 daddr $A6 tcp dport 2002 reject with icmpx type admin-prohibited
		ip6 daddr $A6 tcp dport 2005 reject with icmpv6 type addr-unreachable
		ip6 daddr $A6 tcp dport 2006 reject with icmpv6 type no-route
	}
}
NFT
lab_exec t sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
lab_exec t python3 -c "
import socket, time
s4 = socket.socket(); s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s4.bind(('$A', 2000)); s4.listen(8)
s6 = socket.socket(socket.AF_INET6); s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s6.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND: the address is only a local route
s6.bind(('$A6', 2000)); s6.listen(8)
time.sleep(120)" &
LAB_PIDS+=($!)
for _ in $(seq 1 50); do
	[ "$(lab_exec t ss -Htln | grep -c ':2000 ')" -ge 2 ] && break
	sleep 0.1
done
chmod 0777 "$D"
for h in $A $A6; do
	six=""
	[ $h = $A ] || six=-6
	timeout 60 ip netns exec "$(lab_nsname s)" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all "$PORTLENS" scan -sT "$h" -p 2000-2007 --all-states --no-progress \
		--timeout 500 --retries 0 -oJ "$D/pl$six.jsonl" >/dev/null 2>"$D/err" ||
		fail "-sT $h exited $?: $(cat "$D/err")"
	timeout 120 ip netns exec "$(lab_nsname s)" nmap $six -sT -n -Pn --max-retries 0 -p 2000-2007 \
		-oX "$D/nmap$six.xml" "$h" >/dev/null || fail "nmap -sT $h exited $?"
	python3 - "$h" "$D/pl$six.jsonl" "$D/nmap$six.xml" <<'PY' || fail "-sT $h: ICMP states"
import json, sys, xml.etree.ElementTree as ET
h, jl, nx = sys.argv[1:]
v6 = ":" in h
got = {r["port"]: (r["state"], r["reason"]) for r in map(json.loads, open(jl)) if r["type"] == "result"}
want = {2000: ("open", "syn-ack"), 2001: ("filtered", "admin-prohibited"),
        2002: ("filtered", "admin-prohibited"), 2005: ("unreachable", "host-unreach"),
        2006: ("unreachable", "net-unreach"), 2007: ("closed", "conn-refused")}
if v6:
    want.update({2003: ("closed", "conn-refused"), 2004: ("closed", "conn-refused")})
else:
    want.update({2003: ("filtered", "host-prohibited"), 2004: ("filtered", "net-prohibited")})
assert got == want, f"{h}: {sorted(got.items())}"
nm = {int(p.get("portid")): p.find("state").get("state") for p in ET.parse(nx).iter("port")}
for p, (st, _) in want.items():
    if st == "filtered":
        assert nm.get(p) == "filtered", f"nmap -sT {h}:{p} {nm.get(p)}"
print(f"ok: {h} {sorted(got.items())}; nmap -sT filtered the same prohibited ports")
PY
done
echo "PASS: -sT: ICMP administratively prohibited is filtered, host/net unreachable stays unreachable, IPv4 and IPv6"
