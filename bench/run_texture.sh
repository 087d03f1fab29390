#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Texture synthesis (gmmot_texture_synthesize, Delon-Desolneux 2020 section 7.2): libgmmot
# against the same pipeline in NumPy + scikit-learn + POT (bench/peer_numpy_texture.py), 256 x 256
# from each shipped 128 x 128 / 112 x 112 exemplar (examples/data/texture_*.png), then one ratio
# line per case:
#   case=texture_synthesis n=<params> ratio=numpy-sklearn-pot/libgmmot:<peer s / libgmmot s>
# libgmmot: median of 5 (GMMOT_OPT_NUM_THREADS=2), with the process CPU time and the split by
# stage in extra; the peer (single-threaded BLAS): median of PEER_RUNS (default 3).
# Usage: bench/run_texture.sh [build-dir (default: build)]. Needs build-dir/bench/bench_texture
# (libstb-dev) and Debian's python3-sklearn, python3-pot, python3-numpy, python3-scipy,
# python3-pil. About a minute and a half on a quiet 2-core machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_texture
data="$here/../examples/data"
runs="${PEER_RUNS:-3}"

echo "# bench/run_texture.sh: libgmmot GMMOT_OPT_NUM_THREADS=2, OPENBLAS_NUM_THREADS=1, median" \
  "of 5; peer single-threaded, median of $runs. K=10, 3x3 patches, 5000 fit patches per" \
  "mixture, EM tol 1e-4 and max_iter 100 on both sides."
for ex in wood fur; do
  # libgmmot and the peer alternate, so that load from other processes hits both alike.
  "$bench" "$data/texture_$ex.png" --size 256x256 --threads 2 | tee -a "$lib_out" | tee -a "$out"
  /usr/bin/python3 "$here/peer_numpy_texture.py" "$data/texture_$ex.png" --size 256x256 \
    --runs "$runs" 2>/dev/null | tee -a "$out"
done
bench_ratios "$out"
