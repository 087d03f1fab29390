#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the dependencies, build libgmmot and run the main demo: colour transfer between the two
# photographs shipped in examples/data (examples/color_transfer.c), written as a PNG:
#   ./scripts/demo.sh
# Environment: BUILD_DIR (default build-demo: its own folder, so the demo never changes the
# configuration of the test build in build/), BUILD_TYPE (default Release), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-demo}
BUILD_TYPE=${BUILD_TYPE:-Release}
JOBS=${JOBS:-2}

bash scripts/setup-debian.sh
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DGMMOT_BUILD_EXAMPLES=ON \
  -DGMMOT_BUILD_TESTS=OFF -DGMMOT_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target gmmot-color-transfer gaussian_ot_demo
echo
"$BUILD_DIR/examples/gaussian_ot_demo"
echo
output="$BUILD_DIR/colour_transfer.png"
echo "Colour transfer: the colours of examples/data/coffee.png onto examples/data/chelsea.png"
"$BUILD_DIR/examples/gmmot-color-transfer" examples/data/chelsea.png examples/data/coffee.png \
  "$output" --k 10 --fit-all
echo
echo "Wrote $(pwd)/$output (source: examples/data/chelsea.png, target palette:"
echo "examples/data/coffee.png; photographs credited in examples/data/ATTRIBUTION.md)."
