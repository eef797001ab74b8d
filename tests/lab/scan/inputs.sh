#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# inputs.sh - scan's hostile and unbounded inputs, each bounded in time and memory
# (GNU time's peak RSS) and answered with one clear line:
#   - a bad target names the target and the octet once ("bad target 'X': octet 1: ...");
#   - -iL of a directory says so; -iL /dev/zero stops at the line limit; an endless
#     stream of targets stops at the spec limit; a resume file of /dev/zero likewise;
#   - -p of 2,000 (and 60,000) '-' items is parsed as ranges: instant and small;
#   - --dry-run counts a /15 x 65535 ports without walking it and writes no resume file;
#   - --json is JSON lines on stdout; two formats on stdout are refused;
#   - the XML rewrite and the resume file never follow a symlink planted at their
#     temporary names in a world-writable directory;
#   - a failed --save shows in every output (or leaves none).
# Nothing here sends a packet: every scan is refused, a dry run, or aimed at 127.0.0.1,
# and the whole script runs inside `unshare -n` when it can.
# Usage: inputs.sh PORTLENS_BINARY
set -euo pipefail
PORTLENS=$(realpath "$1")
if [ -z "${INPUTS_NETNS:-}" ] && [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	INPUTS_NETNS=1 exec unshare -n bash "$0" "$@"
fi
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cd "$D"
fail() { echo "FAIL: $*" >&2; exit 1; }

# run EXPECTED_RC MAX_SECONDS MAX_KB ARGS...: portlens ARGS, stdout in out, stderr in err.
run() {
	local want=$1 secs=$2 kb=$3 rc=0
	shift 3
	timeout "$secs" /usr/bin/time -f '%M' -o "$D/rss" "$PORTLENS" "$@" >"$D/out" 2>"$D/err" ||
		rc=$?
	local cmd
	cmd=$(printf '%.100s' "$*")
	[ "$rc" -ne 124 ] || fail "portlens $cmd took more than $secs s"
	[ "$rc" -eq "$want" ] || { head -c 300 "$D/err"; fail "portlens $cmd exited $rc, not $want"; }
	[ "$(tail -1 "$D/rss")" -le "$kb" ] || fail "portlens $cmd: peak RSS $(tail -1 "$D/rss") KB"
}
err_is() { grep -qF -- "$1" "$D/err" || fail "expected '$1' on stderr, got: $(cat "$D/err")"; }

run 2 10 65536 scan 300.1.1.1 -p 1
[ "$(grep -o "300.1.1.1" "$D/err" | wc -l)" -eq 1 ] || fail "target named twice: $(cat "$D/err")"
err_is "bad target '300.1.1.1': octet 1: 300 is out of range 0-255"
run 2 10 65536 scan 198.18.3-1.1 -p 1
err_is "octet 3: octet range 3-1 is reversed"
echo "ok: bad targets named once, with the octet and the reason"

run 2 10 65536 scan -iL /tmp -p 1
err_is "cannot read /tmp: Is a directory"
run 2 10 65536 scan -iL /dev/zero -p 1
err_is "line longer than"
run 2 10 65536 scan --excludefile /dev/zero 127.0.0.1 -p 1
err_is "line longer than"
run 2 10 65536 scan -iL "$D/missing" -p 1
err_is "-iL: cannot open $D/missing: No such file or directory"
rc=0
yes 127.0.0.1 | timeout 20 /usr/bin/time -f '%M' -o "$D/rss" "$PORTLENS" scan -iL - -p 1 \
	>/dev/null 2>"$D/err" || rc=$?
[ "$rc" -eq 2 ] || fail "yes | scan -iL - exited $rc"
err_is "more than 1048576 target specs"
[ "$(tail -1 "$D/rss")" -le 262144 ] || fail "yes | scan -iL -: peak RSS $(tail -1 "$D/rss") KB"
run 2 10 65536 scan --resume /dev/zero
err_is "line longer than"
run 2 10 65536 scan --resume /tmp
err_is "Is a directory"
echo "ok: target files and resume files are streamed, bounded, and read errors reported"

dashes=$(python3 -c "print(','.join(['-'] * 2000))")
run 0 5 65536 scan 127.0.0.1 -p "$dashes" --dry-run
grep -q "1 addresses x 65535 ports = 65535 probes" "$D/out" || fail "-p of 2000 '-': $(cat "$D/out")"
dashes=$(python3 -c "print(','.join(['-'] * 60000))")
run 0 5 65536 scan 127.0.0.1 -p "$dashes" --dry-run
grep -q "65535 probes" "$D/out" || fail "-p of 60000 '-': $(cat "$D/out")"
run 2 5 65536 scan 127.0.0.1 -p 1-100 --exclude-ports "$dashes" --dry-run
err_is "no ports left to scan"
echo "ok: port lists of 2,000 and 60,000 full ranges are parsed as ranges"

run 0 5 65536 scan 198.18.0.0/15 -p- --dry-run
grep -q "131072 addresses x 65535 ports = 8589803520 probes" "$D/out" ||
	fail "dry run count: $(cat "$D/out")"
[ ! -e portlens-scan.resume ] || fail "a dry run wrote a resume file"
echo "ok: --dry-run counts 8.6e9 probes in O(1)"

run 0 10 65536 scan 127.0.0.1 -p 9 --json --no-progress --timeout 200
python3 - "$D/out" <<'PY' || fail "--json is not JSON lines on stdout"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs[0]["type"] == "start" and recs[-1]["type"] == "end", recs
PY
run 2 10 65536 scan 127.0.0.1 -p 9 -oX - -oJ -
err_is "would mix two formats on stdout"
run 2 10 65536 scan 127.0.0.1 -p 9 --json -oX -
err_is "would mix two formats on stdout"
run 2 10 65536 scan 127.0.0.1 -p 9 --markdown
err_is "no Markdown output"
echo "ok: --json honoured, one format on stdout"
# -p LIST with --top-ports N is the N best-ranked ports of LIST, as in nmap (it scanned
# LIST plus the top N: -p 22 --top-ports 5 probed five ports).
top_of_list() {
	run 0 10 65536 scan 127.0.0.1 "$@" --json --all-states --no-progress --timeout 200
	python3 - "$D/out" "$want" <<'PY' || fail "scan $* scanned other ports than $want"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = sorted(r["port"] for r in recs if r["type"] == "result")
want = sorted(int(p) for p in sys.argv[2].split(","))
assert recs[0]["ports"] == len(want) and got == want, (recs[0]["ports"], got)
PY
}
want=22,80 top_of_list -p 22,80,60001-60010 --top-ports 2
want=22 top_of_list -p 22 --top-ports 5
want=53,161 top_of_list -sU -p 53,161,60001-60010 --top-ports 2
echo "ok: -p LIST --top-ports N scans the N best-ranked ports of LIST"
# Temporary files never follow a planted symlink: in a world-writable directory another
# user may create OUT.xml.tmp or the resume file's .tmp as a link to any file.
W="$D/shared"
mkdir "$W"
chmod 0777 "$W"
echo "precious" >"$D/victim"
ln -s "$D/victim" "$W/out.xml.tmp"
ln -s "$D/victim" "$W/state.resume.tmp"
rc=0
timeout 20 "$PORTLENS" scan 127.0.0.1 -p 1-2000 --rate 400 --timeout 50 --no-progress \
	--stats-json 1 -oX "$W/out.xml" --resume-file "$W/state.resume" >/dev/null 2>"$D/err" &
pid=$!
# Interrupt once the scan runs (its first stats line), not while it starts up.
for _ in $(seq 100); do grep -q '"type":"stats"' "$D/err" && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid" || rc=$?
[ "$rc" -eq 130 ] || { cat "$D/err"; fail "interrupted scan exited $rc, not 130"; }
[ "$(cat "$D/victim")" = "precious" ] || fail "a planted symlink was followed: victim overwritten"
[ -L "$W/out.xml.tmp" ] && [ -L "$W/state.resume.tmp" ] || fail "planted links were replaced"
grep -q "^portlens-resume 1" "$W/state.resume" || fail "no resume file written"
xmllint --noout "$W/out.xml" || fail "XML output is not well-formed"
echo "ok: temporary files are created fresh (O_EXCL), planted symlinks are not followed"
# A failed --save shows in every output. A store that cannot be opened leaves no
# output at all; a store that fills up mid-scan (a 256 KiB tmpfs) marks each output's
# footer as failed (XML exit="error" errormsg, JSON "error", text "failed").
run 1 10 262144 scan 127.0.0.1 -p 9 --no-progress --save --db /proc/none/x.db \
	-oX "$D/f.xml" -oJ "$D/f.jsonl"
[ ! -e "$D/f.xml" ] && [ ! -e "$D/f.jsonl" ] || fail "a failed --save left outputs behind"
[ ! -s "$D/out" ] || fail "a failed --save printed a result table: $(head -3 "$D/out")"
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	mkdir "$D/full"
	rc=0
	timeout 60 unshare -m sh -c 'mount -t tmpfs -o size=256k tmpfs "$1" && shift && exec "$@"' \
		sh "$D/full" "$PORTLENS" scan 127.0.0.1 -p 1-65535 --all-states --no-progress \
		--save --db "$D/full/x.db" -oX "$D/f.xml" -oJ "$D/f.jsonl" -oN "$D/f.txt" \
		>/dev/null 2>"$D/err" || rc=$?
	[ "$rc" -eq 1 ] || { cat "$D/err"; fail "scan with a full store exited $rc, not 1"; }
	err_is "only partly saved"
	grep -q 'exit="error" errormsg="--save failed' "$D/f.xml" || fail "XML looks finished"
	tail -1 "$D/f.jsonl" | grep -q '"error":"--save failed' || fail "JSON end record has no error"
	grep -q "^# portlens failed: --save failed" "$D/f.txt" || fail "text output looks finished"
	xmllint --noout "$D/f.xml" || fail "XML of a failed run is not well-formed"
	echo "ok: a store that fills up mid-scan shows as a failure in every output"
else
	echo "SKIP: the full-store case needs root (unshare -m)"
fi
echo "inputs: all passed"
