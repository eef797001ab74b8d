#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# notes.sh - a scan's notes follow what answered, not the port number. Real servers in
# the lab's target namespace: nginx on 6379, Python's http.server on 8080, OpenSSH on 22
# (also on 3389) and a real Redis on 6379 of another address.
#   with --sV: nginx on 6379 gets no Redis note, http.server on 8080 no Jenkins note,
#   the real Redis gets "Redis reachable without a password", OpenSSH gets regreSSHion
#   only because its version (Debian 12: 9.2p1) lies in the affected range;
#   OpenSSH on 3389 gets no BlueKeep (a Windows RDP flaw), without --sV "if this is";
#   without --sV: a software-specific note reads "if this is Redis: ...".
# Usage: notes.sh PORTLENS_BINARY
source "$(dirname "$0")/common.sh" "$1"
for b in /usr/sbin/nginx /usr/sbin/sshd /usr/bin/redis-server; do
	[ -x "$b" ] || { echo "SKIP: $b not installed (scripts/install-deps.sh test)"; exit 77; }
done
scan_lab_setup notes
D=$LAB_DIR
A=198.19.20.1 R=198.19.20.2
mkdir -p "$D/nginx/logs" "$D/nginx/tmp" "$D/redis" /run/sshd
cat >"$D/nginx/nginx.conf" <<CONF
daemon off;
pid $D/nginx/nginx.pid;
error_log $D/nginx/logs/error.log;
events { worker_connections 16; }
http {
	access_log off;
	client_body_temp_path $D/nginx/tmp; proxy_temp_path $D/nginx/tmp;
	fastcgi_temp_path $D/nginx/tmp; uwsgi_temp_path $D/nginx/tmp; scgi_temp_path $D/nginx/tmp;
	server { listen $A:6379; location / { return 200 "hello\n"; } }
}
CONF
bg() {
	lab_exec t "$@" >>"$D/servers.log" 2>&1 &
	LAB_PIDS+=($!)
}
bg /usr/sbin/nginx -c "$D/nginx/nginx.conf" -p "$D/nginx" -e "$D/nginx/logs/error.log"
mkdir -p "$D/www"
bg python3 -m http.server 8080 --bind "$A" --directory "$D/www"
ssh-keygen -q -t ed25519 -N '' -f "$D/hostkey"
bg /usr/sbin/sshd -D -e -f /dev/null -h "$D/hostkey" -o "ListenAddress=$A:22" \
	-o "ListenAddress=$A:3389" -o PidFile=none
bg /usr/bin/redis-server --bind "$R" --port 6379 --protected-mode no --save '' \
	--appendonly no --dir "$D/redis" --daemonize no
for hp in $A:6379 $A:8080 $A:22 $A:3389 $R:6379; do
	for _ in $(seq 100); do
		lab_exec s bash -c "exec 3<>/dev/tcp/${hp%:*}/${hp#*:}" 2>/dev/null && continue 2
		sleep 0.1
	done
	cat "$D/servers.log"
	fail "nothing listens on $hp"
done

pl scan "$A" "$R" -p 22,3389,6379,8080 --sV --no-progress -oJ "$D/sv.jsonl" >"$D/sv.txt" 2>"$D/err" ||
	{ cat "$D/err"; fail "scan --sV exited $?"; }
pl scan "$A" -p 22,3389,6379,8080 --no-progress -oJ "$D/plain.jsonl" >/dev/null 2>"$D/err" ||
	{ cat "$D/err"; fail "scan exited $?"; }
python3 - "$D/sv.jsonl" "$D/plain.jsonl" "$A" "$R" <<'PY' || fail "notes do not follow what answered"
import json, sys
def notes(path):
    out = {}
    for l in open(path):
        r = json.loads(l)
        if r["type"] == "result" and r["state"] == "open":
            out[(r["host"], r["port"])] = r.get("note", "")
    return out
a, r = sys.argv[3], sys.argv[4]
sv, plain = notes(sys.argv[1]), notes(sys.argv[2])
assert len(sv) == 5 and len(plain) == 4, (sv, plain)
assert "Redis" not in sv[(a, 6379)], f"nginx on 6379: {sv[(a, 6379)]!r}"
assert "Jenkins" not in sv[(a, 8080)], f"http.server on 8080: {sv[(a, 8080)]!r}"
assert sv[(r, 6379)] == "Redis reachable without a password", sv[(r, 6379)]
assert sv[(a, 22)].startswith("regreSSHion"), f"OpenSSH 9.2p1 on 22: {sv[(a, 22)]!r}"
assert "BlueKeep" not in sv[(a, 3389)], f"OpenSSH on 3389: {sv[(a, 3389)]!r}"
assert plain[(a, 3389)].startswith("if this is Microsoft, Windows: BlueKeep"), plain[(a, 3389)]
assert plain[(a, 6379)] == "if this is Redis: Redis reachable without a password", plain[(a, 6379)]
assert plain[(a, 22)].startswith("if this is OpenSSH 8.5p1-9.8p1: regreSSHion"), plain[(a, 22)]
print("notes:", sv, plain)
PY
grep -q "^6379/tcp .* $A .*Redis" "$D/sv.txt" && fail "text output: Redis note on nginx"
echo "PASS: notes follow the detected software and version; without --sV they say 'if this is'"
