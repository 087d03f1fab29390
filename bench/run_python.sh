#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Python package's benchmarks (issue 16, section 7) in one run:
#   bench/run_python.sh [build-dir (default: build)]
# 1. bench_calls (C) times gmmot_mw2_squared (K = 10, d = 3) and T_mean on 786 432 points and
#    saves the mixtures; bench/py_bindings.py makes the same calls through the `gmmot` package
#    (bindings/python, libgmmot from the build dir) and prints the overhead per call;
# 2. py_bindings.py times gmmot.pot's POT-compatible functions against NumPy/SciPy written as
#    POT computes them, and POT 0.8.2 where it has the function.
# Then one ratio line per peer line (> 1: libgmmot is faster). Builds nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
bench_start "${1:-build}" bench/bench_calls

lib="$(readlink -f "$build/libgmmot.so")"
export GMMOT_LIBRARY="$lib"
export PYTHONPATH="$here/../bindings/python${PYTHONPATH:+:$PYTHONPATH}"
echo "# bench/run_python.sh: libgmmot and the gmmot package with GMMOT_OPT_NUM_THREADS=2," \
  "OPENBLAS_NUM_THREADS=1; peers single-threaded. Median of 5 runs. Library: $lib"

mkdir -p "$work/data"
"$bench" --data "$work/data" --threads 2 | tee "$lib_out"
cat "$lib_out" >> "$out"
/usr/bin/python3 "$here/py_bindings.py" "$work/data" --libgmmot-output "$lib_out" --threads 2 \
  | tee -a "$out"

bench_ratios "$out"
