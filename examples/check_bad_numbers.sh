#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The example programs refuse malformed numeric option values: run by ctest as
# example_bad_numbers,
#   check_bad_numbers.sh BIN_DIR
# with BIN_DIR holding the built gmmot-* programs. Every bad value must exit with status 2 and
# a message naming the option and the bad text; the same option with a good value followed by
# --help must get through parsing to the help (status 0), so the refusals are not of the option
# as a whole.
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BIN_DIR" >&2
  exit 2
fi
BIN=$(cd "$1" && pwd)
failures=0
# A value wrongly accepted runs the program: let it write into a scratch folder, not for long.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1

# refuses PROGRAM OPTION GOOD BAD...: each BAD refused, GOOD accepted.
refuses() {
  local program=$1 option=$2 good=$3 bad err status
  shift 3
  timeout 60 "$BIN/$program" "$option" "$good" --help >/dev/null 2>&1
  status=$?
  if [[ $status -ne 0 ]]; then
    echo "FAIL: $program $option '$good' --help: status $status, want 0 (good value refused)"
    failures=$((failures + 1))
  fi
  for bad in "$@"; do
    err=$(timeout 60 "$BIN/$program" "$option" "$bad" out.png 2>&1 >/dev/null)
    status=$?
    if [[ $status -ne 2 ]]; then
      echo "FAIL: $program $option '$bad': status $status, want 2"
      failures=$((failures + 1))
    elif [[ $err != *"$program: bad $option value '$bad'"* ]]; then
      echo "FAIL: $program $option '$bad': message does not name the option and text: $err"
      failures=$((failures + 1))
    fi
  done
}

# Each list: what strtod/strtol alone would take (a leading comma or space, nan, inf, an
# empty part, trailing text, a sign, an overflow) and values out of range.
refuses gmmot-rotated-match --check 0.8,0.6 ",5" "nan" "0.8,nan" "inf,0.5" "0.8," ",0.6" \
  " 0.8,0.6" "0.8, 0.6" "0.8,0.6x" "0.8;0.6" "1e999,0.5" "0.8,0.6,0.1" "1.5,0.6" "" "0x"
refuses gmmot-rotated-match --k 8 " 8" "+8" "8x" "-8" "99999999999999999999999" ""
refuses gmmot-cross-dim --position-weight 0.5 "" "nan" " 1" "1e999" "-1" "101" ",5"
refuses gmmot-cross-dim --check 1.5 "" "nan" "inf" "1.5x" "-0.5"
refuses gmmot-color-transfer --lambda 0.1 "" "nan" "inf" " 1" "0" "-1" "1,5"
refuses gmmot-color-transfer --eps 0.01 "nan" "1e-20" "2000" "0.01x"
refuses gmmot-color-transfer --nu 5 "nan" "inf" "2" " 5" "5x"
refuses gmmot-color-transfer --k 8 "0" " 8" "+8" "8.5" ""
refuses gmmot-texture --k 10 "0" " 10" "+10" "nan" "1001"
refuses gmmot-barycenter-grid --grid 5 "1" " 5" "+5" "5x" "21"
refuses gmmot-palette-barycenter --k 10 "0" " 10" "+10" "1e3"
refuses gmmot-relaxed-fig6 --points 2000 "99" " 2000" "+2000" "2000x" "99999999999999999999999"
refuses gmmot-t-geodesic --pixels 240 "99" " 240" "+240" "4001" "240.0"

if [[ $failures -ne 0 ]]; then
  echo "$failures failures"
  exit 1
fi
echo "all malformed values refused"
