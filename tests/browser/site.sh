#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the browser test of the static site (site.test.mjs): `portlens site` exports a
# handful of ports in the four languages, python's http.server serves the directory on
# 127.0.0.1 (a port the kernel picks), and playwright-core drives /usr/bin/chromium
# (installed by scripts/install-deps.sh; playwright's own browser download is never used)
# through the client-side search. Everything started here is stopped on exit.
# usage: tests/browser/site.sh PATH/TO/portlens ARTIFACTS_DIR
# Exit 77 (skipped) when chromium or node is missing.
set -euo pipefail
exe=$(realpath "$1")
artifacts=${2:-$PWD/site-browser-artifacts}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
browser_setup site-browser

"$exe" site "$tmp/site" --ports 21,22,23,53,80,445,2323,3389,6379 >/dev/null

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tmp/site" \
	>"$tmp/http.out" 2>"$tmp/http.err" &
pids+=($!)
url=
for _ in $(seq 100); do
	port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$tmp/http.out")
	[ -n "$port" ] && { url="http://127.0.0.1:$port/"; break; }
	sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/http.err"; echo "http.server did not start"; exit 1; }

rm -rf "$artifacts"
timeout 120 node "$here/site.test.mjs" "$url" "$artifacts"
