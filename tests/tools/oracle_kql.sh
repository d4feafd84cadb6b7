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
# Runs the checker, printing its failures and its summary line only.
check() {
  local report rc
  report=$(node "$checker" "$@")
  rc=$?
  grep -E '^(FAIL|  )' <<<"$report" | cut -c1-300 | head -20
  tail -1 <<<"$report"
  return $rc
}
status=0
check "$out"/kql/*.kql || status=1

# Every other KQL profile: the same rules' queries compile against the profile's schemas, except
# for the columns refract warned about (W0402; check_kql.js --warnings).
profiles=$("$refract" list mappings | awk '$1 == "kql" && $3 != "default" { print $2 }')
[ -n "$profiles" ] || { echo "expected kql profiles besides the default"; exit 1; }
for profile in $profiles; do
  rm -rf "$out/$profile" && mkdir -p "$out/$profile"
  "$refract" translate tests/golden rules --target kql --mapping "$profile" -o "$out/$profile" \
    2>"$out/$profile.stderr" >/dev/null
  echo "profile $profile: $(find "$out/$profile/kql" -name '*.kql' | wc -l) queries"
  check --warnings "$out/$profile.stderr" "$out/$profile"/kql/*.kql || status=1
done

# Defender XDR's advanced hunting: SigmaHQ's process_creation rules read DeviceProcessEvents and
# compile there (issue 19's check), with no column refract did not warn about.
corpus=../shared/corpus/sigmahq/rules/windows/process_creation
if [ -d "$corpus" ]; then
  xdr="$out/xdr_process_creation"
  mkdir -p "$xdr"
  "$refract" translate "$corpus" --target kql --mapping defender-xdr -o "$xdr" 2>"$xdr.stderr" \
    >/dev/null || true
  count=$(find "$xdr/kql" -name '*.kql' | wc -l)
  other=$(grep -L '^DeviceProcessEvents$' "$xdr"/kql/*.kql | wc -l)
  echo "defender-xdr process_creation: $count queries, $other not on DeviceProcessEvents"
  if [ "$count" -lt 1000 ] || [ "$other" -ne 0 ]; then status=1; fi
  find "$xdr/kql" -name '*.kql' > "$xdr.list"
  check --warnings "$xdr.stderr" --depth-ok --files-from "$xdr.list" || status=1
else
  echo "no SigmaHQ corpus beside the checkout ($corpus): defender-xdr corpus check not run"
fi
exit $status
