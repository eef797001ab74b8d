#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# detect_services.sh - real servers from Debian packages for the detection lab test
# (detect_lab.sh), each on an unusual port in namespace "srv" (198.18.0.2), most of them
# twice: misconfigured (the exposure the audit must report) and hardened (nothing to
# report). Namespace "up" is the only upstream the open resolver may
# forward to (198.18.1.3, reachable from "srv" only), so recursion never leaves the lab. Source after tests/lab/lab.sh; then
# det_lab_up. Everything is stopped by lab_cleanup (it kills every process left in the
# lab namespaces).

DET_SRV=198.18.0.2
DET_CLI=198.18.0.1
DET_UP=198.18.1.3

# TCP ports (bad = misconfigured, good = hardened)
P_DNS_OPEN=10053 P_DNS_CLOSED=10054
P_LDAP_BAD=3890 P_LDAP_GOOD=3891
P_SMB_BAD=4445 P_SMB_GOOD=4446
P_RSYNC_BAD=8873 P_RSYNC_GOOD=8874
P_RDP=13389
# On RDP's own port: FreeRDP's shadow server is slow with its first clients; on an
# unusual port, among a wave of other protocols' probes, its answer came later than the
# 1 s read timeout this test uses (with 3 s it is found there too); on 3389 the RDP
# probe goes first.
P_RDP_NLA=3389
P_MQTT_BAD=18883 P_MQTT_GOOD=18884
P_VNC_BAD=5977 P_VNC_GOOD=5978
P_DLNA=18200
# UDP ports
U_SNMP_BAD=16100 U_SNMP_GOOD=16101 U_NTP=10123 U_MEMCACHED=11214
U_SSDP=1900 # minissdpd has no port option: SSDP's own, inside the lab namespace

det_require() {
	local b
	for b in /usr/sbin/dnsmasq /usr/sbin/slapd /usr/sbin/slapadd /usr/sbin/smbd /usr/bin/rsync \
		/usr/sbin/xrdp /usr/sbin/mosquitto /usr/bin/Xtigervnc /usr/bin/tigervncpasswd \
		/usr/sbin/snmpd /usr/sbin/chronyd /usr/bin/memcached /usr/bin/openssl /usr/sbin/minidlnad \
		/usr/sbin/minissdpd /usr/bin/freerdp-shadow-cli; do
		[ -x "$b" ] || { echo "SKIP: $b not installed (scripts/install-deps.sh test)" >&2; exit 77; }
	done
}

# Each server in a session of its own: some (xrdp) signal their whole process group
# when they stop, which must not reach the test.
det_bg() {
	local ns=$1
	shift
	lab_exec "$ns" setsid "$@" >>"$LAB_DIR/servers.log" 2>&1 &
	LAB_PIDS+=($!)
}

det_dns() {
	local d=$LAB_DIR/dns
	mkdir -p "$d"
	# upstream: the only server the open resolver forwards to; answers example.com itself
	det_bg up dnsmasq -k --conf-file=/dev/null --port=53 --listen-address=$DET_UP \
		--bind-interfaces --no-resolv --no-hosts --pid-file= --user=root \
		--address=/example.com/198.18.0.99
	det_bg srv dnsmasq -k --conf-file=/dev/null --port=$P_DNS_OPEN --listen-address=$DET_SRV \
		--bind-interfaces --no-resolv --no-hosts --pid-file= --user=root --server=$DET_UP
	# hardened: no upstream, answers nothing recursively (REFUSED)
	det_bg srv dnsmasq -k --conf-file=/dev/null --port=$P_DNS_CLOSED --listen-address=$DET_SRV \
		--bind-interfaces --no-resolv --no-hosts --pid-file= --user=root
}

det_slapd() {
	local name=$1 port=$2 acl=$3 d=$LAB_DIR/ldap-$1
	mkdir -p "$d/db"
	cat >"$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $d/slapd.pid
$acl
database mdb
suffix "dc=lab,dc=test"
rootdn "cn=admin,dc=lab,dc=test"
directory $d/db
CONF
	printf 'dn: dc=lab,dc=test\nobjectClass: dcObject\nobjectClass: organization\no: lab\ndc: lab\n\n%s\n' \
		'dn: cn=alice,dc=lab,dc=test
objectClass: inetOrgPerson
cn: alice
sn: Alice' >"$d/data.ldif"
	slapadd -f "$d/slapd.conf" -l "$d/data.ldif" >>"$LAB_DIR/servers.log" 2>&1
	det_bg srv /usr/sbin/slapd -f "$d/slapd.conf" -h "ldap://$DET_SRV:$port/" -d 0
}

