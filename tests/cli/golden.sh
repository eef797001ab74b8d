#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CLI golden tests: runs each case of tests/cli/cases.txt and compares stdout, stderr
# and the exit code with tests/cli/golden/NAME.out. `golden.sh PORTLENS --update`
# rewrites the golden files (review the diff before committing).
# Cases run with --no-live-style determinism: no terminal, fixed HOME, no NO_COLOR.
set -uo pipefail
portlens=$(realpath "$1")
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

while IFS='|' read -r name args; do
	case "$name" in '' | '#'*) continue ;; esac
	out="$tmp/$name.out"
	# shellcheck disable=SC2086 # args are word-split on purpose, as a shell would
	(cd "$here/fixtures" && env -i PATH="$PATH" HOME="$tmp/home" LANG=C.UTF-8 \
		sh -c "\"$portlens\" $args" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null)
	rc=$?
	{
		cat "$tmp/stdout"
		echo "--- stderr"
		cat "$tmp/stderr"
		echo "--- exit $rc"
	} >"$out"
	if [ "$update" = "--update" ]; then
		cp "$out" "$here/golden/$name.out"
		continue
	fi
	if diff -u "$here/golden/$name.out" "$out" >"$tmp/diff"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: portlens $args"
		head -40 "$tmp/diff"
	fi
done <"$here/cases.txt"

[ "$update" = "--update" ] && { echo "golden files updated"; exit 0; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
