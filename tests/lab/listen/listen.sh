#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# listen.sh - lab test of `portlens listen`, `portlens conns` and the port page's live
# section against real sockets in known processes:
#   - a pre-fork holder: one TCP listener held by a parent and two children (3 holders)
#   - dual-stack and IPv6-only listeners on [::], a UDP socket, an established connection
#   - a listener owned by user nobody
#   - a holder in a systemd-style cgroup (unit) and one in a lab network namespace whose
#     cgroup looks like a Docker container (namespace label and container)
#   - the same rows from netlink and from the /proc/net fallback, and what a non-root
#     caller sees (its own sockets with processes, others' marked hidden)
# Only 127.0.0.1, ::1 and 198.18.0.1 (inside the lab namespace) are used.
# Usage: listen.sh PORTLENS DENY_BPF   (needs root; exits 77 = skipped otherwise)
#   DENY_BPF: tests/lab/listen/deny_bpf.c built (runs a command with bpf() refused)
set -euo pipefail

PL=$(readlink -f "$1")
DENY_BPF=$(readlink -f "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lab.sh
source "$HERE/../lab.sh"
lab_require_root setpriv

WORK=$(mktemp -d /tmp/portlens-lab-listen.XXXXXX)
chmod 0777 "$WORK" # the holder running as nobody writes its ready file here
NS="pl-listen-$$"
CG=""
PIDS=()
cleanup() {
	# Holders write their pids (parent first) to their ready files; children follow the
	# parent out.
	for f in "$WORK"/*.ready; do
		[ -f "$f" ] && for p in $(cat "$f"); do kill "$p" 2>/dev/null || true; done
	done
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	if [ -n "$CG" ]; then
		# A cgroup can be removed once its processes have exited: wait for that (2 s at
		# most), then remove the leaf cgroups and the slice.
		for _ in $(seq 40); do
			[ -z "$(cat "$CG"/*/cgroup.procs 2>/dev/null)" ] && break
			sleep 0.05
		done
		for d in "$CG"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
		rmdir "$CG" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# Base port: pick one where 10 consecutive ports are free, as listeners and as the local
# port of any socket (other tests' client sockets take ephemeral ports in this range too).
base=47300
while ss -Htuan | awk '{print $5}' | grep -qE ":($(seq -s '|' $base $((base + 9))))\$"; do
	base=$((base + 10))
done

start() { # start NAME [ip netns exec NS] holder args...; waits for the ready file
	local name=$1
	shift
	HOLDER_READY="$WORK/$name.ready" "$@" &
	PIDS+=($!)
	for _ in $(seq 100); do
		[ -f "$WORK/$name.ready" ] && return 0
		sleep 0.05
	done
	echo "FAIL: holder $name did not start" >&2
	exit 1
}

# The system python: a per-user one (pyenv under /root) is not reachable by nobody.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
H="$PY $HERE/holder.py"
# Pre-fork server: P0 opened before forking 2 children; then the parent alone opens
# dual-stack P1, IPv6-only P2, UDP P3, and a connection to P0 (both ends in the parent).
start prefork $H --forks 2 tcp:127.0.0.1:$base + \
	tcp6dual:[::]:$((base + 1)) tcp6only:[::]:$((base + 2)) udp:127.0.0.1:$((base + 3)) \
	conn:127.0.0.1:$base
# Started as nobody (not root dropping privileges, which would make it non-dumpable and
# its /proc/PID/fd root's), so that nobody may inspect it.
start nobody setpriv --reuid nobody --regid nogroup --clear-groups $H tcp:127.0.0.1:$((base + 4))

# A cgroup v2 hierarchy, if mounted, for a unit and a container-looking scope.
CG2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
CID=3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708
if [ -n "$CG2" ] && mkdir "$CG2/pl-lab-$$.slice" 2>/dev/null; then
	CG="$CG2/pl-lab-$$.slice"
	mkdir "$CG/pl-lab-web.service" "$CG/docker-$CID.scope"
fi
in_cgroup() { # in_cgroup DIR CMD...: run CMD with its process placed in DIR first
	local dir=$1
	shift
	if [ -n "$dir" ]; then
		sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$dir" "$@"
	else
		"$@"
	fi
}
start unit in_cgroup "${CG:+$CG/pl-lab-web.service}" $H tcp:127.0.0.1:$((base + 5))

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 198.18.0.1/32 dev lo
start lab in_cgroup "${CG:+$CG/docker-$CID.scope}" ip netns exec "$NS" $H \
	tcp:198.18.0.1:$((base + 6)) udp6dual:[::]:$((base + 7)) packet:lo:3
# Below TCP/UDP: a packet socket on lo (every frame) and a raw ICMP socket.
start sniffer $H packet:lo:3 raw:127.0.0.1:1

export PL DENY_BPF HERE WORK NS base CG CID
python3 "$HERE/check.py"
