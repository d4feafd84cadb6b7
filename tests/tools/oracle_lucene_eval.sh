#!/usr/bin/env bash
# Lucene evaluates, not only parses: for every golden case and shipped rule that is one
# single-event rule with a Lucene query, events generated from its IR (matches, case variants, near misses, absent
# fields, trailing line feeds) are run through Apache Lucene with the generated query string
# (tools/oracles/lucene/LuceneEval.java) and through refract's evaluator (refract hunt --schema
# lucene); the events each selects must be the same.
# Usage: oracle_lucene_eval.sh path/to/refract
set -u
refract="$1"
cd "$(dirname "$0")/../.."
. tests/tools/lucene_classpath.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -d "$out/classes" -cp "$cp" tools/oracles/lucene/LuceneEval.java || exit 1
run() { java -cp "$cp:$out/classes" LuceneEval "$@"; }
compared=0 failed=0 seed=0
for rule in tests/golden/*/*.yml rules/*/*.yml; do
  case "$rule" in *.test.yml | *placeholders*) continue ;; esac
  "$refract" translate "$rule" --target lucene --emit ir -q >"$out/ir" 2>/dev/null || continue
  [ "$(grep -c '^rule ' "$out/ir")" -eq 1 ] || continue   # one single-event rule
  grep -q '^correlation' "$out/ir" && continue
  # A keyword search reads Lucene's default field, Elasticsearch's every field: not comparable.
  grep -q '<keyword>' "$out/ir" && continue
  "$refract" translate "$rule" --target lucene -q >"$out/query" 2>/dev/null || continue
  seed=$((seed + 1))
  run events "$out/ir" "$seed" >"$out/events.jsonl" || { failed=$((failed + 1)); continue; }
  "$refract" hunt "$rule" --events "$out/events.jsonl" --schema lucene -q 2>/dev/null |
    grep -o '"line":[0-9]*' | cut -d: -f2 | sort -n >"$out/reference"
  if ! run match "$out/query" "$out/events.jsonl" | sort -n >"$out/lucene"; then
    echo "FAIL $rule: Lucene could not run the query"
    failed=$((failed + 1))
    continue
  fi
  compared=$((compared + 1))
  if ! cmp -s "$out/reference" "$out/lucene"; then
    failed=$((failed + 1))
    echo "FAIL $rule: refract's evaluator and Lucene select different events"
    diff "$out/reference" "$out/lucene" | grep '^[<>]' | head -5 | while read -r side line; do
      echo "  $([ "$side" = "<" ] && echo "only refract" || echo "only Lucene"): $(sed -n "${line}p" "$out/events.jsonl")"
    done
  fi
done
echo "$compared rules compared, $failed failed"
[ "$compared" -ge 20 ] && [ "$failed" -eq 0 ]
