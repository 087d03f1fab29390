#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install what libgmmot needs to build and run its tests on Debian 12 (bookworm):
#   scripts/setup-debian.sh
# Uses sudo when not run as root. Non-interactive. When every package is already installed it
# does nothing (so it works offline); set GMMOT_SETUP_FORCE=1 to run apt-get anyway.
set -euo pipefail

packages=(
  # build
  cmake make g++ pkg-config binutils
  # dependencies: BLAS/LAPACK via OpenBLAS, and LAPACKE
  libopenblas-dev liblapacke-dev
  # tests: Catch2 v2 (C++), Debian's python3 with numpy/scipy/mpmath (ctypes test, reference data)
  catch2 python3 python3-numpy python3-scipy python3-mpmath
  # Python package tests (bindings/python, ctest python_package): pytest, scikit-learn and POT
  # as references, setuptools and pip for the offline install test
  python3-pytest python3-sklearn python3-pot python3-setuptools python3-pip
  # the Dask example and its test (examples/dask, ctest dask_example): a local cluster of
  # worker processes, images through PIL
  python3-distributed python3-pil
  # the papers' figures (scripts/figures.sh, ctest figures_reduced): matplotlib
  python3-matplotlib
  # Go binding tests (bindings/go, ctest go_bindings): Debian's Go with cgo
  golang-go
  # test-only oracle for the exact transport LP (tests/oracle/): GLPK
  libglpk-dev
  # the colour-transfer demo (examples/): PNG/JPEG reading and writing (stb), and the fast
  # paths of the 12-megapixel recolour: libjpeg-turbo and libpng decoding, zlib PNG writing
  libstb-dev libjpeg62-turbo-dev libpng-dev zlib1g-dev
  # docs: the API reference (Doxygen; ctest docs_doxygen) and the man pages' check (groff)
  doxygen groff-base
  # sanitizer runs (scripts/test-sanitized.sh): GCC's ASan, UBSan and TSan runtimes
  libasan8 libubsan1 libtsan2
  # fuzzing (scripts/fuzz.sh): clang 14 and its runtimes (libclang_rt.fuzzer, asan, ubsan);
  # Debian's libfuzzer-14-dev is not needed
  clang libclang-rt-14-dev
  # Rust binding tests (bindings/rust, ctest rust_bindings): Debian's cargo and rustc, and
  # bindgen to check gmmot-sys against the headers
  cargo rustc bindgen
)

missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]]; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 && "${GMMOT_SETUP_FORCE:-0}" != 1 ]]; then
  echo "setup-debian: all ${#packages[@]} packages already installed"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup-debian: not root and sudo not found; install as root: ${missing[*]}" >&2
  exit 1
fi

echo "setup-debian: installing ${missing[*]:-${packages[*]}}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "${packages[@]}" </dev/null
