#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lab.sh - the network-namespace lab shared by portlens integration tests and benches.
# Source it, then build a topology; everything is torn down on exit (trap), even when
# the test fails. Addresses: only 198.18.0.0/15 and 2001:2::/48 (RFC 2544 / RFC 5180
# benchmarking ranges), inside namespaces this library creates; nothing is routed out.
#
#   lab_require_root [TOOL...]          skip (exit 77) with a message when not root or
#                                       when ip, nft, python3 or a TOOL is missing
#   lab_init NAME                       unique prefix, cleanup trap, work dir $LAB_DIR
#   lab_start NAME PORTLENS             a test's start: PORTLENS (the binary, absolute),
#                                       lab_require_root, lab_init NAME, D=$LAB_DIR
#   lab_ns NAME                         create a namespace (lo up); its name: $(lab_nsname NAME)
#   lab_link A ADDR_A/LEN B ADDR_B/LEN  veth pair A<->B with addresses (v4 or v6, repeatable)
#   lab_addr NS ADDR/LEN                add another address to NS's lab link
#   lab_route NS PREFIX VIA             route PREFIX via VIA inside NS
#   lab_local_route NS PREFIX           NS answers for the whole PREFIX (route local ... dev lo)
#   lab_exec NS CMD...                  run a command inside NS
#   lab_listen NS MODE ADDR:PORT...     TCP listeners (one helper process per call);
#                                       MODE: open (accept, close), hold (accept, never
#                                       talk), reset (accept, then RST); IPv6 as [ADDR]:PORT
#   lab_wait_tcp NS ADDR PORT...        wait (10 s each) until something listens on each
#                                       ADDR:PORT as seen from NS; else print why (and
#                                       $LAB_DIR/servers.log) and return 1
#   lab_big_scan FILE N                 a scan file (portlens JSON lines) of N open ports
#                                       on 198.19.0.0/16, 256 per address
#   lab_drop NS ADDR [PORT]             silently drop TCP to ADDR[:PORT] (nftables)
#   lab_reset NS ADDR [PORT]            answer TCP to ADDR[:PORT] with a RST (nftables)
#   lab_unreach NS ADDR [PORT]          answer with ICMP host-unreachable (ICMPv6 address
#                                       unreachable; nftables)
#   lab_random_pairs N SEED PREFIX3 PORT_LO PORT_HI
#                                       N distinct "PREFIX3.X:PORT" pairs (X 1-254), seeded
#   lab_cleanup                         what the trap runs; safe to call twice
#   fail MSG...                         "FAIL: MSG" on stderr, exit 1
#   free_port                           a TCP port that is free on 127.0.0.1 now
set -euo pipefail

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_NS=()
LAB_PIDS=()
LAB_LINKS=0

lab_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: this lab test needs root (network namespaces, veth, nftables)" >&2
		exit 77
	fi
	for tool in ip nft python3 "$@"; do
		command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed" >&2; exit 77; }
	done
}

lab_init() {
	LAB_ID="pl${1:0:6}$$"
	LAB_DIR=$(mktemp -d "/tmp/portlens-lab-$1.XXXXXX")
	trap lab_cleanup EXIT
	trap 'lab_cleanup; exit 130' INT TERM
}

