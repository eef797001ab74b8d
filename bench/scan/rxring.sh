#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/scan/rxring.sh - the raw SYN engine's receive path against a TPACKET_V3 ring, on
# the same traffic: while `portlens scan -sS` sweeps one port of a lab /16 (65,536
# answers: RSTs from the target namespace's local route), bench/scan/rxring.c counts
# the answers either through a raw TCP socket with the engine's BPF filter and
# recvmmsg (what rawsock.c does; "rawb": reading every 1 ms, so answers queue up between
# reads as in the engine) or through an AF_PACKET TPACKET_V3 ring with the same filter. ROUNDS runs per mode, interleaved; prints each run and the medians of the
# receiver's CPU time per answer.
# Usage: bench/scan/rxring.sh [BUILD_DIR]   (root; cc)
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
bench_need_root "lab namespaces"
bench_need cc
ROUNDS=${ROUNDS:-3}
bench_scan_lab benchrx
cc -O2 -std=c11 -D_GNU_SOURCE -o "$D/rxring" bench/scan/rxring.c
echo "portlens $("$PORTLENS" --version | cut -d' ' -f2), $(uname -r), $(nproc) CPUs; -sS 198.19.0.0/16 -p 2323, answers counted by a second receiver"
for r in $(seq 1 "$ROUNDS"); do
	for mode in raw rawb ring; do
		ip netns exec "$S" "$D/rxring" $mode 45000 lab0 30 >"$D/rx.$mode.$r" &
		rx=$!
		sleep 0.3
		ip netns exec "$S" "$PORTLENS" scan -sS 198.19.0.0/16 -p 2323 -g 45000 --seed 7 \
			--no-progress --all-states -oJ /dev/null >/dev/null
		wait $rx
		echo "round $r: $(cat "$D/rx.$mode.$r")"
	done
done
python3 - "$D" "$ROUNDS" <<'PY'
import statistics, sys
d, rounds = sys.argv[1], int(sys.argv[2])
for mode in ("raw", "rawb", "ring"):
    per, calls, pk = [], [], []
    for r in range(1, rounds + 1):
        f = open(f"{d}/rx.{mode}.{r}").read().split()
        v = dict(zip(f[1::2], f[2::2]))
        n = int(v["packets"])
        per.append((float(v["user_ms"]) + float(v["sys_ms"])) * 1e6 / max(n, 1))
        calls.append(int(v["syscalls"]))
        pk.append(n)
    print(f"{mode}: packets {pk}, receiver CPU per answer median {statistics.median(per):.0f} ns "
          f"(runs {[round(x) for x in per]}), system calls median {statistics.median(calls)}")
PY
