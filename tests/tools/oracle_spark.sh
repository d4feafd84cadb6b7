#!/usr/bin/env bash
# Every Sumo Logic Cloud SIEM expression the golden suite, the shipped rules and the SigmaHQ
# corpus produce, generated now, must parse with a Spark SQL grammar (dt-sql-parser's SparkSQL,
# tools/oracles/spark/check_cse.mjs); and broken expressions must not, so the check can fail.
# Usage: oracle_spark.sh path/to/refract
set -u
refract="$1"
cd "$(dirname "$0")/../.."
checker=tools/oracles/spark/check_cse.mjs
if [ ! -d tools/oracles/spark/node_modules/dt-sql-parser ]; then
  echo "dt-sql-parser is not installed: run tools/run_tests.sh"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
# Runs the checker, printing its failures and its summary line only.
check() {
  local report rc
  report=$(node "$checker" "$@")
  rc=$?
  grep -E '^(FAIL|  )' <<<"$report" | cut -c1-300 | head -20
  tail -1 <<<"$report"
  return $rc
}
# Golden cases include rules that fail on purpose; only the expressions written matter here.
"$refract" translate tests/golden rules --target sumo-cse -o "$out/pack" -q 2>/dev/null
count=$(find "$out/pack" -name '*.cse' | wc -l)
if [ "$count" -lt 40 ]; then
  echo "expected the golden suite and the rules to yield expressions, found $count"
  exit 1
fi
check "$out/pack" || status=1
corpus=../shared/corpus/sigmahq
if [ -d "$corpus" ]; then
  "$refract" translate "$corpus"/rules* --target sumo-cse -o "$out/corpus" -q 2>/dev/null
  check "$out/corpus" || status=1
fi
# Mutants: an unclosed literal, an unbalanced parenthesis and a quote left unescaped.
mkdir -p "$out/mutants"
printf "%s" "lower(fields['x']) = 'abc" >"$out/mutants/literal.cse"
printf "%s" "(lower(user_username) = 'a' AND isNull(x)" >"$out/mutants/paren.cse"
printf "%s" "lower(x) IN ('it's')" >"$out/mutants/quote.cse"
for mutant in "$out"/mutants/*.cse; do
  if node "$checker" "$mutant" >/dev/null 2>&1; then
    echo "FAIL: the checker accepts the mutant $(basename "$mutant"): $(cat "$mutant")"
    status=1
  fi
done
exit $status
