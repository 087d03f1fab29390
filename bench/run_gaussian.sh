#!/usr/bin/env bash
# Run the Gaussian benchmark of libgmmot and its NumPy/SciPy peer in one invocation, then print
# one ratio line per case and peer:
#   case=<case> n=<params> ratio=<peer>/libgmmot:<peer seconds / libgmmot seconds>
# (> 1: libgmmot is faster). Builds nothing.
# Usage: bench/run_gaussian.sh [build-dir (default: build)] [bench_gaussian options]
#   e.g. bench/run_gaussian.sh build --threads 1
# BLAS stays single-threaded in both processes: libgmmot parallelises over pairs itself
# (GMMOT_OPT_NUM_THREADS, all cores by default); the peer is single-threaded.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-build}"
if [[ $# -gt 0 ]]; then shift; fi
bench="$build/bench/bench_gaussian"
if [[ ! -x "$bench" ]]; then
  echo "run_gaussian.sh: $bench not found; build it first:" \
    "cmake --build $build --target bench_gaussian" >&2
  exit 1
fi

export OPENBLAS_NUM_THREADS=1
export OMP_NUM_THREADS=1

out="$(mktemp)"
trap 'rm -f "$out"' EXIT

"$bench" "$@" | tee -a "$out"
/usr/bin/python3 "$here/peer_numpy_gaussian.py" | tee -a "$out"

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
  }' "$out"
