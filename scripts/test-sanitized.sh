#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The test suite under sanitizers:  ./scripts/test-sanitized.sh
#  1. AddressSanitizer + UndefinedBehaviorSanitizer: every ctest test, in build-asan;
#  2. ThreadSanitizer: the tests labelled "threads" (ctest -L threads), in build-tsan.
# Both with GCC (toolchain.md section 6) and -DGMMOT_SANITIZE, Debug (assertions on) at -O1:
# about 5 min (ASan + UBSan) and 4 min (TSan) on a 2-core machine. Any report fails the test
# that triggered it (halt_on_error, set by cmake/Sanitize.cmake in each test's environment).
# Environment: JOBS (default 2), SANITIZERS ("address thread" by default; "address" or
# "thread" for one of the two), ASAN_BUILD_DIR (build-asan), TSAN_BUILD_DIR (build-tsan).
# Exits non-zero if any test failed.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-2}
SANITIZERS=${SANITIZERS:-address thread}
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
TSAN_BUILD_DIR=${TSAN_BUILD_DIR:-build-tsan}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
# GCC: it links the sanitizer runtimes into libgmmot.so (clang would need -shared-libsan).
export CC=${SANITIZE_CC:-gcc} CXX=${SANITIZE_CXX:-g++}

common=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
        -DGMMOT_BUILD_BENCH=OFF)
status=0
t_all=$SECONDS

if [[ " $SANITIZERS " == *" address "* ]]; then
  t0=$SECONDS
  echo "== ASan + UBSan: configure and build in $ASAN_BUILD_DIR"
  cmake -S . -B "$ASAN_BUILD_DIR" "${common[@]}" -DGMMOT_SANITIZE="address,undefined" >/dev/null
  cmake --build "$ASAN_BUILD_DIR" -j "$JOBS"
  t1=$SECONDS
  echo "== ASan + UBSan: ctest (all tests)"
  ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure -j 1 || status=1
  echo "== ASan + UBSan: build $((t1 - t0)) s, tests $((SECONDS - t1)) s"
fi

if [[ " $SANITIZERS " == *" thread "* ]]; then
  t0=$SECONDS
  echo "== TSan: configure and build in $TSAN_BUILD_DIR (the threading tests' executables)"
  cmake -S . -B "$TSAN_BUILD_DIR" "${common[@]}" -DGMMOT_SANITIZE=thread \
    -DGMMOT_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$TSAN_BUILD_DIR" -j "$JOBS" --target gmmot_core_tests gmmot_capi_tests gmmot_capi_cxx_tests
  t1=$SECONDS
  echo "== TSan: ctest -L threads"
  ctest --test-dir "$TSAN_BUILD_DIR" --output-on-failure -L threads || status=1
  echo "== TSan: build $((t1 - t0)) s, tests $((SECONDS - t1)) s"
fi

echo "== sanitized tests: $((SECONDS - t_all)) s, $([[ $status -eq 0 ]] && echo passed || echo FAILED)"
exit "$status"
