#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the libFuzzer harnesses of tests/fuzz with clang, replay the committed corpus, then
# fuzz each harness for a bounded time, two at a time:  ./scripts/fuzz.sh
# Environment:
#   FUZZ_SECONDS   seconds per harness (default 40; 0 = replay only)
#   FUZZ_PARALLEL  harnesses run at once (default 2)
#   FUZZ_HARNESSES space-separated subset (default: all of tests/fuzz/CMakeLists.txt)
#   BUILD_DIR      (default build-fuzz), JOBS (default 2)
#   GMMOT_FUZZ_SKIP_KNOWN=1  step around the open findings of tests/fuzz/findings/README.md
#                  (exploration only; by default everything is checked)
# New inputs go to $BUILD_DIR/fuzz-work/<harness>/corpus (the committed corpus is only read);
# a finding is written there as crash-*, leak-*, timeout-* or oom-*. Exits non-zero on any
# finding (a crash, a sanitizer report, or a violated invariant: "INVARIANT VIOLATED").
# To turn a finding into a regression input: minimise it with
#   $BUILD_DIR/tests/fuzz/fuzz_<h> -minimize_crash=1 -runs=10000 crash-...
# and, once fixed, copy it into tests/fuzz/corpus/<h>/ (see tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-40}
FUZZ_PARALLEL=${FUZZ_PARALLEL:-2}
BUILD_DIR=${BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-2}
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
t_all=$SECONDS

harnesses=${FUZZ_HARNESSES:-$(sed -n 's/^set(GMMOT_FUZZ_HARNESSES \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt)}

echo "== fuzz: configure and build in $BUILD_DIR (clang, -fsanitize=fuzzer,address,undefined)"
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Debug -DGMMOT_FUZZ=ON \
  -DGMMOT_BUILD_TESTS=OFF -DGMMOT_BUILD_BENCH=OFF -DGMMOT_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target gmmot_fuzzers
t_build=$((SECONDS - t_all))

echo "== fuzz: replay the committed corpus"
t0=$SECONDS
status=0
ctest --test-dir "$BUILD_DIR" -L fuzz --output-on-failure || status=1
t_replay=$((SECONDS - t0))

t0=$SECONDS
if [[ "$FUZZ_SECONDS" -gt 0 ]]; then
  echo "== fuzz: $FUZZ_SECONDS s per harness, $FUZZ_PARALLEL at a time: $harnesses"
  run_one() {
    local h=$1 work="$BUILD_DIR/fuzz-work/$1"
    mkdir -p "$work/corpus"
    # The first directory receives new inputs; the committed corpus is only read.
    if "$BUILD_DIR/tests/fuzz/fuzz_$h" "$work/corpus" "tests/fuzz/corpus/$h" \
        -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=2560 -max_len=2048 \
        -print_final_stats=1 -artifact_prefix="$work/" >"$work/log" 2>&1; then
      echo "   $h: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" |
        grep -o '[0-9]*$') runs)"
    else
      echo "   $h: FINDING, see $work/log and $work/crash-* (last lines below)"
      grep -E 'INFO: Seed:|INVARIANT VIOLATED|ERROR: |runtime error|SUMMARY' "$work/log" | head -6 |
        sed 's/^/     /'
      # The failing input, so that a finding in CI (whose build folder is gone) can be replayed:
      # base64 -d > input, then fuzz_<harness> input.
      for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [[ -f "$f" ]] && echo "     input $(basename "$f") (base64): $(base64 -w0 "$f")"
      done
      return 1
    fi
  }
  pids=() names=()
  for h in $harnesses; do
    while [[ $(jobs -rp | wc -l) -ge $FUZZ_PARALLEL ]]; do sleep 1; done
    run_one "$h" &
    pids+=($!) names+=("$h")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || status=1
  done
fi
t_fuzz=$((SECONDS - t0))

echo "== fuzz: build ${t_build} s, replay ${t_replay} s, fuzzing ${t_fuzz} s, total $((SECONDS - t_all)) s," \
  "$([[ $status -eq 0 ]] && echo 'no findings' || echo 'FINDINGS')"
exit "$status"
