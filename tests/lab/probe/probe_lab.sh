#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# probe_lab.sh PORTLENS - integration test of `portlens probe`, `portlens audit` and the
# default-credential check against real servers from Debian packages (services.sh),
# on unusual ports in a lab namespace pair (198.18.0.1 -> 198.18.0.2).
#
# Checks: every service is identified (service, product, version from the installed
# package, TLS certificate facts); the audit of the targets reports exactly the
# expected findings, including the accepted Mirai pair on one telnetd and none on the
# other; exit codes follow --fail-on; the local audit (inside the server namespace)
# finds the same listeners through the sockets module.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lab.sh"
source "$HERE/services.sh"
PY=/usr/bin/python3

lab_start probe "$1"
svc_lab_up unusual

# Versions as the installed packages report them.
svc_versions
echo "versions: ssh $V_SSH nginx $V_NGINX redis $V_REDIS vsftpd $V_FTP memcached $V_MEMC aiosmtpd $V_SMTP"

targets=()
for p in ${SVC_ALL_PORTS//,/ }; do targets+=("$SVC_ADDR:$p"); done

echo "== portlens probe"
lab_exec cli "$PORTLENS" probe --json "${targets[@]}" >"$LAB_DIR/probe.json"
$PY - "$LAB_DIR/probe.json" <<PYCHECK
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "portlens.probe/1"
got = {r["target"].rsplit(":", 1)[1]: r for r in doc["results"]}
want = {
    "$P_SSH": ("ssh", "OpenSSH", "$V_SSH", False),
    "$P_HTTP": ("http", "nginx", "$V_NGINX", False),
    "$P_HTTPS": ("http", "nginx", "$V_NGINX", True),
    "$P_TELNET": ("telnet", "inetutils telnetd", None, False),
    "$P_TELNET2": ("telnet", "inetutils telnetd", None, False),
    "$P_REDIS": ("redis", "Redis", "$V_REDIS", False),
    "$P_FTP": ("ftp", "vsFTPd", "$V_FTP", False),
    "$P_SMTP": ("smtp", "aiosmtpd", "$V_SMTP", False),
    "$P_MEMCACHED": ("memcached", "Memcached", "$V_MEMC", False),
    "$P_SILENT": (None, None, None, False),
}
bad = []
for port, (svc, prod, ver, tls) in want.items():
    r = got[port]
    seen = (r.get("service"), r.get("product"), r.get("version"), r.get("tls"))
    if seen != (svc, prod, ver, tls):
        bad.append(f"{port}: got {seen}, want {(svc, prod, ver, tls)}")
    print(f"  {port:>5} {r.get('service')!s:10} {r.get('product')!s:10} {r.get('version')!s:10} "
          f"{r['elapsed_ms']:5d} ms  {r['evidence'][:60]}")
c = got["$P_HTTPS"]["certificate"]
if "CN=lab.portlens.test" not in c["subject"] or "IP:$SVC_ADDR" not in c["sans"] or not c["self_signed"]:
    bad.append(f"certificate facts wrong: {c}")
if got["$P_REDIS"]["auth_required"] is not False or got["$P_MEMCACHED"]["auth_required"] is not False:
    bad.append("redis/memcached should be seen as open")
if got["$P_FTP"]["starttls"] is not False:
    bad.append("vsftpd without ssl_enable offers no AUTH TLS")
if not got["$P_SSH"]["cpe"].startswith("cpe:/a:openbsd:openssh:"):
    bad.append("ssh cpe missing")
# Debian 12's telnetd is GNU inetutils (its option negotiation says so), not netkit.
if got["$P_TELNET"]["vendor"] != "GNU":
    bad.append(f"telnetd vendor {got['$P_TELNET']['vendor']!r}, want GNU (inetutils)")
# JSON evidence is the bytes as read with JSON escapes only: a real CR LF, no backslash.
ev = got["$P_TELNET"]["evidence"]
if "\r\n" not in ev or chr(92) in ev:
    bad.append(f"telnet evidence escaped twice in JSON: {ev!r}")
if got["$P_SILENT"]["elapsed_ms"] > 16000:
    bad.append("silent port not bounded")
if bad:
    sys.exit("probe FAILED:\n  " + "\n  ".join(bad))
print("probe: all services identified")
PYCHECK

check_findings() { # FILE EXPECTED...   (severity:rule:port, exact set)
	local file=$1
	shift
	$PY - "$file" "$@" <<'PYCHECK'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "portlens.audit/1"
got = sorted(f"{f['severity']}:{f['rule']}:{f['where'].rsplit(':', 1)[1].split('/')[0]}"
             for f in doc["findings"])
want = sorted(sys.argv[2:])
for f in doc["findings"]:
    print(f"  {f['severity'].upper()}: {f['title']}")
if got != want:
    sys.exit(f"audit FAILED:\n  got  {got}\n  want {want}")
print(f"audit: exactly the {len(want)} expected findings")
PYCHECK
}

base=("high:telnet-exposed:$P_TELNET" "high:telnet-exposed:$P_TELNET2"
	"high:unauthenticated-service:$P_REDIS" "high:unauthenticated-service:$P_MEMCACHED"
	"medium:plaintext-login:$P_FTP" "low:unknown-service-unassigned-port:$P_SILENT"
	# nginx's throw-away certificate: self-signed, valid for 30 days (services.sh)
	"low:tls-certificate-self-signed:$P_HTTPS" "low:tls-certificate-expiring:$P_HTTPS")

echo "== portlens audit TARGETS --check-default-credentials"
rc=0
lab_exec cli "$PORTLENS" audit "$SVC_ADDR" -p "$SVC_ALL_PORTS" --check-default-credentials \
	--cred-delay 20 --json >"$LAB_DIR/audit.json" 2>"$LAB_DIR/audit.err" || rc=$?
[ "$rc" -eq 1 ] || { echo "audit exit $rc, want 1 (findings at or above high)"; exit 1; }
check_findings "$LAB_DIR/audit.json" "${base[@]}" "critical:default-credentials:$P_TELNET"
$PY - "$LAB_DIR/audit.json" "$P_TELNET" "$P_TELNET2" <<'PYCHECK'
import json, sys
doc = json.load(open(sys.argv[1]))
obs = {str(o["port"]): o for o in doc["observations"]}
a, b = obs[sys.argv[2]]["default_credentials"], obs[sys.argv[3]]["default_credentials"]
assert a["accepted"] and a["username"] == "support" and a["password"] == "support", a
assert a["tried"] == 11, a  # support/support is the 11th Mirai pair
assert not b["accepted"] and b["tried"] == 61 and "password" not in b, b
print("default credentials: support/support accepted on one telnetd, 61 pairs refused on the other")
# Evidence names what answered once: "220 (vsFTPd 3.0.3)", not "... (vsFTPd 3.0.3) (vsFTPd 3.0.3)".
for f in doc["findings"]:
    ev = f["evidence"]
    for o in doc["observations"]:
        svc = o.get("service") or {}
        v = " ".join(x for x in (svc.get("product", ""), svc.get("version", "")) if x)
        assert not v or ev.count("(" + v + ")") <= 1, ev
print("audit evidence: no product/version said twice")
# Service notes are said once each: never "login prompt; login prompt".
for o in doc["observations"]:
    items = [x for x in ((o.get("service") or {}).get("info") or "").split("; ") if x]
    assert len(items) == len(set(items)), o
print("service info: no item repeated")
PYCHECK
# A service where no pair worked is said so, with the count (not silence).
grep -q "$SVC_ADDR:$P_TELNET2: default credentials: 61 of 61 pairs tried, none was accepted" \
	"$LAB_DIR/audit.err" || { echo "no 'none was accepted' line: $(cat "$LAB_DIR/audit.err")"; exit 1; }
echo "default credentials: the refused service is reported (61 of 61 pairs tried, none accepted)"

echo "== exit codes and formats"
rc=0
lab_exec cli "$PORTLENS" audit "$SVC_ADDR" -p "$SVC_ALL_PORTS" --fail-on critical >"$LAB_DIR/audit.txt" || rc=$?
[ "$rc" -eq 0 ] || { echo "--fail-on critical without a critical finding: exit $rc, want 0"; exit 1; }
grep -q "^HIGH: Telnet answering on $SVC_ADDR:$P_TELNET" "$LAB_DIR/audit.txt"
rc=0
lab_exec cli "$PORTLENS" audit "$SVC_ADDR" -p "$P_SSH,$P_HTTP,$P_SMTP" --markdown >"$LAB_DIR/audit.md" || rc=$?
[ "$rc" -eq 0 ] || { echo "audit of ssh/http/smtp only: exit $rc, want 0"; exit 1; }
grep -q '^0 findings' "$LAB_DIR/audit.md"
grep -q "| $SVC_ADDR:$P_SSH | ssh | OpenSSH |" "$LAB_DIR/audit.md"
rc=0
lab_exec cli "$PORTLENS" audit 198.18.0.0/16 --check-default-credentials -p 23 >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "credential check on a /16 without --force: exit $rc, want 2"; exit 1; }
rc=0
lab_exec cli "$PORTLENS" audit --fail-on bogus >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "bad --fail-on: exit $rc, want 2"; exit 1; }

