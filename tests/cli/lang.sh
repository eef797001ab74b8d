#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The page language in the terminal: --lang beats LC_ALL, which beats LC_MESSAGES, which
# beats LANG; unknown locales fall back to English; Arabic output isolates commands and
# paths left-to-right (U+2066 .. U+2069), and the dates too; a fact without a translation is marked.
set -uo pipefail
portlens=$(realpath "$1")
pass=0
fail=0
page() { env -i PATH="$PATH" HOME=/nonexistent "$@" "$portlens" 2323 --no-live --width 100; }
expect() { # NAME NEEDLE OUTPUT
	if grep -qF -- "$2" <<<"$3"; then pass=$((pass + 1)); else
		echo "FAIL $1: no '$2'"; fail=$((fail + 1)); fi
}
reject() {
	if grep -qF -- "$2" <<<"$3"; then echo "FAIL $1: unexpected '$2'"
		fail=$((fail + 1)); else pass=$((pass + 1)); fi
}
expect "LANG=ko" "자주 묻는 질문" "$(page LANG=ko_KR.UTF-8)"
expect "LC_MESSAGES beats LANG" "Sık sorulan sorular" "$(page LANG=ko_KR.UTF-8 LC_MESSAGES=tr_TR.UTF-8)"
expect "LC_ALL beats both" "Frequently asked questions" "$(page LANG=ko_KR.UTF-8 LC_MESSAGES=tr_TR LC_ALL=C)"
expect "--lang beats the environment" "الأسئلة الشائعة" \
	"$(env -i PATH="$PATH" HOME=/x LANG=ko_KR.UTF-8 "$portlens" 2323 --no-live --lang ar)"
expect "unknown locale is English" "Frequently asked questions" "$(page LANG=fr_FR.UTF-8)"
ar=$(page LANG=ar_EG.UTF-8)
expect "Arabic isolates commands" $'\u2066portlens listen --port 2323\u2069' "$ar"
# Dates are numbers: after Arabic words, bidi would print 2026-02-13 as 13-02-2026.
date=$(page LANG=C.UTF-8 | sed -n 's/.*IANA registry (data as of \([0-9-]*\)).*/\1/p')
expect "registry date found" "-" "$date"
expect "Arabic registry date isolated" $'\u2066'"$date"$'\u2069)' "$ar"
expect "Arabic record date isolated" $': \u20662022-02-07\u2069' \
	"$(env -i PATH="$PATH" HOME=/x "$portlens" 22 --no-live --lang ar)"
reject "no backticks in Arabic" '`' "$ar"
# A number range with an en dash reads backwards in right-to-left text unless isolated.
expect "Arabic isolates the port range" $'\u20661024–49151\u2069' "$ar"
expect "Arabic isolates the ephemeral range" $'\u206632768–60999\u2069' "$ar"
expect "Arabic risk word" "حرج" "$ar"
expect "translated fact (ar), Latin words isolated" $'أرسلت \u2066Mirai\u2069' "$ar"
expect "Arabic port range isolated" $'\u206611740-11743\u2069' \
	"$(env -i PATH="$PATH" HOME=/x "$portlens" 11740 --no-live --lang ar)"
expect "Arabic option isolated" $'\u2066--tlsverify\u2069' \
	"$(env -i PATH="$PATH" HOME=/x "$portlens" 2376 --no-live --lang ar)"
expect "Arabic Markdown isolates an option too" $'\u2066--tlsverify\u2069' \
	"$(env -i PATH="$PATH" HOME=/x "$portlens" 2376 --no-live --lang ar --markdown)"
reject "Korean text not isolated" $'\u2066' \
	"$(env -i PATH="$PATH" HOME=/x "$portlens" 2376 --no-live --lang ko)"
# A fact without a Korean title is marked as shown in English: the first such entry of
# the shipped knowledge files (the files translated in full have none).
kbdir=$(cd "$(dirname "$0")/../../data/knowledge" && pwd)
untranslated=$(awk 'FNR == 1 || /^$/ { if (port != "" && !ko) { print port; exit }
		port = ""; ko = 0 }
	/^port: / { split($2, a, "[,/-]"); port = a[1] }
	/^title\.ko: / { ko = 1 }
	END { if (port != "" && !ko) print port }' "$kbdir"/*.kb | head -1)
if [ -n "$untranslated" ]; then
	expect "untranslated fact marked (ko, port $untranslated)" "(영어 원문" \
		"$(env -i PATH="$PATH" HOME=/x LANG=ko_KR.UTF-8 "$portlens" "$untranslated" --no-live --width 100)"
else
	reject "every fact translated: nothing marked (ko)" "(영어 원문" \
		"$(env -i PATH="$PATH" HOME=/x LANG=ko_KR.UTF-8 "$portlens" 445 --no-live --width 100)"
fi
# portlens' own words come back translated on the pages people open most (the registry's
# data stays as published): status words, "not in the registry", the registry range, the
# range wording with and without /proc, the built-in registry's name.
english=("no registry record" "registered as the range" "Registered as the range" "Linux default"
	"not in the registry" "built-in " "— reserved" "  reserved" "(range ")
for args in "2323 --lang ko" "2323 --lang ar" "2323 --lang tr" "0 --lang ar" "6001 --lang tr" \
	"49152 --lang ko" "49152 --lang ar --no-live" "0 --lang tr --no-live" "6000 --lang ko --no-live"; do
	# shellcheck disable=SC2086 # args are words on purpose
	out=$(env -i PATH="$PATH" HOME=/nonexistent "$portlens" $args --width 100 2>&1)
	for phrase in "${english[@]}"; do reject "portlens $args" "$phrase" "$out"; done
done
# The Markdown page speaks the page's language too (its headings and labels were English).
md_english=("${english[@]}" "What port" "The range it lives in" "Known unofficial uses" "Security notes"
	"How to check" "Frequently asked questions" "Linux ephemeral range" "Sources:" "Assignee:")
for args in "2323 --lang ko" "0 --lang ar" "6001 --lang tr" "49152 --lang ko" "445 --lang ar"; do
	# shellcheck disable=SC2086 # args are words on purpose
	out=$(env -i PATH="$PATH" HOME=/nonexistent "$portlens" $args --no-live --markdown 2>&1)
	for phrase in "${md_english[@]}"; do reject "portlens $args --markdown" "$phrase" "$out"; done
done
expect "English Markdown keeps its headings" "## Frequently asked questions" \
	"$("$portlens" 2323 --no-live --markdown --lang en)"
# The live section in Korean: a listener this test holds on 127.0.0.1 (a free port).
fifo=$(mktemp -u)
mkfifo "$fifo"
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True)
sys.stdin.read()' <"$fifo" >"$fifo.port" &
holder=$!
exec 9>"$fifo"
for _ in $(seq 50); do [ -s "$fifo.port" ] && break; sleep 0.1; done
lport=$(cat "$fifo.port")
live=$(env -i PATH="$PATH" HOME=/nonexistent "$portlens" "$lport" --lang ko --width 100 2>&1)
expect "live listener in Korean" "사용자" "$live"
reject "live listener in Korean" ", user " "$live"
reject "live flags in Korean" "[unassigned]" "$live"
exec 9>&-
wait "$holder" 2>/dev/null
rm -f "$fifo" "$fifo.port"
expect "English keeps its words" "not in the registry" "$("$portlens" 49152 --no-live --lang en)"
expect "English range default" "(Linux default)" "$("$portlens" 49152 --no-live --lang en)"
"$portlens" 2323 --no-live --lang xx >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then pass=$((pass + 1)); else echo "FAIL --lang xx exit $rc"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
