#!/usr/bin/env bash
# Configure, build and run every test:  ./scripts/test.sh
# Environment: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo), JOBS (default 2),
# and extra CMake arguments as script arguments, e.g. ./scripts/test.sh -DGMMOT_BUILD_BENCH=OFF.
# Exits with ctest's status.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-2}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

extra=()
for part in bench examples; do  # a part without its CMakeLists.txt yet is left out, loudly
  if [[ ! -f "$part/CMakeLists.txt" ]]; then
    echo "test.sh: $part/CMakeLists.txt missing: configuring with -DGMMOT_BUILD_${part^^}=OFF" >&2
    extra+=("-DGMMOT_BUILD_${part^^}=OFF")
  fi
done

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "${extra[@]}" "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure || status=$?
exit "$status"
