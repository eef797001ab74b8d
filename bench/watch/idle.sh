#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/watch/idle.sh - the CPU `portlens watch` uses while nothing it is told about
# happens, measured over DURATION seconds (default 60) from /proc/PID/stat (utime + stime), as a
# percentage of one core, side by side with the peer (a loop of `ss -Htuln` every
# 0.5 s). Run in both of watch's modes: the kernel event source (BPF; UDP polled every
# 500 ms) and --poll (TCP and UDP every 250 ms). Prints the load average and the
# events watch reported in the window: on a shared machine other programs open and
# close listeners (every namespace counts), and each such change costs a full look.
# Usage: bench/watch/idle.sh [PORTLENS]   DURATION=60
# Needs root.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
SECONDS_=${DURATION:-60}
bench_need_root "all processes' sockets, namespaces"
bench_workdir idle
WORK=$BENCH_DIR

measure() { # NAME ARGS...: one watch, SECONDS_ of its CPU
	local name=$1 w w0 w1 n0 n1
	shift
	"$PORTLENS" watch --state-dir "$WORK/st-$name" --json "$@" >"$WORK/ev-$name" 2>"$WORK/err-$name" &
	w=$!
	BENCH_PIDS+=("$w")
	wait_grep ' listeners' "$WORK/err-$name" 20 || true
	sleep 2
	n0=$(wc -l <"$WORK/ev-$name")
	w0=$(ticks "$w")
	echo "$name: load before $(cut -d' ' -f1-3 /proc/loadavg)"
	sleep "$SECONDS_"
	w1=$(ticks "$w")
	n1=$(wc -l <"$WORK/ev-$name")
	kill -TERM "$w"
	wait "$w" 2>/dev/null || true
	echo "$name: ${SECONDS_} s: $(pct $((w1 - w0)) "$SECONDS_")% of a core; $((n1 - n0)) events in the window (other programs' listeners); load after $(cut -d' ' -f1-3 /proc/loadavg); $(grep -o '([0-9]* looks woken by the kernel)' "$WORK/err-$name" || true)"
}
measure bpf
measure poll --poll
# The same watch where nothing else happens: its own network namespace (only lo), its
# own PID namespace and /proc, and an empty /run/netns, so other programs' listeners
# are neither seen nor looked up. (The BPF tracepoint still fires for every TCP socket
# of the machine, so the kernel source still wakes it; the looks are then cheap.)
isolated() { # NAME ARGS...
	local name=$1
	shift
	unshare -n -p -f -m --mount-proc bash -c '
		mount -t tmpfs tmpfs /run/netns 2>/dev/null || true
		ip link set lo up
		"$0" watch --state-dir "$1/st-iso-$2" --json "${@:4}" >"$1/ev-iso-$2" 2>"$1/err-iso-$2" &
		w=$!
		for _ in $(seq 1 400); do grep -qs " listeners" "$1/err-iso-$2" && break; sleep 0.05; done
		sleep 2
		t0=$(awk "{print \$14 + \$15}" /proc/$w/stat)
		sleep "$3"
		t1=$(awk "{print \$14 + \$15}" /proc/$w/stat)
		kill -TERM $w; wait $w 2>/dev/null
		echo "$t0 $t1 $(wc -l <"$1/ev-iso-$2")"
	' "$PORTLENS" "$WORK" "$name" "$SECONDS_" "$@" >"$WORK/iso-$name"
	read -r t0 t1 nev <"$WORK/iso-$name"
	echo "$name (isolated): ${SECONDS_} s: $(pct $((t1 - t0)) "$SECONDS_")% of a core; $nev events; load $(cut -d' ' -f1-3 /proc/loadavg); $(grep -o '([0-9]* looks woken by the kernel)' "$WORK/err-iso-$name" || true)"
}
isolated bpf
isolated poll --poll
bash -c 'while :; do ss -Htuln >/dev/null; sleep 0.5; done' &
S=$!
BENCH_PIDS+=($S)
sleep 1
s0=$(tree_ticks_ended "$S")
sleep "$SECONDS_"
s1=$(tree_ticks_ended "$S")
echo "peer: ss -Htuln every 0.5 s: $(pct $((s1 - s0)) "$SECONDS_")% of a core"
echo "namespaces on this machine: $(ip netns list 2>/dev/null | wc -l) named, $(ls -1 /run/netns 2>/dev/null | wc -l) in /run/netns"
