#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# udp_servers.sh - real UDP servers from Debian packages on one lab address, for the
# -sU lab test (tests/lab/scan/udp.sh) and bench (bench/scan/udp.sh). Source after
# tests/lab/lab.sh.
#   udp_servers_start NS ADDR DIR [DNS NTP SNMP MEMCACHED]
#                                   dnsmasq (DNS 53), chronyd (NTP 123), snmpd (SNMP 161,
#                                   community public), memcached -U (11211), or on the
#                                   ports given; configuration and pid files in DIR
#   udp_servers_wait NS ADDR [DNS NTP SNMP MEMCACHED]
#                                   until all four listen (at most 10 s); also lifts
#                                   the namespace's ICMP burst limit
#   udp_mdns_start NS IFACE DIR     avahi-daemon (mDNS 5353) on IFACE of NS, in a mount
#                                   namespace of its own (its pid file lives in a fixed
#                                   place, /run/avahi-daemon); it answers at IFACE's own
#                                   address (a unicast answer leaves from there)
#   udp_mdns_wait DIR               until it has started (at most 10 s)
udp_servers_start() {
	local ns=$1 a=$2 d=$3 dns=${4:-53} ntp=${5:-123} snmp=${6:-161} mc=${7:-11211}
	lab_exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
		--listen-address="$a" --bind-interfaces --port="$dns" --pid-file="$d/dnsmasq.pid" \
		--user=root --address=/lab.example/"$a" >/dev/null 2>&1 &
	LAB_PIDS+=($!)
	printf 'port %s\nbindaddress %s\nallow all\nlocal stratum 8\ncmdport 0\npidfile %s\ndriftfile %s\n' \
		"$ntp" "$a" "$d/chronyd.pid" "$d/chrony.drift" >"$d/chrony.conf"
	lab_exec "$ns" chronyd -d -x -u root -f "$d/chrony.conf" >/dev/null 2>&1 &
	LAB_PIDS+=($!)
	printf 'rocommunity public\nsysDescr portlens lab snmpd\nagentAddress udp:%s:%s\n' "$a" "$snmp" >"$d/snmpd.conf"
	SNMP_PERSISTENT_DIR=$d lab_exec "$ns" snmpd -f -Lo -C -c "$d/snmpd.conf" -p "$d/snmpd.pid" \
		>/dev/null 2>&1 &
	LAB_PIDS+=($!)
	lab_exec "$ns" memcached -U "$mc" -p 0 -l "$a" -u root >/dev/null 2>&1 &
	LAB_PIDS+=($!)
}

udp_servers_wait() {
	local ns=$1 a=$2 n=0 ports="${3:-53}|${4:-123}|${5:-161}|${6:-11211}"
	# The lab host answers every closed port: no ICMP burst limit either (per namespace).
	lab_exec "$ns" sysctl -qw net.ipv4.icmp_msgs_burst=100000
	for _ in $(seq 1 100); do
		n=$(lab_exec "$ns" ss -Hunl | grep -cE "$a:($ports)\b" || true)
		[ "$n" -ge 4 ] && return 0
		sleep 0.1
	done
	echo "UDP servers not listening: $(lab_exec "$ns" ss -Hunl)" >&2
	return 1
}

udp_mdns_start() {
	local ns=$1 ifc=$2 d=$3
	printf '[server]\nhost-name=portlens-lab\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=%s\n%s\n' \
		"$ifc" 'enable-dbus=no' >"$d/avahi.conf"
	printf '[wide-area]\nenable-wide-area=no\n[publish]\npublish-workstation=yes\n' >>"$d/avahi.conf"
	lab_exec "$ns" unshare -m sh -c "mkdir -p /run/avahi-daemon && mount -t tmpfs lab /run/avahi-daemon &&
		exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f $d/avahi.conf" >"$d/avahi.log" 2>&1 &
	LAB_PIDS+=($!)
}

udp_mdns_wait() {
	for _ in $(seq 1 100); do
		grep -q 'Server startup complete' "$1/avahi.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "avahi-daemon did not start: $(cat "$1/avahi.log")" >&2
	return 1
}
