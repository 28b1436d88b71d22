#!/usr/bin/env bash
# Thirty seconds of readers on the public pages, through wrk; exits non-zero
# if any request failed: a status of 400 or more ("Non-2xx or 3xx responses")
# or a socket error (connect, read, write, timeout).
#
#   scripts/faults/load_30s.sh http://127.0.0.1:8000 paths.txt
#
# paths.txt lists reader paths, one a line, percent-encoded (/, /articles/<slug>/,
# /category/<slug>/, /tag/<slug>/, /search/?q=...). LOAD_SECONDS, LOAD_CONNECTIONS
# change the duration (30) and the number of open connections (8).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BASE_URL PATHS_FILE" >&2
  exit 2
fi
base_url=$1
paths_file=$2
here=$(cd "$(dirname "$0")" && pwd)

output=$(wrk --threads 2 --connections "${LOAD_CONNECTIONS:-8}" --duration "${LOAD_SECONDS:-30}s" \
  --timeout 5s --script "$here/reader_pages.lua" "$base_url" -- "$paths_file")
echo "$output"
summary=$(grep '^{"requests"' <<<"$output")
if ! grep -q '"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0' <<<"$summary"; then
  echo "load: some requests failed" >&2
  exit 1
fi
echo "load: no errors"
