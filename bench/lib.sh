#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/lib.sh - what the benchmark scripts share, sourced by each of them: the portlens
# binary they measure, the checks that decide whether a bench can run here (one that
# cannot says "SKIP: why" and exits 0, so bench/run-all.sh goes on with the next), a work
# directory whose background processes are stopped on exit, the scanner/target pair of
# lab namespaces, and the timing helpers behind the ratio lines. Sourcing it changes to
# the repository root (BENCH_ROOT); bench_portlens still finds a path given relative to
# the folder the bench was started from.
#
#   bench_portlens [BUILD_DIR|BINARY]  sets PORTLENS: the binary, or BUILD_DIR/src/cli/portlens
#                                      (default build), relative to the caller's folder or
#                                      the repository root
#   bench_need_root WHY                SKIP unless root
#   bench_need TOOL...                 SKIP unless every TOOL is installed
#   bench_workdir NAME                 BENCH_DIR=/tmp/portlens-bench-NAME.*; BENCH_PIDS
#                                      (add background PIDs) are stopped and the folder
#                                      removed on exit, then the commands of bench_on_exit
#   bench_on_exit 'CMD'                one more command for the exit trap (and the trap
#                                      set again: a sourced helper may have replaced it)
#   bench_pair_lab NAME                namespaces s (scanner, 198.18.0.1) and t (target,
#                                      198.18.0.2) on one link; D=$LAB_DIR, S=scanner
#                                      namespace (tests/lab/lab.sh); $BENCH_LAB, when
#                                      set, names the lab instead of NAME
#   bench_scan_lab NAME                bench_pair_lab, and t answers for all of
#                                      198.19.0.0/16 (routed there from s)
#   bench_lab NAME                     the lab alone (tests/lab/lab.sh's lab_init)
#   free_port                          a free TCP port on 127.0.0.1
#   wait_grep PATTERN FILE [SECONDS]   wait (default up to 10 s) until FILE holds PATTERN
#   timed CMD...                       "WALL CPU" seconds of a command (GNU time; CPU time
#                                      is far steadier than wall time on a shared machine)
#   secs CMD...                        wall seconds of a command or shell function
#   wall "W C" / cpu "W C"             one half of timed's answer
#   ratio A B                          A / B, three decimals
#   median X...                        the median of numbers
#   peak CMD...                        peak RSS of a command, KiB
#   ticks PID / tree_ticks_ended PID   CPU ticks (utime + stime) of a process; the second
#                                      adds those of its children that have ended
#   pct TICKS SECONDS                  CPU ticks over SECONDS as a percentage of one core
# PORTLENS, D and S are set here for the scripts that source this file.
# shellcheck disable=SC2034
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_NAME=bench/${0#*bench/}
BENCH_CALLER_DIR=$PWD
cd "$BENCH_ROOT"
BENCH_PIDS=()
BENCH_EXIT=()
BENCH_DIR=

bench_portlens() {
	local arg=${1:-build} p
	case $arg in /*) ;; *) [ -e "$BENCH_CALLER_DIR/$arg" ] && arg=$BENCH_CALLER_DIR/$arg ;; esac
	for p in "$arg" "$BENCH_ROOT/$arg"; do
		[ -d "$p" ] && p=$p/src/cli/portlens
		if [ -x "$p" ] && [ -f "$p" ]; then
			PORTLENS=$(realpath "$p")
			return 0
		fi
	done
	echo "$BENCH_NAME: no portlens binary at $arg (build it: make build)" >&2
	exit 1
}

bench_need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: $BENCH_NAME needs root ($1)"; exit 0; }
}

bench_need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "SKIP: $BENCH_NAME: $t is not installed (scripts/install-deps.sh)"; exit 0; }
	done
}

bench_cleanup() {
	local p
	for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${BENCH_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for p in "${BENCH_EXIT[@]}"; do eval "$p" || true; done
	[ -z "$BENCH_DIR" ] || rm -rf "$BENCH_DIR"
}

bench_workdir() {
	BENCH_DIR=$(mktemp -d "/tmp/portlens-bench-$1.XXXXXX")
	trap bench_cleanup EXIT
}

bench_on_exit() {
	BENCH_EXIT+=("$1")
	trap bench_cleanup EXIT
}

bench_lab() {
	# shellcheck source=../tests/lab/lab.sh
	source "$BENCH_ROOT/tests/lab/lab.sh"
	lab_init "${BENCH_LAB:-$1}"
}

bench_pair_lab() {
	bench_lab "$1"
	lab_ns s
	lab_ns t
	lab_link s 198.18.0.1/24 t 198.18.0.2/24
	D=$LAB_DIR
	S=$(lab_nsname s)
}

bench_scan_lab() {
	bench_pair_lab "$1"
	lab_route s 198.19.0.0/16 198.18.0.2
	lab_local_route t 198.19.0.0/16
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_grep() {
	local _
	for _ in $(seq 1 $((${3:-10} * 20))); do
		grep -qs -- "$1" "$2" && return 0
		sleep 0.05
	done
	return 1
}

timed() {
	local out
	out=$(mktemp)
	/usr/bin/time -f "%e %U %S" -o "$out" "$@" >/dev/null 2>&1 || true
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$out"
	rm -f "$out"
}

secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}

wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
ratio() { echo "$1 $2" | awk '{printf "%.3f", $1 / $2}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tree_ticks_ended() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
BENCH_HZ=$(getconf CLK_TCK)
pct() { python3 -c "print('%.2f' % (100.0 * $1 / $BENCH_HZ / $2))"; }
