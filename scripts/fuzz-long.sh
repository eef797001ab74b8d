#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make fuzz-long`: fuzzes every libFuzzer target (or the NAMEs given) for FUZZ_SECONDS
# each (default 60), one target at a time in one process (the machine has two cores), and
# fails on any finding: a crash, an ASan or UBSan report, a leak, an input slower than
# FUZZ_TIMEOUT seconds (default 10), or more than FUZZ_RSS_MB of memory (default 2048).
# Each target starts from its seed corpus (fuzz/corpus/NAME) plus what earlier runs found
# (fuzz-build/corpus-NAME). At the end a table gives per target the executions, the
# executions per second, the corpus size and the result; it is also written as Markdown to
# fuzz-build/fuzz-long.md for bench/RESULTS.md. A finding is named with its target, its
# input (fuzz-build/findings/NAME-KIND-SHA1) and the top of its stack; the full output is
# in fuzz-build/logs/NAME.log. Once fixed, copy the input into fuzz/corpus/NAME/ so the
# replay test (run by `make test`) keeps it fixed. Exit status: 0 clean, 1 any finding.
# Usage: scripts/fuzz-long.sh [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/fuzz-lib.sh
secs=${FUZZ_SECONDS:-60}
tmo=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
for v in "$secs" "$tmo" "$rss"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || {
		echo "fuzz-long: FUZZ_SECONDS, FUZZ_TIMEOUT and FUZZ_RSS_MB take whole numbers > 0 (got '$v')" >&2
		exit 2
	}
done

fuzz_build "$@"
names=${*:-$(fuzz_names)}
# No target may send anything anywhere; where we may, each runs in a network namespace of
# its own (no interfaces up), so a parser that reached a resolver or a socket stays inside.
nonet=()
if unshare -n true 2>/dev/null; then nonet=(unshare -n); fi
mkdir -p "$FUZZ_BUILD/logs" "$FUZZ_BUILD/findings"
table="$FUZZ_BUILD/fuzz-long.md"
failed=()
rows=()

# What the log of one run says happened: "ok", or the kind of finding.
verdict() {
	local log=$1 rc=$2 what
	what=$(grep -m1 -oE 'ERROR: libFuzzer: [a-z-]+( signal)?|ERROR: [A-Za-z]+Sanitizer(: [A-Za-z-]+)?|runtime error: .{0,80}' "$log" || true)
	case $what in
	'ERROR: libFuzzer: timeout') echo "timeout (input over ${tmo}s)" ;;
	'ERROR: libFuzzer: out-of-memory' | 'ERROR: libFuzzer: malloc-limit') echo "out of memory (${rss} MB)" ;;
	'ERROR: LeakSanitizer'*) echo "leak" ;;
	'runtime error: '*) echo "UBSan: ${what#runtime error: }" ;;
	'ERROR: AddressSanitizer: '*) echo "ASan: ${what#ERROR: AddressSanitizer: }" ;;
	'ERROR: libFuzzer: '*) echo "crash (${what#ERROR: libFuzzer: })" ;;
	?*) echo "${what#*ERROR: }" ;;
	*) if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "hang (did not stop after ${secs}s)"
	elif [ "$rc" -ne 0 ]; then
		echo "failed (exit $rc)"
	elif ! grep -q '^Done [0-9]* runs' "$log"; then
		echo "failed (no summary)"
	else
		echo ok
	fi ;;
	esac
}

for name in $names; do
	exe="$FUZZ_BUILD/fuzz/fuzz_$name"
	seeds="fuzz/corpus/$name"
	log="$FUZZ_BUILD/logs/$name.log"
	work="$FUZZ_BUILD/corpus-$name"
	if [ ! -x "$exe" ] || [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
		echo "fuzz-long: $name: no executable $exe or no seeds in $seeds" >&2
		failed+=("$name")
		rows+=("$name|-|-|-|no target or no seeds")
		continue
	fi
	mkdir -p "$work"
	echo "fuzz-long: $name for ${secs}s"
	rc=0
	# Halt on the first UBSan report, so it counts as a finding with its input saved. The
	# outer timeout catches a fuzzer that never stops (a hang libFuzzer cannot see).
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
		timeout -k 10 $((secs + 4 * tmo + 120)) "${nonet[@]}" "$exe" -max_total_time="$secs" \
		-timeout="$tmo" -rss_limit_mb="$rss" -malloc_limit_mb="$rss" -detect_leaks=1 \
		-print_final_stats=1 -artifact_prefix="$FUZZ_BUILD/findings/$name-" \
		"$work" "$seeds" >"$log" 2>&1 || rc=$?
	result=$(verdict "$log" "$rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	corpus=$(sed -n 's/.* corp: \([0-9]*\)\/\([0-9]*[a-zA-Z]*\) .*/\1 (\2)/p' "$log" | tail -1)
	rows+=("$name|${execs:--}|${rate:--}|${corpus:--}|$result")
	if [ "$result" != ok ]; then
		failed+=("$name")
		input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
		echo "fuzz-long: FINDING in $name: $result"
		echo "  input: ${input:-none saved}  (reproduce: $exe ${input:-})"
		echo "  log:   $log"
		# The frames in the project's own code, first stack (the fault) before the rest.
		grep -E '^ *#[0-9]+ 0x[0-9a-f]+ in ' "$log" | grep -F "$PWD/" | grep -E '\.[ch]:[0-9]+' | head -8 |
			sed 's/^ */    /' || true
	fi
done

{
	echo "| target | executions | execs/s | corpus (units, bytes) | result |"
	echo "| --- | ---: | ---: | ---: | --- |"
	for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
} >"$table"
echo
printf '%-14s %14s %10s %16s  %s\n' target executions execs/s corpus result
for r in "${rows[@]}"; do
	IFS='|' read -r n e s c res <<<"$r"
	printf '%-14s %14s %10s %16s  %s\n' "$n" "$e" "$s" "$c" "$res"
done
echo "(${secs}s per target, inputs over ${tmo}s or ${rss} MB are findings${nonet:+, no network}; table also in $table)"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz-long: FAILED: ${failed[*]}"
	exit 1
fi
echo "fuzz-long: ok, no findings"
