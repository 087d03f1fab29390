#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ctest entry rust_bindings: `cargo test` of bindings/rust against the libgmmot just built.
#   run.sh <source dir> <build dir> <directory of libgmmot.so>
# Debian's toolchain only (/usr/bin/cargo, /usr/bin/rustc; never a rustup one on PATH), offline,
# with cargo's home and target directories inside the build directory. Exit 77 (skipped) when
# /usr/bin/cargo is not installed.
set -euo pipefail
src="$1" build="$2" libdir="$3"
if [[ ! -x /usr/bin/cargo || ! -x /usr/bin/rustc ]]; then
  echo "SKIPPED: /usr/bin/cargo or /usr/bin/rustc not installed (Debian packages cargo, rustc)"
  exit 77
fi
export PATH="/usr/bin:/bin:${PATH}"
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
export CARGO_HOME="$build/cargo-home" CARGO_TARGET_DIR="$build/rust-target" CARGO_NET_OFFLINE=true
export GMMOT_LIB_DIR="$libdir"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OPENBLAS_NUM_THREADS=1
if [[ -x /usr/bin/bindgen ]]; then
  # Debian's bindgen is installed (CI installs it): the check of src/generated.rs against a
  # fresh run must run, not skip (it still skips when that bindgen's version is not the one
  # recorded in generated.rs, whose output format may differ).
  export GMMOT_REQUIRE_BINDGEN=1 PATH="/usr/bin:$PATH"
else
  echo "NOTE: bindgen not installed: gmmot-sys's check against a fresh bindgen run is skipped" \
       "(the declared-function and constant checks still run); install the package bindgen"
fi
# Two test threads at most: the machine's cores are shared with libgmmot's own workers.
exec /usr/bin/cargo test --offline --manifest-path "$src/bindings/rust/Cargo.toml" -- --test-threads=2
