#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/web/host_page.sh - the host page of `portlens serve` (/hosts/ADDR: its
# timeline across saved scans) for one host with 100,000 stored results: 100 daily
# scans of ports 1-1000 in which a few ports open and close and one service changes
# version, imported with `portlens import`. Times 30 requests with curl (after one
# warm-up) and prints the median and the worst, next to the peer: nginx serving the
# same page saved as a static file (what the page costs beyond HTTP itself). Runs on
# SQLite, and on PostgreSQL too when run as root (a server started here on a unix
# socket, tests/lab/store/pg_server.sh). Target (issue 16): under 50 ms.
# Also prints the CPU one page costs (serve, and the PostgreSQL server process that
# answers it), which a loaded machine inflates less than wall time. With MANY=N, each
# scan also holds N other hosts (20 ports each, a few open): the same page in a store of
# N + 1 hosts (MANY=1000: 2.1 million results), plus /port/22/timeline.
# PostgreSQL is vacuumed and analysed after the import, as autovacuum does in the next
# minute (NO_VACUUM=1: measured at once, without statistics).
# Usage: [MANY=N] [NO_VACUUM=1] bench/web/host_page.sh [PORTLENS]
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
bench_need curl nginx python3
bench_workdir host
W=$BENCH_DIR
MANY=${MANY:-0}
python3 - "$W" "$MANY" <<'PY'
import json, sys
d, many = sys.argv[1], int(sys.argv[2])
others = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1723, 3306,
          3389, 5900, 8080]
for k in range(100):
    with open("%s/scan-%03d.jsonl" % (d, k), "w") as f:
        f.write(json.dumps({"type": "start", "start": 1790000000 + k * 86400}) + "\n")
        for p in range(1, 1001):
            is_open = p in (22, 80, 443) or (p * 7 + k // 10) % 97 == 0
            f.write(json.dumps({"type": "result", "host": "198.18.0.7", "port": p,
                                "proto": "tcp", "state": "open" if is_open else "closed",
                                "service": "x"}) + "\n")
            if p == 22:
                f.write(json.dumps({"type": "service", "host": "198.18.0.7", "port": 22,
                                    "proto": "tcp", "service": "ssh", "product": "OpenSSH",
                                    "version": "9.%dp1" % (k // 25)}) + "\n")
        for h in range(many):
            host = "198.18.%d.%d" % (1 + h // 250, h % 250 + 1)
            for p in others:
                is_open = p in (22, 80) or (h * 7 + p + k // 10) % 13 == 0
                f.write(json.dumps({"type": "result", "host": host, "port": p, "proto": "tcp",
                                    "state": "open" if is_open else "closed",
                                    "service": "x"}) + "\n")
PY
time_page() { # URL: median and worst of 30 fetches, ms
	curl -s -o /dev/null "$1"
	for _ in $(seq 1 30); do curl -s -o /dev/null -w '%{time_total}\n' "$1"; done |
		python3 -c 'import sys; v = sorted(float(x) * 1000 for x in sys.stdin); print("%.1f %.1f" % (v[len(v) // 2], v[-1]))'
}
cpu_page() { # URL PID...: CPU ms per page over 20 fetches, of the processes given
	local url=$1 t0=0 t1=0 hz p
	shift
	hz=$(getconf CLK_TCK)
	for p in "$@"; do t0=$((t0 + $(ticks "$p"))); done
	for _ in $(seq 1 20); do curl -s -o /dev/null "$url"; done
	for p in "$@"; do t1=$((t1 + $(ticks "$p"))); done
	python3 -c "print('%.1f' % (($t1 - $t0) * 1000 / $hz / 20))"
}
run_one() { # NAME DB
	local name=$1 db=$2 port base med worst nmed nworst spid dbpids=() page
	"$PORTLENS" import -q --db "$db" "$W"/scan-*.jsonl
	# What autovacuum does within a minute of an import (statistics, visibility map):
	# the page is measured as a server serves it, not in the minute after the import
	# (bench/RESULTS.md has that figure too).
	[ "$name" = postgresql ] && [ -z "${NO_VACUUM:-}" ] && pg_psql "VACUUM ANALYZE"
	port=$(free_port)
	"$PORTLENS" serve --listen "127.0.0.1:$port" --db "$db" >"$W/serve-$name.out" 2>&1 &
	spid=$!
	BENCH_PIDS+=("$spid")
	wait_grep '^database:' "$W/serve-$name.out" || true
	base="http://127.0.0.1:$port"
	curl -s "$base/hosts/198.18.0.7" >"$W/www/host-$name.html"
	[ "$name" = postgresql ] && mapfile -t dbpids < <(pg_psql "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
	read -r med worst < <(time_page "$base/hosts/198.18.0.7")
	read -r nmed nworst < <(time_page "http://127.0.0.1:$NGINX_PORT/host-$name.html")
	echo "$name: /hosts/198.18.0.7 (100,000 results of $((100000 + MANY * 2000)), $(grep -o '<li class="change' "$W/www/host-$name.html" | wc -l) changes shown, $(wc -c <"$W/www/host-$name.html") bytes): median $med ms, worst $worst ms; nginx, same page static: median $nmed ms; ratio $(python3 -c "print('%.1f' % ($med / max($nmed, 0.01)))")"
	for page in /hosts/198.18.0.7 $([ "$MANY" -gt 0 ] && echo /hosts/198.18.1.1 /port/22/timeline); do
		echo "$name: $page CPU per page: serve $(cpu_page "$base$page" "$spid") ms${dbpids[0]:+, PostgreSQL server $(cpu_page "$base$page" "${dbpids[@]}") ms}"
	done
}
mkdir -p "$W/www"
NGINX_PORT=$(free_port)
cat >"$W/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $W/nginx.pid; error_log $W/nginx.err;
events { worker_connections 64; }
http { access_log off; server { listen 127.0.0.1:$NGINX_PORT; root $W/www; } }
CONF
nginx -c "$W/nginx.conf" -p "$W" &
BENCH_PIDS+=($!)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
run_one sqlite "$W/host.db"
if [ "$(id -u)" -eq 0 ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	# shellcheck source=tests/lab/store/pg_server.sh
	. tests/lab/store/pg_server.sh
	bench_on_exit pg_server_stop # pg_server.sh replaced the exit trap
	run_one postgresql "$PG_URL"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
