#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/scan/run.sh - `portlens scan` side by side with nmap in the namespace lab
# (tests/lab/lab.sh), one run, ratios printed, results compared with the peer's:
#   (a) all 65535 ports of one lab host: portlens (also with --threads 2) vs
#       `nmap -sT -T5 -p-` (target <= 0.5x),
#       5 interleaved runs each, medians of wall and CPU time
#   (b) one port (2323) across the 65536 addresses of 198.19.0.0/16: portlens vs
#       `nmap -sT` and vs `nmap -sS` (both -Pn -n); ratios and recall (must be 100%)
#   (c) peak RSS as the target space grows from a /24 to a /8: real scans of a /24 and
#       the /16 in the lab, --dry-run (counts in O(1), sends nothing) for
#       a /12 and a /8
#   (s) on request only: system calls per probe of (a)'s scan, portlens vs nmap
#       (strace -c -f; strace slows both, so no times from it)
# Usage: bench/scan/run.sh [BUILD_DIR] [a|b|c|s ...]   (root; default: a b c)
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
shift || true
PARTS=${*:-a b c}
bench_need_root "lab namespaces"
bench_need nmap
bench_scan_lab benchscan
SEED=${BENCH_SEED:-4242}
echo "portlens $("$PORTLENS" --version | cut -d' ' -f2), $(nmap --version | head -1), $(nproc) CPUs, seed $SEED"

# Open host:port pairs from grepable output (portlens or nmap), sorted.
open_set() {
	grep -o 'Host: [^ ]*.*Ports: .*' "$1" | awk '{
		host = $2; sub(/.*Ports: /, "");
		n = split($0, ps, ", ");
		for (i = 1; i <= n; i++) { split(ps[i], f, "/"); if (f[2] == "open") print host ":" f[1] }
	}' | sort -u
}

bench_a() {
	local host=198.19.0.10 i r
	local -a pw=() pc=() nw=() nc=() tw=() tc=()
	python3 -c "
import random; r = random.Random($SEED)
print(' '.join('$host:%d' % p for p in sorted(r.sample(range(1, 65536), 40))))" >"$D/a.pairs"
	# shellcheck disable=SC2046
	lab_listen t open $(cat "$D/a.pairs")
	for i in 1 2 3 4 5; do # interleaved, so both see the same machine load
		r=$(timed ip netns exec "$S" "$PORTLENS" scan "$host" -p- --no-progress -oG "$D/a.pl.gnmap")
		pw+=("$(wall "$r")") pc+=("$(cpu "$r")")
		r=$(timed ip netns exec "$S" nmap -sT -T5 -p- -Pn -n "$host" -oG "$D/a.nmap.gnmap")
		nw+=("$(wall "$r")") nc+=("$(cpu "$r")")
		r=$(timed ip netns exec "$S" "$PORTLENS" scan "$host" -p- --threads 2 --no-progress)
		tw+=("$(wall "$r")") tc+=("$(cpu "$r")")
	done
	open_set "$D/a.pl.gnmap" >"$D/a.pl.open"
	open_set "$D/a.nmap.gnmap" >"$D/a.nmap.open"
	tr ' ' '\n' <"$D/a.pairs" | sort >"$D/a.truth"
	echo "(a) 65535 ports of one host, median of 5 interleaved runs (wall s / CPU s):"
	echo "    portlens $(median "${pw[@]}") / $(median "${pc[@]}"), nmap -sT -T5 -p- $(median "${nw[@]}") / $(median "${nc[@]}"), portlens --threads 2 $(median "${tw[@]}") / $(median "${tc[@]}")"
	echo "    wall runs: portlens ${pw[*]}; nmap ${nw[*]}"
	echo "    ratio wall $(ratio "$(median "${pw[@]}")" "$(median "${nw[@]}")")x, CPU $(ratio "$(median "${pc[@]}")" "$(median "${nc[@]}")")x (target <= 0.5x); --threads 2 wall $(ratio "$(median "${tw[@]}")" "$(median "${nw[@]}")")x"
	echo "    open ports: portlens $(wc -l <"$D/a.pl.open"), nmap $(wc -l <"$D/a.nmap.open"), planted 40; identical: $(cmp -s "$D/a.pl.open" "$D/a.nmap.open" && echo yes || echo NO); exact: $(cmp -s "$D/a.pl.open" "$D/a.truth" && echo yes || echo NO)"
}

