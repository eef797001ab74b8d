#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# detect_lab.sh PORTLENS - service detection and exposure audit against real servers
# from Debian packages (detect_services.sh), each on an unusual port, misconfigured and
# hardened: dnsmasq (open resolver / not), slapd (anonymous read / ACL), Samba (SMB1,
# guest shares, signing optional / SMB2+, mandatory signing, restrict anonymous),
# rsyncd (listable open module / list = no + auth), xrdp (no NLA) and FreeRDP's shadow
# server (NLA required), Mosquitto (anonymous
# / passwords), TigerVNC (None / VncAuth), snmpd (public / other community), chronyd
# and memcached over UDP, minidlna (UPnP over HTTP) with minissdpd answering SSDP.
#
# Checks: `portlens probe` names service, product and version (from the installed
# packages) and exactly the exposures each server states in its handshakes; `probe
# --intrusive` also those only using the service proves (recursion, anonymous LDAP
# search, guest shares, an rsync module opened), and without it none of those is
# asked; `portlens probe HOST:PORT/udp` the same for the UDP services; `portlens audit TARGET -p ... --udp ...` reports
# exactly the expected findings (rule and place), the hardened servers none.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lab.sh"
source "$HERE/detect_services.sh"
PY=/usr/bin/python3

lab_start detect "$1"
det_lab_up

V_DNSMASQ=$(dnsmasq --version | sed -n 's/^Dnsmasq version \([0-9.]*\).*/\1/p')
V_SAMBA=$(smbd --version | sed -n 's/^Version \([0-9.]*\).*/\1/p')
V_MOSQ=$(dpkg-query -W -f='${Version}' mosquitto | sed 's/-.*//')
V_MEMC=$(memcached -V | awk '{print $2}')
V_DLNA=$(minidlnad -V | awk '{print $2}')
echo "versions: dnsmasq $V_DNSMASQ samba $V_SAMBA mosquitto $V_MOSQ memcached $V_MEMC"

TCP="$P_DNS_OPEN $P_DNS_CLOSED $P_LDAP_BAD $P_LDAP_GOOD $P_SMB_BAD $P_SMB_GOOD $P_RSYNC_BAD"
TCP+=" $P_RSYNC_GOOD $P_RDP $P_RDP_NLA $P_MQTT_BAD $P_MQTT_GOOD $P_VNC_BAD $P_VNC_GOOD $P_DLNA"
UDP="$P_DNS_OPEN $P_DNS_CLOSED $U_SNMP_BAD $U_SNMP_GOOD $U_NTP $U_MEMCACHED $U_SSDP"
targets=()
for p in $TCP; do targets+=("$DET_SRV:$p"); done
for p in $UDP; do targets+=("$DET_SRV:$p/udp"); done

echo "== portlens probe (TCP and UDP), without and with --intrusive"
lab_exec cli "$PORTLENS" probe --json --read-timeout 1000 "${targets[@]}" >"$LAB_DIR/probe-id.json"
lab_exec cli "$PORTLENS" probe --intrusive --json --read-timeout 1000 "${targets[@]}" \
	>"$LAB_DIR/probe.json"
