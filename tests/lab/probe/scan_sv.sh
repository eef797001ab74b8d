#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scan_sv.sh PORTLENS - `portlens scan --sV` writes service data into every output
# format, against the real servers of services.sh (OpenSSH, nginx plain and TLS, two
# telnetd, Redis, vsftpd, aiosmtpd, Memcached, a silent listener) in a lab namespace.
#
# One scan with text on stdout and -oN -oJ -oX -oG -oC, then exact checks
# (sv_check.py): the JSON "service" record of every open port follows its "result"
# record and names the installed product and version; every other format carries
# exactly the same service, product, version, CPE and evidence, escaped its own way
# (text VERSION column and "| cpe:"/"|_banner:" lines, grepable fields, CSV columns,
# XML <service servicefp=EVIDENCE>/<cpe>); the XML validates against nmap.dtd,
# renders with nmap.xsl, and ndiff reads it. Streaming: while the silent port's probe
# is still running (it takes ~8 s), the ports already probed are in the files.
# Three hostile servers send banners whose product/version captures hold ESC, BEL,
# XML and CSV metacharacters and '/', so every format's escaping is exercised end to
# end (the files must stay valid and hold no control byte).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lab.sh"
source "$HERE/services.sh"
PY=/usr/bin/python3

lab_start scansv "$1"
svc_lab_up unusual
svc_versions
P_EVIL_SSH=2224 P_EVIL_FTP=2122 P_EVIL_POP=1100
cat >"$D/evil.py" <<'PY'
import socket, sys, threading, time
banners = {
    2224: b"SSH-2.0-OpenSSH_9.2p1\x1b[31m<&\"'>,=x\xc2\x9b/y Debian-2\r\n",
    2122: b"220 (vsFTPd 3.0.3\x07<a>&\"x\",/)\r\n",
    1100: b"+OK Dovecot (Debian) ready.\x1b]0;t\x07\r\n",
}
def serve(port, data):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        try:
            c.sendall(data)
            time.sleep(0.5)
        except OSError:
            pass
        c.close()
for p, b in banners.items():
    threading.Thread(target=serve, args=(p, b), daemon=True).start()
time.sleep(600)
PY
svc_bg /usr/bin/python3 "$D/evil.py" "$SVC_ADDR"
for p in $P_EVIL_SSH $P_EVIL_FTP $P_EVIL_POP; do svc_wait_port "$p"; done
PORTS="$SVC_ALL_PORTS,$P_EVIL_SSH,$P_EVIL_FTP,$P_EVIL_POP"

echo "== scan --sV, every output at once (streaming checked while it runs)"
lab_exec cli "$PORTLENS" scan "$SVC_ADDR" -p "$PORTS" --sV --no-progress --seed 5 \
	-oN "$D/a.txt" -oJ "$D/a.jsonl" -oX "$D/a.xml" -oG "$D/a.gnmap" -oC "$D/a.csv" \
	>"$D/stdout" 2>"$D/stderr" &
pid=$!
# The quick services are written long before the silent port's probe (~8 s) ends.
for _ in $(seq 1 100); do
	grep -q "\"type\":\"service\",\"host\":\"$SVC_ADDR\",\"port\":$P_SSH," "$D/a.jsonl" 2>/dev/null &&
		grep -q "portid=\"$P_SSH\"" "$D/a.xml" && grep -q "Ports: $P_SSH/open/tcp//ssh//" "$D/a.gnmap" &&
		break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null || fail "the scan ended before the streaming check (silent port too fast?)"
grep -q "\"port\":$P_SSH," "$D/a.jsonl" || fail "ssh not streamed to -oJ while the scan runs"
grep -q "portid=\"$P_SSH\"" "$D/a.xml" || fail "ssh not streamed to -oX while the scan runs"
grep -q "^$P_SSH,\|,$P_SSH,tcp,open," "$D/a.csv" || fail "ssh not streamed to -oC while the scan runs"
grep -q "\"port\":$P_SILENT," "$D/a.jsonl" && fail "the silent port was written before its probe ended"
echo "streaming: ssh in -oJ -oX -oG -oC while the silent port is still being probed"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 0 ] || { cat "$D/stderr"; fail "scan --sV exited $rc"; }
cmp -s "$D/stdout" "$D/a.txt" || fail "-oN differs from stdout"

