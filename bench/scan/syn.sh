#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/scan/syn.sh - `portlens scan -sS` (raw SYN engine) side by side with zmap,
# masscan and nmap -sS in the namespace lab (tests/lab/lab.sh), one run, ratios and
# recall printed. Every tool runs inside the scanner namespace, whose only links are
# lo and the lab veth: nothing can reach beyond the lab.
#   (d) one port (2323) on the 65536 addresses of 198.19.0.0/16, 200 planted listeners:
#       portlens -sS vs zmap, masscan (their rates given, 1 s cool-down, subtracted for
#       packets per second) and nmap -sS; 3 interleaved runs, medians; recall
#   (e) 32 ports on the /16 (2,097,152 probes): portlens -sS vs masscan; pps, recall
#   (f) all 65535 ports of one host: portlens -sS vs nmap -sS -T5 -p- (target <= 0.5x)
#   (g) peak RSS of -sS on a /24, the /16 (every address answers) and a silent /17
#   (h) host discovery: -sn vs nmap -sn on 4096 addresses
# Usage: bench/scan/syn.sh [BUILD_DIR] [d|e|f|g|h ...]   (root; default: all)
# Peer rates: ZMAP_RATE, MASSCAN_RATE (default 300000 pps; at 1,000,000 masscan's bursts
# overflow the veth backlog on the 2-CPU VM and it loses answers).
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
shift || true
PARTS=${*:-d e f g h}
bench_need_root "lab namespaces"
bench_need nmap zmap masscan
ZR=${ZMAP_RATE:-300000}
MR=${MASSCAN_RATE:-300000}
bench_scan_lab benchsyn
MAC=$(ip -n "$(lab_nsname t)" -br link show lab0 | awk '{print $3}')
SEED=${BENCH_SEED:-4242}
echo "portlens $("$PORTLENS" --version | cut -d' ' -f2), $(nmap --version | head -1), zmap $(zmap --version 2>&1 | head -1 | awk '{print $NF}'), masscan $(masscan --version 2>/dev/null | grep -o '[0-9.]*' | head -1), $(nproc) CPUs, seed $SEED"

pps() { echo "$1 $2" | awk '{printf "%.0f", $1 / ($2 > 0 ? $2 : 0.001)}'; }
recall() { # FOUND_FILE (one host[:port] a line) vs $D/truth
	sort -u "$1" | comm -12 - "$D/truth" | wc -l | awk -v n="$(wc -l <"$D/truth")" '{printf "%.2f%%", 100 * $1 / n}'
}
pl_open() { grep -o '"host":"[^"]*","port":[0-9]*' "$1" | sed 's/"host":"//; s/","port":/:/'; }

zmap_run() { # PORT OUT
	ip netns exec "$S" zmap -p "$1" -i lab0 -G "$MAC" -S 198.18.0.1 -b /dev/null -r "$ZR" \
		-c 1 -q -o "$2" 198.19.0.0/16
}
masscan_run() { # PORTS OUT
	ip netns exec "$S" masscan 198.19.0.0/16 -p"$1" --rate "$MR" --wait 1 --router-mac "$MAC" \
		--adapter lab0 --adapter-ip 198.18.0.1 -oL "$2"
}

bench_d() {
	local -a pw=() zw=() mw=()
	python3 -c "
import random; r = random.Random($SEED)
print(' '.join('198.19.%d.%d:2323' % divmod(x, 256) for x in sorted(r.sample(range(1, 65535), 200))))" >"$D/d.pairs"
	# shellcheck disable=SC2046
	lab_listen t open $(cat "$D/d.pairs")
	tr ' ' '\n' <"$D/d.pairs" | sed 's/:2323$//' | sort >"$D/truth"
	local pr=() zr=() mr=()
	for i in 1 2 3; do
		pw+=("$(secs ip netns exec "$S" "$PORTLENS" scan -sS 198.19.0.0/16 -p 2323 --no-progress -oJ "$D/d.pl.$i")")
		pr+=("$(pl_open "$D/d.pl.$i" | sed 's/:2323$//' >"$D/f" && recall "$D/f")")
		zw+=("$(secs zmap_run 2323 "$D/d.z.$i")")
		zr+=("$(recall "$D/d.z.$i")")
		mw+=("$(secs masscan_run 2323 "$D/d.m.$i")")
		mr+=("$(awk '$1 == "open" {print $4}' "$D/d.m.$i" >"$D/f" && recall "$D/f")")
	done
	local nw
	nw=$(secs ip netns exec "$S" nmap -sS -Pn -n -p 2323 198.19.0.0/16 -oG "$D/d.n")
	local p z m
	p=$(median "${pw[@]}") z=$(median "${zw[@]}") m=$(median "${mw[@]}")
	echo "(d) port 2323 on 65536 addresses, median of 3 (wall s): portlens -sS $p, zmap -r $ZR $z, masscan --rate $MR $m, nmap -sS $nw"
	echo "    runs: portlens ${pw[*]}; zmap ${zw[*]}; masscan ${mw[*]}"
	echo "    recall per run: portlens ${pr[*]}; zmap ${zr[*]}; masscan ${mr[*]}"
	echo "    packets/s (cool-down of 1 s subtracted for zmap and masscan): portlens $(pps 65536 "$p"), zmap $(pps 65536 "$(echo "$z" | awk '{print $1 - 1}')"), masscan $(pps 65536 "$(echo "$m" | awk '{print $1 - 1}')")"
	echo "    ratio wall: vs zmap $(ratio "$p" "$z")x, vs masscan $(ratio "$p" "$m")x, vs nmap -sS $(ratio "$p" "$nw")x"
}

