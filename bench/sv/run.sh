#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/sv/run.sh [BUILD_DIR] - `portlens scan --sV` vs `nmap -sV` on the same lab
# services (tests/lab/probe/services.sh, standard ports: ssh 22, http 80, https 443,
# telnet 23 and 2323, redis 6379, ftp 21, smtp 25, memcached 11211, a silent listener
# on 4; SILENT=0 leaves it out), side by side in one run, ROUNDS rounds (default 3)
# alternating the order. Prints the time
# of each, the ratio, and an accuracy table: service, product and version found by each
# against what the installed Debian packages are. Needs root (lab namespaces).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
PL=$(realpath "$ROOT/$BUILD/src/cli/portlens")
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
source "$ROOT/tests/lab/lab.sh"
source "$ROOT/tests/lab/probe/services.sh"
lab_require_root
command -v nmap >/dev/null || { echo "SKIP: nmap not installed" >&2; exit 77; }
lab_init svbench
svc_lab_up standard
# SILENT=0 leaves the silent listener out (it dominates nmap's time: its probes wait).
PORTS=$SVC_ALL_PORTS
[ "${SILENT:-1}" = 0 ] && PORTS=${SVC_ALL_PORTS%,"$P_SILENT"}

V_SSH=$(ssh -V 2>&1 | sed -n 's/^OpenSSH_\([^ ,]*\).*/\1/p')
V_NGINX=$(/usr/sbin/nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
V_REDIS=$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')
V_FTP=$(dpkg-query -W -f='${Version}' vsftpd | sed 's/-.*//')
V_MEMC=$(memcached -V | awk '{print $2}')
V_SMTP=$($PY -c 'import aiosmtpd; print(aiosmtpd.__version__)')

now() { date +%s.%N; }
pl_t=() nm_t=()
for r in $(seq 1 "$ROUNDS"); do
	for who in pl nm; do
		[ $((r % 2)) -eq 0 ] && who=$([ "$who" = pl ] && echo nm || echo pl)
		t0=$(now)
		if [ "$who" = pl ]; then
			lab_exec cli "$PL" scan "$SVC_ADDR" -p "$PORTS" --sV -oJ - \
				>"$LAB_DIR/pl.jsonl" 2>/dev/null
			pl_t+=("$($PY -c "print($(now) - $t0)")")
		else
			lab_exec cli nmap -sV -Pn -n -p "$PORTS" -oX "$LAB_DIR/nmap.xml" \
				"$SVC_ADDR" >/dev/null
			nm_t+=("$($PY -c "print($(now) - $t0)")")
		fi
	done
done

$PY - "$LAB_DIR/pl.jsonl" "$LAB_DIR/nmap.xml" "${pl_t[*]}" "${nm_t[*]}" <<PYEOF
import json, statistics, sys, xml.etree.ElementTree as ET
pl_recs = [json.loads(l) for l in open(sys.argv[1])]
pl = {r["port"]: r for r in pl_recs if r["type"] == "service"}
nm = {}
for p in ET.parse(sys.argv[2]).getroot().iter("port"):
    s = p.find("service")
    nm[int(p.get("portid"))] = {} if s is None else s.attrib
truth = [  # port, service, product keyword, version
    ($P_SSH, "ssh", "openssh", "$V_SSH"),
    ($P_HTTP, "http", "nginx", "$V_NGINX"),
    ($P_HTTPS, "https", "nginx", "$V_NGINX"),
    ($P_TELNET, "telnet", "telnetd", None),
    ($P_TELNET2, "telnet", "telnetd", None),
    ($P_REDIS, "redis", "redis", "$V_REDIS"),
    ($P_FTP, "ftp", "vsftpd", "$V_FTP"),
    ($P_SMTP, "smtp", "aiosmtpd", "$V_SMTP"),
    ($P_MEMCACHED, "memcached", "memcached", "$V_MEMC"),
    ($P_SILENT, None, None, None),
][: len("$PORTS".split(","))]
def pl_view(r):
    svc = r.get("service")
    if svc == "http" and r.get("tls"):
        svc = "https"
    return svc, r.get("product") or "", r.get("version") or ""
def nm_view(a):
    svc = a.get("name")
    if svc in ("http", "https") and a.get("tunnel") == "ssl":
        svc = "https"
    if svc in ("tcpwrapped", "unknown"):
        svc = None
    return svc, a.get("product", ""), a.get("version", "")
def score(view, want):
    svc, prod, ver = view
    _, wsvc, wprod, wver = want
    s = svc == wsvc
    p = (wprod is None and not prod) or (wprod is not None and wprod in prod.lower().replace(" ", ""))
    v = (wver is None) or (ver.split(" ")[0] == wver)  # nmap appends the distro build
    return s, p, v
tot = {"portlens": [0, 0, 0], "nmap": [0, 0, 0]}
rows = []
for t in truth:
    a = pl_view(pl.get(t[0], {}))
    b = nm_view(nm.get(t[0], {}))
    sa, sb = score(a, t), score(b, t)
    for k in range(3):
        tot["portlens"][k] += sa[k]
        tot["nmap"][k] += sb[k]
    mark = lambda ok: "ok" if ok else "MISS"
    rows.append(f"| {t[0]} | {t[1] or '(silent)'} | {t[2] or '-'} {t[3] or ''} | "
                f"{a[0] or '-'} / {a[1] or '-'} / {a[2] or '-'} ({'/'.join(mark(x) for x in sa)}) | "
                f"{b[0] or '-'} / {b[1] or '-'} / {b[2] or '-'} ({'/'.join(mark(x) for x in sb)}) |")
pt = [float(x) for x in sys.argv[3].split()]
nt = [float(x) for x in sys.argv[4].split()]
mp, mn = statistics.median(pt), statistics.median(nt)
print(f"rounds: {len(pt)}; portlens scan --sV median {mp:.2f} s {pt}; nmap -sV median {mn:.2f} s {nt}")
print(f"time ratio portlens/nmap: {mp / mn:.3f}x (target <= 0.3x)")
print()
print("| port | truth | truth product/version | portlens service / product / version | nmap service / product / version |")
print("|---|---|---|---|---|")
print("\n".join(rows))
n = len(truth)
print()
for who, (s, p, v) in tot.items():
    print(f"{who}: service {s}/{n}, product {p}/{n}, version {v}/{n}")
PYEOF
