#!/usr/bin/env bash
# Bundles the SigmaHQ corpus for every target and checks every file against the vendors' schemas
# and rules (tools/oracles/import_formats), printing per format the files checked and the
# errors; then the corpus's `refract check --format sarif` log. Exit 1 on any error.
# Usage: tools/check_bundle_corpus.sh [path/to/refract] [CORPUS]
set -u
cd "$(dirname "$0")/.."
refract="${1:-build/refract}"
corpus="${2:-../shared/corpus/sigmahq/rules}"
reference=../shared/reference/import-formats
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
"$refract" bundle "$corpus" -o "$out/corpus" --target all -q 2>"$out/corpus.err"
left=$(grep -c 'error\[E0900\]' "$out/corpus.err")
echo "corpus bundle: $(find "$out/corpus" -type f | wc -l) file(s); $left quer(ies) over a platform's length limit left out (E0900)"
node tools/oracles/import_formats/check_bundle.js "$out/corpus" "$reference" --max-errors 40 ||
  status=1
"$refract" check "$corpus" --format sarif >"$out/corpus.sarif" 2>/dev/null
node tools/oracles/import_formats/check_sarif.js "$out/corpus.sarif" "$reference" || status=1
exit $status
