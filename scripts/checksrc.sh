#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Source checks clang-format cannot do (DESIGN.md conventions 5, 10, 11, 13):
# banned unbounded/unsafe functions, SPDX headers, no printing/exiting in the library,
# and file length. Prints every violation as FILE:LINE: message; exit 1 if any.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "$1"; status=1; }

files=$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tools/*.c' 'tools/*.h')

# Unbounded or error-swallowing functions.
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok|tmpnam|mktemp)[[:space:]]*\('
while IFS= read -r hit; do fail "$hit: banned function (see docs/CODE_STYLE.md)"; done \
	< <(grep -nE "$banned" $files | grep -v '^\S*:[0-9]*:\s*\*' || true)

# The library never prints, exits or aborts.
lib=$(git ls-files 'src/lib/*.c')
while IFS= read -r hit; do fail "$hit: the library must not print or exit"; done \
	< <(grep -nE '\b(printf|puts|perror|exit|abort|fputs|putchar)[[:space:]]*\(|\b(stdout|stderr)\b' $lib || true)

for f in $files; do
	head -1 "$f" | grep -q 'SPDX-License-Identifier' || fail "$f:1: missing SPDX line"
	n=$(wc -l <"$f")
	[ "$n" -le 800 ] || fail "$f: $n lines (limit 800; split it)"
done
[ $status -eq 0 ] && echo "checksrc: ok"
exit $status