det_smbd() {
	local name=$1 port=$2 extra=$3 d=$LAB_DIR/smb-$1
	mkdir -p "$d"/{share,lock,state,cache,pid,log,private}
	echo "lab file" >"$d/share/readme.txt"
	cat >"$d/smb.conf" <<CONF
[global]
 netbios name = LAB${name^^}
 workgroup = LABWG
 interfaces = $DET_SRV
 bind interfaces only = yes
 smb ports = $port
 server role = standalone server
 disable netbios = yes
 pid directory = $d/pid
 lock directory = $d/lock
 state directory = $d/state
 cache directory = $d/cache
 private dir = $d/private
 ncalrpc dir = $d/lock/ncalrpc
 log file = $d/log/log.%m
 load printers = no
 printing = bsd
 printcap name = /dev/null
$extra
[pub]
 path = $d/share
 guest ok = yes
 read only = yes
CONF
	det_bg srv smbd --foreground --no-process-group --configfile="$d/smb.conf"
}

det_rsyncd() {
	local port=$1 mod=$2 d=$LAB_DIR/rsync-$1
	mkdir -p "$d/pub"
	echo "backup" >"$d/pub/db.sql"
	echo "backup:lab-secret" >"$d/secrets"
	chmod 600 "$d/secrets"
	printf 'pid file = %s/rsyncd.pid\nuse chroot = no\n[backups]\n\tpath = %s/pub\n\tcomment = nightly\n%b' \
		"$d" "$d" "$mod" >"$d/rsyncd.conf"
	det_bg srv rsync --daemon --no-detach --config="$d/rsyncd.conf" --address=$DET_SRV --port="$port"
}

det_xrdp() {
	local d=$LAB_DIR/xrdp
	mkdir -p "$d" /run/xrdp
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=rdp.lab.test" \
		-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
	sed -e "s|^port=3389|port=tcp://$DET_SRV:$P_RDP|" -e "s|^LogFile=xrdp.log|LogFile=$d/xrdp.log|" \
		-e "s|^certificate=\$|certificate=$d/cert.pem|" -e "s|^key_file=\$|key_file=$d/key.pem|" \
		/etc/xrdp/xrdp.ini >"$d/xrdp.ini"
	det_bg srv xrdp --nodaemon -c "$d/xrdp.ini"
}

