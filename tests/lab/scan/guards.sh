#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# guards.sh - what scan and audit must never send, checked where nothing can leave the
# machine: every command runs inside a fresh network namespace (unshare -n, only a
# down loopback) under strace, and the connect() calls to IPv4/IPv6 addresses are
# counted instead of trusting the guard.
#   - audit TARGETS has scan's size guard: 0.0.0.0/0 or a /15 without --yes-large is
#     refused before any probe;
#   - IPv4-mapped forms of never-probe addresses (::ffff:0.0.0.0, ::ffff:224.0.0.1,
#     ::ffff:255.255.255.255) reach no connect(), in scan and in audit.
# A positive control (127.0.0.1, one port) shows the counting sees a real probe.
# Usage: guards.sh PORTLENS_BINARY
set -euo pipefail
PORTLENS=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (unshare -n)"; exit 77; }
command -v strace >/dev/null || { echo "FAIL: strace is not installed"; exit 1; }
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# count_connects EXPECTED_RC CMD...: runs portlens CMD in an empty namespace; prints
# the number of connect() calls to an IPv4/IPv6 address.
count_connects() {
	local want=$1 rc=0
	shift
	# LeakSanitizer cannot run under ptrace; the other sanitizers still do.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout 60 unshare -n strace -f -qq -e trace=connect -o "$D/trace" \
		"$PORTLENS" "$@" >"$D/out" 2>"$D/err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$D/err"; fail "portlens $* exited $rc, not $want"; }
	grep -c 'AF_INET' "$D/trace" || true
}

n=$(count_connects 0 scan 127.0.0.1 -p 9 --no-progress --timeout 100)
[ "$n" -ge 1 ] || fail "control: scan 127.0.0.1 -p 9 made no connect() ($n)"
echo "ok: the control probe is counted ($n connect calls)"

n=$(count_connects 2 audit 0.0.0.0/0)
[ "$n" -eq 0 ] || fail "audit 0.0.0.0/0 made $n connect() calls"
grep -q -- "--yes-large" "$D/err" || fail "audit 0.0.0.0/0: no --yes-large hint: $(cat "$D/err")"
n=$(count_connects 2 audit 198.18.0.0/15 -p 1 --no-probe)
[ "$n" -eq 0 ] || fail "audit 198.18.0.0/15 made $n connect() calls"
echo "ok: audit refuses more than a /16 of probes without --yes-large, sending nothing"

mapped=(::ffff:0.0.0.0 ::ffff:224.0.0.1 ::ffff:255.255.255.255 ::ffff:0:0/120
	64:ff9b::e000:1)
n=$(count_connects 0 scan "${mapped[@]}" -p 80,443 --no-progress --timeout 100)
[ "$n" -eq 0 ] || fail "scan of IPv4-mapped never-probe addresses made $n connect() calls"
grep -q "skipped" "$D/out" || fail "scan output does not count the skipped probes"
n=$(count_connects 0 audit "${mapped[@]}" -p 80 --no-probe)
[ "$n" -eq 0 ] || fail "audit of IPv4-mapped never-probe addresses made $n connect() calls"
echo "ok: IPv4-mapped multicast, broadcast and 0.0.0.0/8 reach no connect()"
echo "guards: all passed"
