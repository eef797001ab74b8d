#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Port page benchmark, side by side in one run:
#  1. whole process: `portlens 2323` (and with --no-live) vs `getent services 2323`,
#     timed by hyperfine with the same warmup and run count; prints the ratio.
#  2. the live section against the pair of commands that answer the same question,
#     `getent services 2323` plus `ss -tuln 'sport = :2323'`, with SOCKETS established
#     loopback connections open (default 20000: a busy machine's TCP tables); the target
#     is portlens no slower than the pair (ratio <= 1).
#  3. in-process: pl_registry_lookup vs libc getservbyport (lookup_bench).
# Usage: bench/registry/run.sh [BUILD_DIR]   (default: build)
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
build=$(dirname "$(dirname "$(dirname "$PORTLENS")")")
bench_workdir registry
out=$BENCH_DIR

# getent exits 2 for 2323: Debian's /etc/services (netbase) does not list it at all.
# -i keeps hyperfine timing it; the lookup work (reading the whole file) is the same.
hyperfine -N -i --warmup 50 --runs 500 --export-json "$out/h.json" \
	"$PORTLENS 2323" "$PORTLENS 2323 --no-live" "getent services 2323" >"$out/h.txt" 2>&1
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

# 2. With many sockets: a helper opens SOCKETS/2 loopback connections (both ends here)
# and holds them while hyperfine runs (bounded: it exits after 600 s in any case).
n=${SOCKETS:-20000}
python3 - "$n" "$out/ready" <<'PY' &
import os, resource, socket, sys, time
n = int(sys.argv[1]) // 2
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard != resource.RLIM_INFINITY and hard < 2 * n + 100:
    n = (hard - 100) // 2  # as many as this process may hold
resource.setrlimit(resource.RLIMIT_NOFILE, (2 * n + 100, hard))
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1024)
keep = []
for _ in range(n):
    c = socket.create_connection(srv.getsockname())
    a, _ = srv.accept()
    keep += [c, a]
open(sys.argv[2], "w").write("%d\n" % len(keep))
time.sleep(600)
PY
holder=$!
BENCH_PIDS+=($holder)
for _ in $(seq 600); do [ -s "$out/ready" ] && break; sleep 0.1; done
echo "with $(cat "$out/ready") more TCP sockets open ($(ss -Htan | wc -l) in all):"
hyperfine -N -i --warmup 30 --runs 300 --export-json "$out/m.json" \
	"$PORTLENS 2323" "getent services 2323" "ss -tuln 'sport = :2323'" >"$out/m.txt" 2>&1
python3 - "$out/m.json" <<'P'
import json, sys
r = {x["command"].split("/")[-1]: x for x in json.load(open(sys.argv[1]))["results"]}
p = r["portlens 2323"]["mean"]
g = r["getent services 2323"]["mean"]
s = r["ss -tuln 'sport = :2323'"]["mean"]
print(f"portlens 2323 {p*1e3:7.3f} ms; getent {g*1e3:7.3f} ms + ss -tuln {s*1e3:7.3f} ms"
      f" = {(g+s)*1e3:7.3f} ms; ratio {p/(g+s):5.2f}x")
print("target: no slower than getent + ss ->", "MET" if p <= g + s else "NOT MET")
P
kill $holder 2>/dev/null
"$build/bench/registry/lookup_bench"
