#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/scan/udp.sh - `portlens scan -sU` side by side with `nmap -sU` in the namespace
# lab: nmap's default UDP port count (1000: portlens's UDP ranking, the same list given
# to nmap) on a lab host with five real UDP services, dnsmasq (DNS), chronyd (NTP),
# snmpd (SNMP), memcached -U and avahi-daemon (mDNS) (tests/lab/scan/udp_servers.sh),
# on the target's interface address (avahi answers unicast queries from there). Both
# tools write nmap XML (-oX), the open sets are read from it. Prints each tool's time,
# the ratio (target <= 0.1x) and whether the open sets are the same. Two settings:
#   (u1) the target's ICMP limits lifted (every closed port answers at once): ROUNDS
#        interleaved runs (default 5), medians; portlens's scan phase (the driver's
#        own clock, --stats-json) beside its process time;
#   (u2) Linux's default ICMP rate limit on the target (icmp_ratelimit 1000 ms, burst
#        50), where nmap slows down to the ICMP rate; one run, nmap stopped after
#        NMAP_LIMIT seconds (default 300) and its partial time reported.
# Usage: bench/scan/udp.sh [BUILD_DIR]   (root)
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
bench_need_root "lab namespaces"
bench_need nmap dnsmasq chronyd snmpd memcached avahi-daemon
NMAP_LIMIT=${NMAP_LIMIT:-300}
bench_pair_lab benchudp
source tests/lab/scan/udp_servers.sh
A=198.18.0.2
ROUNDS=${ROUNDS:-5}
udp_servers_start t $A "$D"
udp_mdns_start t lab0 "$D"
udp_servers_wait t $A
udp_mdns_wait "$D"
echo "portlens $("$PORTLENS" --version | cut -d' ' -f2), $(nmap --version | head -1), $(nproc) CPUs; 1000 UDP ports on $A"

open_xml() { grep -o 'portid="[0-9]*"><state state="open"' "$1" | grep -o '[0-9]*' | sort -n | tr '\n' ' '; }

# portlens with its stats on stderr into a file: no shell in between (nmap has none).
pl_scan() { ip netns exec "$S" "$PORTLENS" scan -sU $A --top-ports 1000 --no-progress --stats-json 1000 -oX "$D/pl.xml" 2>"$D/stats"; }

run() { # LABEL N
	local p n ps="" ns="" phs="" i
	for i in $(seq 1 "$2"); do
		p=$(secs pl_scan)
		phs="$phs $(grep '"final":true' "$D/stats" | grep -o '"elapsed_ms":[0-9]*' | cut -d: -f2)"
		PORTS=$(grep -o ' services="[^"]*"' "$D/pl.xml" | cut -d'"' -f2) # the same 1000 for nmap
		n=$(secs timeout "$NMAP_LIMIT" ip netns exec "$S" nmap -sU -n -Pn -p "U:$PORTS" -oX "$D/nmap.xml" $A)
		[ -s "$D/nmap.xml" ] || echo "nmap failed"
		ps="$ps $p"
		ns="$ns $n"
	done
	# shellcheck disable=SC2086
	p=$(median $ps)
	# shellcheck disable=SC2086
	n=$(median $ns)
	echo "$1: portlens -sU $p s (runs$ps; scan phase ms$phs), nmap -sU $n s (runs$ns)$([ "${n%.*}" -ge "$NMAP_LIMIT" ] && echo " (stopped at the limit)"); ratio $(ratio "$p" "$n")x (target <= 0.1x)"
	echo "    open: portlens [$(open_xml "$D/pl.xml")] nmap [$(open_xml "$D/nmap.xml")]"
}

run "(u1) ICMP limits lifted" "$ROUNDS"
lab_exec t sysctl -qw net.ipv4.icmp_ratelimit=1000 net.ipv4.icmp_msgs_burst=50 net.ipv4.icmp_msgs_per_sec=1000
run "(u2) Linux default ICMP rate limit" 1
