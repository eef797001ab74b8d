#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# apps.sh PORTLENS - service detection of the products issue 14 added, on unusual ports
# in a lab namespace pair (198.18.0.1 -> 198.18.0.2), each started once for this file:
#
#   real servers from Debian packages: CUPS (cups-daemon, one queue: its IPP answer to
#   CUPS-Get-Default names the printer and the IPP versions), Squid, the Prometheus node
#   exporter, a Modbus/TCP device (python3-pymodbus's server with a device identity),
#   Kamailio (SIP over TCP); minimal protocol-correct responders written for the test
#   (responders.py) only where Debian packages no server or it cannot run here:
#   MongoDB (OP_MSG, with and without --auth), a Siemens S7 PLC (COTP + S7 setup + SZL
#   read), Jenkins, the Docker Engine API (docker.io's dockerd exits here for want of
#   the devices cgroup; the responder answers / with dockerd's bare JSON 404, without
#   Api-Version, as dockerd 20.10 was seen to, so /version is asked), the Kubernetes API server
#   and a kubelet (open, and refusing anonymous clients with 401/403: recognised by the
#   refusal's shape; a Go service's http.Error 401 must stay plain http),
#   Elasticsearch, OpenSearch.
#
# Checks service / product / version exactly (versions of the Debian servers from the
# installed packages), auth facts, and that a port none of them is on is answered
# "unknown" within its budget.
#
# Then the gate between identifying and proving: scan --sV and probe make no anonymous
# FTP login (vsftpd's protocol log), no relay request (Squid's and nginx's access logs)
# and no extra TLS handshake; probe --intrusive and the audit do.
#
# Then the audit of issue 14's rules against real misconfigurations and their fixed
# twins, exact findings: vsftpd with anonymous login (and what it lists); Squid that
# relays for the lab and Squid that does not; nginx forwarding absolute-URI requests; nginx with crafted certificates (good,
# expired, expiring in 10 days and naming another host, self-signed and accepting
# TLS 1.0/1.1 and a NULL cipher); PostgreSQL and MariaDB reachable beyond loopback.
set -euo pipefail
PL=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lab.sh"
source "$HERE/services.sh"
source "$HERE/apps_servers.sh"
PY=/usr/bin/python3

lab_require_root
apps_require

lab_init apps
lab_ns cli
lab_ns srv
lab_link cli "$SVC_CLIENT/24" srv "$SVC_ADDR/24"
D=$LAB_DIR
apps_ports
apps_servers_up
ALL=$APPS_ALL AUDITED=$APPS_AUDITED

V_CUPS=$(dpkg-query -W -f='${Version}' cups-daemon | sed 's/-.*//')
V_SQUID=$(/usr/sbin/squid -v | sed -n 's/.*Version \([0-9.]*\).*/\1/p')
V_NODE=$(dpkg-query -W -f='${Version}' prometheus-node-exporter | sed 's/-.*//')
V_KAM=$(/usr/sbin/kamailio -v | sed -n 's/^version: kamailio \([0-9.]*\).*/\1/p')
echo "versions: cups $V_CUPS squid $V_SQUID node_exporter $V_NODE kamailio $V_KAM"

targets=()
for p in $ALL; do targets+=("$SVC_ADDR:$p"); done
# A 3 s read timeout: the responders are Python on a shared 2-core machine (load 10 was
# seen), and a reply later than the wait is a miss, not a wrong answer.
lab_exec cli "$PL" probe -j 8 --read-timeout 3000 --json "${targets[@]}" >"$D/probe.json" ||
	{ echo "probe failed:"; cat "$D/probe.json"; exit 1; }
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
    "$P_SIP": ("sip", "Kamailio", "$V_KAM", None),
    "$P_JENKINS": ("http", "Jenkins", "2.426.1", None),
    "$P_DOCKER": ("docker", "Docker Engine API", "24.0.7", False),
    "$P_K8S": ("kubernetes", "Kubernetes API server", "1.28.4", True),
    "$P_KUBELET": ("kubelet", "Kubernetes kubelet", None, False),
    "$P_ES": ("elasticsearch", "Elasticsearch", "8.11.1", False),
    "$P_OS": ("elasticsearch", "OpenSearch", "2.11.0", False),
    "$P_SILENT": (None, None, None, None),
    # Refusing anonymous clients, recognised by the shape of the refusal.
    "$P_K8S_401": ("kubernetes", "Kubernetes API server", None, True),
    "$P_KUBELET_401": ("kubelet", "Kubernetes kubelet", None, True),
    "$P_KUBELET_403": ("kubelet", "Kubernetes kubelet", None, True),
    "$P_GO_401": ("http", None, None, None),
    "$P_KUBELET_TLS": ("kubelet", "Kubernetes kubelet", None, True),  # HTTPS, as on 10250
}
bad = []
for port, w in want.items():
    r = got[port]
    seen = (r.get("service"), r.get("product"), r.get("version"), r.get("auth_required"))
    if seen != w:
        bad.append(f"{port}: got {seen}, want {w}")
    print(f"  {port:>5} {r.get('service')!s:20} {r.get('product')!s:26} {r.get('version')!s:8} "
          f"{r['elapsed_ms']:5d} ms  via {r.get('probe')}")
