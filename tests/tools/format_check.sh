#!/usr/bin/env bash
# Fails when a C++ source of the project is not formatted by the repository's .clang-format.
set -u
cd "$(dirname "$0")/../.."
# ANTLR's generated parser (grammar/generated/) is not ours to format.
files=$(git ls-files '*.cc' '*.h' 2>/dev/null | grep -v '^grammar/generated/' ||
  find compiler backends tools tests -name '*.cc' -o -name '*.h')
bad=0
for f in $files; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
count=$(echo "$files" | wc -w)
echo "$((count - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
