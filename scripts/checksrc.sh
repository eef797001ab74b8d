#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Source checks clang-format cannot do (DESIGN.md conventions 5, 10, 11, 13):
# banned unbounded/unsafe functions, SPDX headers, no printing/exiting in the library,
# the layer rule (which folder may include which), the prefix rule (pl_ is the public
# API), and file length. Prints every violation as FILE:LINE: message; exit 1 if any.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "$1"; status=1; }

files=$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tools/*.c' 'tools/*.h')

# Unbounded or error-swallowing functions.
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok|tmpnam|mktemp)[[:space:]]*\('
while IFS= read -r hit; do fail "$hit: banned function (see docs/CODE_STYLE.md)"; done \
	< <(grep -nE "$banned" $files | grep -v '^\S*:[0-9]*:\s*\*' || true)

# The library never prints, exits or aborts.
lib=$(git ls-files 'src/lib/*.c')
while IFS= read -r hit; do fail "$hit: the library must not print or exit"; done \
	< <(grep -nE '\b(printf|puts|perror|exit|abort|fputs|putchar)[[:space:]]*\(|\b(stdout|stderr)\b' $lib || true)

# The layer rule (docs/CODE_STYLE.md "Layers"): core includes only core; lib includes
# core and lib, never cli or web; web never includes cli. Each quoted #include is
# resolved the way the compiler does (own directory, then include/, src/, src/lib/, the
# root: meson.build's include_directories) and judged by the folder it lands in. The
# public headers portlens/error.h, portlens/port.h and portlens/addr.h belong to core
# (they include only libc and each other); every other public header belongs to lib.
layer_of() {
	case "$1" in
	src/core/* | include/portlens/error.h | include/portlens/port.h | include/portlens/addr.h)
		echo core
		;;
	src/lib/* | include/*) echo lib ;;
	src/web/*) echo web ;;
	src/cli/*) echo cli ;;
	*) echo other ;;
	esac
}
allowed_below() { # allowed_below FROM TO: may layer FROM include layer TO?
	case "$1:$2" in
	core:core | lib:core | lib:lib | web:core | web:lib | web:web) return 0 ;;
	cli:* | other:*) return 0 ;;
	*) return 1 ;;
	esac
}
while IFS=: read -r f line inc; do
	from=$(layer_of "$f")
	[ "$from" = cli ] && continue
	target=
	for dir in "$(dirname "$f")" include src src/lib .; do
		p=$dir/$inc
		[ -e "$p" ] || continue
		case "$p" in
		*..*) p=$(realpath -m --relative-to=. "$p") ;;
		./*) p=${p#./} ;;
		esac
		target=$p
		break
	done
	[ -n "$target" ] || continue # generated at build time (tables, assets)
	to=$(layer_of "$target")
	allowed_below "$from" "$to" || fail "$f:$line: $from includes $target ($to): the layer rule forbids it (docs/CODE_STYLE.md)"
done < <(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' |
	xargs grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
	sed -E 's/^([^:]*):([0-9]+):.*"([^"]*)".*/\1:\2:\3/')

# The prefix rule (docs/CODE_STYLE.md "Names"): pl_ is the public API. A function
# defined in src/ (return type on its own line, so the name starts the line) whose name
# starts with pl_ must be declared in include/portlens/*.h; internal ones are pli_.
public=$(git ls-files 'include/portlens/*.h' | xargs cat |
	perl -0777 -pe 's{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g' |
	grep -oE '\bpl_[a-z0-9_]+[[:space:]]*\(' | tr -d '( \t' | sort -u)
while IFS=: read -r f line name; do
	grep -qxF "$name" <<<"$public" ||
		fail "$f:$line: $name is not in include/portlens: pl_ is for the public API, internal functions are pli_ (docs/CODE_STYLE.md)"
done < <(git grep -nE '^pl_[a-z0-9_]+\(' -- 'src/*.c' 'src/*.h' |
	sed -E 's/^([^:]*):([0-9]+):(pl_[a-z0-9_]+)\(.*/\1:\2:\3/')

for f in $files; do
	head -1 "$f" | grep -q 'SPDX-License-Identifier' || fail "$f:1: missing SPDX line"
	n=$(wc -l <"$f")
	[ "$n" -le 800 ] || fail "$f: $n lines (limit 800; split it)"
done
[ $status -eq 0 ] && echo "checksrc: ok"
exit $status
