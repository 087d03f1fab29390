#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Exported-symbol and SONAME gate (c-abi-models.md 13.13 item 9), run by ctest as abi_exports:
#   tests/abi/check_exports.sh LIB EXPECTED_LIST SONAME
# - the dynamic symbols LIB defines (`nm -D --defined-only`, symbol-version suffixes and the
#   version-node symbols such as GMMOT_0 left out) must be exactly the names in EXPECTED_LIST;
# - every one is a function, matches ^gmmot_, and none is a C++ (_Z) symbol;
# - `readelf -d LIB` shows SONAME;
# - EXPECTED_LIST equals what gen_exported_symbols.sh derives from include/gmmot/*.h (when
#   those headers sit at ../../include/gmmot from the list), so the list cannot go stale.
# Prints a diff on mismatch. Exit 0 on success, 1 on any failure.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 LIB EXPECTED_LIST SONAME" >&2
  exit 2
fi
LIB=$1
EXPECTED=$2
WANT_SONAME=$3
HERE=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C

for tool in nm readelf diff; do
  command -v "$tool" >/dev/null 2>&1 || { echo "abi_exports: '$tool' not found" >&2; exit 1; }
done
[[ -f "$LIB" ]] || { echo "abi_exports: no library at $LIB" >&2; exit 1; }
[[ -f "$EXPECTED" ]] || { echo "abi_exports: no list at $EXPECTED" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gmmot-abi.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0

# nm -P prints "name type value size"; versioned names look like gmmot_x@@GMMOT_0 and the
# version nodes themselves are absolute (type A) symbols.
nm -D --defined-only -P "$LIB" >"$TMP/nm.txt"
awk '$2 != "A" { sub(/@.*/, "", $1); print $1 }' "$TMP/nm.txt" | sort -u >"$TMP/actual.txt"
grep -v '^[[:space:]]*$' "$EXPECTED" | sort -u >"$TMP/expected.txt"

if ! diff -u --label "expected ($EXPECTED)" --label "exported by $(basename "$LIB")" \
  "$TMP/expected.txt" "$TMP/actual.txt"; then
  echo "abi_exports: FAIL: the exported symbols differ from the list (diff above;" \
    "- = listed but not exported, + = exported but not listed)" >&2
  fail=1
fi
if bad=$(grep -v '^gmmot_' "$TMP/actual.txt"); then
  echo "abi_exports: FAIL: exported symbols not matching ^gmmot_:" >&2
  echo "$bad" >&2
  fail=1
fi
if cxx=$(grep '^_Z' "$TMP/actual.txt"); then
  echo "abi_exports: FAIL: C++ symbols exported:" >&2
  echo "$cxx" >&2
  fail=1
fi
# Functions only: T (text), W (weak), i (GNU ifunc). Data symbols (D, B, R, V, ...) are not API.
if notfn=$(awk '$2 != "A" && $2 !~ /^[TWi]$/ { print $1 " (" $2 ")" }' "$TMP/nm.txt" | grep .); then
  echo "abi_exports: FAIL: exported symbols that are not functions:" >&2
  echo "$notfn" >&2
  fail=1
fi

soname=$(readelf -d "$LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [[ "$soname" != "$WANT_SONAME" ]]; then
  echo "abi_exports: FAIL: SONAME is '${soname:-<none>}', expected '$WANT_SONAME'" >&2
  fail=1
fi

headers=$(cd "$(dirname "$EXPECTED")" && pwd)/../../include/gmmot
if [[ -d "$headers" && -x "$HERE/gen_exported_symbols.sh" ]]; then
  "$HERE/gen_exported_symbols.sh" "$headers" >"$TMP/from_headers.txt"
  if ! diff -u --label "expected ($EXPECTED)" --label "GMMOT_API in include/gmmot/*.h" \
    "$TMP/expected.txt" "$TMP/from_headers.txt"; then
    echo "abi_exports: FAIL: $EXPECTED is out of date with the headers; regenerate it with" \
      "tests/abi/gen_exported_symbols.sh > tests/abi/exported_symbols.txt" >&2
    fail=1
  fi
fi

if [[ $fail -ne 0 ]]; then
  exit 1
fi
versions=$(awk '$2 == "A" { print $1 }' "$TMP/nm.txt" | paste -sd, -)
echo "abi_exports: OK: $(wc -l <"$TMP/actual.txt") functions, all ^gmmot_," \
  "SONAME $soname${versions:+, version nodes: $versions}"
