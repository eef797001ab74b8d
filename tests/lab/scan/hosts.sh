#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hosts.sh - which hosts are up, and which addresses are broadcast, as a user meets it:
#   - a host that answers only with RSTs is up in every output (nmap: a closed port
#     proves the host is up): XML <host> with <extraports>, runstats hosts up, the JSON
#     "host" record and hosts_up, the grepable "Status: Up" line, the text summary;
#   - the last address of a CIDR block is probed (198.19.7.0/28 finds a server on
#     198.19.7.15: a block given on the command line is often not a subnet);
#   - this machine's own broadcast address (198.18.0.255 on the scanner's lab0, read
#     through netlink) is never probed, and the footer names it and why;
#   - the final tables (stdout, -oN, -oG, -oC) are sorted by host and port.
# Usage: hosts.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup hosts
D=$LAB_DIR
lab_listen t open 198.19.7.3:80 198.19.7.15:80

pl scan 198.19.7.0/28 198.19.9.5 198.18.0.255 -p 80,81,82 --timeout 300 --no-progress \
	-oX "$D/h.xml" -oJ "$D/h.jsonl" -oG "$D/h.gnmap" >"$D/h.txt" 2>"$D/err" ||
	{ cat "$D/err"; fail "scan exited $?"; }
grep -q "^80/tcp .* open .* 198.19.7.15 " "$D/h.txt" || fail "198.19.7.15 (last of the /28) not found: $(cat "$D/h.txt")"
echo "ok: the last address of a /28 is probed and its server found"

grep -q "never probed: 198.18.0.255 (broadcast address of lab0)" "$D/h.txt" ||
	fail "the scanner's broadcast address is not named: $(tail -4 "$D/h.txt")"
python3 - "$D/h.jsonl" <<'PY' || fail "JSON: broadcast address"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
end = recs[-1]
assert end["skipped"] == 3, end
assert {"host": "198.18.0.255", "why": "broadcast address of lab0"} in end["never_probed"], end
assert not any(r.get("host") == "198.18.0.255" for r in recs if r["type"] == "result")
PY
echo "ok: this machine's broadcast address is skipped and named"

# 198.19.9.5 answers every port with a RST (the t namespace owns 198.19.0.0/16); 16
# addresses of the /28 do too, with 80 open on two of them: 17 hosts up in all.
python3 - "$D/h.xml" "$D/h.jsonl" <<'PY' || fail "an RST-only host is not up in XML/JSON"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
hosts = {h.find("address").get("addr"): h for h in root.iter("host")}
h = hosts.get("198.19.9.5")
assert h is not None, "no <host> for the RST-only host"
assert h.find("status").get("state") == "up"
ex = h.find("ports/extraports")
assert ex is not None and ex.get("state") == "closed" and ex.get("count") == "3", ET.tostring(h)
assert root.find("runstats/hosts").get("up") == "17", root.find("runstats/hosts").attrib
assert len(hosts) == 17, len(hosts)
recs = [json.loads(l) for l in open(sys.argv[2])]
up = {r["host"]: r for r in recs if r["type"] == "host"}
assert up["198.19.9.5"]["closed"] == 3 and up["198.19.9.5"]["open"] == 0, up.get("198.19.9.5")
assert recs[-1]["hosts_up"] == 17, recs[-1]
PY
grep -q "^Host: 198.19.9.5 ()	Status: Up	Ignored State: closed (3)" "$D/h.gnmap" ||
	fail "grepable: no Status: Up line for the RST-only host"
grep -q "(17 hosts up)" "$D/h.txt" || fail "text summary: $(tail -1 "$D/h.txt")"
grep -q "^# 198.19.9.5 is up; not shown: 3 closed" "$D/h.txt" || fail "text: RST-only host not shown as up"
xmllint --noout "$D/h.xml" || fail "XML not well-formed"
echo "ok: an RST-only host is up in every output"

# The final tables are sorted by host (numerically) and port: stdout, -oN, -oG, -oC.
pl scan 198.19.9.0/27 198.19.7.0/28 -p 80-83,1000 --all-states --timeout 300 --no-progress \
	-oN "$D/s.txt" -oG "$D/s.gnmap" -oC "$D/s.csv" >"$D/s.out" 2>"$D/err" ||
	{ cat "$D/err"; fail "scan exited $?"; }
python3 - "$D" <<'PY' || fail "a final table is not sorted by host and port"
import ipaddress, re, sys
d = sys.argv[1]
def check(name, rows):
    assert len(rows) == 48 * 5, f"{name}: {len(rows)} rows"
    keys = [(ipaddress.ip_address(h), int(p)) for h, p in rows]
    assert keys == sorted(keys), f"{name}: not sorted, e.g. {next(k for k, n in zip(keys, keys[1:]) if n < k)}"
for name in ("s.out", "s.txt"):
    rows = [(l.split()[3], l.split()[0].split("/")[0]) for l in open(f"{d}/{name}")
            if re.match(r"^\d+/tcp ", l)]
    check(name, rows)
check("s.gnmap", [re.match(r"Host: (\S+) .*Ports: (\d+)/", l).groups()
                  for l in open(f"{d}/s.gnmap") if "Ports: " in l])
check("s.csv", [tuple(l.split(",")[0:3:2]) for l in open(f"{d}/s.csv").read().splitlines()[1:]])
print("sorted: stdout, -oN, -oG, -oC")
PY
echo "PASS: RST-only hosts are up everywhere; CIDR ends probed; own broadcast skipped and named; tables sorted"
