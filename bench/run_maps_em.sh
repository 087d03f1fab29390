#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# EM fitting, the T_mean map and the whole colour transfer: libgmmot against scikit-learn /
# NumPy / POT, on the same photographs, in one invocation; then one ratio line per case:
#   case=<case> n=<params> ratio=<peer>/libgmmot:<peer seconds / libgmmot seconds>
# (> 1: libgmmot is faster), for em_fit also per_iter_ratio (seconds per EM iteration, i.e. per
# pass over the data) and the difference of the final mean log-likelihoods (> 0: the peer's fit
# is better), for em_seeds (one fit per seed 0..4 on each side) the difference of the mean final
# log-likelihoods. libgmmot's EM runs twice: with split-and-merge (em_fit, em_seeds;
# GMMOT_OPT_EM_SPLIT_MERGE = 5) and plain (em_fit_plain, em_seeds_plain, the default); both are
# compared with the same scikit-learn lines. The library's default is plain EM (em_fit_plain);
# bench/run_em_split_merge.sh compares split-and-merge between two builds.
# Usage: bench/run_maps_em.sh [build-dir (default: build)]
# Needs build-dir/bench/bench_em_maps and build-dir/examples/gmmot-color-transfer (libstb-dev),
# and Debian's python3-sklearn, python3-pot, python3-numpy, python3-scipy.
# Data (bench_em_maps prepare; see its header), from PHOTOS (default /work/shared/data/photos;
# examples/data lacks rocket.jpg and astronaut.png): rocket.jpg 640x427 upscaled by nearest
# neighbour to 1024x768 (786432 pixels: em_fit d3, tmean, the colour-transfer source),
# coffee.png 600x400 upscaled the same way (the colour-transfer and tmean target), 65536 3x3
# patches of astronaut.png 512x512 (em_fit d27).
# Runs: libgmmot median of 5 everywhere. Peers (slow): median of PEER_RUNS_EM (default 3) for
# em_fit and tmean, PEER_RUNS_CT100K (default 3) for the colour transfer with 100000 fit points,
# PEER_RUNS_CTALL (default 1, a single run: one takes minutes) with all pixels.
# About 8-10 minutes on a quiet 2-core machine.
# CT_ONLY=1: only libgmmot's colour-transfer rows (fit-all and fit-100000 at 1024x768, and the
# 12-megapixel recolour), no EM/T_mean cases and no peers: about a minute. Every row's extra has
# cpu_s, the process's CPU seconds (robust when the machine is shared).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_em_maps examples/gmmot-color-transfer
ct="$build/examples/gmmot-color-transfer"
photos="${PHOTOS:-/work/shared/data/photos}"
runs_em="${PEER_RUNS_EM:-3}"
runs_100k="${PEER_RUNS_CT100K:-3}"
runs_all="${PEER_RUNS_CTALL:-1}"

echo "# bench/run_maps_em.sh: libgmmot GMMOT_OPT_NUM_THREADS=2 (--threads 2 for" \
  "gmmot-color-transfer), OPENBLAS_NUM_THREADS=1; peers single-threaded (OPENBLAS_NUM_THREADS=1)." \
  "libgmmot: median of 5; peers: median of $runs_em (em_fit, tmean), $runs_100k" \
  "(colour_transfer fit-100000), $runs_all (fit-all). EM: K=10, max_iter 100, libgmmot tol 1e-4" \
  "relative, sklearn tol 1e-4*max(1,|l_libgmmot|) absolute, reg 1e-6 absolute on both."

ct_only="${CT_ONLY:-0}"
"$bench" prepare --photos "$photos" --out "$work"
if [[ "$ct_only" != 1 ]]; then
  "$bench" run --data "$work" --threads 2 --runs 5 | tee "$lib_out"
  /usr/bin/python3 "$here/peer_sklearn_em_maps.py" em_tmean "$work" --libgmmot-output "$lib_out" \
    --runs "$runs_em" | tee -a "$out"
fi

# The colour-transfer program prints its own line; keep the one of the median run of 5. It runs
# with its defaults, so the guided-filter regularisation is on (the Python peer has none: the
# ratio is what the lead costs with it).
for fit in all 100000; do
  if [[ "$fit" == all ]]; then fitarg=(--fit-all); else fitarg=(--fit-points "$fit"); fi
  : > "$work/ct_$fit.txt"
  for _ in 1 2 3 4 5; do
    "$ct" "$work/ct_src.png" "$work/ct_tgt.png" "$work/ct_out_$fit.png" "${fitarg[@]}" \
      --threads 2 >> "$work/ct_$fit.txt"
  done
  sed -n 's/.* seconds=\([^ ]*\) .*/\1 &/p' "$work/ct_$fit.txt" | sort -g | sed -n '3p' \
    | cut -d' ' -f2- | tee -a "$lib_out"
  # shellcheck disable=SC2046 # split on purpose: the five times on one line
  echo "# colour_transfer fit-$fit libgmmot seconds (cpu_s) of the 5 runs:" \
    $(sed -n 's/.* seconds=\([^ ]*\) .*cpu_s:\([^;]*\);.*/\1(\2)/p' "$work/ct_$fit.txt")
done
# The 12-megapixel recolour (issue 17): rocket.jpg upscaled (bicubic, Debian's python3-pil) to
# 4000x3000 and saved as JPEG (quality 92) at bench time, recoloured toward ct_tgt.png with
# 100000 fit points, the program end to end (JPEG decode, fits, plan, map, regularisation, PNG
# write), median of 3; extra has the stage split (read_s, fit_src_s, fit_tgt_s, mw2_s, map_s,
# reg_s, write_s). No peer: the row is measured against its goal (<= 1 s).
/usr/bin/python3 -c "from PIL import Image; import sys
Image.open(sys.argv[1]).convert('RGB').resize((4000, 3000), Image.BICUBIC).save(sys.argv[2], quality=92)" \
  "$photos/rocket.jpg" "$work/ct_src12mp.jpg"
: > "$work/ct_12mp.txt"
for _ in 1 2 3; do
  "$ct" "$work/ct_src12mp.jpg" "$work/ct_tgt.png" "$work/ct_out_12mp.png" --fit-points 100000 \
    --threads 2 --quiet >> "$work/ct_12mp.txt"
done
sed -n 's/.* seconds=\([^ ]*\) .*/\1 &/p' "$work/ct_12mp.txt" | sort -g | sed -n '2p' \
  | cut -d' ' -f2- | tee -a "$lib_out"
# shellcheck disable=SC2046 # split on purpose: the three times on one line
echo "# colour_transfer 12 MP libgmmot seconds (cpu_s) of the 3 runs:" \
  $(sed -n 's/.* seconds=\([^ ]*\) .*cpu_s:\([^;]*\);.*/\1(\2)/p' "$work/ct_12mp.txt")
rm -f "$work/ct_src12mp.jpg" "$work/ct_out_12mp.png"
[[ "$ct_only" == 1 ]] && exit 0

/usr/bin/python3 "$here/peer_sklearn_em_maps.py" colour "$work" --libgmmot-output "$lib_out" \
  --fit 100000 --runs "$runs_100k" | tee -a "$out"
/usr/bin/python3 "$here/peer_sklearn_em_maps.py" colour "$work" --libgmmot-output "$lib_out" \
  --fit all --runs "$runs_all" | tee -a "$out"

cat "$lib_out" >> "$out"
/usr/bin/python3 "$here/peer_sklearn_em_maps.py" ratios "$out"
