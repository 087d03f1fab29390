#!/usr/bin/env bash
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
build="${1:-build}"
if [[ $# -gt 0 ]]; then shift; fi
bench="$build/bench/bench_lp"
if [[ ! -x "$bench" ]]; then
  echo "run_lp.sh: $bench not found; build it first:" \
    "cmake --build $build --target bench_lp" >&2
  exit 1
fi

export OPENBLAS_NUM_THREADS=1
export OMP_NUM_THREADS=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out.txt"
lib_out="$work/libgmmot.txt"

echo "# bench/run_lp.sh: libgmmot GMMOT_OPT_NUM_THREADS=2 (unless --threads is given;" \
  "lp_emd's network simplex is serial), OPENBLAS_NUM_THREADS=1; peers single-threaded" \
  "(OPENBLAS_NUM_THREADS=1, POT numThreads=1, numItermax=1e8). Median of 5 runs."

/usr/bin/python3 "$here/peer_pot_lp.py" generate "$work/data"
"$bench" --threads 2 "$@" --data "$work/data" | tee "$lib_out"
cat "$lib_out" >> "$out"
/usr/bin/python3 "$here/peer_pot_lp.py" run "$work/data" --libgmmot-output "$lib_out" \
  | tee -a "$out"

awk '
  function field(key,   i, kv) {
    for (i = 1; i <= NF; ++i) {
      if (index($i, key "=") == 1) return substr($i, length(key) + 2)
    }
    return ""
  }
  /^case=/ {
    c = field("case"); im = field("impl"); n = field("n"); s = field("seconds")
    key = c " " n
    if (im == "libgmmot") { lib[key] = s }
    else {
      k = ++np
      peer_key[k] = key; peer_impl[k] = im; peer_s[k] = s; peer_case[k] = c; peer_n[k] = n
      if (index(field("extra"), "agree:no") > 0) bad = bad " " c ":" n
    }
  }
  END {
    for (k = 1; k <= np; ++k) {
      key = peer_key[k]
      if (!(key in lib) || lib[key] + 0 <= 0) {
        printf "case=%s n=%s ratio=%s/libgmmot:NA\n", peer_case[k], peer_n[k], peer_impl[k]
        continue
      }
      printf "case=%s n=%s ratio=%s/libgmmot:%.3g\n", peer_case[k], peer_n[k], peer_impl[k],
        peer_s[k] / lib[key]
    }
    if (bad != "") printf "# MISMATCH (relative difference > 1e-9):%s\n", bad
  }' "$out"
