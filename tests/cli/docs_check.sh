#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every subcommand listed by `portlens --help` has working `--help` and a paragraph in
# the man page, and the man page renders without groff warnings.
set -uo pipefail
portlens=$(realpath "$1")
man=$2
pass=0
fail=0
cmds=$("$portlens" --help | sed -n '/^commands:/,/^$/p' | awk 'NF && !/commands:/ {print $1}')
[ -n "$cmds" ] || { echo "FAIL: no commands listed by --help"; exit 1; }
for c in $cmds; do
	if "$portlens" "$c" --help >/dev/null 2>&1; then pass=$((pass + 1)); else
		echo "FAIL: portlens $c --help"; fail=$((fail + 1)); fi
	if grep -qE "^\.B(R)? $c\b|^\.BR $c \"|^\.B $c\$|portlens $c" "$man"; then pass=$((pass + 1)); else
		echo "FAIL: man page does not document '$c'"; fail=$((fail + 1)); fi
done
warn=$(LC_ALL=C.UTF-8 groff -man -ww -z "$man" 2>&1)
if [ -z "$warn" ]; then pass=$((pass + 1)); else echo "FAIL: groff: $warn"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
