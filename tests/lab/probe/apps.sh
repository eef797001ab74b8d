#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# apps.sh PORTLENS - service detection of the products issue 14 added, on unusual ports
# in a lab namespace pair (198.18.0.1 -> 198.18.0.2), each started once for this file:
#
#   real servers from Debian packages: CUPS (cups-daemon), Squid, the Prometheus node
#   exporter, a Modbus/TCP device (python3-pymodbus's server with a device identity);
#   minimal protocol-correct responders written for the test (responders.py) where
#   Debian packages no server or it cannot run here: MongoDB (OP_MSG, with and without
#   --auth), a Siemens S7 PLC (COTP + S7 setup + SZL read), SIP (Kamailio's answer to
#   OPTIONS), Jenkins, the Docker Engine API (docker.io's dockerd cannot run in a lab
#   namespace), the Kubernetes API server and a kubelet, Elasticsearch, OpenSearch.
#
# Checks service / product / version exactly (versions of the Debian servers from the
# installed packages), auth facts, and that a port none of them is on is answered
# "unknown" within its budget.
#
# Then the audit of issue 14's rules against real misconfigurations and their fixed
# twins, exact findings: vsftpd with anonymous login (and what it lists); Squid that
# relays for the lab and Squid that does not; nginx with crafted certificates (good,
# expired, expiring in 10 days and naming another host, self-signed and accepting
# TLS 1.0/1.1 and a NULL cipher); PostgreSQL and MariaDB reachable beyond loopback.
set -euo pipefail
PL=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lab.sh"
source "$HERE/services.sh"
PY=/usr/bin/python3

lab_require_root
for b in /usr/sbin/cupsd /usr/sbin/squid /usr/bin/prometheus-node-exporter; do
	[ -x "$b" ] || { echo "SKIP: $b not installed (scripts/install-deps.sh test)" >&2; exit 77; }
done
$PY -c 'import pymodbus.server, serial_asyncio' 2>/dev/null ||
	{ echo "SKIP: python3-pymodbus / python3-serial-asyncio not installed" >&2; exit 77; }

lab_init apps
lab_ns cli
lab_ns srv
lab_link cli "$SVC_CLIENT/24" srv "$SVC_ADDR/24"
D=$LAB_DIR

P_CUPS=6631 P_SQUID=3329 P_NODE=9111 P_MODBUS=5020 P_MONGO=27117 P_MONGO_AUTH=27118
P_S7=1102 P_SIP=5070 P_JENKINS=8181 P_DOCKER=2385 P_K8S=6444 P_KUBELET=10251
P_ES=9201 P_OS=9202 P_SILENT=7
P_FTP_ANON=2122 P_SQUID_CLOSED=3330 P_TLS_GOOD=4441 P_TLS_EXPIRED=4442 P_TLS_SOON=4443
P_TLS_WEAK=4450 P_PG=5433 P_MARIADB=3307

# CUPS with its own configuration and state under $D (the machine's /etc/cups is read
# for its MIME types only).
mkdir -p "$D/cups/spool" "$D/cups/cache" "$D/cups/state" "$D/cups/log"
cat >"$D/cups/cupsd.conf" <<CONF
Listen $SVC_ADDR:$P_CUPS
LogLevel warn
<Location />
  Order allow,deny
  Allow all
</Location>
CONF
cat >"$D/cups/cups-files.conf" <<CONF
RequestRoot $D/cups/spool
CacheDir $D/cups/cache
StateDir $D/cups/state
TempDir $D/cups/spool
ErrorLog $D/cups/log/error_log
AccessLog $D/cups/log/access_log
PageLog $D/cups/log/page_log
CONF
svc_bg /usr/sbin/cupsd -f -c "$D/cups/cupsd.conf" -s "$D/cups/cups-files.conf"

