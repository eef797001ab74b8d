#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# apps_servers.sh - the servers of issue 14's probe/audit lab (tests/lab/probe/apps.sh)
# and of the --sV benchmark (bench/sv/run.sh). Source it after lab.sh and services.sh
# (it uses svc_bg, svc_wait_port, SVC_ADDR), inside namespaces "cli" and "srv":
#
#   apps_require        skip (exit 77) when a package is missing
#   apps_ports          sets P_* (unusual ports), APPS_ALL (identified by probe) and
#                       APPS_AUDITED (the audit's misconfigured and fixed twins)
#   apps_servers_up     starts them all in "srv" and waits for every port
#
# Debian's servers: CUPS, two Squids (open to the lab / Debian's localhost-only policy),
# the Prometheus node exporter, pymodbus's Modbus server with a device identity,
# vsftpd with anonymous login, nginx with crafted certificates (certs.py), PostgreSQL,
# MariaDB, Kamailio (SIP); responders.py for products Debian does not package (MongoDB,
# Elasticsearch/OpenSearch, Jenkins, an S7 PLC, the Kubernetes API server and kubelet)
# and for the Docker Engine API (docker.io's dockerd does not run on this machine).
APPS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

apps_require() {
	local PY=/usr/bin/python3
	for b in /usr/sbin/cupsd /usr/sbin/squid /usr/bin/prometheus-node-exporter \
		/usr/sbin/kamailio; do
		[ -x "$b" ] || { echo "SKIP: $b not installed (scripts/install-deps.sh test)" >&2; exit 77; }
	done
	$PY -c 'import pymodbus.server, serial_asyncio' 2>/dev/null ||
		{ echo "SKIP: python3-pymodbus / python3-serial-asyncio not installed" >&2; exit 77; }
}

apps_ports() {
	P_CUPS=6631 P_SQUID=3329 P_NODE=9111 P_MODBUS=5020 P_MONGO=27117 P_MONGO_AUTH=27118
	P_S7=1102 P_SIP=5070 P_JENKINS=8181 P_DOCKER=2385 P_K8S=6444 P_KUBELET=10251
	P_ES=9201 P_OS=9202 P_SILENT=7 P_K8S_401=6445 P_KUBELET_401=10252 P_KUBELET_403=10253
	P_GO_401=10254 P_KUBELET_TLS=10250
	P_FTP_ANON=2122 P_SQUID_CLOSED=3330 P_TLS_GOOD=4441 P_TLS_EXPIRED=4442 P_TLS_SOON=4443
	P_TLS_WEAK=4450 P_PG=5433 P_MARIADB=3307 P_FWD=8281
	APPS_ALL="$P_CUPS $P_SQUID $P_NODE $P_MODBUS $P_MONGO $P_MONGO_AUTH $P_S7 $P_SIP $P_JENKINS $P_DOCKER"
	APPS_ALL+=" $P_K8S $P_KUBELET $P_ES $P_OS $P_SILENT $P_K8S_401 $P_KUBELET_401 $P_KUBELET_403"
	APPS_ALL+=" $P_GO_401 $P_KUBELET_TLS"
	APPS_AUDITED="$P_FTP_ANON $P_SQUID $P_SQUID_CLOSED $P_TLS_GOOD $P_TLS_EXPIRED $P_TLS_SOON"
	APPS_AUDITED+=" $P_TLS_WEAK $P_PG $P_MARIADB $P_MONGO_AUTH $P_FWD"
}

# Squid NAME PORT ACCESS...: its own pid, log and service name; ACCESS are its rules.
apps_squid() {
	local name=$1 dir=$LAB_DIR/squid-$1 port=$2
	shift 2
	mkdir -p "$dir"
	chmod 755 "$LAB_DIR"
	chown proxy "$dir" # Squid writes its logs as proxy
	printf '%s\n' "http_port $SVC_ADDR:$port" "pid_filename $dir/squid.pid" \
		"cache_log $dir/cache.log" "access_log stdio:$dir/access.log" "cache deny all" "$@" \
		>"$dir/squid.conf"
	svc_bg /usr/sbin/squid -N -n "pl$name" -f "$dir/squid.conf"
}

