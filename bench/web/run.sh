#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Web benchmark, side by side in one run: wrk against `portlens serve` rendering
# /port/2323 and against nginx serving the very same page saved as a static file, both
# on 127.0.0.1, same wrk settings, runs interleaved (nginx, portlens, nginx, portlens) so
# background noise hits both. Prints requests/s and p99 latency of each and the ratio.
# Target (issue 6): portlens >= 0.5x nginx's requests per second.
# Usage: [ROUNDS=3] bench/web/run.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]  (default: build 10 64)
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
secs=${2:-10}
conns=${3:-64}
threads=2
bench_need wrk nginx curl python3
bench_workdir web
tmp=$BENCH_DIR

"$PORTLENS" serve --listen 127.0.0.1:0 --db "$tmp/bench.db" >"$tmp/serve.out" 2>&1 &
BENCH_PIDS+=($!)
wait_grep 'http://127\.0\.0\.1:[0-9]*/' "$tmp/serve.out" || { cat "$tmp/serve.out"; exit 1; }
pl_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/serve.out")

# The same page as a static file for nginx (what a port-reference site would serve).
mkdir -p "$tmp/www/port" "$tmp/nginx"
chmod 755 "$tmp"  # nginx workers may run as another user (www-data)
curl -sf "${pl_url}port/2323" -o "$tmp/www/port/2323"
chmod -R a+rX "$tmp/www"
ngx_port=$(free_port)
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
worker_processes $threads;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	server {
		listen 127.0.0.1:$ngx_port;
		root $tmp/www;
		default_type "text/html; charset=utf-8";
	}
}
EOF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
BENCH_PIDS+=($!)
ngx_url="http://127.0.0.1:$ngx_port/"
for _ in $(seq 50); do curl -sf "${ngx_url}port/2323" -o /dev/null && break; sleep 0.1; done
cmp -s <(curl -s "${ngx_url}port/2323") "$tmp/www/port/2323" || { echo "nginx not serving"; exit 1; }

run_wrk() { # name url round
	wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$2" >"$tmp/$1.$3.txt" 2>&1
}
rounds=${ROUNDS:-3}
for round in $(seq "$rounds"); do
	run_wrk nginx "${ngx_url}port/2323" "$round"
	run_wrk portlens "${pl_url}port/2323" "$round"
done

python3 - "$tmp" "$secs" "$conns" "$(stat -c %s "$tmp/www/port/2323")" <<'P'
import re, sys, glob, os
tmp, secs, conns, size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def parse(path):
    t = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    m = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", t)
    p99 = float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    errs = re.search(r"Socket errors:.*", t)
    return rps, p99, int(non2xx.group(1)) if non2xx else 0, errs.group(0) if errs else ""
res = {}
for name in ("nginx", "portlens"):
    runs = [parse(p) for p in sorted(glob.glob(os.path.join(tmp, name + ".*.txt")))]
    best = max(runs, key=lambda r: r[0])
    res[name] = best
    for i, r in enumerate(runs, 1):
        print(f"{name:9s} round {i}: {r[0]:10.0f} req/s  p99 {r[1]:7.2f} ms"
              + (f"  non-2xx {r[2]}" if r[2] else "") + (f"  {r[3]}" if r[3] else ""))
n, p = res["nginx"], res["portlens"]
ratio = p[0] / n[0]
print(f"\n/port/2323 ({size} bytes), wrk -t2 -c{conns} -d{secs}s, best of {len(runs)} rounds each:")
print(f"| server | requests/s | p99 latency |\n|---|---|---|")
print(f"| nginx (static file) | {n[0]:.0f} | {n[1]:.2f} ms |")
print(f"| portlens serve | {p[0]:.0f} | {p[1]:.2f} ms |")
print(f"ratio portlens/nginx: {ratio:.2f}x  (target >= 0.5x: {'MET' if ratio >= 0.5 else 'NOT MET'})")
P
