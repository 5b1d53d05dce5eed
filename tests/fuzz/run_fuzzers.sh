#!/usr/bin/env bash
# Runs every libFuzzer harness of a `fuzz` preset build for SECONDS each on its seed corpus, with its dictionary.
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [HARNESS...]
# New inputs go to BUILD_DIR/fuzz-corpus/<harness>/ (the seeds in tests/fuzz/corpus/ are only read), crashes
# to BUILD_DIR/fuzz-artifacts/<harness>/, logs to BUILD_DIR/fuzz-logs/<harness>.log. Prints one line per
# harness (executions, coverage, features) and exits 1 if any harness found a problem.
set -uo pipefail
build=${1:?usage: run_fuzzers.sh BUILD_DIR SECONDS [HARNESS...]}
seconds=${2:?usage: run_fuzzers.sh BUILD_DIR SECONDS [HARNESS...]}
shift 2
src="$(cd "$(dirname "$0")" && pwd)"
if [ $# -gt 0 ]; then harnesses=("$@"); else
  harnesses=()
  for f in "$src"/*_fuzz.cpp; do n=$(basename "$f" _fuzz.cpp); harnesses+=("$n"); done
fi

dict_for() {
  case "$1" in
    json|scenario|weight_index|model_config|tokenizer_json) echo "$src/json.dict" ;;
    safetensors|checkpoint) echo "$src/safetensors.dict" ;;
    npy) echo "$src/npy.dict" ;;
    session) echo "$src/session.dict" ;;
  esac
}

failed=0
mkdir -p "$build/fuzz-logs"
for h in "${harnesses[@]}"; do
  bin="$build/tests/fuzz/${h}_fuzz"
  if [ ! -x "$bin" ]; then echo "fuzz $h: $bin is missing; build the fuzz preset" >&2; failed=1; continue; fi
  mkdir -p "$build/fuzz-corpus/$h" "$build/fuzz-artifacts/$h"
  dict=$(dict_for "$h")
  log="$build/fuzz-logs/$h.log"
  # -rss_limit_mb and -timeout turn a memory blow-up or a hang into a finding.
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$h/" ${dict:+-dict="$dict"} \
    "$build/fuzz-corpus/$h" "$src/corpus/$h" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
  if [ $rc -eq 0 ]; then
    printf 'fuzz %-15s ok    %10s runs  cov %5s  ft %6s\n' "$h" "${runs:-?}" "${cov:-?}" "${ft:-?}"
  else
    printf 'fuzz %-15s FAIL  (exit %d) see %s and %s\n' "$h" "$rc" "$log" "$build/fuzz-artifacts/$h/"
    grep -E 'ERROR|contract violated|SUMMARY' "$log" | head -5
    failed=1
  fi
done
exit $failed
