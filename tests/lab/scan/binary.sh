#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# binary.sh - which binary runs a scan. `portlens` runs a scan itself unless it asks
# for --sV or --save (only portlens-full links OpenSSL, SQLite and libpq); those it
# hands to portlens-full, with the command line as given, before it reads anything.
# Counted with strace (execve, and the libraries opened), inside a fresh network
# namespace (unshare -n) whose loopback holds a small HTTP server:
#   - a plain scan: one execve, no libcrypto/libsqlite3 opened, the open port found;
#   - --sV: portlens-full runs it with the arguments in their given order, and the
#     service is identified;
#   - --save --db FILE: portlens-full saves the scan into FILE;
#   - -iL - --sV: the target list on stdin reaches portlens-full unread;
#   - --resume FILE whose saved command line has --sV: portlens-full runs it;
#   - a bad option: the same message and exit code from both binaries.
# Usage: binary.sh PORTLENS_BINARY
set -euo pipefail
PORTLENS=$(realpath "$1")
FULL=$(dirname "$PORTLENS")/portlens-full
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (unshare -n)"; exit 77; }
command -v strace >/dev/null || { echo "FAIL: strace is not installed"; exit 1; }
[ -x "$FULL" ] || { echo "FAIL: no portlens-full next to $PORTLENS"; exit 1; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
export PORTLENS FULL D
# LeakSanitizer cannot run under ptrace; the other sanitizers still do.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

timeout 120 unshare -n bash -euo pipefail <<'INNER'
fail() { echo "FAIL: $*" >&2; exit 1; }
ip link set lo up
python3 -m http.server 8123 --bind 127.0.0.1 --directory "$D" >/dev/null 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8123), 1)' 2>/dev/null && break
	sleep 0.1
done

# traced ARGS...: portlens scan ARGS under strace; the trace in $D/trace.
traced() {
	strace -f -qq -e trace=execve,openat -o "$D/trace" "$PORTLENS" scan "$@" --no-progress \
		>"$D/out" 2>"$D/err" </dev/null
}
execs() { grep -c 'execve(' "$D/trace" || true; }

traced 127.0.0.1 -p 8123,8124 || fail "plain scan exited $?: $(cat "$D/err")"
[ "$(execs)" -eq 1 ] || fail "a plain scan executed another binary: $(grep execve "$D/trace")"
! grep -E 'libcrypto|libssl|libsqlite3|libpq' "$D/trace" >/dev/null ||
	fail "a plain scan loaded heavy libraries: $(grep -E 'libcrypto|libsqlite3' "$D/trace" | head -2)"
grep -q '^8123/tcp *open' "$D/out" || fail "plain scan did not find 8123 open: $(cat "$D/out")"
echo "ok: a plain scan runs in portlens itself, without OpenSSL, SQLite or libpq"

traced 127.0.0.1 -p 8123 --sV -T4 || fail "--sV exited $?: $(cat "$D/err")"
[ "$(execs)" -eq 2 ] || fail "--sV: expected portlens-full to run it: $(grep execve "$D/trace")"
grep 'execve(' "$D/trace" | tail -1 | grep -q 'portlens-full", \[[^]]*"scan", "127.0.0.1", "-p", "8123", "--sV", "-T4", "--no-progress"\]' ||
	fail "--sV: portlens-full did not get the command line as given: $(grep execve "$D/trace" | tail -1)"
grep -qi 'http' "$D/out" || fail "--sV: no service identified: $(cat "$D/out")"
echo "ok: --sV runs in portlens-full with the command line as given"

traced 127.0.0.1 -p 8123 --save --db "$D/s.db" || fail "--save exited $?: $(cat "$D/err")"
[ "$(execs)" -eq 2 ] || fail "--save: expected portlens-full to run it"
[ -s "$D/s.db" ] || fail "--save wrote no store"
python3 - "$D/s.db" <<'PY' || fail "--save: the store has no result for 8123"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
names = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
assert any(str(v) == "8123" for t in names for row in db.execute(f'select * from "{t}"') for v in row), names
PY
echo "ok: --save runs in portlens-full and saves the scan"

echo 127.0.0.1 | "$PORTLENS" scan -iL - -p 8123 --sV -T4 --no-progress >"$D/out" 2>"$D/err" ||
	fail "-iL - --sV exited $?: $(cat "$D/err")"
grep -q '^8123/tcp *open' "$D/out" || fail "-iL - --sV: the target on stdin was lost: $(cat "$D/out") $(cat "$D/err")"
echo "ok: -iL - reaches portlens-full unread"

printf 'portlens-resume 1\narg 127.0.0.1\narg -p\narg 8123\narg --sV\narg -T4\narg --seed=7\nnext 0\nend\n' >"$D/r.resume"
strace -f -qq -e trace=execve -o "$D/trace" "$PORTLENS" scan --resume "$D/r.resume" --no-progress \
	>"$D/out" 2>"$D/err" </dev/null || fail "--resume exited $?: $(cat "$D/err")"
[ "$(execs)" -eq 2 ] || fail "--resume of a --sV scan did not run in portlens-full"
grep -qi 'http' "$D/out" || fail "--resume --sV: no service identified: $(cat "$D/out")"
echo "ok: a resumed --sV scan runs in portlens-full"

rc1=0 rc2=0
"$PORTLENS" scan 127.0.0.1 --sV --bogus >"$D/o1" 2>"$D/e1" || rc1=$?
"$FULL" scan 127.0.0.1 --sV --bogus >"$D/o2" 2>"$D/e2" || rc2=$?
[ "$rc1" -eq 2 ] && [ "$rc1" -eq "$rc2" ] && cmp -s "$D/e1" "$D/e2" ||
	fail "bad option: portlens exit $rc1 '$(cat "$D/e1")', portlens-full exit $rc2 '$(cat "$D/e2")'"
echo "ok: a bad option gets the same message from both binaries"
INNER
echo "binary: all passed"
