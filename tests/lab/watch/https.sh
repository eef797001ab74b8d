#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# https.sh - `portlens watch --webhook https://...`: a receiver (receiver.py over TLS,
# a certificate made here for IP 127.0.0.1 by openssl) that watch trusts through
# SSL_CERT_FILE gets every event exactly once; one whose certificate names another
# host gets nothing (the name check refuses it; watch counts failed attempts). ~8 s.
# Usage: https.sh PORTLENS_BINARY
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lab.sh
source "$HERE/../lab.sh"
lab_start whttps "$1"
R1=$(free_port) R2=$(free_port)
P1=$(python3 -c 'import random; print(random.randint(40000, 50000))')
mkcert() { # NAME SAN
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -addext "subjectAltName=$2" \
		-keyout "$D/$1.key" -out "$D/$1.crt" >/dev/null 2>&1 || fail "openssl req"
}
mkcert good IP:127.0.0.1
mkcert wrong DNS:receiver.example
python3 "$HERE/receiver.py" "$R1" "$D/r1" "$D/acc1" 0 0 "$D/good.crt" "$D/good.key" &
LAB_PIDS+=($!)
python3 "$HERE/receiver.py" "$R2" "$D/r2" "$D/acc2" 0 0 "$D/wrong.crt" "$D/wrong.key" &
LAB_PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$D/r1" ] && [ -s "$D/r2" ] && break; sleep 0.05; done
start() { # NAME PORT CA
	SSL_CERT_FILE=$3 "$PORTLENS" watch --poll --interval 100 --json --state-dir "$D/st-$1" \
		--webhook "https://127.0.0.1:$2/hook" --webhook-timeout 2000 >"$D/out-$1" 2>"$D/err-$1" &
	echo $!
}
W1=$(start good "$R1" "$D/good.crt")
W2=$(start wrong "$R2" "$D/wrong.crt")
LAB_PIDS+=("$W1" "$W2")
for _ in $(seq 1 200); do grep -qs ' listeners' "$D/err-good" && grep -qs ' listeners' "$D/err-wrong" && break; sleep 0.05; done
python3 "$HERE/sock.py" tcp 127.0.0.1 "$P1" 0.3 "$D/t1" 3
# the last close is seen at the next poll: wait for the three "gone" events
for _ in $(seq 1 100); do [ "$(grep -c '"event":"gone"' "$D/out-good" || true)" -ge 3 ] && break; sleep 0.05; done
ids=$(python3 -c 'import json,sys; print("\n".join(json.loads(l)["id"] for l in open(sys.argv[1])))' "$D/out-good")
n=$(echo "$ids" | grep -c . || true)
[ "$n" -ge 6 ] || fail "only $n events"
for _ in $(seq 1 200); do [ "$(wc -l <"$D/acc1" 2>/dev/null || echo 0)" -ge "$n" ] && break; sleep 0.05; done
missing=$(comm -23 <(echo "$ids" | sort) <(sort "$D/acc1" 2>/dev/null) | head -3)
[ -z "$missing" ] || fail "over https, never delivered: $missing"
[ ! -e "$D/acc1.dup" ] || fail "delivered twice over https"
sleep 1
kill -TERM "$W1" "$W2"
# started in a subshell: not this shell's children, so wait by polling
for _ in $(seq 1 200); do kill -0 "$W1" 2>/dev/null || kill -0 "$W2" 2>/dev/null || break; sleep 0.05; done
[ ! -s "$D/acc2" ] || fail "a receiver whose certificate names another host got events"
grep -q 'webhook: 0 delivered, [1-9][0-9]* failed attempts' "$D/err-wrong" ||
	fail "wrong name: $(tail -3 "$D/err-wrong")"
echo "https webhook: $n events delivered once each; a certificate for another name: nothing sent"
echo PASS
