#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerate the papers' figures (examples/figures/make_figures.py) as PNGs:
#   ./scripts/figures.sh [OUTDIR] [--reduced] [--only NAME,...]
# OUTDIR defaults to figures/ (in the build folder's parent: the repository). Builds the library
# and the example programs the figures need in BUILD_DIR (default build-figures), then runs the
# Python script against that build with Debian's python3 (numpy, scipy, matplotlib, PIL: see
# scripts/setup-debian.sh). --reduced draws small, quick versions (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-figures}
JOBS=${JOBS:-2}
outdir=figures
args=()
for a in "$@"; do
  case "$a" in
    --*) args+=("$a") ;;
    *) if [[ ${#args[@]} -gt 0 && ${args[-1]} == --only ]]; then args+=("$a"); else outdir=$a; fi ;;
  esac
done

if [[ -z ${GMMOT_FIGURES_NO_BUILD:-} ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DGMMOT_BUILD_EXAMPLES=ON \
    -DGMMOT_BUILD_TESTS=OFF -DGMMOT_BUILD_BENCH=OFF >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS" >/dev/null
fi
# libgmmot.so is the development link to the library just built (older versions may lie beside it).
lib=$(readlink -f "$BUILD_DIR/libgmmot.so" 2>/dev/null || true)
[[ -n $lib && -f $lib ]] || { echo "figures.sh: no libgmmot.so in $BUILD_DIR" >&2; exit 1; }
PYTHONPATH=$PWD/bindings/python GMMOT_LIBRARY=$lib PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 examples/figures/make_figures.py "$outdir" --bin "$BUILD_DIR/examples" \
  "${args[@]}"
