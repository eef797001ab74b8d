# SPDX-License-Identifier: MIT
# The two commands of the README:
#   make run    installs dependencies, builds, and shows `portlens 2323`
#   make test   installs dependencies, checks style, builds with -Werror, runs every
#               test suite (unit, cli, lab), then all of them again under ASan+UBSan,
#               and builds the programs as a release build (-O3) too
# Other targets: build, fuzz, fuzz-long, bench, format, format-check, checksrc, clean.
# fuzz-long is never part of `test` (CI time): FUZZ_SECONDS per target, default 60.

BUILD      ?= build
ASAN_BUILD ?= build-asan
O3_BUILD   ?= build-o3
MESON_TEST  = meson test --print-errorlogs --num-processes 2

.PHONY: all deps test-deps build run test test-release test-asan test-o3 format format-check \
	checksrc fuzz fuzz-long bench clean

all: build

deps:
	bash scripts/install-deps.sh build

test-deps:
	bash scripts/install-deps.sh all
	@# The browser tests' playwright-core (tests/browser/package-lock.json). A failed
	@# install fails the run: a browser suite that silently skips proves nothing.
	[ -d tests/browser/node_modules/playwright-core ] || \
		(cd tests/browser && npm ci --no-audit --no-fund)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

# meson's release build (-O3) warns about things -O2 does not (snprintf truncation), and
# every warning is an error: build the programs that way too, so that a packager's
# release build cannot break unseen.
$(O3_BUILD)/build.ninja:
	meson setup $(O3_BUILD) --buildtype=release

test-o3: $(O3_BUILD)/build.ninja
	ninja -C $(O3_BUILD) src/cli/portlens src/cli/portlens-full

$(ASAN_BUILD)/build.ninja:
	CC=clang meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	$(BUILD)/src/cli/portlens 2323

test: test-deps format-check checksrc test-release test-asan test-o3

test-release: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	$(MESON_TEST) -C $(BUILD)

test-asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(MESON_TEST) -C $(ASAN_BUILD)

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@bad=$$(git ls-files '*.c' '*.h' | while read -r f; do \
		clang-format --dry-run -Werror "$$f" >/dev/null 2>&1 || echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "clang-format would change:"; echo "$$bad"; \
		echo "run: make format"; exit 1; fi; echo "format-check: ok"

checksrc:
	bash scripts/checksrc.sh

fuzz:
	bash scripts/fuzz.sh

# Every fuzz target for FUZZ_SECONDS (default 60) each, one after another; fails on any
# crash, sanitizer report, leak, timeout or out-of-memory, and prints executions per target.
# FUZZ_TARGETS="csv kb" limits it to some targets. See docs/fuzzing.md.
fuzz-long:
	bash scripts/fuzz-long.sh $(FUZZ_TARGETS)

bench: build
	bash bench/run-all.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(O3_BUILD) fuzz-build