mkdir -p "$D/squid"
cat >"$D/squid/squid.conf" <<CONF
http_port $SVC_ADDR:$P_SQUID
pid_filename $D/squid/squid.pid
cache_log $D/squid/cache.log
access_log none
cache deny all
acl lab src 198.18.0.0/15
http_access allow lab
http_access deny all
CONF
svc_bg /usr/sbin/squid -N -n plopen -f "$D/squid/squid.conf"
# Squid as Debian configures it: only localhost may use it.
mkdir -p "$D/squid2"
cat >"$D/squid2/squid.conf" <<CONF
http_port $SVC_ADDR:$P_SQUID_CLOSED
pid_filename $D/squid2/squid.pid
cache_log $D/squid2/cache.log
access_log none
cache deny all
http_access allow localhost
http_access deny all
CONF
svc_bg /usr/sbin/squid -N -n plclosed -f "$D/squid2/squid.conf"

# vsftpd with anonymous login on a read-only area holding two entries.
mkdir -p "$D/ftp/pub" /var/run/vsftpd/empty
echo "hello" >"$D/ftp/README"
chmod 755 "$D" "$D/ftp"
cat >"$D/vsftpd-anon.conf" <<CONF
listen=YES
listen_address=$SVC_ADDR
listen_port=$P_FTP_ANON
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$D/ftp
local_enable=NO
write_enable=NO
secure_chroot_dir=/var/run/vsftpd/empty
seccomp_sandbox=NO
CONF
svc_bg /usr/sbin/vsftpd "$D/vsftpd-anon.conf"

# nginx with crafted certificates (certs.py), one flaw per port.
mkdir -p "$D/certs" "$D/nginx/logs" "$D/nginx/tmp"
$PY "$HERE/certs.py" "$D/certs" "$SVC_ADDR"
chmod 644 "$D"/certs/*
tls_server() { # PORT CERT PROTOCOLS CIPHERS
	echo "server { listen $SVC_ADDR:$1 ssl; ssl_certificate $D/certs/$2.pem;
		ssl_certificate_key $D/certs/$2.key; ssl_protocols $3; ssl_ciphers $4;
		location / { return 200 ok; } }"
}
cat >"$D/nginx/nginx.conf" <<CONF
daemon off;
pid $D/nginx/nginx.pid;
error_log $D/nginx/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $D/nginx/tmp; proxy_temp_path $D/nginx/tmp;
	fastcgi_temp_path $D/nginx/tmp; uwsgi_temp_path $D/nginx/tmp; scgi_temp_path $D/nginx/tmp;
	$(tls_server $P_TLS_GOOD good "TLSv1.2 TLSv1.3" "HIGH:!aNULL")
	$(tls_server $P_TLS_EXPIRED expired "TLSv1.2 TLSv1.3" "HIGH:!aNULL")
	$(tls_server $P_TLS_SOON soon "TLSv1.2 TLSv1.3" "HIGH:!aNULL")
	$(tls_server $P_TLS_WEAK self "TLSv1 TLSv1.1 TLSv1.2" "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0")
}
CONF
svc_bg /usr/sbin/nginx -c "$D/nginx/nginx.conf" -p "$D/nginx"

# PostgreSQL (initdb into $D, a password for the lab) and MariaDB, on the lab address.
mkdir -p "$D/pg" "$D/pgsock" "$D/mysql" "$D/mysqlrun"
chown postgres "$D/pg" "$D/pgsock"
chown mysql "$D/mysql" "$D/mysqlrun"
echo lab-password >"$D/pgpass"
chown postgres "$D/pgpass"
runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$D/pg" -A scram-sha-256 \
	--pwfile="$D/pgpass" >/dev/null
echo "host all all 198.18.0.0/15 scram-sha-256" >>"$D/pg/pg_hba.conf"
svc_bg runuser -u postgres -- /usr/lib/postgresql/15/bin/postgres -D "$D/pg" \
	-h "$SVC_ADDR" -p "$P_PG" -k "$D/pgsock"
/usr/bin/mariadb-install-db --no-defaults --datadir="$D/mysql" --user=mysql \
	--auth-root-authentication-method=normal >/dev/null 2>&1
svc_bg /usr/sbin/mariadbd --no-defaults --datadir="$D/mysql" --user=mysql \
	--bind-address="$SVC_ADDR" --port="$P_MARIADB" --socket="$D/mysqlrun/sock" \
	--pid-file="$D/mysqlrun/pid" --skip-log-bin

# Default collectors: its /metrics (~60 KB) has build_info past the first 16 KiB.
svc_bg /usr/bin/prometheus-node-exporter --web.listen-address="$SVC_ADDR:$P_NODE"
cat >"$D/modbus.py" <<'PYEOF'
import sys
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server import StartTcpServer
block = ModbusSequentialDataBlock(0, [0] * 16)
ctx = ModbusServerContext(slaves=ModbusSlaveContext(di=block, co=block, hr=block, ir=block), single=True)
ident = ModbusDeviceIdentification(info_name={"VendorName": "portlens lab", "ProductCode": "PL-PLC",
                                              "MajorMinorRevision": "3.1.4"})
StartTcpServer(context=ctx, identity=ident, address=(sys.argv[1], int(sys.argv[2])))
PYEOF
svc_bg $PY "$D/modbus.py" "$SVC_ADDR" "$P_MODBUS"
R=$HERE/responders.py
svc_bg $PY "$R" mongodb "$SVC_ADDR" "$P_MONGO" open
svc_bg $PY "$R" mongodb "$SVC_ADDR" "$P_MONGO_AUTH" auth
svc_bg $PY "$R" s7 "$SVC_ADDR" "$P_S7"
svc_bg $PY "$R" sip "$SVC_ADDR" "$P_SIP"
svc_bg $PY "$R" http "$SVC_ADDR" "$P_JENKINS" jenkins
svc_bg $PY "$R" http "$SVC_ADDR" "$P_DOCKER" docker
svc_bg $PY "$R" http "$SVC_ADDR" "$P_K8S" kubernetes
svc_bg $PY "$R" http "$SVC_ADDR" "$P_KUBELET" kubelet
svc_bg $PY "$R" http "$SVC_ADDR" "$P_ES" elasticsearch
svc_bg $PY "$R" http "$SVC_ADDR" "$P_OS" opensearch
svc_bg socat "TCP-LISTEN:$P_SILENT,bind=$SVC_ADDR,reuseaddr,fork" "EXEC:sleep 30"
ALL="$P_CUPS $P_SQUID $P_NODE $P_MODBUS $P_MONGO $P_MONGO_AUTH $P_S7 $P_SIP $P_JENKINS $P_DOCKER"
ALL+=" $P_K8S $P_KUBELET $P_ES $P_OS $P_SILENT"
AUDITED="$P_FTP_ANON $P_SQUID $P_SQUID_CLOSED $P_TLS_GOOD $P_TLS_EXPIRED $P_TLS_SOON"
AUDITED+=" $P_TLS_WEAK $P_PG $P_MARIADB $P_MONGO_AUTH"
for p in $ALL $AUDITED; do svc_wait_port "$p"; done

V_CUPS=$(dpkg-query -W -f='${Version}' cups-daemon | sed 's/-.*//')
V_SQUID=$(/usr/sbin/squid -v | sed -n 's/.*Version \([0-9.]*\).*/\1/p')
V_NODE=$(dpkg-query -W -f='${Version}' prometheus-node-exporter | sed 's/-.*//')
echo "versions: cups $V_CUPS squid $V_SQUID node_exporter $V_NODE"

