#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hostile_text.sh - strings from outside never drive the terminal or a spreadsheet:
#   - a server on 127.0.0.1 whose SSH banner carries ESC and BEL (an OSC title change and
#     a colour): `probe` text and --markdown, `audit --markdown` print no control byte
#     and no Markdown markup from it
#   - a server on a malware port whose answer carries CR LF, ESC, tab and a backslash:
#     `audit --json` findings give back those bytes (parsed as JSON), text escapes once
#   - an HTTP server whose Server header carries control bytes, markup and a non-UTF-8
#     byte: product and version as read in probe --json and scan -oJ, once-escaped in
#     text and in well-formed scan -oX
#   - a local process whose name and command line carry ESC/BEL, and one named "=1+2":
#     `listen` text and the port page (text and --markdown) show \xNN, never the bytes;
#     `listen --csv` guards the formula
# Usage: hostile_text.sh PORTLENS   (127.0.0.1 only; no root needed)
set -uo pipefail
PL=$(readlink -f "$1")
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
fail=0
pass=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# no_ctl FILE WHAT: FILE holds no C0 control byte but newline, and no DEL.
no_ctl() {
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1"; then
		bad "$2: control bytes in the output: $(LC_ALL=C grep -a $'[\x01-\x09\x0b-\x1f\x7f]' "$1" | cat -v | head -3)"
	else
		ok "$2: no control byte"
	fi
}

# serve READY MODE BYTES [PORT...]: a hostile server (hostile_server.py) in the background,
# up once READY holds its port.
serve() {
	python3 "$(dirname "$0")/hostile_server.py" "$@" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.05; done
}

# 1. A hostile SSH server (one banner per connection, 20 connections at most, 30 s).
serve "$tmp/port" banner 'b"SSH-2.0-OpenSSH_8.9\x1b]0;pwned\x07\x1b[31m*RED*|x|[a](http://e/)\r\n"'
port=$(cat "$tmp/port")
"$PL" probe "127.0.0.1:$port" >"$tmp/probe.txt" 2>&1
no_ctl "$tmp/probe.txt" "probe text"
grep -qF '8.9\x1b]0;pwned\x07\x1b[31m' "$tmp/probe.txt" && ok "probe text: shown as \\xNN" ||
	bad "probe text: $(cat -v "$tmp/probe.txt" | head -3)"
"$PL" probe "127.0.0.1:$port" --markdown >"$tmp/probe.md" 2>&1
no_ctl "$tmp/probe.md" "probe --markdown"
# The table has 6 columns: every row 7 unescaped '|'; no link, no emphasis from the server.
cols=$(grep '127.0.0.1' "$tmp/probe.md" | sed 's/\\|//g' | tr -cd '|' | wc -c)
[ "$cols" -eq 7 ] && ok "probe --markdown: the server adds no table column" ||
	bad "probe --markdown: $cols borders: $(grep 127.0.0.1 "$tmp/probe.md")"
grep -qF '\*RED\*' "$tmp/probe.md" && grep -qF '\[a\](http' "$tmp/probe.md" &&
	ok "probe --markdown: emphasis and link escaped" || bad "probe --markdown: $(grep 127 "$tmp/probe.md")"
"$PL" audit 127.0.0.1 -p "$port" --fail-on critical --markdown >"$tmp/audit.md" 2>&1
no_ctl "$tmp/audit.md" "audit --markdown"
grep -qF 'pwned\\x07' "$tmp/audit.md" && ok "audit --markdown: the banner is in it, escaped" ||
	bad "audit --markdown: $(cat -v "$tmp/audit.md" | head -20)"

