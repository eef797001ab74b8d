# SPDX-License-Identifier: MIT
# common.sh - sourced by the browser test runners (run.sh, site.sh): what both need
# before a test page can be driven. browser_setup NAME skips (exit 77) when chromium,
# node or python3 is missing or playwright-core cannot be installed (npm ci from
# package-lock.json), makes the work directory $tmp (/tmp/pl-NAME-*) and stops every
# process in $pids and removes $tmp on exit, keeping the test's own exit status (a
# server's SIGTERM status is not the test's).
browser_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pids=()

browser_cleanup() {
	local rc=$? p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
	exit "$rc"
}

browser_setup() {
	local need
	for need in /usr/bin/chromium node python3; do
		command -v "$need" >/dev/null || { echo "skip: $need not installed"; exit 77; }
	done
	if [ ! -d "$browser_here/node_modules/playwright-core" ]; then
		(cd "$browser_here" && timeout 300 npm ci --no-audit --no-fund >/dev/null) ||
			{ echo "skip: npm ci failed (no registry access?)"; exit 77; }
	fi
	tmp=$(mktemp -d "/tmp/pl-$1-XXXXXX")
	trap browser_cleanup EXIT
}
