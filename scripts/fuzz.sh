#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds every fuzz target listed in fuzz/meson.build with clang's libFuzzer + ASan +
# UBSan and fuzzes each for FUZZ_SECONDS (default 60), starting from its seed corpus.
# New crashes are written to fuzz-build/crash-*; copy them into fuzz/corpus/NAME/ once
# fixed so the replay test keeps them fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
CC=clang meson setup fuzz-build --buildtype=debug -Db_sanitize=address,undefined \
	-Db_lundef=false >/dev/null 2>&1 || true
ninja -C fuzz-build libportlens.a libplcore.a >/dev/null
names=$(sed -n "s/^  '\([a-z0-9_]*\)' : files('\([^']*\)'.*/\1:\2/p" fuzz/meson.build)
for entry in $names; do
	name=${entry%%:*}
	src=${entry#*:}
	out=fuzz-build/fuzz_$name
	clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude -Isrc -Isrc/lib \
		"fuzz/$src" fuzz-build/libportlens.a fuzz-build/libplcore.a \
		$(pkg-config --libs libmnl sqlite3 libpcre2-8 expat openssl jansson libmicrohttpd 2>/dev/null) -lm -o "$out"
	mkdir -p "fuzz-build/corpus-$name"
	echo "fuzzing $name for ${secs}s"
	"$out" -max_total_time="$secs" -artifact_prefix="fuzz-build/crash-$name-" \
		"fuzz-build/corpus-$name" "fuzz/corpus/$name" 2>&1 | tail -3
done