# The IPP follow-up (CUPS-Get-Default over HTTP POST application/ipp) read the queue.
ipp_info = got["$P_CUPS"].get("info") or ""
for want_info in ("IPP versions: 1.0,1.1,2.0,2.1", "default printer: labjet (Lab Printers LabJet 9000)"):
    if want_info not in ipp_info:
        bad.append(f"CUPS info {ipp_info!r} lacks {want_info!r}")
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

# --sV identifies, the audit proves: scan --sV and probe (without --intrusive) never log
# in to vsftpd, never ask Squid or nginx to relay, never offer TLS 1.1 or NULL ciphers;
# the servers' own logs count what arrived.
FTPLOG=$D/vsftpd-anon.log SQUIDLOG=$D/squid-open/access.log FWDLOG=$D/nginx/logs/fwd.log
logins() { grep -c "USER anonymous" "$FTPLOG" || true; }
relays() { cat "$SQUIDLOG" "$FWDLOG" 2>/dev/null | grep -c "portlens-relay-" || true; }
GATED="$P_FTP_ANON,$P_SQUID,$P_FWD,$P_TLS_WEAK"
echo "== scan --sV and probe of the audited ports: identification only"
lab_exec cli "$PL" scan "$SVC_ADDR" -p "$GATED" --sV --no-progress --json >"$D/scan.json"
AT=()
for p in $AUDITED; do AT+=("$SVC_ADDR:$p"); done
lab_exec cli "$PL" probe --json "${AT[@]}" >"$D/probe-audited.json"
[ "$(logins)" -eq 0 ] || { echo "scan --sV / probe logged in to vsftpd:"; cat "$FTPLOG"; exit 1; }
[ "$(relays)" -eq 0 ] || { echo "scan --sV / probe asked a proxy to relay"; exit 1; }
$PY - "$D/scan.json" "$D/probe-audited.json" <<PYCHECK
import json, sys
svc = [json.loads(l) for l in open(sys.argv[1]) if '"type":"service"' in l]
assert len(svc) == 4, f"scan --sV gave {len(svc)} service lines, want 4"
doc = json.load(open(sys.argv[2]))
for r in doc["results"]:
    tls = r.get("certificate") or {}
    print(f"  {r['target']:>18} {r.get('service')!s:11} exposures {r.get('exposures')} "
          f"old {tls.get('old_protocol_accepted')} weak {tls.get('weak_cipher_accepted')}")
    assert not r.get("exposures"), r
    assert not tls.get("weak_cipher_accepted"), r
    assert "anonymous" not in (r.get("info") or ""), r
got = {r["target"].rsplit(":", 1)[1]: r for r in doc["results"]}
assert got["$P_FTP_ANON"]["service"] == "ftp" and got["$P_SQUID"]["service"] == "http-proxy"
# TLS 1.1 negotiated by the first handshake is a fact of identification; nginx here
# negotiates 1.2, so only the audit's capped handshake can show 1.1.
assert got["$P_TLS_WEAK"]["tls"] and not got["$P_TLS_WEAK"]["certificate"].get("old_protocol_accepted")
print("scan --sV and probe: no login, no relay, no extra TLS handshake")
PYCHECK
echo "== probe --intrusive: the same checks as the audit, on request"
lab_exec cli "$PL" probe --intrusive --json "$SVC_ADDR:$P_FTP_ANON" "$SVC_ADDR:$P_FWD" \
	>"$D/probe-intrusive.json"
[ "$(logins)" -eq 1 ] || { echo "probe --intrusive: $(logins) logins, want 1"; exit 1; }
$PY - "$D/probe-intrusive.json" <<PYCHECK
import json, sys
got = {r["target"].rsplit(":", 1)[1]: r for r in json.load(open(sys.argv[1]))["results"]}
assert got["$P_FTP_ANON"]["exposures"] == ["ftp-anonymous"], got["$P_FTP_ANON"]
assert got["$P_FWD"]["exposures"] == ["open-proxy"], got["$P_FWD"]
PYCHECK
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
    "high:open-proxy:$P_SQUID", "high:open-proxy:$P_FWD",
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
assert all("198.18.0.1" in f["evidence"] for f in doc["findings"] if f["rule"] == "open-proxy")
assert "NULL" in ev["tls-weak-cipher"], ev["tls-weak-cipher"]
print(f"audit: exactly the {len(want)} expected findings")
PYCHECK
# The audit logged in (once more than probe --intrusive) and asked both proxies.
[ "$(logins)" -eq 2 ] || { echo "audit: $(logins) anonymous logins in vsftpd's log, want 2"; exit 1; }
[ "$(relays)" -ge 3 ] || { echo "audit: $(relays) relayed requests logged, want >= 3"; exit 1; }
echo "apps: PASS"
