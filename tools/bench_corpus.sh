#!/usr/bin/env bash
# Times the figures the performance goals name (docs/performance.md), in one hyperfine run:
# the SigmaHQ corpus (the rules* folders) to TARGETS on stdout and to files, to one target (kql)
# on stdout, `refract check` over the corpus, and the README's one-rule translate; then the peak
# resident memory and page faults of the TARGETS run (GNU time).
#   tools/bench_corpus.sh [TARGETS] [CORPUS_DIR]      e.g. tools/bench_corpus.sh, tools/bench_corpus.sh kql
# TARGETS defaults to all. Exit status 1 (some rules need placeholders) is expected and ignored.
# BENCH_RUNS sets the number of runs (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
targets="${1:-all}"
corpus="${2:-../shared/corpus/sigmahq}"
refract=build/refract
[ -x "$refract" ] || tools/setup.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
one_rule="$refract translate rules/examples/entra_legacy_protocol_signin.yml --target kql"
# Each run writes to a fresh folder: deleting files between runs would time the file system's
# discards (this disk is mounted with 'discard'), not refract.
hyperfine --ignore-failure --warmup 2 --runs "${BENCH_RUNS:-10}" \
  -n "corpus -> $targets, stdout" "$refract translate $corpus/rules* --target $targets -q" \
  -n "corpus -> $targets, files" "$refract translate $corpus/rules* --target $targets -o $out/\$(date +%s%N) -q" \
  -n "corpus -> kql, stdout" "$refract translate $corpus/rules* --target kql -q" \
  -n "check, corpus" "$refract check $corpus/rules*" \
  -n "one-rule translate" "$one_rule"
# shellcheck disable=SC2086
/usr/bin/time -f "corpus -> $targets, stdout: peak resident memory %M KB, %R minor page faults" \
  $refract translate $corpus/rules* --target "$targets" -q >/dev/null 2>"$out/time" || true
tail -1 "$out/time"
