#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installed-consumer test (c-abi-models.md 13.13 item 9), run by ctest as install_consumer:
#   tests/install/run.sh SRC_DIR BUILD_DIR VERSION
# 1. `cmake --install BUILD_DIR --prefix <tmp>` (the already-built tree; gmmot.pc is
#    relocatable, its prefix comes from ${pcfiledir}, so installing elsewhere than the
#    configured CMAKE_INSTALL_PREFIX still gives a correct .pc);
# 2. builds tests/install/consumer.c with `pkg-config --cflags --libs gmmot`;
# 3. builds the same file as a CMake project using find_package(gmmot VERSION REQUIRED CONFIG);
# 4. runs both, checks with readelf that they NEED libgmmot.so.<SOVERSION> and not OpenBLAS or
#    LAPACKE, and that asking for a too-new version fails in both pkg-config and CMake.
# Needs no network. Exit 0 on success, 1 with a message on the first failure.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 SRC_DIR BUILD_DIR VERSION" >&2
  exit 2
fi
SRC_DIR=$(cd "$1" && pwd)
BUILD_DIR=$(cd "$2" && pwd)
VERSION=$3
HERE="$SRC_DIR/tests/install"
CC=${CC:-cc}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

step() { printf '== %s\n' "$*"; }
die() {
  printf 'install_consumer: FAIL: %s\n' "$*" >&2
  exit 1
}
for tool in cmake pkg-config readelf "$CC"; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found in PATH"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gmmot-install-test.XXXXXX")
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
TMP=$(cd "$TMP" && pwd -P)
PREFIX="$TMP/prefix"

# ------------------------------------------------------------------ install
step "cmake --install $BUILD_DIR --prefix $PREFIX"
cmake --install "$BUILD_DIR" --prefix "$PREFIX" >"$TMP/install.log" 2>&1 ||
  { cat "$TMP/install.log" >&2; die "cmake --install failed (is the library built?)"; }

PC_FILE=$(find "$PREFIX" -path '*/pkgconfig/gmmot.pc' -print -quit)
CONFIG_FILE=$(find "$PREFIX" -path '*/cmake/gmmot/gmmotConfig.cmake' -print -quit)
[[ -n "$PC_FILE" ]] || die "no pkgconfig/gmmot.pc installed under $PREFIX"
[[ -n "$CONFIG_FILE" ]] || die "no cmake/gmmot/gmmotConfig.cmake installed under $PREFIX"
[[ -f "$PREFIX/include/gmmot/gmmot.h" ]] || die "include/gmmot/gmmot.h not installed"
LIBDIR=$(dirname "$(dirname "$PC_FILE")")
LIB_REAL="$LIBDIR/libgmmot.so.$VERSION"
[[ -f "$LIB_REAL" ]] || die "$LIB_REAL not installed"
SONAME=$(readelf -d "$LIB_REAL" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ "$SONAME" == libgmmot.so.* ]] || die "libgmmot.so.$VERSION has no libgmmot.so.N SONAME"
[[ -L "$LIBDIR/$SONAME" && -L "$LIBDIR/libgmmot.so" ]] ||
  die "symlinks $SONAME and libgmmot.so missing in $LIBDIR"
echo "installed: ${LIB_REAL#"$PREFIX"/} (SONAME $SONAME), ${PC_FILE#"$PREFIX"/}," \
  "${CONFIG_FILE#"$PREFIX"/}"

# The colour-transfer program is installed (when it was built) and runs from the prefix: its
# rpath ($ORIGIN/../lib...) finds the installed libgmmot without LD_LIBRARY_PATH.
if [[ -x "$BUILD_DIR/examples/gmmot-color-transfer" ]]; then
  [[ -x "$PREFIX/bin/gmmot-color-transfer" ]] || die "bin/gmmot-color-transfer not installed"
  env -u LD_LIBRARY_PATH "$PREFIX/bin/gmmot-color-transfer" --help >"$TMP/help.txt" ||
    die "installed gmmot-color-transfer --help failed"
  grep -q -- '--fit-points' "$TMP/help.txt" || die "installed --help does not list --fit-points"
  echo "installed: bin/gmmot-color-transfer (--help runs from the prefix)"
fi
# Every installed program comes with its man page (docs/man/), version filled in.
for exe in gmmot-color-transfer gmmot-barycenter-grid gmmot-palette-barycenter gmmot-relaxed-fig6 \
           gmmot-t-geodesic gmmot-rotated-match gmmot-texture gmmot-cross-dim; do
  if [[ -x "$BUILD_DIR/examples/$exe" ]]; then
    page=$(find "$PREFIX" -path "*/man/man1/$exe.1" -print -quit)
    [[ -n "$page" ]] || die "no man/man1/$exe.1 installed under $PREFIX"
    grep -q "libgmmot $VERSION" "$page" || die "${page#"$PREFIX"/} does not name version $VERSION"
    echo "installed: ${page#"$PREFIX"/}"
  fi
done
# The barycenter examples likewise, and the grid program computes a 2 x 2 grid from the prefix.
for exe in gmmot-barycenter-grid gmmot-palette-barycenter; do
  if [[ -x "$BUILD_DIR/examples/$exe" ]]; then
    [[ -x "$PREFIX/bin/$exe" ]] || die "bin/$exe not installed"
    env -u LD_LIBRARY_PATH "$PREFIX/bin/$exe" --help >"$TMP/help.txt" ||
      die "installed $exe --help failed"
    grep -q -- '--grid' "$TMP/help.txt" || die "installed $exe --help does not list --grid"
    echo "installed: bin/$exe (--help runs from the prefix)"
  fi
