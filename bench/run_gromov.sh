#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# MGW2 (gmmot/gromov.h) against POT's ot.gromov.gromov_wasserstein on the same W2^2 matrices, in
# one invocation; then one ratio line per case and peer:
#   case=<case> n=<params> ratio=pot-gw/libgmmot:<POT seconds / libgmmot seconds>
# (> 1: libgmmot is faster). Cases (recipes in peer_pot_gw.py, which writes the mixtures):
#   mgw2        libgmmot's defaults (product start, annealed start, up to 4 random starts while
#               they improve; end to end from the arrays, the W2^2 matrices included) against
#               POT's single start on the given matrices;
#   mgw2_single libgmmot with POT's start and algorithm only (GMMOT_OPT_GW_STARTS = 0,
#               GMMOT_OPT_GW_ANNEALING = 0);
#               both also against impl=numpy-pot-gw, the same job end to end in Python: the
#               W2^2 matrices by batched NumPy eigh/eigvalsh, then the same POT call;
#   gw, gw_single the same two on the matrices already computed (gmmot_gw_create): the solver
#               alone, exactly what the POT call times.
#   gw_points_vs_mgw2 the job MGW2 replaces: POT's GW between two clouds of N = 2000 points
#               in 3-D (a rotated, translated, noisy, shuffled copy; its distance matrices
#               included) against libgmmot's EM fits of K = 20 components to both plus MGW2;
#               extra: the fraction of points matched to their own cluster by each (one POT run:
#               minutes; PEER_POINTS_RUNS to change).
# K = 10, 50, 200 components, dimensions m = n = 3 and m = 27, n = 3. Target: >= 10x at an
# equal or lower objective (extra lower_or_equal:yes on the POT lines).
# Usage: bench/run_gromov.sh [build-dir (default: build)] [bench_gromov options]
# Needs build-dir/bench/bench_gromov and Debian's python3-numpy, python3-pot. libgmmot: median
# of 5 on GMMOT_OPT_NUM_THREADS = 2 (the matrices; the solver is serial); POT: median of
# PEER_RUNS (default 3), single-threaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_gromov
if [[ $# -gt 0 ]]; then shift; fi
runs="${PEER_RUNS:-3}"

echo "# bench/run_gromov.sh: libgmmot GMMOT_OPT_NUM_THREADS=2 (unless --threads is given)," \
  "OPENBLAS_NUM_THREADS=1; POT single-threaded. libgmmot: median of 5; POT: median of $runs."

bench_run_generated "$here/peer_pot_gw.py" "$@"
/usr/bin/python3 "$here/peer_pot_gw.py" run "$work/data" --libgmmot-output "$lib_out" \
  --runs "$runs" | tee -a "$out"

bench_ratios "$out"
if grep -q "lower_or_equal:no" "$out"; then
  echo "# NOTE: libgmmot's value above POT's on:" \
    "$(grep "lower_or_equal:no" "$out" | awk '{print $1, $3}' | tr '\n' ' ')"
fi
