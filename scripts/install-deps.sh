#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian package portlens needs to build, test and benchmark.
# Idempotent and quick when everything is present (no apt-get update then).
# Usage: scripts/install-deps.sh [build|test|all]   (default: all)
set -euo pipefail

build_pkgs=(build-essential meson ninja-build pkg-config
	libmnl-dev libsqlite3-dev libmicrohttpd-dev libpcre2-dev libexpat1-dev libssl-dev
	libjansson-dev libcmocka-dev libpq-dev)
test_pkgs=(clang clang-format libclang-rt-14-dev llvm
	groff-base bsdutils iproute2 nftables socat procps python3 lsof net-tools nmap hyperfine
	time util-linux zsh fish) # zsh, fish: the completion scripts are loaded by the shells
# Web front end (portlens serve): browser tests drive Debian's chromium through
# playwright-core (npm); the web benchmark runs nginx and wrk side by side with portlens.
test_pkgs+=(chromium fonts-nanum nginx wrk) # fonts-nanum: Korean in the screenshots
# portlens site: the exported HTML is checked by HTML Tidy (tests/web/site.py).
test_pkgs+=(tidy)
command -v node >/dev/null 2>&1 || test_pkgs+=(nodejs npm)
# Probe/audit lab (tests/lab/probe, bench/sv): real servers the tests start themselves in
# lab namespaces on unusual ports (Debian may also start them on the host when installed).
test_pkgs+=(openssh-server openssl telnetd redis-server vsftpd python3-aiosmtpd memcached)
# Service detection of issue 14 (tests/lab/probe/apps.sh, bench/sv): CUPS, Squid, the
# Prometheus node exporter and pymodbus's Modbus server, started by the tests on their
# own ports in lab namespaces (a host-wide cupsd/squid, if the package starts one, uses
# other addresses and does not disturb them).
test_pkgs+=(cups-daemon squid prometheus-node-exporter python3-pymodbus python3-serial-asyncio
	mariadb-server postgresql python3-cryptography) # audit lab: databases, crafted certificates
# Detection lab (tests/lab/probe/detect_lab.sh): servers it starts itself in lab
# namespaces; smbclient/ldap-utils/snmp are the clients to check them by hand.
test_pkgs+=(dnsmasq slapd ldap-utils samba smbclient rsync xrdp mosquitto
	tigervnc-standalone-server tigervnc-tools snmpd snmp chrony)
# Kamailio (SIP, tests/lab/probe/apps.sh), minidlna and minissdpd (UPnP over HTTP and
# SSDP, detect_lab.sh), run by the tests in lab namespaces.
test_pkgs+=(kamailio minidlna minissdpd)
# FreeRDP's shadow server: the RDP server that requires NLA (detect_lab.sh).
test_pkgs+=(freerdp2-shadow-x11)
# Scan lab (tests/lab/scan, bench/scan): nmap's XML tools check -oX output.
test_pkgs+=(ndiff xsltproc libxml2-utils)
# Raw scans (bench/scan/syn.sh): the peers zmap and masscan, run only inside lab namespaces.
# postgresql (above) is also the PostgreSQL store's server (tests/lab/store/pg.sh,
# bench/store): they run their own (initdb + pg_ctl on a unix socket in a temporary
# directory); the cluster Debian may start on port 5432 is not used.
# masscan also writes the real masscan files portlens diff/import read (tests/lab/diff).
test_pkgs+=(zmap masscan)
# The shipped units (tests/dist/units.sh: systemd-analyze verify/security) and watch
# --scan's lab test (tests/lab/watch/scan.sh: socat serves an SSH banner).
test_pkgs+=(systemd socat)
# Scan guard tests (tests/lab/scan/guards.sh) count connect() calls with strace.
test_pkgs+=(strace)
# UDP scan lab (tests/lab/scan/udp.sh, bench/scan/udp.sh): real UDP servers the tests start
# in lab namespaces (avahi-daemon for mDNS). chrony, snmpd and avahi-daemon start
# host-wide services when installed (chronyd would query the internet's NTP pool):
# stopped and disabled after the install below.
test_pkgs+=(dnsmasq-base chrony snmpd avahi-daemon)

case "${1:-all}" in
build) pkgs=("${build_pkgs[@]}") ;;
test | all) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
*)
	echo "usage: $0 [build|test|all]" >&2
	exit 2
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# chrony, snmpd and the detection lab's servers (dnsmasq, slapd, samba, xrdp,
# mosquitto, kamailio, minidlna, minissdpd): the tests run their own instances inside
# lab namespaces; the host-wide services the packages start are not wanted (chronyd
# would talk to the internet's NTP pool; the others would answer on ports 53, 389, 445,
# 3389, 1883, 161, 5060, 8200, 1900 of this machine,
# which local audits expect quiet). No systemd (a container): there is nothing to stop.
for pair in chrony:chrony snmpd:snmpd avahi-daemon:avahi-daemon dnsmasq:dnsmasq slapd:slapd \
	samba:smbd samba:nmbd samba:samba-ad-dc xrdp:xrdp xrdp:xrdp-sesman mosquitto:mosquitto \
	kamailio:kamailio minidlna:minidlna minissdpd:minissdpd; do
	pkg=${pair%%:*} svc=${pair#*:}
	case " ${missing[*]} " in *" $pkg "*) ;; *) continue ;; esac
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		$SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
	elif command -v service >/dev/null 2>&1; then
		$SUDO service "$svc" stop >/dev/null 2>&1 || true
	fi
done
