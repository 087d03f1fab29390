#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# MEW2 (gmmot/mew2.h) against the published alternating scheme (exact plans by POT's ot.emd,
# 150 projected-gradient steps per plan, the Gaussian start with its sign flips), reimplemented
# in NumPy in peer_numpy_mew2.py, on the same mixtures, in one invocation; then one ratio line
# per case:
#   case=mew2 n=<params> ratio=peer/libgmmot:<peer seconds / libgmmot seconds>
# (> 1: libgmmot is faster). K = 10, 20, 30, 40, 50 components, m = 27, n = 3. Both values are
# the full MEW2 loss (the peer's isometry is rescored with the term its loss omits); target:
# faster at an equal or lower loss (extra lower_or_equal:yes on the peer lines).
# Usage: bench/run_mew2.sh [build-dir (default: build)] [bench_mew2 options]
# Needs build-dir/bench/bench_mew2 and Debian's python3-numpy, python3-pot. libgmmot: median of
# 5 on GMMOT_OPT_NUM_THREADS = 2; the peer: median of PEER_RUNS (default 3), single-threaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_mew2
if [[ $# -gt 0 ]]; then shift; fi
runs="${PEER_RUNS:-3}"

echo "# bench/run_mew2.sh: libgmmot GMMOT_OPT_NUM_THREADS=2 (unless --threads is given)," \
  "OPENBLAS_NUM_THREADS=1; the peer single-threaded. libgmmot: median of 5; peer: median of $runs."

bench_run_generated "$here/peer_numpy_mew2.py" "$@"
/usr/bin/python3 "$here/peer_numpy_mew2.py" run "$work/data" --libgmmot-output "$lib_out" \
  --runs "$runs" | tee -a "$out"

bench_ratios "$out"
if grep -q "lower_or_equal:no" "$out"; then
  echo "# NOTE: libgmmot's value above the peer's on:" \
    "$(grep "lower_or_equal:no" "$out" | awk '{print $1, $3}' | tr '\n' ' ')"
fi
