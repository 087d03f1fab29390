#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every source, build and script file tracked by git carries an SPDX licence line within its
# first three lines (issue 10: "an SPDX line in every source file"). Data, documents and the
# photographs (with their own licences, examples/data/ATTRIBUTION.md) are not source files.
#   tests/license/check_spdx.sh SRC_DIR          check (exit 1 listing the files without one)
#   tests/license/check_spdx.sh SRC_DIR --add    add the MIT line where it is missing
set -euo pipefail
cd "$1"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check_spdx: not a git checkout, nothing to list (skipped)"
  exit 77
fi
add=${2:-}
missing=0
while IFS= read -r f; do
  case "$f" in
    *.c | *.h | *.map) style='/*' ;;  # C89-clean (the public headers are C); linker scripts
    *.cpp | *.hpp | *.go | *.rs) style='//' ;;
    *.sh | *.py | *.cmake | *.in | */CMakeLists.txt | CMakeLists.txt | .ci/run | scripts/*) style='#' ;;
    *) continue ;;
  esac
  if head -n 3 "$f" | grep -q 'SPDX-License-Identifier:'; then continue; fi
  if [[ "$add" != --add ]]; then
    echo "no SPDX-License-Identifier line in $f"
    missing=1
    continue
  fi
  line="$style SPDX-License-Identifier: MIT"
  [[ "$style" == '/*' ]] && line="$line */"
  if head -n 1 "$f" | grep -q '^#!'; then
    sed -i "1a $line" "$f"
  else
    sed -i "1i $line" "$f"
  fi
done < <(git ls-files --cached --others --exclude-standard)
if [[ $missing -ne 0 ]]; then exit 1; fi
echo "check_spdx: every source file has an SPDX line"
