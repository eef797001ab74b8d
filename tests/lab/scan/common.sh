#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# common.sh - topology shared by the scan lab tests: namespace "s" (the scanner) and
# namespace "t" (the targets) joined by one veth. t answers for all of 198.19.0.0/16
# and 2001:2:0:1::/64 through local routes, so any address there is a lab host.
# Usage: source common.sh PORTLENS_BINARY
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab.sh
source "$HERE/../lab.sh"
PORTLENS=$(realpath "$1")
CHECK="python3 $HERE/check.py"

scan_lab_setup() {
	lab_require_root
	lab_init "$1"
	lab_ns s
	lab_ns t
	lab_link s 198.18.0.1/24 t 198.18.0.2/24
	ip -n "$(lab_nsname s)" addr add 2001:2::1/64 dev lab0 nodad
	ip -n "$(lab_nsname t)" addr add 2001:2::2/64 dev lab0 nodad
	lab_route s 198.19.0.0/16 198.18.0.2
	lab_route s 2001:2:0:1::/64 2001:2::2
	lab_local_route t 198.19.0.0/16
	lab_local_route t 2001:2:0:1::/64
}

# portlens inside the scanner namespace.
pl() { lab_exec s "$PORTLENS" "$@"; }

# N distinct random pairs: "v4 PREFIX3" -> PREFIX3.X:P, "v6 PREFIX" -> [PREFIX::X]:P
random_pairs() {
	python3 - "$@" <<'PY'
import random, sys
fam, n, seed, prefix, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
rng = random.Random(seed)
seen = []
while len(seen) < n:
    pair = (rng.randint(1, 254), rng.randint(lo, hi))
    if pair not in seen:
        seen.append(pair)
for x, p in seen:
    print(f"{prefix}.{x}:{p}" if fam == "v4" else f"[{prefix}{x:x}]:{p}")
PY
}

