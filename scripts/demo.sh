#!/usr/bin/env bash
# Install the dependencies, build libgmmot and run the main demo (examples/gaussian_ot_demo.c):
#   ./scripts/demo.sh
# Environment: BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-2}

bash scripts/setup-debian.sh
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DGMMOT_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target gaussian_ot_demo
echo
exec "$BUILD_DIR/examples/gaussian_ot_demo"
