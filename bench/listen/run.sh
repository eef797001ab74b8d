#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/listen/run.sh - `portlens listen` side by side with `ss -tlnp` and
# `lsof -nP -iTCP -sTCP:LISTEN` on the same machine in one run: N listening TCP sockets
# held by 20 processes (hold.py), for each N in SIZES. Prints mean wall times
# (hyperfine), the ratios portlens/ss and portlens/lsof, the same for the quietest
# (min) and typical (median) runs, peak memory (max RSS) of each,
# CPU time (user+sys, steadier than wall time on a loaded machine) and its ratios, and
# checks that portlens and ss list the same socket set.
# Usage: bench/listen/run.sh [PORTLENS] (default build/src/cli/portlens)
#   SIZES="1000 20000 100000" RUNS=10 PROCS=20 bench/listen/run.sh
# Needs root (raised fd limits); only binds 127.0.0.0/8.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
SIZES=${SIZES:-"1000 20000 100000"}
RUNS=${RUNS:-10}
PROCS=${PROCS:-20}
bench_need ss lsof hyperfine python3
bench_need_root "fd limits, all processes"
bench_workdir listen
WORK=$BENCH_DIR

PL_LISTEN="$PORTLENS listen --tcp"
SS="ss -tlnp"
LSOF="lsof -nP -iTCP -sTCP:LISTEN"

printf "%-8s %10s %10s %10s %8s %8s %9s %9s %9s   %s\n" sockets portlens ss lsof "pl/ss" \
	"pl/lsof" "rss_pl" "rss_ss" "rss_lsof" "cpu(user+sys) pl/ss/lsof, ratios"
for n in $SIZES; do
	: >"$WORK/ready"
	python3 bench/listen/hold.py "$n" "$PROCS" "$WORK/ready" &
	HOLDER=$!
	BENCH_PIDS=("$HOLDER")
	for _ in $(seq 600); do
		[ "$(wc -l <"$WORK/ready")" -ge "$PROCS" ] && break
		sleep 0.1
	done
	# The same socket set: every LISTEN tcp socket as LOCAL:PORT from both tools (ss
	# writes a dual-stack wildcard as *:PORT). The benchmark's own sockets (127.77/16)
	# must match exactly; elsewhere other programs may come and go between the two runs.
	"$PORTLENS" listen --tcp --csv --no-processes |
		awk -F, 'NR > 1 {print ($3 == "dual" ? "*" : $5) ":" $6}' | sort >"$WORK/pl.set"
	ss -Htln | awk '{print $4}' | sed 's/^\[\(.*\)\]:/\1:/' | sort >"$WORK/ss.set"
	if ! cmp -s <(grep '^127\.77\.' "$WORK/pl.set") <(grep '^127\.77\.' "$WORK/ss.set"); then
		echo "bench: portlens and ss list different benchmark sockets at N=$n" >&2
		diff "$WORK/pl.set" "$WORK/ss.set" | head >&2
		exit 1
	fi
	cmp -s "$WORK/pl.set" "$WORK/ss.set" ||
		echo "bench: note: other listeners changed between the two listings at N=$n" >&2
	[ "$(grep -c '^127\.77\.' "$WORK/pl.set")" -eq "$n" ] ||
		{ echo "bench: expected $n benchmark sockets" >&2; exit 1; }
	lruns=$RUNS
	[ "$n" -ge 100000 ] && lruns=3
	hyperfine -N -w 2 -r "$RUNS" --export-json "$WORK/a.json" "$PL_LISTEN" "$SS" >/dev/null 2>&1
	hyperfine -N -w 1 -r "$lruns" --export-json "$WORK/b.json" "$LSOF" >/dev/null 2>&1
	python3 - "$n" "$WORK/a.json" "$WORK/b.json" "$(peak $PL_LISTEN)" "$(peak $SS)" \
		"$(peak $LSOF)" <<'PY'
import json, sys
n, a, b, r1, r2, r3 = sys.argv[1:]
ra, rb = json.load(open(a))["results"], json.load(open(b))["results"]
pl, ss, ls = ra[0]["mean"], ra[1]["mean"], rb[0]["mean"]
cpu = lambda r: r["user"] + r["system"]
cpl, css, cls = cpu(ra[0]), cpu(ra[1]), cpu(rb[0])
print("%-8s %9.1fms %9.1fms %9.1fms %8.3f %8.3f %8sK %8sK %8sK   cpu %.0f/%.0f/%.0fms %.3f %.3f" %
      (n, pl * 1e3, ss * 1e3, ls * 1e3, pl / ss, pl / ls, r1, r2, r3,
       cpl * 1e3, css * 1e3, cls * 1e3, cpl / css, cpl / cls))
# The quietest run of each tool (min) and the typical one (median): on a shared machine
# the mean mixes in other work's bursts.
for what in ("min", "median"):
    pl, ss, ls = ra[0][what], ra[1][what], rb[0][what]
    print("%-8s %9.1fms %9.1fms %9.1fms %8.3f %8.3f   (%s)" %
          ("", pl * 1e3, ss * 1e3, ls * 1e3, pl / ss, pl / ls, what))
PY
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
	BENCH_PIDS=()
done
echo "(${PROCS} holder processes; portlens: $PL_LISTEN; hyperfine means over $RUNS runs," \
	"lsof 3 runs at 100k; $(nproc) CPUs; $(uname -r))"
