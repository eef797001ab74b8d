#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/scan/udp_sv.sh - `portlens scan -sU --sV` side by side with `nmap -sU -sV` in
# the namespace lab, on UDP services listening where no payload is sent to them:
# dnsmasq on 20053, chronyd on 20123, snmpd on 20161, memcached -U on 21211, and
# avahi-daemon's mDNS reached on 25353 (nftables redirects it to its fixed 5353), on the
# target's interface address (tests/lab/scan/udp_servers.sh). Both tools get the same
# ports and write nmap XML; prints each tool's time, the ratio, and both open sets with
# the services found. ROUNDS (default 3) interleaved runs of portlens, medians; nmap
# once (it takes minutes: its -sV sends its probes to each silent port one by one).
# Usage: bench/scan/udp_sv.sh [BUILD_DIR]   (root)
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
bench_need_root "lab namespaces"
bench_need nmap dnsmasq chronyd snmpd memcached avahi-daemon nft
bench_pair_lab benchudpsv
source "$BENCH_ROOT/tests/lab/scan/udp_servers.sh"
A=198.18.0.2
ROUNDS=${ROUNDS:-3}
PORTS=${PORTS:-20053,20123,20161,21211,25353}
udp_servers_start t $A "$D" 20053 20123 20161 21211
lab_exec t nft add table inet benchsv
lab_exec t nft add chain inet benchsv pre '{ type nat hook prerouting priority -100; }'
lab_exec t nft add rule inet benchsv pre ip daddr $A udp dport 25353 redirect to :5353
udp_mdns_start t lab0 "$D"
udp_servers_wait t $A 20053 20123 20161 21211
udp_mdns_wait "$D"
echo "portlens $("$PORTLENS" --version | cut -d' ' -f2), $(nmap --version | head -1), $(nproc) CPUs; UDP ports $PORTS on $A"

# "PORT:SERVICE ..." of the open ports in an nmap XML file.
open_xml() {
	python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
out = []
for p in ET.parse(sys.argv[1]).iter("port"):
    if p.find("state").get("state") == "open":
        s = p.find("service")
        out.append(f'{p.get("portid")}:{s.get("name") if s is not None else "?"}')
print(" ".join(out))
PY
}
med() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

ps=""
for _ in $(seq 1 "$ROUNDS"); do
	ps="$ps $(secs ip netns exec "$S" "$PORTLENS" scan -sU --sV $A -p "$PORTS" --no-progress -oX "$D/pl.xml")"
done
n=$(secs ip netns exec "$S" nmap -sU -sV -n -Pn -p "$PORTS" -oX "$D/nmap.xml" $A)
p=$(echo "$ps" | med)
echo "portlens -sU --sV $p s (runs$ps), nmap -sU -sV $n s; ratio $(echo "$p $n" | awk '{printf "%.4f", $1 / $2}')x"
echo "    open: portlens [$(open_xml "$D/pl.xml")] nmap [$(open_xml "$D/nmap.xml")]"
