#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shard.sh - --shard I/N splits one scan exactly: three shards with one seed report
# disjoint probe sets whose union is every probe of the scan, with the lab's open set;
# each shard gets a third (to within one probe) of the positions.
# Usage: shard.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup shard
SEED=${LAB_SEED:-$RANDOM}
echo "lab seed $SEED"
D=$LAB_DIR
random_pairs v4 25 "$SEED" 198.19.9 1 256 >"$D/open"
# shellcheck disable=SC2046
lab_listen t open $(cat "$D/open")
for i in 1 2 3; do
	timeout 60 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan 198.19.9.0/24 -p 1-256 \
		--seed "$SEED" --shard "$i/3" --all-states --timeout 400 --no-progress \
		-oJ "$D/shard$i.jsonl" >/dev/null || fail "shard $i exited $?"
	n=$(grep -c '"type":"result"' "$D/shard$i.jsonl")
	echo "shard $i/3: $n results"
	# 65536 positions / 3 (every address of the /24 is probed, .255 included).
	[ "$n" -ge 21845 ] && [ "$n" -le 21846 ] || fail "shard $i has $n results"
done
$CHECK exact --results "$D"/shard{1,2,3}.jsonl --open "$D/open" --probes 65536 ||
	fail "shards overlap or miss probes"
echo "PASS: 3 shards are disjoint and cover the scan"