echo "== portlens scan --sV (JSON lines on stdout)"
lab_exec cli "$PORTLENS" scan "$SVC_ADDR" -p "$SVC_ALL_PORTS" --sV -oJ - >"$LAB_DIR/scan.jsonl"
$PY - "$LAB_DIR/scan.jsonl" "$P_SSH" "$P_HTTPS" "$P_TELNET" "$SVC_ALL_PORTS" <<'PYCHECK'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
svc = {str(r["port"]): r for r in recs if r["type"] == "service"}
opened = {str(r["port"]) for r in recs if r["type"] == "result" and r["state"] == "open"}
assert opened == set(sys.argv[5].split(",")) == set(svc), (opened, set(svc))
assert svc[sys.argv[2]]["product"] == "OpenSSH", svc[sys.argv[2]]
assert svc[sys.argv[3]]["tls"] and svc[sys.argv[3]]["service"] == "http", svc[sys.argv[3]]
assert svc[sys.argv[4]]["service"] == "telnet", svc[sys.argv[4]]
print(f"scan --sV: {len(svc)} open ports, each with a service record")
PYCHECK

echo "== local audit (inside the server namespace: its listeners via sock_diag)"
# Plus a packet socket on the namespace's lo held by python3 (a sniffer the audit must
# report though it binds no port).
svc_bg $PY -c 'import socket, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("lo", 0))
open("'"$LAB_DIR"'/sniffer.ready", "w").close()
time.sleep(600)'
for _ in $(seq 100); do [ -f "$LAB_DIR/sniffer.ready" ] && break; sleep 0.05; done
rc=0
lab_exec srv "$PORTLENS" audit --json >"$LAB_DIR/local.json" || rc=$?
[ "$rc" -eq 1 ] || { echo "local audit exit $rc, want 1"; exit 1; }
check_findings "$LAB_DIR/local.json" "${base[@]}" "medium:packet-capture:3"
echo "probe_lab: PASS"
