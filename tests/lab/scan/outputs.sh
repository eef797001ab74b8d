#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# outputs.sh - every output format from one scan, checked with the tools people use on
# nmap's: the XML validates against nmap.dtd (xmllint) and renders with nmap's
# stylesheet (xsltproc), ndiff finds no difference between two scans of the same lab
# in different orders and exactly the change after one more port opens; the grepable
# and CSV outputs list the open ports; -oX - streams XML on stdout.
# Usage: outputs.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup outputs
D=$LAB_DIR
NS=$(lab_nsname s)
lab_listen t open 198.19.11.5:22 198.19.11.5:2323 198.19.11.9:80 198.19.11.200:443 \
	'[2001:2:0:1::5]:22'
scan() {
	timeout 60 ip netns exec "$NS" "$PORTLENS" scan 198.19.11.0/24 2001:2:0:1::5 \
		-p 1-100,443,2323 --timeout 300 --no-progress "$@"
}
scan --seed 1 -oX "$D/a.xml" -oG "$D/a.gnmap" -oC "$D/a.csv" -oN "$D/a.txt" >"$D/stdout" ||
	fail "scan a"
scan --seed 2 -oX "$D/b.xml" >/dev/null || fail "scan b"
cmp -s "$D/stdout" "$D/a.txt" || fail "-oN differs from stdout"
[ "$(grep -c ' open ' "$D/a.txt")" -eq 5 ] || fail "normal output"
grep -q '2323/tcp .*open .*3d-nfsd' "$D/a.txt" || fail "text lacks the registry service name"
[ "$(grep -c '/open/tcp//' "$D/a.gnmap")" -eq 5 ] || fail "grepable output"
grep -q $'^Host: 198.19.11.5 ()\tPorts: 2323/open/tcp//3d-nfsd///$' "$D/a.gnmap" ||
	fail "grepable line format"
[ "$(head -1 "$D/a.csv")" = $'host,hostname,port,proto,state,reason,service,rtt_ms,note\r' ] ||
	fail "CSV header"
[ "$(grep -c ',open,' "$D/a.csv")" -eq 5 ] || fail "CSV rows"

if command -v xmllint >/dev/null && [ -r /usr/share/nmap/nmap.dtd ]; then
	# The DTD enumerates scanner="nmap" only; portlens names itself, nothing else differs.
	sed 's/scanner="portlens"/scanner="nmap"/' "$D/a.xml" >"$D/a-dtd.xml"
	xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$D/a-dtd.xml" ||
		fail "XML is not valid per nmap.dtd"
	echo "xmllint: valid per nmap.dtd (scanner name aside)"
else
	echo "note: xmllint or nmap.dtd missing; DTD validation skipped"
fi
if command -v xsltproc >/dev/null && [ -r /usr/share/nmap/nmap.xsl ]; then
	xsltproc -o "$D/a.html" /usr/share/nmap/nmap.xsl "$D/a.xml" 2>"$D/xslt.err" ||
		{ cat "$D/xslt.err"; fail "xsltproc with nmap.xsl"; }
	for want in 198.19.11.5 198.19.11.200 2001:2:0:1::5 3d-nfsd; do
		grep -q "$want" "$D/a.html" || fail "rendered HTML lacks $want"
	done
	echo "xsltproc: rendered with nmap.xsl"
else
	echo "note: xsltproc or nmap.xsl missing; rendering skipped"
fi
if command -v ndiff >/dev/null; then
	ndiff "$D/a.xml" "$D/b.xml" >"$D/ndiff.ab" || { cat "$D/ndiff.ab"; fail "ndiff sees a difference between equal scans"; }
	lab_listen t open 198.19.11.9:8
	scan --seed 3 -oX "$D/c.xml" >/dev/null || fail "scan c"
	rc=0
	ndiff "$D/a.xml" "$D/c.xml" >"$D/ndiff.ac" || rc=$?
	[ "$rc" -eq 1 ] || fail "ndiff exit $rc, expected 1 (different)"
	grep -q '^+8/tcp *open' "$D/ndiff.ac" || { cat "$D/ndiff.ac"; fail "ndiff misses the new port"; }
	echo "ndiff: equal scans equal, one new port found"
else
	echo "note: ndiff missing; comparison skipped"
fi
# XML on stdout streams (one element per port) and is still one document.
scan --seed 4 -oX - >"$D/stream.xml" || fail "scan -oX -"
python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.stdin).getroot(); assert len(list(r.iter("port"))) == 6' <"$D/stream.xml" ||
	fail "-oX - is not a document with 6 ports"
echo "PASS: normal, grepable, CSV and XML outputs"
