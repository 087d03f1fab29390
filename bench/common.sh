# SPDX-License-Identifier: MIT
# Functions shared by bench/run_*.sh (sourced, not run): the same checks, environment and ratio
# lines everywhere, so that the drivers differ only in what they run.
# shellcheck shell=bash

# bench_require BUILD EXE...: stop with a hint when an executable is missing; builds nothing, so
# that a driver never times a stale or half-configured build by accident.
bench_require() {
  local build="$1" exe targets=()
  shift
  for exe in "$@"; do targets+=("${exe##*/}"); done
  for exe in "$@"; do
    if [[ ! -x "$exe" ]]; then
      echo "${0##*/}: $exe not found; build it first:" \
        "cmake --build $build --target ${targets[*]}" >&2
      exit 1
    fi
  done
}

# bench_setup: BLAS single-threaded in this process and its children (libgmmot parallelises on
# its own threads, the peers are timed single-threaded), and a scratch directory removed on exit:
# $work, with $out (every case line, for bench_ratios) and $lib_out (libgmmot's lines alone, which
# some peers read to compare results).
bench_setup() {
  export OPENBLAS_NUM_THREADS=1
  export OMP_NUM_THREADS=1
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # shellcheck disable=SC2034 # used by the sourcing driver
  out="$work/out.txt"
  # shellcheck disable=SC2034
  lib_out="$work/libgmmot.txt"
}

# bench_start BUILD EXE...: the start of every driver: build=BUILD, bench=BUILD/EXE of the first
# EXE (paths relative to BUILD, e.g. bench/bench_lp), bench_require of every BUILD/EXE, then
# bench_setup.
bench_start() {
  local exe exes=()
  build="$1"
  shift
  for exe in "$@"; do exes+=("$build/$exe"); done
  bench="${exes[0]}"
  bench_require "$build" "${exes[@]}"
  bench_setup
}

# bench_run_generated PEER ARGS...: PEER's generate mode writes the data to $work/data; then
# $bench --threads 2 ARGS... --data $work/data, its lines to the terminal and to $lib_out, then
# appended to $out. BENCH_CASES=<extended regex>: only the manifest lines ("<case> <n> <file>")
# it matches, e.g. BENCH_CASES='fixed_point .*_d27' (one kernel's ratio in a fraction of the
# run time; the peers read the same manifest).
bench_run_generated() {
  local peer="$1"
  shift
  /usr/bin/python3 "$peer" generate "$work/data"
  if [[ -n "${BENCH_CASES:-}" && -f "$work/data/manifest.txt" ]]; then
    grep -E -- "$BENCH_CASES" "$work/data/manifest.txt" > "$work/manifest.selected" || {
      echo "${0##*/}: BENCH_CASES='$BENCH_CASES' matches no case of the manifest:" >&2
      cat "$work/data/manifest.txt" >&2
      exit 1
    }
    mv "$work/manifest.selected" "$work/data/manifest.txt"
  fi
  "$bench" --threads 2 "$@" --data "$work/data" | tee "$lib_out"
  cat "$lib_out" >> "$out"
}

# bench_ratios [--agree] FILE: for every peer line of FILE, in order,
#   case=<case> n=<params> ratio=<peer>/libgmmot:<peer seconds / libgmmot seconds>
# (NA without a positive libgmmot time for the same case and n). --agree: the peers put agree:no
# in extra when their result differs from libgmmot's by more than 1e-9 relative; list those cases
# at the end.
bench_ratios() {
  local agree=0
  if [[ "$1" == --agree ]]; then agree=1; shift; fi
  awk -v agree="$agree" '
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
        if (agree && index(field("extra"), "agree:no") > 0) bad = bad " " c ":" n
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
    }' "$1"
}
