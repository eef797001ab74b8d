# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared by scripts/fuzz.sh and scripts/fuzz-long.sh (sourced, not run): the libFuzzer
# build and the list of targets. The whole tree is compiled with clang, ASan+UBSan and
# -fsanitize=fuzzer-no-link, so the fuzzer sees coverage of the library's branches, not
# only of the target file; the targets link -fsanitize=fuzzer (fuzz/meson.build).

FUZZ_BUILD=${FUZZ_BUILD:-fuzz-build}

# Every libFuzzer executable the build defines, one name a line (csv, kb, ...). Read from
# ninja rather than from fuzz/meson.build's text, so any way of writing a target counts.
fuzz_names() {
	ninja -C "$FUZZ_BUILD" -t targets all |
		sed -n 's|^fuzz/fuzz_\([a-z0-9_]*\): .*|\1|p' | grep -v '_replay$' | sort -u
}

# Configures the fuzz build once, then builds the named targets (all when none named).
fuzz_build() {
	local t=() n want=("$@")
	[ -f "$FUZZ_BUILD/build.ninja" ] ||
		CC=clang meson setup "$FUZZ_BUILD" --buildtype=debug -Db_sanitize=address,undefined \
			-Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link -Dfuzzing=true >/dev/null
	# Regenerate first, so targets added to fuzz/meson.build since the last run are known.
	ninja -C "$FUZZ_BUILD" build.ninja >/dev/null
	[ ${#want[@]} -gt 0 ] || mapfile -t want < <(fuzz_names)
	for n in "${want[@]}"; do t+=("fuzz/fuzz_$n"); done
	ninja -C "$FUZZ_BUILD" "${t[@]}" >/dev/null
}
