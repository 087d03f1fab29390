#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# case=em_fit_t (issue 14): the Student-t EM (ECM, nu estimated) against libgmmot's Gaussian EM
# on the same N = 100000, d = 3 points of a K = 10 t-mixture (bench/bench_student_t.c; there is
# no packaged Student-t EM to compare with). Prints the two case lines and
#   case=em_fit_t n=N100000_d3_K10 per_iter_ratio=t/gaussian:<x> heldout_diff=t-gaussian:<y>
# (target: per_iter_ratio <= 1.5; heldout_diff > 0: the t fit predicts held-out data better).
# Usage: bench/run_student_t.sh [build-dir (default: build)] [runs (default 5)]
# About 30 seconds on a quiet 2-core machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_student_t
echo "# bench/run_student_t.sh: GMMOT_OPT_NUM_THREADS=2, OPENBLAS_NUM_THREADS=1; K=10, tol 1e-4" \
  "relative, max_iter 100; s_per_iter = (seconds - k-means++ start) / (passes - 1); the two fits alternate."
echo
"$bench" --threads 2 --runs "${2:-5}"