# PORTLENS and D are for the test that calls this.
# shellcheck disable=SC2034
lab_start() {
	PORTLENS=$(realpath "$2")
	lab_require_root
	lab_init "$1"
	D=$LAB_DIR
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

lab_nsname() { echo "${LAB_ID}-$1"; }

lab_ns() {
	local ns
	ns=$(lab_nsname "$1")
	ip netns add "$ns"
	LAB_NS+=("$ns")
	ip -n "$ns" link set lo up
	# Lab links are point-to-point: no DAD delay for IPv6, quick neighbour failure.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	# Lab hosts answer every probe: no ICMP error rate limits (they are per namespace).
	ip netns exec "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
	ip netns exec "$ns" sysctl -qw net.ipv4.icmp_msgs_per_sec=100000 2>/dev/null || true
}

lab_exec() {
	local ns
	ns=$(lab_nsname "$1")
	shift
	ip netns exec "$ns" "$@"
}

lab_link() {
	local a b i
	a=$(lab_nsname "$1")
	b=$(lab_nsname "$3")
	i=$LAB_LINKS
	LAB_LINKS=$((LAB_LINKS + 1))
	ip -n "$a" link add "lab$i" type veth peer name "lab$i" netns "$b"
	ip -n "$a" addr add "$2" dev "lab$i" nodad 2>/dev/null || ip -n "$a" addr add "$2" dev "lab$i"
	ip -n "$b" addr add "$4" dev "lab$i" nodad 2>/dev/null || ip -n "$b" addr add "$4" dev "lab$i"
	ip -n "$a" link set "lab$i" up
	ip -n "$b" link set "lab$i" up
}

lab_addr() {
	local ns
	ns=$(lab_nsname "$1")
	ip -n "$ns" addr add "$2" dev lab0 nodad
}

lab_route() {
	ip -n "$(lab_nsname "$1")" route add "$2" via "$3"
}

lab_local_route() {
	ip -n "$(lab_nsname "$1")" route add local "$2" dev lo
}

lab_listen() {
	local ns=$1 mode=$2 ready
	shift 2
	ready="$LAB_DIR/ready.$RANDOM$RANDOM"
	lab_exec "$ns" python3 "$LAB_HERE/listeners.py" --ready "$ready" --mode "$mode" "$@" &
	LAB_PIDS+=($!)
	for _ in $(seq 1 200); do
		[ -e "$ready" ] && return 0
		kill -0 "${LAB_PIDS[-1]}" 2>/dev/null || { echo "lab_listen: helper failed" >&2; return 1; }
		sleep 0.05
	done
	echo "lab_listen: listeners not ready after 10 s" >&2
	return 1
}

lab_wait_tcp() {
	local ns=$1 addr=$2 p
	shift 2
	for p in "$@"; do
		for _ in $(seq 1 100); do
			lab_exec "$ns" bash -c "exec 3<>/dev/tcp/$addr/$p" 2>/dev/null && continue 2
			sleep 0.1
		done
		echo "nothing listens on $addr:$p after 10 s; servers.log:" >&2
		cat "${LAB_DIR:-}/servers.log" >&2 2>/dev/null || true
		return 1
	done
}

lab_big_scan() {
	python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write('{"type":"result","host":"198.19.%d.%d","port":%d,"proto":"tcp","state":"open"}\n'
                % (i // 65536 % 256, i // 256 % 256, 1 + i % 256))
PY
}

# One nftables table per namespace, created on first use.
lab_nft_rule() {
	local ns=$1 addr=$2 port=$3 verdict=$4 fam=ip
	case $addr in *:*) fam=ip6 ;; esac
	if ! lab_exec "$ns" nft list table inet lab >/dev/null 2>&1; then
		lab_exec "$ns" nft add table inet lab
		lab_exec "$ns" nft add chain inet lab input '{ type filter hook input priority 0; }'
	fi
	if [ -n "$port" ]; then
		lab_exec "$ns" nft add rule inet lab input $fam daddr "$addr" tcp dport "$port" $verdict
	else
		lab_exec "$ns" nft add rule inet lab input $fam daddr "$addr" meta l4proto tcp $verdict
	fi
}

lab_drop() { lab_nft_rule "$1" "$2" "${3:-}" drop; }
lab_reset() { lab_nft_rule "$1" "$2" "${3:-}" "reject with tcp reset"; }
lab_unreach() {
	case $2 in
	*:*) lab_nft_rule "$1" "$2" "${3:-}" "reject with icmpv6 type addr-unreachable" ;;
	*) lab_nft_rule "$1" "$2" "${3:-}" "reject with icmp type host-unreachable" ;;
	esac
}

lab_random_pairs() {
	python3 - "$@" <<'PY'
import random, sys
n, seed, prefix, lo, hi = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
seen = set()
while len(seen) < n:
    seen.add((rng.randint(1, 254), rng.randint(lo, hi)))
for x, p in sorted(seen):
    print(f"{prefix}.{x}:{p}")
PY
}

lab_cleanup() {
	local pid ns
	trap - EXIT INT TERM
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	LAB_PIDS=()
	for ns in "${LAB_NS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		# Servers write on their way out (snmpd its persistent state into LAB_DIR):
		# wait for them (at most 5 s), or rm -rf below races with them.
		for _ in $(seq 1 50); do
			[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
			sleep 0.1
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	LAB_NS=()
	[ -n "${LAB_DIR:-}" ] && [ -z "${LAB_KEEP:-}" ] && rm -rf "$LAB_DIR"
	return 0
}