$PY - "$LAB_DIR/probe.json" "$LAB_DIR/probe-id.json" <<PYCHECK
import json, sys
doc = json.load(open(sys.argv[1]))
got = {r["target"].split(":", 1)[1]: r for r in doc["results"]}
ident = {r["target"].split(":", 1)[1]: r for r in json.load(open(sys.argv[2]))["results"]}
# Proved only by using the service (--intrusive, the audit): never by identification.
INTRUSIVE = {"dns-recursion", "ldap-anonymous-read", "smb-guest-shares", "rsync-open"}
NOT_ASKED = ("recursion:", "anonymous search", "shares listed", "opens without")
# port: (service, product, version, exposures, info substring)
want = {
    "$P_DNS_OPEN": ("dns", "Dnsmasq", "$V_DNSMASQ", {"dns-recursion"}, "version.bind: dnsmasq-"),
    "$P_DNS_CLOSED": ("dns", "Dnsmasq", "$V_DNSMASQ", set(), "recursion: no (REFUSED)"),
    "$P_LDAP_BAD": ("ldap", "OpenLDAP", None, {"ldap-anonymous-read"}, "naming contexts: dc=lab,dc=test"),
    "$P_LDAP_GOOD": ("ldap", "OpenLDAP", None, set(), "anonymous search of dc=lab,dc=test: no entries"),
    "$P_SMB_BAD": ("smb", "Samba", "$V_SAMBA", {"smb1", "smb-no-signing", "smb-guest-shares"},
                   "shares listed anonymously: pub"),
    "$P_SMB_GOOD": ("smb", "Samba", None, set(), "signing required"),
    "$P_RSYNC_BAD": ("rsync", "rsync", None, {"rsync-list", "rsync-open"}, "modules: backups"),
    "$P_RSYNC_GOOD": ("rsync", "rsync", None, set(), "no modules listed"),
    "$P_RDP": ("rdp", None, None, {"rdp-no-nla"}, "NLA not required"),
    "$P_RDP_NLA": ("rdp", None, None, set(), "security: CredSSP; NLA required"),
    "$P_MQTT_BAD": ("mqtt", "Mosquitto", "$V_MOSQ", {"mqtt-anonymous"}, "CONNACK code 0"),
    "$P_MQTT_GOOD": ("mqtt", None, None, set(), "CONNACK code 5"),
    "$P_VNC_BAD": ("vnc", None, None, {"vnc-no-auth"}, "security types: None"),
    "$P_VNC_GOOD": ("vnc", None, None, set(), "security types: VNC"),
    "$P_DNS_OPEN/udp": ("dns", "Dnsmasq", "$V_DNSMASQ", {"dns-recursion"}, "resolved example.com"),
    "$P_DNS_CLOSED/udp": ("dns", "Dnsmasq", "$V_DNSMASQ", set(), "recursion: no"),
    "$U_SNMP_BAD/udp": ("snmp", None, None, {"snmp-public"}, "sysDescr: portlens lab agent"),
    "$U_SNMP_GOOD/udp": (None, None, None, set(), None),
    "$U_NTP/udp": ("ntp", None, None, set(), "stratum 8"),
    "$U_MEMCACHED/udp": ("memcached", "Memcached", "$V_MEMC", set(), "UDP enabled"),
    # minidlna's description over HTTP (a UPnP Server header: the product is its last
    # token) and its services answered over SSDP by minissdpd.
    "$P_DLNA": ("http", "MiniDLNA", "$V_DLNA", set(), "title: MiniDLNA $V_DLNA"),
    "$U_SSDP/udp": ("ssdp", "MiniDLNA", "$V_DLNA", set(), "UPnP/1.0 MiniDLNA/$V_DLNA"),
}
bad = []
for port, (svc, prod, ver, exp, info) in want.items():
    r = got[port]
    seen = (r.get("service"), r.get("product"), r.get("version"), set(r.get("exposures", [])))
    print(f"  {port:>10} {r.get('service')!s:9} {r.get('product')!s:10} {r.get('version')!s:8} "
          f"{sorted(seen[3])} {r.get('elapsed_ms')} ms | {r.get('info')}")
    if seen != (svc, prod, ver, exp):
        bad.append(f"{port}: got {seen}, want {(svc, prod, ver, exp)}")
    if info and info not in (r.get("info") or ""):
        bad.append(f"{port}: info {r.get('info')!r} lacks {info!r}")
    # A UDP answer is counted in bytes_read, as a TCP one is ("probe: ..., N bytes").
    if port.endswith("/udp") and svc and not r.get("bytes_read"):
        bad.append(f"{port}: answered, but bytes_read is {r.get('bytes_read')!r}")
    i = ident[port]
    seen = (i.get("service"), i.get("product"), i.get("version"), set(i.get("exposures", [])))
    # Samba's exact version is in the IPC$ remark, read through an anonymous session.
    ver = None if port == "$P_SMB_BAD" else ver
    if seen != (svc, prod, ver, exp - INTRUSIVE):
        bad.append(f"{port} without --intrusive: got {seen}, want {(svc, prod, ver, exp - INTRUSIVE)}")
    if any(x in (i.get("info") or "") for x in NOT_ASKED):
        bad.append(f"{port} without --intrusive asked: {i.get('info')!r}")
# A TLS ClientHello's plain answer is no longer lost: xrdp's X.224 reply identifies RDP.
assert got["$P_MQTT_BAD"]["auth_required"] is False and got["$P_MQTT_GOOD"]["auth_required"] is True
if bad:
    sys.exit("probe: " + "; ".join(bad))
print("probe: every service, product, version and exposure as expected")
PYCHECK

echo "== portlens audit (exact findings)"
set +e
lab_exec cli "$PORTLENS" audit "$DET_SRV" -p "${TCP// /,}" --udp "${UDP// /,}" --json \
	--fail-on critical >"$LAB_DIR/audit.json"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "audit exit $rc, want 1 (a critical finding: VNC None)" >&2; exit 1; }
$PY - "$LAB_DIR/audit.json" <<PYCHECK
import json, sys
doc = json.load(open(sys.argv[1]))
got = sorted((f["severity"], f["rule"], f["where"].split(":", 1)[1]) for f in doc["findings"])
want = sorted([
    ("critical", "vnc-no-auth", "$P_VNC_BAD/tcp"),
    ("high", "dns-open-recursion", "$P_DNS_OPEN/tcp"),
    ("high", "dns-open-recursion", "$P_DNS_OPEN/udp"),
    ("high", "ldap-anonymous-read", "$P_LDAP_BAD/tcp"),
    ("high", "smb-guest-shares", "$P_SMB_BAD/tcp"),
    ("high", "smbv1-enabled", "$P_SMB_BAD/tcp"),
    ("medium", "smb-signing-not-required", "$P_SMB_BAD/tcp"),
    ("high", "rsync-module-open", "$P_RSYNC_BAD/tcp"),
    ("high", "rdp-no-nla", "$P_RDP/tcp"),
    ("medium", "unauthenticated-service", "$P_MQTT_BAD/tcp"),
    ("high", "snmp-public", "$U_SNMP_BAD/udp"),
    ("high", "udp-amplifier", "$U_MEMCACHED/udp"),
    ("medium", "udp-amplifier", "$U_SSDP/udp"),
])
for g in got:
    print("  ", g)
if got != want:
    sys.exit(f"audit findings differ:\n got  {got}\n want {want}")
f = {(x["rule"], x["where"].split(":", 1)[1]): x for x in doc["findings"]}
amp = f[("udp-amplifier", "$U_MEMCACHED/udp")]
assert "bytes sent" in amp["evidence"] and " answers x" in amp["title"], amp
for x in doc["findings"]:
    assert x["why"] and x["remedy"] and x["evidence"], x
print("audit: exactly the expected findings, each with evidence, why and remedy")
PYCHECK
echo "detect lab: ok"