targets=()
for p in $ALL; do targets+=("$SVC_ADDR:$p"); done
# A 3 s read timeout: the responders are Python on a shared 2-core machine (load 10 was
# seen), and a reply later than the wait is a miss, not a wrong answer.
lab_exec cli "$PL" probe -j 8 --read-timeout 3000 --json "${targets[@]}" >"$D/probe.json"
$PY - "$D/probe.json" <<PYCHECK
import json, sys
doc = json.load(open(sys.argv[1]))
got = {r["target"].rsplit(":", 1)[1]: r for r in doc["results"]}
want = {  # service, product, version, auth_required
    "$P_CUPS": ("ipp", "CUPS", "$V_CUPS", None),
    "$P_SQUID": ("http-proxy", "Squid", "$V_SQUID", None),
    "$P_NODE": ("prometheus-exporter", "Prometheus node_exporter", "$V_NODE", None),
    "$P_MODBUS": ("modbus", "PL-PLC", "3.1.4", None),
    "$P_MONGO": ("mongodb", "MongoDB", "7.0.4", False),
    "$P_MONGO_AUTH": ("mongodb", "MongoDB", "7.0.4", True),
    "$P_S7": ("s7comm", "6ES7 315-2EH14-0AB0", "3.2.6", None),
    "$P_SIP": ("sip", "Kamailio", "5.6.3", None),
    "$P_JENKINS": ("http", "Jenkins", "2.426.1", None),
    "$P_DOCKER": ("docker", "Docker Engine API", "24.0.7", False),
    "$P_K8S": ("kubernetes", "Kubernetes API server", "1.28.4", True),
    "$P_KUBELET": ("kubelet", "Kubernetes kubelet", None, False),
    "$P_ES": ("elasticsearch", "Elasticsearch", "8.11.1", False),
    "$P_OS": ("elasticsearch", "OpenSearch", "2.11.0", False),
    "$P_SILENT": (None, None, None, None),
}
bad = []
for port, w in want.items():
    r = got[port]
    seen = (r.get("service"), r.get("product"), r.get("version"), r.get("auth_required"))
    if seen != w:
        bad.append(f"{port}: got {seen}, want {w}")
    print(f"  {port:>5} {r.get('service')!s:20} {r.get('product')!s:26} {r.get('version')!s:8} "
          f"{r['elapsed_ms']:5d} ms  via {r.get('probe')}")
