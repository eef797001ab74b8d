#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/sv/run.sh [BUILD_DIR] - `portlens scan --sV` vs `nmap -sV` on the same 22 real
# servers from Debian packages on unusual ports in a lab namespace (198.18.0.1 ->
# 198.18.0.2), plus a listener that never speaks; side by side in one run, ROUNDS
# rounds (default 1; nmap takes minutes) alternating the order.
#
# Servers: tests/lab/probe/services.sh (OpenSSH, nginx http and https, two telnetd,
# Redis, vsftpd, aiosmtpd, Memcached), tests/lab/probe/apps_servers.sh (CUPS, two Squids,
# the node exporter, pymodbus, vsftpd with anonymous login, nginx with a CA-signed
# certificate, PostgreSQL, MariaDB, Kamailio) and here: Mosquitto, dnsmasq (DNS over TCP),
# TigerVNC's Xvnc. Responders of apps_servers.sh run too but are not measured (they are
# not real servers). Truth = what the installed packages are; a row's service may have
# more than one right name (nmap says "domain" for DNS); product and version are not
# scored where the protocol does not say them (VNC, telnetd's version).
#
# Prints the time of each, the ratio, and an accuracy table: service, product, version
# right, and versions reported wrong. Needs root (lab namespaces).
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
ROOT=$BENCH_ROOT
ROUNDS=${ROUNDS:-1}
PY=/usr/bin/python3
bench_need_root "lab namespaces"
bench_need nmap /usr/sbin/mosquitto /usr/sbin/dnsmasq /usr/bin/Xvnc /usr/bin/mariadb
source "$ROOT/tests/lab/lab.sh"
source "$ROOT/tests/lab/probe/services.sh"
source "$ROOT/tests/lab/probe/apps_servers.sh"
lab_require_root
apps_require
lab_init svbench
svc_lab_up unusual
apps_ports
apps_servers_up
D=$LAB_DIR
P_MQTT=11883 P_DNS=10053 P_VNC=15901
printf 'listener %s %s\nallow_anonymous true\n' "$P_MQTT" "$SVC_ADDR" >"$D/mosquitto.conf"
svc_bg /usr/sbin/mosquitto -c "$D/mosquitto.conf"
svc_bg /usr/sbin/dnsmasq -k -p "$P_DNS" --listen-address="$SVC_ADDR" --bind-interfaces \
	--no-resolv --no-hosts -C /dev/null --pid-file="$D/dnsmasq.pid"
svc_bg /usr/bin/Xvnc :59 -rfbport "$P_VNC" -interface "$SVC_ADDR" -SecurityTypes None \
	-nolisten tcp
for p in $P_MQTT $P_DNS $P_VNC; do svc_wait_port "$p"; done
# An application account that may connect from the lab (MariaDB answers others with an
# error instead of its greeting).
/usr/bin/mariadb --no-defaults -uroot -S "$D/mysqlrun/sock" \
	-e "CREATE USER 'app'@'198.18.0.%' IDENTIFIED BY 'lab-password'"

PORTS="$P_SSH,$P_HTTP,$P_HTTPS,$P_TELNET,$P_TELNET2,$P_REDIS,$P_FTP,$P_SMTP,$P_MEMCACHED"
PORTS+=",$P_CUPS,$P_SQUID,$P_SQUID_CLOSED,$P_NODE,$P_MODBUS,$P_FTP_ANON,$P_TLS_GOOD,$P_PG"
PORTS+=",$P_MARIADB,$P_MQTT,$P_DNS,$P_VNC,$P_SIP,$P_SILENT"

svc_versions
V_CUPS=$(svc_pkg_version cups-daemon)
V_SQUID=$(/usr/sbin/squid -v | sed -n 's/.*Version \([0-9.]*\).*/\1/p')
V_NODE=$(svc_pkg_version prometheus-node-exporter)
V_PG=$(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}')
V_MARIADB=$(svc_pkg_version mariadb-server)
V_MQTT=$(svc_pkg_version mosquitto)
V_DNS=$(svc_pkg_version dnsmasq)
V_KAM=$(/usr/sbin/kamailio -v | sed -n 's/^version: kamailio \([0-9.]*\).*/\1/p')

now() { date +%s.%N; }
pl_t=() nm_t=()
for r in $(seq 1 "$ROUNDS"); do
	for who in pl nm; do
		[ $((r % 2)) -eq 0 ] && who=$([ "$who" = pl ] && echo nm || echo pl)
		t0=$(now)
		if [ "$who" = pl ]; then
			lab_exec cli "$PORTLENS" scan "$SVC_ADDR" -p "$PORTS" --sV -oJ - \
				>"$D/pl.jsonl" 2>/dev/null
			pl_t+=("$($PY -c "print($(now) - $t0)")")
		else
			lab_exec cli nmap -sV -Pn -n -p "$PORTS" -oX "$D/nmap.xml" "$SVC_ADDR" >/dev/null
			nm_t+=("$($PY -c "print($(now) - $t0)")")
		fi
	done
done

