#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `portlens site`: time and size of the full static export (every port with registry or
# knowledge data, four languages), beside the time `cp -r` takes to copy the result (the
# floor for writing that many files on this disk). Usage: bench/site/run.sh BUILD_DIR
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
bench_portlens "${1:-}"
bench_workdir site
tmp=$BENCH_DIR
start=$(date +%s.%N)
"$PORTLENS" site "$tmp/site" --base-url https://ports.example/ >"$tmp/summary"
end=$(date +%s.%N)
copy_start=$(date +%s.%N)
cp -r "$tmp/site" "$tmp/copy"
copy_end=$(date +%s.%N)
read -r export_s copy_s ratio < <(python3 -c "e=$end-$start; c=$copy_end-$copy_start; print(f'{e:.2f} {c:.2f} {e/c:.2f}')")
cat "$tmp/summary"
echo "export: ${export_s} s; cp -r of the result: ${copy_s} s; ratio ${ratio}"
echo "size on disk: $(du -sh "$tmp/site" | cut -f1); files: $(find "$tmp/site" -type f | wc -l)"
echo "per language: $(du -sh "$tmp/site/en" | cut -f1) (en)"