apps_servers_up() {
# (heredoc bodies below are not indented: they are configuration files)
local D=$LAB_DIR p
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
# One queue, the default, with a PPD naming its make and model (the IPP follow-up's
# CUPS-Get-Default reads them back; nothing is ever printed).
mkdir -p "$D/cups/ppd"
cat >"$D/cups/printers.conf" <<CONF
<DefaultPrinter labjet>
Info Lab printer
DeviceURI socket://198.18.0.99:9100
State Idle
Accepting Yes
Shared Yes
</DefaultPrinter>
CONF
cat >"$D/cups/ppd/labjet.ppd" <<'PPD'
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "LABJET.PPD"
*Manufacturer: "Lab Printers"
*Product: "(LabJet 9000)"
*ModelName: "Lab Printers LabJet 9000"
*ShortNickName: "Lab Printers LabJet 9000"
*NickName: "Lab Printers LabJet 9000"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*Throughput: "1"
*LandscapeOrientation: Plus90
*TTRasterizer: Type42
*OpenUI *PageSize/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: A4
*PageSize A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageSize
*DefaultImageableArea: A4
*ImageableArea A4/A4: "18 36 577 806"
*DefaultPaperDimension: A4
*PaperDimension A4/A4: "595 842"
PPD
svc_bg /usr/sbin/cupsd -f -c "$D/cups/cupsd.conf" -s "$D/cups/cups-files.conf"

# One that relays for the lab, and one as Debian configures it (localhost only).
apps_squid open "$P_SQUID" "acl lab src 198.18.0.0/15" "http_access allow lab" \
	"http_access deny all"
apps_squid closed "$P_SQUID_CLOSED" "http_access allow localhost" "http_access deny all"

# vsftpd with anonymous login on a read-only area holding two entries; every command it
# gets is logged (apps.sh checks that only the audit logs in).
mkdir -p "$D/ftp/pub" /var/run/vsftpd/empty
echo "hello" >"$D/ftp/README"
chmod 755 "$D" "$D/ftp"
svc_vsftpd anon "$P_FTP_ANON" anonymous_enable=YES no_anon_password=YES "anon_root=$D/ftp" \
	local_enable=NO write_enable=NO xferlog_enable=YES xferlog_std_format=NO log_ftp_protocol=YES \
	"vsftpd_log_file=$D/vsftpd-anon.log" syslog_enable=NO

# nginx with crafted certificates (certs.py), one flaw per port.
mkdir -p "$D/certs" "$D/nginx/logs" "$D/nginx/tmp"
/usr/bin/python3 "$APPS_HERE/certs.py" "$D/certs" "$SVC_ADDR"
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
	# A web server that forwards any absolute-URI request: an open proxy behind a front page.
	server { listen $SVC_ADDR:$P_FWD; access_log $D/nginx/logs/fwd.log;
		location / { proxy_pass http://\$http_host\$uri; } }
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
svc_bg /usr/bin/python3 "$D/modbus.py" "$SVC_ADDR" "$P_MODBUS"
local R=$APPS_HERE/responders.py
svc_bg /usr/bin/python3 "$R" mongodb "$SVC_ADDR" "$P_MONGO" open
svc_bg /usr/bin/python3 "$R" mongodb "$SVC_ADDR" "$P_MONGO_AUTH" auth
svc_bg /usr/bin/python3 "$R" s7 "$SVC_ADDR" "$P_S7"
# Kamailio (SIP over TCP), answering OPTIONS itself as its sample configurations do.
mkdir -p "$D/kamailio"
cat >"$D/kamailio/kamailio.cfg" <<CONF
#!KAMAILIO
log_stderror=yes
children=2
tcp_children=2
listen=tcp:$SVC_ADDR:$P_SIP
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
request_route {
	if (method=="OPTIONS") {
		sl_send_reply("200", "OK");
		exit;
	}
	sl_send_reply("403", "Forbidden");
}
CONF
svc_bg /usr/sbin/kamailio -DD -E -f "$D/kamailio/kamailio.cfg" -P "$D/kamailio/pid" \
	-Y "$D/kamailio"
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_JENKINS" jenkins
# docker.io's dockerd cannot run here: it exits with "Devices cgroup isn't mounted"
# (its API answers for a second before that, which is how the responder's answers
# were checked against it).
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_DOCKER" docker
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_K8S" kubernetes
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_KUBELET" kubelet
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_K8S_401" kubernetes401
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_KUBELET_401" kubelet401
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_KUBELET_403" kubelet403
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_GO_401" go401
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_KUBELET_TLS" kubelet401 "$D/certs/self"
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_ES" elasticsearch
svc_bg /usr/bin/python3 "$R" http "$SVC_ADDR" "$P_OS" opensearch
svc_bg socat "TCP-LISTEN:$P_SILENT,bind=$SVC_ADDR,reuseaddr,fork" "EXEC:sleep 30"
for p in $APPS_ALL $APPS_AUDITED; do svc_wait_port "$p" || return 1; done
}
