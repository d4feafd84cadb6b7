#!/usr/bin/env bash
# Checks the KQL of the whole SigmaHQ corpus with Kusto.Language: syntax errors must be zero;
# analysis errors (mostly columns the declared tables do not have) are counted by code, and
# every unknown-column error must be one refract warned about (W0402).
#   tools/oracle_corpus_kql.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/sigmahq}"
[ -x build/refract ] || tools/setup.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build/refract translate "$corpus"/rules* --target kql -o "$out" 2>"$out/stderr" || true
find "$out/kql" -name '*.kql' | sort > "$out/list"
node tools/oracles/kusto/check_kql.js --report --warnings "$out/stderr" --files-from "$out/list"
