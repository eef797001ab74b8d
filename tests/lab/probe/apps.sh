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
svc_bg /usr/sbin/squid -N -f "$D/squid/squid.conf"

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
for p in $ALL; do svc_wait_port "$p"; done

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
echo "apps: PASS"
