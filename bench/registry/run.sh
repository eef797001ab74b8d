#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Port page benchmark, side by side in one run:
#  1. whole process: `portlens 2323` (and with --no-live) vs `getent services 2323`,
#     timed by hyperfine with the same warmup and run count; prints the ratio.
#  2. in-process: pl_registry_lookup vs libc getservbyport (lookup_bench).
# Usage: bench/registry/run.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
pl=$build/src/cli/portlens
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# getent exits 2 for 2323: Debian's /etc/services (netbase) does not list it at all.
# -i keeps hyperfine timing it; the lookup work (reading the whole file) is the same.
hyperfine -N -i --warmup 50 --runs 500 --export-json "$out/h.json" \
	"$pl 2323" "$pl 2323 --no-live" "getent services 2323" >"$out/h.txt" 2>&1
python3 - "$out/h.json" <<'P'
import json, sys
r = {x["command"].split("/")[-1]: x for x in json.load(open(sys.argv[1]))["results"]}
g = r["getent services 2323"]["mean"]
for name, res in r.items():
    print(f"{name:32s} mean {res['mean']*1e3:7.3f} ms  median {res['median']*1e3:7.3f} ms"
          f"  ratio vs getent {res['mean']/g:5.2f}x")
print("target: whole process within 2x of getent ->",
      "MET" if r["portlens 2323"]["mean"] <= 2 * g else "NOT MET")
P
"$build/bench/registry/lookup_bench"
