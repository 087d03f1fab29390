#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Barycenters of Gaussian mixtures (gmmot/barycenter.h): libgmmot against its SciPy/HiGHS and
# NumPy/POT peers, on the same data, in one invocation; then one ratio line per case and peer:
#   case=<case> n=<params> ratio=<peer>/libgmmot:<peer seconds / libgmmot seconds>
# (> 1: libgmmot is faster), and for the fixed point the ratio of the seconds per iteration.
# Cases (recipes in peer_scipy_mmot.py, which writes the data):
#   mw2_bary_exact: the exact MW2 barycenter (Delon-Desolneux 2020 section 5; 000 Fig. 5 uses
#     J = 4 mixtures of 12 components in d = 2: 20736 tuples; also J = 3, K = 10, d = 27) against
#     impl=scipy-highs: every tuple's Gaussian barycenter by scipy.linalg.sqrtm fixed points, then
#     the dense multi-marginal LP by scipy.optimize.linprog(method="highs"), the recipe of the
#     paper's code. Target >= 20x at a relative cost difference <= 1e-9 (agree:yes).
#   mw2_bary_fixed_point: the fixed-point heuristic with the Euclidean projection (Tanguy-Delon-
#     Gozlan Alg. 3, POT's ot.gmm.gmm_barycenter_fixed_point), J = 4, K = 10, 25, 50, d = 3 and
#     27, the same initial mixture, 10 iterations (tolerance 0) against impl=numpy-fixedpoint
#     (NumPy + POT's ot.emd, peer_numpy_fixedpoint.py). Target >= 10x per iteration at the same
#     final energy V (relative difference <= 1e-9).
# Usage: bench/run_barycenter.sh [build-dir (default: build)] [bench_barycenter options]
# BENCH_CASES=<regex> keeps the cases whose manifest line matches (bench/common.sh), e.g.
#   BENCH_CASES='fixed_point .*_d27' bench/run_barycenter.sh build: the d = 27 fixed point only.
# Needs build-dir/bench/bench_barycenter and Debian's python3-numpy, python3-scipy, python3-pot.
# Runs: libgmmot median of 5; peers median of PEER_RUNS_EXACT (default 1: one run of the 4 x 12
# case takes about 45 s) and PEER_RUNS_FP (default 3). About 2 minutes on a quiet 2-core
# machine, almost all of it in the peers.
# Threads, as in run_lp.sh: BLAS single-threaded in every process; libgmmot runs its own loops on
# GMMOT_OPT_NUM_THREADS = 2 threads; the peers are single-threaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_barycenter
if [[ $# -gt 0 ]]; then shift; fi
runs_exact="${PEER_RUNS_EXACT:-1}"
runs_fp="${PEER_RUNS_FP:-3}"

echo "# bench/run_barycenter.sh: libgmmot GMMOT_OPT_NUM_THREADS=2 (unless --threads is given)," \
  "OPENBLAS_NUM_THREADS=1; peers single-threaded (OPENBLAS_NUM_THREADS=1). libgmmot: median" \
  "of 5; peers: median of $runs_exact (mw2_bary_exact), $runs_fp (mw2_bary_fixed_point)."

bench_run_generated "$here/peer_scipy_mmot.py" "$@"
/usr/bin/python3 "$here/peer_scipy_mmot.py" run "$work/data" --libgmmot-output "$lib_out" \
  --runs "$runs_exact" | tee -a "$out"
/usr/bin/python3 "$here/peer_numpy_fixedpoint.py" "$work/data" --libgmmot-output "$lib_out" \
  --runs "$runs_fp" | tee -a "$out"

bench_ratios --agree "$out"
# Seconds per iteration (the same count on both sides: the peer runs libgmmot's) and the
# relative difference of the final energies, from the s_per_iter and rel_diff of extra.
awk '
  function field(key,   i) {
    for (i = 1; i <= NF; ++i) if (index($i, key "=") == 1) return substr($i, length(key) + 2)
    return ""
  }
  function extra(key,   n, kv, i) {
    n = split(field("extra"), kv, ";")
    for (i = 1; i <= n; ++i) if (index(kv[i], key ":") == 1) return substr(kv[i], length(key) + 2)
    return ""
  }
  field("case") == "mw2_bary_fixed_point" {
    if (field("impl") == "libgmmot") { lib[field("n")] = extra("s_per_iter") }
    else { k = ++np; pn[k] = field("n"); pi[k] = field("impl"); ps[k] = extra("s_per_iter")
           pr[k] = extra("rel_diff") }
  }
  END {
    for (k = 1; k <= np; ++k) {
      if (!(pn[k] in lib) || lib[pn[k]] + 0 <= 0) r = "NA"
      else r = sprintf("%.3g", ps[k] / lib[pn[k]])
      printf "case=mw2_bary_fixed_point n=%s per_iter_ratio=%s/libgmmot:%s V_rel_diff:%s\n",
        pn[k], pi[k], r, pr[k]
    }
  }' "$out"
