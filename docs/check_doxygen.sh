#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ctest's docs_doxygen: the API reference builds with zero Doxygen warnings.
#   docs/check_doxygen.sh DOXYFILE OUTPUT_DIR [DOXYGEN]
# Runs Doxygen with the configured Doxyfile (WARN_AS_ERROR = FAIL_ON_WARNINGS) and fails when
# it exits non-zero or prints anything on stderr (every warning, in "file:line: text" form).
# Exit 77 (skipped) when doxygen is not installed.
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 DOXYFILE OUTPUT_DIR [DOXYGEN]" >&2
  exit 2
fi
doxyfile=$1
out=$2
doxygen=${3:-}
if [[ -z "$doxygen" || "$doxygen" == *NOTFOUND ]]; then
  doxygen=$(command -v doxygen || true)
fi
if [[ -z "$doxygen" ]]; then
  echo "docs_doxygen: doxygen not found (Debian: doxygen), skipped"
  exit 77
fi
mkdir -p "$out"
log="$out/doxygen-warnings.log"
status=0
"$doxygen" "$doxyfile" >/dev/null 2>"$log" || status=$?
if [[ $status -ne 0 || -s "$log" ]]; then
  cat "$log" >&2
  echo "docs_doxygen: FAIL: doxygen exited with $status and printed $(grep -c . "$log") line(s)" \
    "of warnings; fix the header comments above" >&2
  exit 1
fi
echo "docs_doxygen: $("$doxygen" --version), 0 warnings; $out/html/index.html"
