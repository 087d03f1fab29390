#!/bin/sh
# SPDX-License-Identifier: MIT
# Layer rules that a compiler cannot see (architecture.md, "Layers and folders"):
#  1. every quoted include in src/ names a file of src/ as "module/file" (nothing from capi/ or
#     include/gmmot/, no "../" escaping the include view of the module);
#  2. no system include of the public headers (<gmmot/...>) in src/;
#  3. BLAS/LAPACK (cblas_, LAPACKE_, LAPACK_, their headers, openblas_) only under src/linalg/,
#     in src/ and capi/.
# Usage: check_sources.sh <source-root>      (exit 0 when clean, 1 with the offending lines)
#        check_sources.sh --self-test        (the checker catches planted violations)
set -u

check() {
  root=$1
  bad=0
  # 1. Quoted includes resolve under src/.
  out=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$root/src" \
          --include='*.cpp' --include='*.hpp' --include='*.h' |
        while IFS= read -r line; do
          file=${line%%:*}
          inc=$(printf '%s\n' "$line" | sed -E 's/^[^"]*"([^"]*)".*$/\1/')
          case $inc in
            */*) ;;
            *) printf '%s  (not "module/file")\n' "$line"; continue ;;
          esac
          case $inc in
            *..*) printf '%s  (".." escapes the include view)\n' "$line"; continue ;;
          esac
          [ -f "$root/src/$inc" ] || printf '%s  (not a file of src/)\n' "$line"
        done)
  if [ -n "$out" ]; then
    printf 'src/ includes something that is not a core header:\n%s\n' "$out"
    bad=1
  fi
  # 2. No public headers in the core.
  out=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(gmmot|capi)/' "$root/src")
  if [ -n "$out" ]; then
    printf 'src/ includes a public or capi header:\n%s\n' "$out"
    bad=1
  fi
  # 3. BLAS/LAPACK only in linalg.
  out=$(grep -rnE 'LAPACKE_|LAPACK_|cblas_|openblas_|<(cblas|lapacke|lapack|f77blas)\.h>' \
          "$root/src" "$root/capi" | grep -v "^$root/src/linalg/")
  if [ -n "$out" ]; then
    printf 'BLAS/LAPACK used outside src/linalg/:\n%s\n' "$out"
    bad=1
  fi
  return $bad
}

if [ "${1:-}" = "--self-test" ]; then
  tmp=$(mktemp -d) || exit 1
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/src/linalg" "$tmp/src/mixture" "$tmp/capi"
  printf '#include "linalg/a.hpp"\n#include <cblas.h>\nvoid f() { cblas_dgemm(); }\n' \
    > "$tmp/src/linalg/a.cpp"
  : > "$tmp/src/linalg/a.hpp"
  check "$tmp" > /dev/null || { echo "self-test: a clean tree was rejected"; exit 1; }
  for planted in '#include "gmmot/gmm.h"' '#include "guard.hpp"' '#include "../capi/guard.hpp"' \
                 '#include <gmmot/gmm.h>' 'void g() { LAPACKE_dpotrf(); }' '#include <cblas.h>'; do
    printf '%s\n' "$planted" > "$tmp/src/mixture/b.cpp"
    if check "$tmp" > /dev/null; then
      echo "self-test: not caught: $planted"
      exit 1
    fi
  done
  rm "$tmp/src/mixture/b.cpp"
  printf 'void h() { cblas_ddot(); }\n' > "$tmp/capi/c.cpp"
  if check "$tmp" > /dev/null; then echo "self-test: BLAS in capi/ not caught"; exit 1; fi
  echo "self-test: every planted violation was caught"
  exit 0
fi

check "${1:?usage: check_sources.sh <source-root> | --self-test}" || exit 1
echo "layer rules hold in $1/src and $1/capi"