if got["$P_MODBUS"]["vendor"] != "portlens lab":
    bad.append(f"modbus vendor {got['$P_MODBUS']['vendor']!r}")
# The silent port got every probe within its budget: banner (2 s) + one wave (3 s) +
# the later, shorter waves; the old engine took banner + three read timeouts (11 s here)
# for three probes.
if got["$P_SILENT"]["elapsed_ms"] > 7000:
    bad.append(f"silent port took {got['$P_SILENT']['elapsed_ms']} ms")
if bad:
    sys.exit("apps FAILED:\n  " + "\n  ".join(bad))
print(f"apps: all {len(want)} identified")
PYCHECK

echo "== portlens probe of the audited ports"
AT=()
for p in $AUDITED; do AT+=("$SVC_ADDR:$p"); done
lab_exec cli "$PL" probe "${AT[@]}" | grep -v "^    evidence" || true
echo "== portlens audit (issue 14's rules, exact findings)"
rc=0
lab_exec cli "$PL" audit "$SVC_ADDR" -p "${AUDITED// /,}" --json >"$D/audit.json" || rc=$?
[ "$rc" -eq 1 ] || { echo "audit exit $rc, want 1 (high findings)"; exit 1; }
$PY - "$D/audit.json" <<PYCHECK
import json, sys
doc = json.load(open(sys.argv[1]))
got = sorted(f"{f['severity']}:{f['rule']}:{f['where'].rsplit(':', 1)[1].split('/')[0]}"
             for f in doc["findings"])
want = sorted([
    "high:ftp-anonymous:$P_FTP_ANON", "medium:plaintext-login:$P_FTP_ANON",
    "high:open-proxy:$P_SQUID",
    "medium:tls-certificate-expired:$P_TLS_EXPIRED",
    "low:tls-certificate-expiring:$P_TLS_SOON", "low:tls-certificate-name-mismatch:$P_TLS_SOON",
    "low:tls-certificate-self-signed:$P_TLS_WEAK", "low:tls-old-protocol:$P_TLS_WEAK",
    "medium:tls-weak-cipher:$P_TLS_WEAK",
    "medium:database-exposed:$P_PG", "medium:database-exposed:$P_MARIADB",
    "medium:database-exposed:$P_MONGO_AUTH",
])
for f in doc["findings"]:
    print(f"  {f['severity'].upper():6} {f['title']}")
    print(f"         evidence: {f['evidence'][:150]}")
if got != want:
    sys.exit(f"audit FAILED:\n  got  {got}\n  want {want}")
ev = {f["rule"]: f["evidence"] for f in doc["findings"]}
assert "README" in ev["ftp-anonymous"] and "pub" in ev["ftp-anonymous"], ev["ftp-anonymous"]
assert "198.18.0.1" in ev["open-proxy"], ev["open-proxy"]
assert "NULL" in ev["tls-weak-cipher"], ev["tls-weak-cipher"]
print(f"audit: exactly the {len(want)} expected findings")
PYCHECK
echo "apps: PASS"