bench_b() {
	local tp ts tss
	python3 -c "
import random; r = random.Random($SEED)
print(' '.join('198.19.%d.%d:2323' % divmod(x, 256) for x in sorted(r.sample(range(1, 65535), 200))))" >"$D/b.pairs"
	# shellcheck disable=SC2046
	lab_listen t open $(cat "$D/b.pairs")
	tr ' ' '\n' <"$D/b.pairs" | sort >"$D/b.truth"
	tp=$(timed ip netns exec "$S" "$PORTLENS" scan 198.19.0.0/16 -p 2323 --no-progress -oG "$D/b.pl.gnmap")
	ts=$(timed ip netns exec "$S" nmap -sT -Pn -n -p 2323 198.19.0.0/16 --exclude 198.19.255.255 -oG "$D/b.st.gnmap")
	tss=$(timed ip netns exec "$S" nmap -sS -Pn -n -p 2323 198.19.0.0/16 --exclude 198.19.255.255 -oG "$D/b.ss.gnmap")
	for x in pl st ss; do open_set "$D/b.$x.gnmap" >"$D/b.$x.open"; done
	recall() { comm -12 "$1" "$D/b.truth" | wc -l | awk '{printf "%.1f%%", 100 * $1 / 200}'; }
	echo "(b) port 2323 on 65536 addresses (wall s / CPU s): portlens $tp, nmap -sT $ts, nmap -sS $tss"
	echo "    ratio wall vs -sT $(ratio "$(wall "$tp")" "$(wall "$ts")")x, vs -sS $(ratio "$(wall "$tp")" "$(wall "$tss")")x; recall: portlens $(recall "$D/b.pl.open"), nmap -sT $(recall "$D/b.st.open"), nmap -sS $(recall "$D/b.ss.open"); portlens = nmap -sT: $(cmp -s "$D/b.pl.open" "$D/b.st.open" && echo yes || echo NO)"
}

bench_c() {
	local r24 r16 r12 r8
	r24=$(peak ip netns exec "$S" "$PORTLENS" scan 198.19.7.0/24 -p 2323 --no-progress)
	r16=$(peak ip netns exec "$S" "$PORTLENS" scan 198.19.0.0/16 -p 2323 --no-progress)
	r12=$(peak "$PORTLENS" scan 198.16.0.0/12 -p 2323 --dry-run --no-progress)
	r8=$(peak "$PORTLENS" scan 198.0.0.0/8 -p 2323 --dry-run --no-progress)
	echo "(c) peak RSS: /24 scan ${r24} KiB, /16 scan ${r16} KiB, /12 dry run ${r12} KiB, /8 dry run ${r8} KiB (limit 65536 KiB)"
}

# System calls per probe (65535 probes), by name, for portlens and nmap.
bench_s() {
	local host=198.19.0.10
	command -v strace >/dev/null || { echo "(s) skipped: strace not installed"; return; }
	ip netns exec "$S" strace -c -f -o "$D/s.pl" "$PORTLENS" scan "$host" -p- --no-progress >/dev/null
	ip netns exec "$S" strace -c -f -o "$D/s.nmap" nmap -sT -T5 -p- -Pn -n "$host" >/dev/null
	for t in pl nmap; do
		awk -v t="$t" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {
			n[$NF] = $4; all += $4 }
		END { printf "(s) %s: %.2f system calls per probe:", t, all / 65535;
			for (k in n) if (n[k] >= 655) printf " %s %.2f", k, n[k] / 65535; print "" }' "$D/s.$t"
	done
}

for p in $PARTS; do "bench_$p"; done