$PY - "$D/pl.jsonl" "$D/nmap.xml" "${pl_t[*]}" "${nm_t[*]}" <<PYEOF
import json, statistics, sys, xml.etree.ElementTree as ET
pl = {r["port"]: r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "service"}
nm = {}
for p in ET.parse(sys.argv[2]).getroot().iter("port"):
    s = p.find("service")
    nm[int(p.get("portid"))] = {} if s is None else s.attrib
truth = [  # port, right service names, product keyword (None: not scored), version (None: not scored)
    ($P_SSH, {"ssh"}, "openssh", "$V_SSH"),
    ($P_HTTP, {"http"}, "nginx", "$V_NGINX"),
    ($P_HTTPS, {"https"}, "nginx", "$V_NGINX"),
    ($P_TELNET, {"telnet"}, "telnetd", None),
    ($P_TELNET2, {"telnet"}, "telnetd", None),
    ($P_REDIS, {"redis"}, "redis", "$V_REDIS"),
    ($P_FTP, {"ftp"}, "vsftpd", "$V_FTP"),
    ($P_SMTP, {"smtp"}, "aiosmtpd", "$V_SMTP"),
    ($P_MEMCACHED, {"memcached"}, "memcached", "$V_MEMC"),
    ($P_CUPS, {"ipp"}, "cups", "$V_CUPS"),
    ($P_SQUID, {"http-proxy"}, "squid", "$V_SQUID"),
    ($P_SQUID_CLOSED, {"http-proxy"}, "squid", "$V_SQUID"),
    ($P_NODE, {"prometheus-exporter", "http"}, "nodeexporter", "$V_NODE"),
    ($P_MODBUS, {"modbus", "mbap"}, "pl-plc", "3.1.4"),
    ($P_FTP_ANON, {"ftp"}, "vsftpd", "$V_FTP"),
    ($P_TLS_GOOD, {"https"}, "nginx", "$V_NGINX"),
    ($P_PG, {"postgresql"}, "postgresql", "$V_PG"),
    ($P_MARIADB, {"mysql"}, "mariadb", "$V_MARIADB"),
    ($P_MQTT, {"mqtt"}, "mosquitto", "$V_MQTT"),
    ($P_DNS, {"dns", "domain"}, "dnsmasq", "$V_DNS"),
    ($P_VNC, {"vnc"}, None, None),
    ($P_SIP, {"sip"}, "kamailio", "$V_KAM"),
    ($P_SILENT, {None}, None, None),
]
def norm(s):
    return (s or "").lower().replace(" ", "").replace("_", "").replace("-", "") if s else ""
def pl_view(r):
    svc = r.get("service")
    if svc == "http" and r.get("tls"):
        svc = "https"
    return svc, r.get("product") or "", r.get("version") or ""
def nm_view(a):
    svc = a.get("name")
    if svc == "http" and a.get("tunnel") == "ssl":
        svc = "https"
    if svc in ("tcpwrapped", "unknown") or a.get("method") == "table":
        svc = None  # method="table": nmap's guess from the port number, not an answer
    return svc, a.get("product", ""), a.get("version", "")
def score(view, t):
    svc, prod, ver = view
    _, names, wprod, wver = t
    s = svc in names
    p = wprod is None or norm(wprod) in norm(prod)
    first = ver.split(" ")[0] if ver else ""
    v = wver is None or first == wver
    wrong = bool(first) and wver is not None and first != wver
    return s, p, v, wrong
tot = {"portlens": [0, 0, 0, 0], "nmap": [0, 0, 0, 0]}
rows = []
mark = lambda ok: "ok" if ok else "MISS"
for t in truth:
    a, b = pl_view(pl.get(t[0], {})), nm_view(nm.get(t[0], {}))
    sa, sb = score(a, t), score(b, t)
    for k in range(4):
        tot["portlens"][k] += sa[k]
        tot["nmap"][k] += sb[k]
    cell = lambda v, s: (f"{v[0] or '-'} / {v[1] or '-'} / {v[2] or '-'} "
                         f"({'/'.join(mark(x) for x in s[:3])}{', WRONG VERSION' if s[3] else ''})")
    rows.append(f"| {t[0]} | {'/'.join(sorted(n or '(silent)' for n in t[1]))} | "
                f"{t[2] or '-'} {t[3] or ''} | {cell(a, sa)} | {cell(b, sb)} |")
pt = [float(x) for x in sys.argv[3].split()]
nt = [float(x) for x in sys.argv[4].split()]
mp, mn = statistics.median(pt), statistics.median(nt)
print(f"rounds: {len(pt)}; portlens scan --sV median {mp:.2f} s {pt}; nmap -sV median {mn:.2f} s {nt}")
print(f"time ratio portlens/nmap: {mp / mn:.3f}x (target <= 0.2x)")
print()
print("| port | truth service | truth product / version | portlens service / product / version | nmap service / product / version |")
print("|---|---|---|---|---|")
print("\n".join(rows))
n = len(truth)
print()
print("| tool | service | product | version | wrong versions |")
print("|---|---|---|---|---|")
for who, (s, p, v, w) in tot.items():
    print(f"| {who} | {s}/{n} | {p}/{n} | {v}/{n} | {w} |")
PYEOF