bench_e() {
	local ports p m
	ports=$(python3 -c "import random; r = random.Random($SEED); print(','.join(str(x) for x in sorted(r.sample(range(1, 10000), 32))))")
	python3 -c "
import random; r = random.Random($SEED + 1)
ps = '$ports'.split(',')
print(' '.join('198.19.%d.%d:%s' % (*divmod(x, 256), r.choice(ps)) for x in sorted(r.sample(range(1, 65535), 300))))" >"$D/e.pairs"
	# shellcheck disable=SC2046
	lab_listen t open $(cat "$D/e.pairs")
	tr ' ' '\n' <"$D/e.pairs" | sort >"$D/truth"
	p=$(secs ip netns exec "$S" "$PORTLENS" scan -sS 198.19.0.0/16 -p "$ports" --yes-large --no-progress -oJ "$D/e.pl")
	m=$(secs masscan_run "$ports" "$D/e.m")
	pl_open "$D/e.pl" >"$D/f"
	local prc mrc
	prc=$(recall "$D/f")
	mrc=$(awk '$1 == "open" {print $4 ":" $3}' "$D/e.m" >"$D/f" && recall "$D/f")
	echo "(e) 32 ports on 65536 addresses (2097152 probes): portlens -sS $p s ($(pps 2097152 "$p") pps, recall $prc), masscan --rate $MR $m s ($(pps 2097152 "$(echo "$m" | awk '{print $1 - 1}')") pps after its 1 s wait, recall $mrc); pps ratio portlens/masscan $(echo "$p $m" | awk '{printf "%.2f", ($2 - 1) / $1}')x (target >= 2x)"
}

bench_f() {
	local host=198.19.0.10 p n
	python3 -c "
import random; r = random.Random($SEED)
print(' '.join('$host:%d' % p for p in sorted(r.sample(range(1, 65536), 40))))" >"$D/f.pairs"
	# shellcheck disable=SC2046
	lab_listen t open $(cat "$D/f.pairs")
	local -a pw=() nw=()
	for i in 1 2 3; do
		pw+=("$(secs ip netns exec "$S" "$PORTLENS" scan -sS "$host" -p- --no-progress -oJ "$D/f.pl")")
		nw+=("$(secs ip netns exec "$S" nmap -sS -T5 -p- -Pn -n "$host" -oG "$D/f.n")")
	done
	p=$(median "${pw[@]}") n=$(median "${nw[@]}")
	tr ' ' '\n' <"$D/f.pairs" | sort >"$D/truth"
	pl_open "$D/f.pl" >"$D/f"
	echo "(f) 65535 ports of one host, median of 3 (wall s): portlens -sS $p, nmap -sS -T5 -p- $n; ratio $(ratio "$p" "$n")x (target <= 0.5x); runs: ${pw[*]} / ${nw[*]}; recall $(recall "$D/f")"
}

bench_g() {
	local r24 r16 r17
	r24=$(peak ip netns exec "$S" "$PORTLENS" scan -sS 198.19.7.0/24 -p 2323 --no-progress)
	r16=$(peak ip netns exec "$S" "$PORTLENS" scan -sS 198.19.0.0/16 -p 2323 --no-progress)
	# Addresses routed to the target that it does not hold: dropped there, never answered.
	ip -n "$S" route replace 198.18.128.0/17 via 198.18.0.2
	r17=$(peak ip netns exec "$S" "$PORTLENS" scan -sS 198.18.128.0/17 -p 2323 --timeout 300 \
		--retries 0 --no-progress)
	echo "(g) peak RSS of -sS: /24 ${r24} KiB, /16 where every address answers ${r16} KiB, /17 where none answers ${r17} KiB (the slot table is fixed, 16384 slots; the per-host summary costs ~100 B per host that answered)"
}

# (h) host discovery: -sn over 4096 lab addresses (every one answers: the target's local
# route) beside nmap -sn; median of 3, and the number of hosts each found up.
bench_h() {
	local -a pw=() nw=()
	for i in 1 2 3; do
		pw+=("$(secs ip netns exec "$S" "$PORTLENS" scan -sn 198.19.0.0/20 --no-progress -oG "$D/h.pl")")
		nw+=("$(secs ip netns exec "$S" nmap -sn -n 198.19.0.0/20 -oG "$D/h.n")")
	done
	echo "(h) -sn on 4096 addresses, median of 3 (wall s): portlens $(median "${pw[@]}") ($(grep -c 'Status: Up' "$D/h.pl") up), nmap -sn $(median "${nw[@]}") ($(grep -c 'Status: Up' "$D/h.n") up); ratio $(ratio "$(median "${pw[@]}")" "$(median "${nw[@]}")")x; runs: ${pw[*]} / ${nw[*]}"
}

for p in $PARTS; do "bench_$p"; done
