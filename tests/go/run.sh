#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Go binding's tests (bindings/go), run by ctest as go_bindings:
#   tests/go/run.sh SRC_DIR BUILD_DIR LIB_DIR
# builds the cgo package against the uninstalled build tree (BUILD_DIR/pkgconfig-uninstalled,
# libgmmot.so from LIB_DIR) with Debian's Go and runs `go vet`, `go test` and
# `go test -race`. Offline: the module has no
# requirements, the module proxy is off, caches live in BUILD_DIR/go. Exits 77 (ctest skip)
# when Debian's Go (golang-go, /usr/bin/go; GMMOT_GO overrides) is not installed.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 SRC_DIR BUILD_DIR LIB_DIR" >&2
  exit 2
fi
SRC_DIR=$(cd "$1" && pwd)
BUILD_DIR=$(cd "$2" && pwd)
LIB_DIR=$(cd "$3" && pwd)
GO=${GMMOT_GO:-/usr/bin/go}
if [[ ! -x "$GO" ]]; then
  echo "go_bindings: $GO not found (apt-get install golang-go): skipping"
  exit 77
fi

export PKG_CONFIG_PATH="$BUILD_DIR/pkgconfig-uninstalled"
export LD_LIBRARY_PATH="$LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GOCACHE="$BUILD_DIR/go/cache" GOPATH="$BUILD_DIR/go/path"
# No network: no module downloads, no toolchain switch (GOTOOLCHAIN is ignored before Go 1.21).
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on CGO_ENABLED=1
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}

"$GO" version
cd "$SRC_DIR/bindings/go"
"$GO" vet ./...
"$GO" test -count=1 -timeout 300s ./...
# The race detector over the same tests (cgo included; GMMOT_GO_RACE=0 skips it, e.g. where
# Go's race runtime is missing).
if [[ "${GMMOT_GO_RACE:-1}" != 0 ]]; then
  "$GO" test -race -count=1 -timeout 300s ./...
fi
