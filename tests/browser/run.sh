#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the browser tests (web.test.mjs) against a real `portlens serve`:
#   1. a throwaway TCP listener on 127.0.0.1 and `portlens scan --save` of it, so the
#      database holds a real saved scan;
#   2. `portlens serve` on 127.0.0.1:0 with that database;
#   3. playwright-core driving /usr/bin/chromium (installed by scripts/install-deps.sh;
#      playwright's own browser download is never used).
# Everything started here is stopped on exit, also on failure.
# usage: tests/browser/run.sh PATH/TO/portlens ARTIFACTS_DIR
# Exit 77 (skipped) when chromium or node is missing.
set -euo pipefail
exe=$(realpath "$1")
artifacts=${2:-$PWD/browser-artifacts}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"
browser_setup browser

# A listener for the scan to find: python binds port 0 and reports the port it got.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
end = time.monotonic() + 240
s.settimeout(1)
while time.monotonic() < end:
    try:
        c, _ = s.accept(); c.close()
    except OSError:
        pass
' >"$tmp/listener.port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/listener.port" ] && break; sleep 0.1; done
open_port=$(cat "$tmp/listener.port")
[ -n "$open_port" ] || { echo "listener did not start"; exit 1; }

"$exe" scan 127.0.0.1 -p "$open_port" --save --db "$tmp/web.db" --no-progress >/dev/null \
	2>"$tmp/scan.err"
scan_id=$(grep -o 'saved as #[0-9]*' "$tmp/scan.err" | tr -dc 0-9)
[ -n "$scan_id" ] || { cat "$tmp/scan.err"; echo "scan --save did not save"; exit 1; }

"$exe" serve --listen 127.0.0.1:0 --db "$tmp/web.db" >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=($!)
url=
for _ in $(seq 100); do
	url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/serve.out" || true)
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/serve.err"; echo "serve did not start"; exit 1; }

rm -rf "$artifacts"
timeout 240 node "$here/web.test.mjs" "$url" "$artifacts" "$scan_id" "$open_port"
echo "screenshots: $artifacts"
