#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Split-and-merge EM against plain EM, and against another build of libgmmot, in one run
# (issue 17's EM row): the 786432 RGB pixels of em_d3.bin (bench_em_maps prepare: rocket.jpg
# upscaled to 1024x768), K = 10, seeds 0..4, GMMOT_OPT_NUM_THREADS = 2. Each repetition runs
# `bench_em_maps seeds` (the em_seeds_plain and em_seeds lines; their extra has mean_loglik,
# mean_passes and mean_seconds over the 5 seeds) with this build's library (impl=libgmmot-new)
# and then, through LD_LIBRARY_PATH, with the library in OTHER_LIB_DIR (impl=libgmmot-old),
# alternating, so both see the same machine load.
# Usage: bench/run_em_split_merge.sh [build-dir (default: build)] [other-lib-dir] [reps (3)]
# other-lib-dir: a directory holding the libgmmot.so.<soname> of the other build (e.g. a copy
# of main's); omitted: only this build. PHOTOS as in run_maps_em.sh (default examples/data).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_em_maps
other="${2:-}"
reps="${3:-3}"
photos="${PHOTOS:-$here/../examples/data}"

"$bench" prepare --photos "$photos" --out "$work" > /dev/null
for ((r = 1; r <= reps; ++r)); do
  "$bench" seeds --data "$work" --threads 2 --split-merge 5 | sed 's/impl=libgmmot /impl=libgmmot-new /'
  if [[ -n "$other" ]]; then
    LD_LIBRARY_PATH="$other" "$bench" seeds --data "$work" --threads 2 --split-merge 5 \
      | sed 's/impl=libgmmot /impl=libgmmot-old /'
  fi
done
