#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The KL-relaxed coupled fit (gmmot/relaxed.h; Delon-Desolneux 2020 section 6.2, eq. 6.1):
# libgmmot's majorise-minimise solver against the paper's method, Adam on the same energy in
# PyTorch (bench/peer_torch_relaxed.py), from the same start, in one invocation; then one ratio
# line per case:
#   case=relaxed_fit n=<params> ratio=torch-adam/libgmmot:<peer seconds / libgmmot seconds>
# (> 1: libgmmot is faster). The peer's seconds are its time to reach libgmmot's final energy
# (within 1e-9 relative); when it does not within 5000 steps or its time budget (reached:0 in
# its extra), they are the time it ran and the ratio is only a lower bound (listed at the end).
# Cases (bench_relaxed's header): d = 1 (Fig. 6's setting, 2 x 10000 points, K = 3, the paper's
# lambda = 0.5 absolute), d = 3 (2 x 100000 pixels of rocket.jpg and coffee.png, K = 10),
# d = 27 (2 x 65536 3x3 patches of astronaut.png and coffee.png, K = 10); lambda = 1 relative
# for the photographs.
# Usage: bench/run_relaxed.sh [build-dir (default: build)]
# Needs build-dir/bench/bench_relaxed (libstb-dev) and Debian's python3-torch, python3-numpy.
# Photographs from PHOTOS (default /work/shared/data/photos). Peer time budgets (seconds):
# BUDGET_D1 (60), BUDGET_D3 (90), BUDGET_D27 (120). About 5-7 minutes on a quiet 2-core machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_relaxed
photos="${PHOTOS:-/work/shared/data/photos}"

echo "# bench/run_relaxed.sh: libgmmot GMMOT_OPT_NUM_THREADS=2, median of 5, from" \
  "gmmot_relaxed_create_from on a shared start (separate EM fits, paired, + 1 MM iteration)," \
  "tolerance 1e-8 relative, max 1000 iterations; peer torch-adam single-threaded" \
  "(torch.set_num_threads(1)), float64, same start and energy, until libgmmot's J or" \
  "5000 steps / budget ${BUDGET_D1:-60}/${BUDGET_D3:-90}/${BUDGET_D27:-120} s (d1/d3/d27)."

"$bench" --photos "$photos" --out "$work" --threads 2 | tee "$lib_out"
/usr/bin/python3 "$here/peer_torch_relaxed.py" "$work" --libgmmot-output "$lib_out" \
  --budget-d1 "${BUDGET_D1:-60}" --budget-d3 "${BUDGET_D3:-90}" \
  --budget-d27 "${BUDGET_D27:-120}" | tee -a "$out"

cat "$lib_out" >> "$out"
bench_ratios "$out"
awk '/^case=/ && /impl=torch-adam/ && /reached:0/ {
  for (i = 1; i <= NF; ++i) if (index($i, "n=") == 1) lb = lb " " substr($i, 3)
} END { if (lb != "") print "# LOWER BOUNDS (the peer did not reach libgmmot'"'"'s energy):" lb }' "$out"
