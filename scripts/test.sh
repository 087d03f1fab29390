#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
exec ctest --test-dir "$BUILD_DIR" --output-on-failure
