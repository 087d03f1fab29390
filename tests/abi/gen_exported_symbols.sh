#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Print the functions declared with GMMOT_API in the public headers, sorted, one per line:
#   tests/abi/gen_exported_symbols.sh [INCLUDE_DIR] > tests/abi/exported_symbols.txt
# INCLUDE_DIR defaults to include/gmmot of this checkout. check_exports.sh compares the
# committed list with this output, so a new GMMOT_API function needs the list regenerated.
set -euo pipefail
dir=${1:-"$(cd "$(dirname "$0")/../../include/gmmot" && pwd)"}
shopt -s nullglob
headers=("$dir"/*.h)
[[ ${#headers[@]} -gt 0 ]] || { echo "no headers in $dir" >&2; exit 1; }
# Drop comments and preprocessor lines, then take the identifier before the first '(' that
# follows each GMMOT_API.
cat "${headers[@]}" | perl -0777 -ne '
  s{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; s{^[ \t]*#(?:[^\n]*\\\n)*[^\n]*}{}mg;
  while (/\bGMMOT_API\b([^;{}()]*?)\b([A-Za-z_]\w*)\s*\(/g) { print "$2\n" }' | LC_ALL=C sort -u
