#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the Gaussian benchmark of libgmmot and its NumPy/SciPy peer in one invocation, then print
# one ratio line per case and peer:
#   case=<case> n=<params> ratio=<peer>/libgmmot:<peer seconds / libgmmot seconds>
# (> 1: libgmmot is faster). Builds nothing.
# Usage: bench/run_gaussian.sh [build-dir (default: build)] [bench_gaussian options]
#   e.g. bench/run_gaussian.sh build --threads 1
# BLAS stays single-threaded in both processes: libgmmot parallelises over pairs itself
# (GMMOT_OPT_NUM_THREADS, all cores by default); the peer is single-threaded. Except the
# case=w2_large rows (one pair at d = 512 .. 2048, on data the peer generates): a single call
# runs on the BLAS library's threads, so both sides get OPENBLAS_NUM_THREADS=2 there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_gaussian
if [[ $# -gt 0 ]]; then shift; fi

"$bench" "$@" | tee -a "$out"
/usr/bin/python3 "$here/peer_numpy_gaussian.py" | tee -a "$out"

/usr/bin/python3 "$here/peer_numpy_gaussian.py" generate-large "$work/large"
OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 "$bench" --large "$work/large" | tee "$lib_out"
cat "$lib_out" >> "$out"
/usr/bin/python3 "$here/peer_numpy_gaussian.py" large "$work/large" "$lib_out" | tee -a "$out"

bench_ratios "$out"
