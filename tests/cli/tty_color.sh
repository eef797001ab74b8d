#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Color decisions on a real pseudo-terminal (util-linux `script` provides one):
# colored by default on a TTY, plain with NO_COLOR or --color=never, plain in a pipe.
set -uo pipefail
portlens=$(realpath "$1")
fail=0
esc=$'\033['
check() { # name expect(yes|no) output
	if [ "$2" = yes ] && [[ "$3" != *"$esc"* ]]; then echo "FAIL $1: no color"; fail=1; fi
	if [ "$2" = no ] && [[ "$3" == *"$esc"* ]]; then echo "FAIL $1: unexpected color"; fail=1; fi
}
tty_run() { TERM=xterm script -qec "$*" /dev/null </dev/null; }
check "tty default" yes "$(tty_run "$portlens" 2323 --no-live)"
check "tty NO_COLOR" no "$(NO_COLOR=1 tty_run "$portlens" 2323 --no-live)"
check "tty --color=never" no "$(tty_run "$portlens" 2323 --no-live --color=never)"
check "pipe default" no "$("$portlens" 2323 --no-live | cat)"
check "pipe --color=always" yes "$("$portlens" 2323 --no-live --color=always | cat)"
# Width follows the terminal: a 60-column TTY never gets a line over 60 columns of prose.
wide=$(stty cols 60 2>/dev/null; TERM=xterm script -qec "stty cols 60; $portlens 2323 --no-live --color=never" /dev/null </dev/null |
	sed -n '/The range it lives in/,/Known unofficial/p' | tr -d '\r' | awk '{ if (length($0) > 60) print }')
[ -z "$wide" ] || { echo "FAIL tty width: lines over 60 columns:"; echo "$wide"; fail=1; }
[ $fail -eq 0 ] && echo "6 passed, 0 failed" || echo "color checks failed"
exit $fail