# scan --sV: a version longer than the VERSION column is cut with the marker, so the
# columns after it stay where the header puts them.
"$PL" scan 127.0.0.1 -p "$port" --sV >"$tmp/scan.txt" 2>&1
line=$(grep "^$port/tcp" "$tmp/scan.txt")
note_at=$(grep '^PORT' "$tmp/scan.txt" | python3 -c 'import sys; print(sys.stdin.read().index("NOTE"))')
# Where the NOTE column's text starts on the row ("[risk] ..." when the port has a note).
at=$(printf '%s' "$line" | python3 -c '
import sys
l = sys.stdin.read().rstrip()
print(l.index(" [", 40) + 1 if " [" in l[40:] else len(l))')
if [ -n "$line" ] && [[ "$line" == *"…"* ]] && [ "$at" -le "$note_at" ]; then
	ok "scan --sV text: a long VERSION is cut at its column (NOTE at $at, header $note_at)"
else
	bad "scan --sV text: VERSION pushes NOTE to $at (header $note_at): $line"
fi
no_ctl "$tmp/scan.txt" "scan --sV text"

# 3. Audit findings carry an answer as read, escaped once per format. A silent server on
# a port the knowledge base ties to malware (so loopback still gets the malware-port
# finding, which quotes the answer) replies to the HTTP probe with CR LF, ESC, a tab and
# a backslash: --json must give back exactly those bytes (JSON escapes only, never
# "\\r" or "\\x1b"); the text output shows each once as \r, \n, \x1b, \t, \\.
# the first free malware port (listen-cli binds 6667)
serve "$tmp/mport" reply 'b"HTTP/1.0 200 OK\r\nServer: hi\x1b[31m\t\\ x\r\nContent-Length: 0\r\n\r\n"' \
	27374 12345 4444 6667
mport=$(cat "$tmp/mport" 2>/dev/null)
if [ -z "$mport" ]; then
	bad "audit evidence: no malware port free on 127.0.0.1"
else
	"$PL" audit 127.0.0.1 -p "$mport" --fail-on critical --json >"$tmp/audit.json" 2>&1
	if python3 - "$tmp/audit.json" <<'PY'; then
import json, sys
doc = json.load(open(sys.argv[1]))
want = "answered: HTTP/1.0 200 OK\r\nServer: hi\x1b[31m\t\\ x\r\nContent-Length: 0"
ev = [f["evidence"] for f in doc["findings"] if f["rule"] == "malware-port"]
if not ev or not ev[0].startswith(want):
    print("evidence %r, want it to start with %r" % (ev, want))
    sys.exit(1)
PY
		ok "audit --json: finding evidence is the bytes sent, escaped once"
	else
		bad "audit --json: $(head -c 600 "$tmp/audit.json")"
	fi
	"$PL" audit 127.0.0.1 -p "$mport" --fail-on critical --width=300 >"$tmp/audit.txt" 2>&1
	no_ctl "$tmp/audit.txt" "audit text"
	grep -qF 'answered: HTTP/1.0 200 OK\r\nServer: hi\x1b[31m\t\\ x\r\nContent-Length: 0' \
		"$tmp/audit.txt" && ok "audit text: CR, LF, ESC, tab and backslash each escaped once" ||
		bad "audit text: $(cat -v "$tmp/audit.txt" | head -12)"
fi

# 4. An HTTP server whose Server header carries ESC, BEL, SOH, BS, DEL, markup, a quote,
# a backslash and a byte that is not UTF-8: the model keeps the product and version as
# read, and each output escapes them once: probe --json and scan -oJ give back exactly
# those bytes, probe and scan text show them as \xNN (no control byte reaches the
# terminal), scan -oX is well-formed XML whose attribute holds the text form once
# (\x1b, never \\x1b or a raw byte).
serve "$tmp/hport" reply 'b"HTTP/1.0 200 OK\r\nServer: Ev\x1b[31mil\x07\x01<x>&\"\\/1.\x1b[0m2\x08\x7f\xff\r\nContent-Length: 0\r\n\r\n"'
hport=$(cat "$tmp/hport")
"$PL" probe --banner-wait 200 --json "127.0.0.1:$hport" >"$tmp/hprobe.json" 2>&1
"$PL" scan 127.0.0.1 -p "$hport" --sV --no-progress -oJ "$tmp/hscan.jsonl" \
	-oX "$tmp/hscan.xml" -oN "$tmp/hscan.txt" >/dev/null 2>&1
"$PL" probe --banner-wait 200 "127.0.0.1:$hport" >"$tmp/hprobe.txt" 2>&1
if python3 - "$tmp/hprobe.json" "$tmp/hscan.jsonl" "$tmp/hscan.xml" <<'PY'; then
import json, sys, xml.etree.ElementTree as ET
raw_product, raw_version = "Ev\x1b[31mil\x07\x01<x>&\"\\", "1.\x1b[0m2\x08\x7f\ufffd"
r = json.load(open(sys.argv[1]))["results"][0]
svc = [json.loads(l) for l in open(sys.argv[2]) if '"type":"service"' in l][0]
for what, got in (("probe --json", r), ("scan -oJ", svc)):
    if (got["product"], got["version"]) != (raw_product, raw_version):
        sys.exit(f"{what}: product/version {got['product']!r} {got['version']!r}")
x = ET.parse(sys.argv[3]).find(".//service")  # parses: well-formed
if x.get("product") != 'Ev\\x1b[31mil\\x07\\x01<x>&"\\' or "\\\\x1b" in x.get("version"):
    sys.exit(f"scan -oX: product {x.get('product')!r} version {x.get('version')!r}")
PY
	ok "HTTP Server header: JSON outputs give the bytes as read, XML the text form once"
else
	bad "HTTP Server header: $(head -c 400 "$tmp/hprobe.json")"
fi
no_ctl "$tmp/hprobe.txt" "probe text of a hostile Server header"
no_ctl "$tmp/hscan.txt" "scan --sV -oN of a hostile Server header"
grep -qF 'Ev\x1b[31mil\x07\x01<x>&"' "$tmp/hprobe.txt" &&
	ok "probe text: the product's control bytes shown once as \\xNN" ||
	bad "probe text: $(cat -v "$tmp/hprobe.txt" | head -3)"

# 2. Local processes with hostile names and command lines (any local user can choose
# them; the argument after the file carries an OSC title change).
python3 - "$tmp/lport" "$(printf 'x\033]2;cmd\007y')" <<'PY' &
import ctypes, os, socket, sys, time
libc = ctypes.CDLL(None)
libc.prctl(15, b"\x1b]0;x\x07evil", 0, 0, 0)  # PR_SET_NAME: the process name (comm)
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
r, w = os.pipe()
if os.fork() == 0:  # a second process, named =1+2, with a listener of its own
    s.close()
    libc.prctl(15, b"=1+2", 0, 0, 0)
    t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(1)
    os.write(w, b"%d" % t.getsockname()[1])
    time.sleep(30)
    os._exit(0)
other = int(os.read(r, 16))
open(sys.argv[1] + ".tmp", "w").write("%d %d\n" % (s.getsockname()[1], other))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(30)
PY
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/lport" ] && break; sleep 0.05; done
read -r lport fport <"$tmp/lport"
"$PL" listen --port "$lport" >"$tmp/listen.txt" 2>&1
no_ctl "$tmp/listen.txt" "listen text with a hostile process name"
grep -qF '\x1b]0;x\x07evil' "$tmp/listen.txt" && ok "listen text: name shown as \\xNN" ||
	bad "listen text: $(cat -v "$tmp/listen.txt")"
"$PL" listen --port "$lport" --csv 2>&1 | tr -d '\r' >"$tmp/listen.csv" # CRLF line ends
no_ctl "$tmp/listen.csv" "listen --csv"
"$PL" listen --port "$fport" --csv >"$tmp/listen.csv" 2>&1
grep -q "'=1+2" "$tmp/listen.csv" && ! grep -q ',=1+2' "$tmp/listen.csv" &&
	ok "listen --csv: a process named =1+2 cannot run as a formula" ||
	bad "listen --csv: $(cat -v "$tmp/listen.csv")"
# The port page's live section shows the holder's command line: through the terminal
# rule in text (it was written raw) and in Markdown (its own escaper passed ESC and BEL).
"$PL" "$lport" --color=always >"$tmp/page.txt" 2>&1
sed 's/\x1b\[[0-9;]*m//g' "$tmp/page.txt" >"$tmp/page.plain" # the page's own colours
no_ctl "$tmp/page.plain" "port page with a hostile command line"
grep -qF 'x\x1b]2;cmd\x07y' "$tmp/page.plain" && ok "port page: the command line shown as \\xNN" ||
	bad "port page: $(grep -A3 127.0.0.1 "$tmp/page.txt" | cat -v)"
"$PL" "$lport" --markdown >"$tmp/page.md" 2>&1
no_ctl "$tmp/page.md" "port page --markdown with a hostile process name"
grep -qF '\\x1b\]0;x\\x07evil' "$tmp/page.md" && ok "port page --markdown: the name escaped" ||
	bad "port page --markdown: $(grep -A3 127.0.0.1 "$tmp/page.md" | cat -v)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
