#!/usr/bin/env bash
# Times translating the SigmaHQ corpus (the rules* folders) with hyperfine.
#   tools/bench_corpus.sh [TARGETS] [CORPUS_DIR]      e.g. tools/bench_corpus.sh kql
# Exit status 1 (some rules need placeholders) is expected and ignored. Prints hyperfine's summary; set BENCH_RUNS to change the number of runs (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
targets="${1:-kql}"
corpus="${2:-../shared/corpus/sigmahq}"
refract=build/refract
[ -x "$refract" ] || tools/setup.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Each run writes to a fresh folder: deleting files between runs would time the file system's
# discards (this disk is mounted with 'discard'), not refract.
hyperfine --ignore-failure --warmup 2 --runs "${BENCH_RUNS:-10}" \
  -n "to files" "$refract translate $corpus/rules* --target $targets -o $out/\$(date +%s%N) -q" \
  -n "to stdout" "$refract translate $corpus/rules* --target $targets -q"
