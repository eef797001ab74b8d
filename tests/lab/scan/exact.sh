#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# exact.sh - a scan reports exactly the open set, and tells closed, filtered (nftables
# drop) and unreachable (ICMP host-unreachable) apart, for IPv4 and IPv6. Listeners sit
# on random (address, port) pairs of a /24 (and an IPv6 /120) in the target namespace;
# every one of the 65536 probes per family must be reported exactly once.
# Usage: exact.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
scan_lab_setup exact
SEED=${LAB_SEED:-$RANDOM}
echo "lab seed $SEED (LAB_SEED=$SEED to repeat)"
D=$LAB_DIR

run_family() {
	local fam=$1 prefix=$2 range=$3 probes=$4
	random_pairs "$fam" 30 "$SEED" "$prefix" 1 256 >"$D/all.$fam"
	sed -n 1,18p "$D/all.$fam" >"$D/open.$fam"
	sed -n 19,24p "$D/all.$fam" >"$D/drop.$fam"
	sed -n 25,27p "$D/all.$fam" >"$D/unreach.$fam"
	sed -n 28,30p "$D/all.$fam" >"$D/reset.$fam"
	# shellcheck disable=SC2046
	lab_listen t open $(cat "$D/open.$fam")
	# A listener behind a drop rule must still look filtered.
	lab_listen t open $(sed -n 19,20p "$D/all.$fam")
	while IFS= read -r pair; do
		local addr=${pair%:*} port=${pair##*:}
		addr=${addr#[}
		addr=${addr%]}
		case $pair in
		*) ;;
		esac
		if grep -qxF "$pair" "$D/drop.$fam"; then lab_drop t "$addr" "$port"; fi
		if grep -qxF "$pair" "$D/unreach.$fam"; then lab_unreach t "$addr" "$port"; fi
		if grep -qxF "$pair" "$D/reset.$fam"; then lab_reset t "$addr" "$port"; fi
	done <"$D/all.$fam"
	timeout 120 "$PORTLENS" --version >/dev/null
	timeout 120 ip netns exec "$(lab_nsname s)" "$PORTLENS" scan "$range" -p 1-256 \
		--all-states --timeout 500 --retries 2 --no-progress -oJ "$D/res.$fam.jsonl" \
		>"$D/text.$fam" || fail "$fam scan exited $?"
	$CHECK exact --results "$D/res.$fam.jsonl" --open "$D/open.$fam" \
		--filtered "$D/drop.$fam" --unreachable "$D/unreach.$fam" --probes "$probes" ||
		fail "$fam: results differ from the lab"
	# The text output lists exactly the open ports.
	[ "$(grep -c ' open ' "$D/text.$fam")" -eq 18 ] || fail "$fam: text output"
}

# IPv4: 198.19.7.0/24 x 256 ports; .255 is probed too (not a broadcast address here).
run_family v4 198.19.7 198.19.7.0/24 $((256 * 256))
# IPv6: 2001:2:0:1::/120 x 256 ports (no broadcast in IPv6).
run_family v6 2001:2:0:1:: 2001:2:0:1::/120 $((256 * 256))
echo "PASS: exact open/closed/filtered/unreachable sets, IPv4 and IPv6"
