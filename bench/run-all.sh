#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every benchmark (bench/*/run.sh) against the release build and prints their
# reports. Some need root (lab namespaces); they say so and skip otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
for b in bench/*/run.sh; do
	echo "=== $b"
	"$b" build || echo "($b failed with status $?)"
done
