#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mixed.sh - -sS and -sU in one scan (nmap's combination) on a lab host with real UDP
# servers (dnsmasq, chronyd, snmpd, memcached: udp_servers.sh) and a TCP listener:
#   - unprefixed ports are scanned on both transports, U: only on UDP;
#   - every (transport, port) in the same state as `nmap -sS -sU` on the same ports;
#   - the XML has one scaninfo per scan type (syn/tcp, udp/udp), the JSON lines carry
#     each result's proto; -sU -sS (other order) is the same scan;
#   - without -p: the top 1000 TCP and the top 1000 UDP ports (2000 probes).
# Usage: mixed.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
# shellcheck source=udp_servers.sh
source "$(dirname "$0")/udp_servers.sh"
scan_lab_setup mixed
for t in dnsmasq chronyd snmpd memcached nmap; do
	command -v $t >/dev/null || fail "$t is not installed (scripts/install-deps.sh)"
done
D=$LAB_DIR
A=198.19.8.1
udp_servers_start t $A "$D"
lab_listen t open $A:2323
udp_servers_wait t $A

PORTS=53,123,161,2323,2324,U:11211
timeout 60 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sS -sU $A -p $PORTS --all-states \
	--no-progress -oJ "$D/mix.jsonl" -oX "$D/mix.xml" >"$D/mix.txt" || fail "-sS -sU exited $?"
timeout 60 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sU -sS $A -p $PORTS --all-states \
	--no-progress -oJ "$D/rev.jsonl" >/dev/null || fail "-sU -sS exited $?"
timeout 120 ip netns exec "$(lab_nsname s)" nmap -sS -sU -n -Pn -p $PORTS -oX "$D/nmap.xml" $A \
	>/dev/null || fail "nmap exited $?"
python3 - "$D/mix.jsonl" "$D/rev.jsonl" "$D/nmap.xml" "$D/mix.xml" <<'PY' || fail "-sS -sU results"
import json, sys
import xml.etree.ElementTree as ET
def mine(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        if r.get("type") == "result":
            k = (r["proto"], r["port"])
            assert k not in out, f"{k} reported twice"
            out[k] = r["state"]
    return out
got, rev = mine(sys.argv[1]), mine(sys.argv[2])
want = {("tcp", 53): "open", ("tcp", 123): "closed", ("tcp", 161): "closed",
        ("tcp", 2323): "open", ("tcp", 2324): "closed", ("udp", 53): "open",
        ("udp", 123): "open", ("udp", 161): "open", ("udp", 2323): "closed",
        ("udp", 2324): "closed", ("udp", 11211): "open"}
assert got == want, f"portlens: {sorted(got.items())}"
assert rev == want, f"-sU -sS: {sorted(rev.items())}"
nm = {(p.get("protocol"), int(p.get("portid"))): p.find("state").get("state")
      for p in ET.parse(sys.argv[3]).iter("port")}
assert nm == want, f"nmap -sS -sU: {sorted(nm.items())}"
si = [(s.get("type"), s.get("protocol"), s.get("numservices"), s.get("services"))
      for s in ET.parse(sys.argv[4]).getroot().iter("scaninfo")]
assert si == [("syn", "tcp", "5", "53,123,161,2323-2324"),
              ("udp", "udp", "6", "53,123,161,2323-2324,11211")], si
print("ok: -sS -sU", sorted(got.items()), "as nmap -sS -sU; scaninfo", si)
PY
# Without -p: the top 1000 of each transport.
ip netns exec "$(lab_nsname s)" "$PORTLENS" scan -sS -sU $A --dry-run >"$D/dry.txt" 2>&1 ||
	fail "--dry-run exited $?"
grep -q '2000 probes' "$D/dry.txt" || fail "-sS -sU without -p: $(cat "$D/dry.txt")"
echo "PASS: -sS -sU in one scan: both transports, nmap's states and scaninfo"