done
if [[ -x "$PREFIX/bin/gmmot-barycenter-grid" ]]; then
  env -u LD_LIBRARY_PATH "$PREFIX/bin/gmmot-barycenter-grid" "$TMP/grid.png" --grid 2 \
    --pixels 16 >/dev/null || die "installed gmmot-barycenter-grid failed on a 2 x 2 grid"
  [[ -s "$TMP/grid.png" ]] || die "installed gmmot-barycenter-grid wrote no PNG"
fi

# NEEDED of a consumer: libgmmot, and not the libraries libgmmot uses privately.
check_needed() {
  local bin=$1 needed
  needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  echo "NEEDED of $(basename "$bin"): $needed"
  grep -qwF "$SONAME" <<<"$needed" || die "$(basename "$bin") does not NEED $SONAME"
  if grep -Eq 'libopenblas|liblapacke|liblapack|libblas|libgfortran|libstdc\+\+' <<<"$needed"; then
    die "$(basename "$bin") NEEDs a private dependency of libgmmot: $needed"
  fi
}

run_consumer() {
  local bin=$1 out resolved
  out=$("$bin") || die "$(basename "$bin") exited with status $?"
  echo "$(basename "$bin"): $out"
  # The binary must load the installed library, not one from the build tree or the system.
  if command -v ldd >/dev/null 2>&1; then
    resolved=$(ldd "$bin" | awk -v s="$SONAME" '$1 == s { print $3 }')
    [[ -n "$resolved" && "$(realpath "$resolved")" == "$(realpath "$LIBDIR/$SONAME")" ]] ||
      die "$(basename "$bin") resolves $SONAME to '$resolved', not to $LIBDIR"
  fi
}

# ------------------------------------------------------------------ pkg-config
step "pkg-config consumer"
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
pkg-config --validate gmmot || die "pkg-config --validate gmmot failed"
PC_VERSION=$(pkg-config --modversion gmmot)
[[ "$PC_VERSION" == "$VERSION" ]] || die "pkg-config --modversion says $PC_VERSION, expected $VERSION"
PC_LIBDIR=$(pkg-config --variable=libdir gmmot)
PC_INCLUDEDIR=$(pkg-config --variable=includedir gmmot)
[[ -f "$PC_LIBDIR/libgmmot.so" ]] ||
  die "gmmot.pc libdir '$PC_LIBDIR' does not hold libgmmot.so (the .pc prefix is wrong for $PREFIX)"
[[ -f "$PC_INCLUDEDIR/gmmot/gmmot.h" ]] ||
  die "gmmot.pc includedir '$PC_INCLUDEDIR' does not hold gmmot/gmmot.h"
pkg-config --atleast-version="$VERSION" gmmot || die "pkg-config --atleast-version=$VERSION failed"
if pkg-config --atleast-version=99.0 gmmot; then
  die "pkg-config --atleast-version=99.0 gmmot succeeded"
fi
PC_FLAGS=$(pkg-config --cflags --libs gmmot)
echo "pkg-config --cflags --libs gmmot: $PC_FLAGS"
# shellcheck disable=SC2086  # the flags are meant to be split
# --no-as-needed: every library on the link line lands in NEEDED (this gcc passes --as-needed
# by default, which would hide an over-linking .pc), so check_needed sees what pkg-config gave.
"$CC" -std=c99 -Wall -Wextra -pedantic -Werror -o "$TMP/consumer_pc" "$HERE/consumer.c" \
  -Wl,--no-as-needed $PC_FLAGS -Wl,-rpath,"$PC_LIBDIR" -lm || die "building the consumer with pkg-config failed"
run_consumer "$TMP/consumer_pc"
check_needed "$TMP/consumer_pc"
unset PKG_CONFIG_PATH

# ------------------------------------------------------------------ CMake package config
step "CMake consumer: find_package(gmmot $VERSION REQUIRED CONFIG)"
if ! cmake -S "$HERE" -B "$TMP/cmake-ok" -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DGMMOT_REQUIRED_VERSION="$VERSION" -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake-ok.log" 2>&1; then
  cat "$TMP/cmake-ok.log" >&2
  die "configuring the CMake consumer failed"
fi
FOUND_DIR=$(sed -n 's/^gmmot_DIR:PATH=//p' "$TMP/cmake-ok/CMakeCache.txt")
[[ "$FOUND_DIR" == "$PREFIX"/* ]] || die "find_package found gmmot in '$FOUND_DIR', not under $PREFIX"
grep 'Found gmmot' "$TMP/cmake-ok.log" || true
cmake --build "$TMP/cmake-ok" >"$TMP/cmake-build.log" 2>&1 ||
  { cat "$TMP/cmake-build.log" >&2; die "building the CMake consumer failed"; }
run_consumer "$TMP/cmake-ok/consumer"
check_needed "$TMP/cmake-ok/consumer"

step "CMake consumer: find_package(gmmot 99.0 REQUIRED CONFIG) must fail"
if cmake -S "$HERE" -B "$TMP/cmake-new" -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DGMMOT_REQUIRED_VERSION=99.0 >"$TMP/cmake-new.log" 2>&1; then
  cat "$TMP/cmake-new.log" >&2
  die "find_package(gmmot 99.0) succeeded against version $VERSION"
fi
grep -q 'requested version "99.0"' "$TMP/cmake-new.log" ||
  { cat "$TMP/cmake-new.log" >&2; die "find_package(gmmot 99.0) failed for an unexpected reason"; }
echo "find_package(gmmot 99.0) failed as expected"

echo "install_consumer: all checks passed"
