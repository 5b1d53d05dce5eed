# Thin wrapper over the CMake presets. `make run` and `make test` install missing Debian packages
# first (.ci/setup-debian), so a fresh Debian 12 machine needs nothing else.
#   make run  [ARGS="--frames 60 --screenshot shot.png"]   build and open the GUI
#   make test                                              build and run every test (plus ASan/UBSan pass)
#   make bench                                             release build, attnviz-cli bench
#   make fuzz [FUZZ_SECONDS=60]                            clang + libFuzzer: every parser's harness
# WERROR=ON turns warnings into errors (CI sets it).
WERROR ?= OFF
ARGS ?=
FUZZ_SECONDS ?= 60
CMAKE_FLAGS = -DATTNVIZ_WERROR=$(WERROR)

.PHONY: all setup build run cli test test-dev test-asan release bench fuzz format clean

all: build

setup:
	@./.ci/setup-debian

build: setup
	@cmake --preset dev $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset dev

run: build
	./build/dev/app/gui/attnviz $(ARGS)

cli: build
	./build/dev/app/cli/attnviz-cli $(ARGS)

test: test-dev test-asan

test-dev: build
	ctest --preset dev

test-asan: setup
	@cmake --preset asan $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset asan
	ctest --preset asan

release: setup
	@cmake --preset release $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset release

bench: release
	./build/release/app/cli/attnviz-cli bench $(ARGS)

# Each harness of tests/fuzz/ for FUZZ_SECONDS seconds on its seed corpus (tests/fuzz/run_fuzzers.sh).
fuzz:
	@./.ci/setup-debian fuzz
	@cmake --preset fuzz $(CMAKE_FLAGS) >/dev/null
	@cmake --build --preset fuzz
	./tests/fuzz/run_fuzzers.sh build/fuzz $(FUZZ_SECONDS)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build
