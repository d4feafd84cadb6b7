#!/usr/bin/env bash
# Every KQL query the golden suite and the shipped rules produce, generated now, must parse and
# analyse with zero errors in Microsoft's Kusto.Language against tools/oracles/kusto/schemas.js.
# Usage: oracle_kql.sh path/to/refract
set -u
refract="$1"
cd "$(dirname "$0")/../.."
checker=tools/oracles/kusto/check_kql.js
if [ ! -d tools/oracles/kusto/node_modules/@kusto ]; then
  echo "Kusto.Language is not installed: run tools/run_tests.sh"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Golden cases include rules that fail on purpose; only the queries written matter here.
"$refract" translate tests/golden rules --target kql -o "$out" -q 2>/dev/null
count=$(find "$out/kql" -name '*.kql' | wc -l)
if [ "$count" -lt 10 ]; then
  echo "expected the golden suite to yield queries, found $count"
  exit 1
fi
node "$checker" "$out"/kql/*.kql
