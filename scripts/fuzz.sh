#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the whole tree with clang, ASan+UBSan and libFuzzer coverage instrumentation
# (-fsanitize=fuzzer-no-link, so the library's branches guide the fuzzer), then fuzzes
# every target of fuzz/meson.build for FUZZ_SECONDS (default 60) from its seed corpus.
# New crashes land in fuzz-build/crash-NAME-*; once fixed, copy them into
# fuzz/corpus/NAME/ so the replay test (run by `make test`) keeps them fixed.
# It reports but never fails; `make fuzz-long` (scripts/fuzz-long.sh) fails on any finding
# and prints executions per target.
# Usage: scripts/fuzz.sh [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/fuzz-lib.sh
secs=${FUZZ_SECONDS:-60}
fuzz_build "$@"
names=${*:-$(fuzz_names)}
for name in $names; do
	mkdir -p "fuzz-build/corpus-$name"
	echo "fuzzing $name for ${secs}s"
	"fuzz-build/fuzz/fuzz_$name" -max_total_time="$secs" -artifact_prefix="fuzz-build/crash-$name-" \
		"fuzz-build/corpus-$name" "fuzz/corpus/$name" 2>&1 | grep -E "^#[0-9]+[[:space:]]+DONE|ERROR|SUMMARY" || true
done
