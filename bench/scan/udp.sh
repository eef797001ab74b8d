#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/scan/udp.sh - `portlens scan -sU` side by side with `nmap -sU` in the namespace
# lab, one run: nmap's default UDP port count (1000: portlens's UDP ranking, the same
# list given to nmap) on a lab host running dnsmasq, chronyd, snmpd and memcached -U
# (tests/lab/scan/udp_servers.sh). Prints both times, the ratio (target <= 0.1x) and
# whether the open sets are the same. Two settings: the lab's ICMP limits lifted (every
# closed port answers at once), and Linux's default ICMP rate limit on the target
# (icmp_ratelimit 1000 ms, burst 50), where nmap slows down to the ICMP rate; nmap is
# stopped after NMAP_LIMIT seconds there (default 300) and its partial time reported.
# Usage: bench/scan/udp.sh [BUILD_DIR]   (root)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
PORTLENS=$(realpath "$ROOT/$BUILD/src/cli/portlens" 2>/dev/null || realpath "$BUILD/src/cli/portlens")
[ "$(id -u)" -eq 0 ] || { echo "SKIP: bench/scan/udp.sh needs root (lab namespaces)"; exit 0; }
for t in nmap dnsmasq chronyd snmpd memcached; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 0; }
done
NMAP_LIMIT=${NMAP_LIMIT:-300}
source "$ROOT/tests/lab/lab.sh"
source "$ROOT/tests/lab/scan/udp_servers.sh"
lab_init benchudp
lab_ns s
lab_ns t
lab_link s 198.18.0.1/24 t 198.18.0.2/24
lab_route s 198.19.0.0/16 198.18.0.2
lab_local_route t 198.19.0.0/16
D=$LAB_DIR
S=$(lab_nsname s)
A=198.19.8.1
udp_servers_start t $A "$D"
udp_servers_wait t $A
echo "portlens $("$PORTLENS" --version | cut -d' ' -f2), $(nmap --version | head -1), $(nproc) CPUs; 1000 UDP ports on $A"

secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'
}
open_pl() { grep '"state":"open"' "$1" | grep -o '"port":[0-9]*' | cut -d: -f2 | sort -n | tr '\n' ' '; }
open_nmap() { grep -o 'portid="[0-9]*"><state state="open"' "$1" | grep -o '[0-9]*' | sort -n | tr '\n' ' '; }

run() { # LABEL
	local p n
	p=$(secs ip netns exec "$S" "$PORTLENS" scan -sU $A --top-ports 1000 --all-states --no-progress \
		-oJ "$D/pl.jsonl" -oX "$D/pl.xml")
	PORTS=$(grep -o ' services="[^"]*"' "$D/pl.xml" | cut -d'"' -f2) # the same 1000 for nmap
	n=$(secs timeout "$NMAP_LIMIT" ip netns exec "$S" nmap -sU -n -Pn -p "U:$PORTS" -oX "$D/nmap.xml" $A)
	[ -s "$D/nmap.xml" ] || { echo "nmap failed: $(ip netns exec "$S" nmap -sU -n -Pn -p "U:$PORTS" $A 2>&1 | head -3)"; }
	echo "$1: portlens -sU $p s, nmap -sU $n s$([ "${n%.*}" -ge "$NMAP_LIMIT" ] && echo " (stopped at the limit)"); ratio $(echo "$p $n" | awk '{printf "%.3f", $1 / $2}')x (target <= 0.1x)"
	echo "    open: portlens [$(open_pl "$D/pl.jsonl")] nmap [$(open_nmap "$D/nmap.xml")]; portlens closed $(grep -c '"state":"closed"' "$D/pl.jsonl"), open|filtered $(grep -c '"state":"open|filtered"' "$D/pl.jsonl")"
}

run "(u1) ICMP limits lifted"
lab_exec t sysctl -qw net.ipv4.icmp_ratelimit=1000 net.ipv4.icmp_msgs_burst=50 net.ipv4.icmp_msgs_per_sec=1000
run "(u2) Linux default ICMP rate limit"
