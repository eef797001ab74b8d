#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# units.sh - the shipped systemd units (dist/systemd, as configured by meson): each
# passes `systemd-analyze verify` (syntax, directives, the ExecStart binary: pointed
# at the build's portlens here), keeps its sandbox (ProtectSystem=strict, PrivateTmp,
# a capability bounding set of exactly what it needs: none for serve, the five watch
# uses), and `systemd-analyze security --offline` rates serve's exposure below 3.0
# ("OK") and watch's below 6.0 (it needs root's view of every process and namespace).
# Skips (77) where systemd-analyze is missing.
# Usage: units.sh BUILD_DIST_DIR PORTLENS_BINARY
set -euo pipefail
UNITS=$1
PORTLENS=$(realpath "$2")
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
D=$(mktemp -d /tmp/pl-units.XXXXXX)
trap 'rm -rf "$D"' EXIT
for u in portlens-watch.service portlens-serve.service; do
	[ -f "$UNITS/$u" ] || fail "$u was not configured"
	grep -q '@BINDIR@' "$UNITS/$u" && fail "$u: @BINDIR@ left unreplaced"
	sed -E "s#^ExecStart=[^ ]*/portlens #ExecStart=$PORTLENS #" "$UNITS/$u" >"$D/$u"
	out=$(cd "$D" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no "$D/$u" 2>&1) ||
		fail "$u: systemd-analyze verify: $out"
	# verify only warns about unknown or misspelt directives: none may be left
	[ -z "$out" ] || fail "$u: systemd-analyze verify says: $out"
	for want in 'ProtectSystem=strict' 'PrivateTmp=yes' 'NoNewPrivileges=yes' \
		'MemoryDenyWriteExecute=yes' 'SystemCallArchitectures=native'; do
		grep -qx "$want" "$D/$u" || fail "$u: no $want"
	done
done
[ "$(grep '^CapabilityBoundingSet=' "$D/portlens-serve.service")" = "CapabilityBoundingSet=" ] ||
	fail "serve must have no capability"
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$D/portlens-watch.service" | tr ' ' '\n' | sort | tr '\n' ' ')
[ "$caps" = "CAP_BPF CAP_DAC_READ_SEARCH CAP_PERFMON CAP_SYS_ADMIN CAP_SYS_PTRACE " ] ||
	fail "watch's bounding set is '$caps'"
# the options watch's ExecStart is given are options watch takes
"$PORTLENS" watch --state-dir "$D/state" --syslog --poll --duration 1 >/dev/null 2>&1 ||
	fail "watch refuses the unit's default options"
for u in portlens-serve.service:3.0 portlens-watch.service:6.0; do
	name=${u%%:*} max=${u##*:}
	score=$(cd "$D" && systemd-analyze security --offline=true "$D/$name" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	[ -n "$score" ] || { echo "note: systemd-analyze security --offline gave no score for $name"; continue; }
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" \
		"$score" "$max" || fail "$name: exposure $score, not below $max"
	echo "$name: exposure $score (below $max)"
done
echo PASS
