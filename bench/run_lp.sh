#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the exact-transport (lp_emd) and MW2 (mw2) benchmarks of libgmmot and of its POT peers in
# one invocation, on the same data, then print one ratio line per case and peer:
#   case=<case> n=<params> ratio=<peer>/libgmmot:<peer seconds / libgmmot seconds>
# (> 1: libgmmot is faster). Builds nothing. About 1 minute on a quiet 2-core machine (K = 3000
# dominates: 1-3 s per call on each side), a few minutes when the machine is busy.
# Usage: bench/run_lp.sh [build-dir (default: build)] [bench_lp options, e.g. --threads 1]
# Steps: peer_pot_lp.py generate writes the data (fixed seeds) to a temporary directory;
# bench_lp and peer_pot_lp.py run both read it; the peer also reads bench_lp's lines to report
# the relative difference of the optimal values (lp_emd: agree:no when above 1e-9).
# Threads, as in run_gaussian.sh: BLAS single-threaded in both processes; libgmmot runs its own
# loops on GMMOT_OPT_NUM_THREADS = 2 threads (the mw2 cost matrix; the exact network simplex is
# serial); the NumPy/POT peer is single-threaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_lp
if [[ $# -gt 0 ]]; then shift; fi

echo "# bench/run_lp.sh: libgmmot GMMOT_OPT_NUM_THREADS=2 (unless --threads is given;" \
  "lp_emd's network simplex is serial), OPENBLAS_NUM_THREADS=1; peers single-threaded" \
  "(OPENBLAS_NUM_THREADS=1, POT numThreads=1, numItermax=1e8). Median of 5 runs."

bench_run_generated "$here/peer_pot_lp.py" "$@"
/usr/bin/python3 "$here/peer_pot_lp.py" run "$work/data" --libgmmot-output "$lib_out" \
  | tee -a "$out"

bench_ratios --agree "$out"