# An RDP server that requires NLA: FreeRDP's shadow server (freerdp2-shadow-x11) with
# /sec:nla, sharing an Xtigervnc display of its own (xrdp cannot require CredSSP).
det_rdp_nla() {
	local n
	for n in $(seq 200 299); do
		[ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || break
	done
	det_bg srv Xtigervnc ":$n" -rfbport 0 -interface 127.0.0.1 -SecurityTypes None -nolisten tcp \
		-geometry 320x200
	for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
	det_bg srv env DISPLAY=":$n" freerdp-shadow-cli "/bind-address:$DET_SRV" "/port:$P_RDP_NLA" \
		/sec:nla
}

det_mosquitto() {
	local d=$LAB_DIR/mqtt
	mkdir -p "$d"
	printf 'listener %s %s\nallow_anonymous true\npersistence false\n' "$P_MQTT_BAD" "$DET_SRV" >"$d/bad.conf"
	printf 'listener %s %s\nallow_anonymous false\npersistence false\n' "$P_MQTT_GOOD" "$DET_SRV" >"$d/good.conf"
	det_bg srv mosquitto -c "$d/bad.conf"
	det_bg srv mosquitto -c "$d/good.conf"
}

det_vnc() {
	local d=$LAB_DIR/vnc
	mkdir -p "$d"
	echo lab-vnc-pw | tigervncpasswd -f >"$d/passwd"
	# Two free display numbers (X lock files live in /tmp, shared by every namespace and by
	# another run of this test); no X TCP listener; RFB only on the lab address.
	local disp=() n
	for n in $(seq 87 199); do
		[ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || disp+=("$n")
		[ ${#disp[@]} -eq 2 ] && break
	done
	det_bg srv Xtigervnc ":${disp[0]}" -rfbport "$P_VNC_BAD" -interface $DET_SRV -SecurityTypes None \
		-nolisten tcp -geometry 320x200
	det_bg srv Xtigervnc ":${disp[1]}" -rfbport "$P_VNC_GOOD" -interface $DET_SRV -SecurityTypes VncAuth \
		-PasswordFile "$d/passwd" -nolisten tcp -geometry 320x200
}

det_snmpd() {
	local port=$1 community=$2 d=$LAB_DIR/snmp-$1
	mkdir -p "$d"
	printf 'agentAddress udp:%s:%s\nrocommunity %s\nsysDescr portlens lab agent\n' \
		"$DET_SRV" "$port" "$community" >"$d/snmpd.conf"
	det_bg srv /usr/sbin/snmpd -f -Lo -C -c "$d/snmpd.conf" -p "$d/snmpd.pid" -I -smux
}

det_chrony() {
	local d=$LAB_DIR/chrony
	mkdir -p "$d"
	# -x: never touch the clock; a lab-local reference at stratum 8, answering anyone.
	printf 'port %s\nbindaddress %s\ncmdport 0\nlocal stratum 8\nallow all\npidfile %s/chronyd.pid\ndriftfile %s/drift\n' \
		"$U_NTP" "$DET_SRV" "$d" "$d" >"$d/chrony.conf"
	det_bg srv /usr/sbin/chronyd -x -d -f "$d/chrony.conf"
}

# A UPnP media server (minidlna: its HTTP description on P_DLNA) and minissdpd answering
# SSDP M-SEARCH on U_SSDP. minidlna binds its own SSDP socket to the multicast group
# (239.255.255.250:1900), which a unicast M-SEARCH to the host never reaches; a UPnP
# daemon in that place hands its services to minissdpd (ssdp_submit.py does it with
# minidlna's own description, Server header and location), and minissdpd answers.
det_ssdp() {
	local d=$LAB_DIR/ssdp
	mkdir -p "$d/media" "$d/db" "$d/log"
	echo lab >"$d/media/readme.txt"
	printf '%s\n' "port=$P_DLNA" network_interface=lab0 "media_dir=$d/media" "db_dir=$d/db" \
		"log_dir=$d/log" "friendly_name=portlens lab" inotify=no >"$d/minidlna.conf"
	det_bg srv minidlnad -f "$d/minidlna.conf" -d -P "$d/minidlna.pid"
	det_bg srv minissdpd -d -i lab0 -s "$d/minissdpd.sock" -p "$d/minissdpd.pid"
	lab_exec srv /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/ssdp_submit.py" \
		"$d/minissdpd.sock" "http://$DET_SRV:$P_DLNA/rootDesc.xml"
}

det_wait_tcp() { lab_wait_tcp cli "$DET_SRV" "$@"; }

det_lab_up() {
	det_require
	lab_ns cli
	lab_ns srv
	lab_ns up
	lab_link cli "$DET_CLI/24" srv "$DET_SRV/24"
	lab_link srv 198.18.1.2/24 up "$DET_UP/24"
	det_dns
	det_slapd bad "$P_LDAP_BAD" ""
	det_slapd good "$P_LDAP_GOOD" 'access to dn.base="" by * read
access to * by users read by anonymous auth'
	det_smbd bad "$P_SMB_BAD" " server min protocol = NT1
 map to guest = bad user"
	det_smbd good "$P_SMB_GOOD" " server min protocol = SMB2_10
 server signing = mandatory
 restrict anonymous = 2
 map to guest = never"
	det_rsyncd "$P_RSYNC_BAD" ""
	det_rsyncd "$P_RSYNC_GOOD" "\tlist = no\n\tauth users = backup\n\tsecrets file = $LAB_DIR/rsync-$P_RSYNC_GOOD/secrets\n"
	det_xrdp
	det_rdp_nla
	det_mosquitto
	det_vnc
	det_snmpd "$U_SNMP_BAD" public
	det_snmpd "$U_SNMP_GOOD" lab-private-community
	det_chrony
	det_bg srv memcached -u nobody -l $DET_SRV -p "$U_MEMCACHED" -U "$U_MEMCACHED"
	det_ssdp
	det_wait_tcp "$P_DNS_OPEN" "$P_DNS_CLOSED" "$P_LDAP_BAD" "$P_LDAP_GOOD" "$P_SMB_BAD" \
		"$P_SMB_GOOD" "$P_RSYNC_BAD" "$P_RSYNC_GOOD" "$P_RDP" "$P_RDP_NLA" "$P_MQTT_BAD" "$P_MQTT_GOOD" \
		"$P_VNC_BAD" "$P_VNC_GOOD" "$U_MEMCACHED" "$P_DLNA"
	sleep 0.5 # UDP servers (snmpd, chronyd) bind after start-up; no way to poll them without asking
}