$PY "$HERE/sv_check.py" --dir "$D" --host "$SVC_ADDR" --want \
	"$P_SSH=ssh/OpenSSH/$V_SSH" "$P_HTTP=http/nginx/$V_NGINX" "$P_HTTPS=ssl/http/nginx/$V_NGINX" \
	"$P_TELNET=telnet/inetutils telnetd/" "$P_TELNET2=telnet/inetutils telnetd/" "$P_REDIS=redis/Redis/$V_REDIS" \
	"$P_FTP=ftp/vsFTPd/$V_FTP" "$P_SMTP=smtp/aiosmtpd/$V_SMTP" \
	"$P_MEMCACHED=memcached/Memcached/$V_MEMC" "$P_SILENT=//" \
	"$P_EVIL_SSH=ssh/OpenSSH/*" "$P_EVIL_FTP=ftp/vsFTPd/*" "$P_EVIL_POP=pop3//" ||
	fail "service data differs between formats or from the installed servers"
# The hostile captures really reached the outputs (else the escaping went untested).
$PY - "$D/a.jsonl" "$P_EVIL_SSH" "$P_EVIL_FTP" <<'PYCHECK' || fail "hostile versions"
import json, sys
svc = {str(r["port"]): r for r in map(json.loads, open(sys.argv[1])) if r["type"] == "service"}
assert svc[sys.argv[2]]["version"] == "9.2p1\x1b[31m<&\"'>,=x\x9b/y", svc[sys.argv[2]]["version"]
assert svc[sys.argv[3]]["version"] == "3.0.3\x07<a>&\"x\",/", svc[sys.argv[3]]["version"]
print("hostile versions captured:", ascii(svc[sys.argv[2]]["version"]), ascii(svc[sys.argv[3]]["version"]))
PYCHECK
grep -qF 'version="9.2p1\x1b[31m&lt;&amp;&quot;&#39;&gt;,=x\xc2\x9b/y"' "$D/a.xml" ||
	fail "XML escaping of a version"
grep -qF "/open/tcp//ssh//OpenSSH 9.2p1\\x1b[31m<&\"'>,=x\\xc2\\x9b|y (Debian Linux)/" "$D/a.gnmap" ||
	fail "grepable escaping of a version"

echo "== nmap's tools on the XML"
sed 's/scanner="portlens"/scanner="nmap"/' "$D/a.xml" >"$D/a-dtd.xml"
xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$D/a-dtd.xml" || fail "XML not valid per nmap.dtd"
xsltproc -o "$D/a.html" /usr/share/nmap/nmap.xsl "$D/a.xml" 2>"$D/xslt.err" ||
	{ cat "$D/xslt.err"; fail "xsltproc with nmap.xsl"; }
for want in "OpenSSH" "$V_SSH" "vsFTPd" "nginx"; do
	grep -qF -- "$want" "$D/a.html" || fail "rendered HTML lacks $want"
done
ndiff "$D/a.xml" "$D/a.xml" >"$D/ndiff.aa" || { cat "$D/ndiff.aa"; fail "ndiff of a file with itself"; }
lab_exec cli "$PORTLENS" scan "$SVC_ADDR" -p "$P_SSH,$P_FTP,$P_HTTP" --sV --no-progress --seed 9 \
	-oX "$D/b.xml" >/dev/null || fail "second scan"
rc=0
ndiff "$D/a.xml" "$D/b.xml" >"$D/ndiff.ab" || rc=$?
[ "$rc" -eq 1 ] || { cat "$D/ndiff.ab"; fail "ndiff exit $rc, expected 1 (ports went away)"; }
grep -q "^-$P_TELNET/tcp *open *telnet" "$D/ndiff.ab" || { cat "$D/ndiff.ab"; fail "ndiff misses a port"; }
grep -Eq "^[-+]($P_SSH|$P_HTTP|$P_FTP)/" "$D/ndiff.ab" && { cat "$D/ndiff.ab"; fail "ndiff sees a port as changed that is not"; }
echo "xmllint, xsltproc (nmap.xsl) and ndiff: ok"

echo "== scan --sV --save: the store holds the detected service and the evidence"
lab_exec cli "$PORTLENS" scan "$SVC_ADDR" -p "$P_SSH,$P_SILENT" --sV --no-progress --save \
	--db "$D/store.db" >/dev/null 2>"$D/save.err" || { cat "$D/save.err"; fail "scan --save"; }
$PY - "$D/store.db" "$P_SSH" "$P_SILENT" "$V_SSH" <<'PYCHECK' || fail "store rows"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = {str(p): (s, b) for p, s, b in db.execute("SELECT port, service, banner FROM results")}
ssh, silent = rows[sys.argv[2]], rows[sys.argv[3]]
assert ssh[0] == "ssh" and ssh[1].startswith("SSH-2.0-OpenSSH_" + sys.argv[4]), ssh
assert silent == ("", ""), silent  # unassigned port, nothing identified
print(f"store: ssh row {ssh}, silent row {silent}")
PYCHECK
echo "scan_sv: PASS"
