#!/usr/bin/env bash
# The bundle of the shipped rules, and of the SigmaHQ corpus when ../shared has it, passes every
# vendor schema and rule tools/oracles/import_formats encodes; `refract check --format sarif`
# passes the SARIF schema and code scanning's needs. The schemas live in
# ../shared/reference/import-formats: without it the test is skipped (77).
# Usage: import_formats.sh path/to/refract
set -u
refract="$1"
cd "$(dirname "$0")/../.."
reference=../shared/reference/import-formats
checks=tools/oracles/import_formats
if [ ! -d "$reference" ]; then
  echo "skipped: $reference (the vendors' schemas) is not beside the checkout"
  exit 77
fi
if [ ! -d "$checks/node_modules/ajv" ]; then
  echo "the import-format checks are not installed: run tools/run_tests.sh"
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
"$refract" bundle rules -o "$out/pack" --target all -q 2>"$out/pack.err"
node "$checks/check_bundle.js" "$out/pack" "$reference" --kql-out "$out/pack-kql" || status=1
# The checks can fail: a bundle missing a list its rules read, or with a list of the wrong type
# or shape, is rejected by the check of that format (the manifest, which would catch any change,
# is taken out).
for mutant in missing_list:google_secops_reference wrong_type:google_secops_reference \
  missing_lookup:splunk_lookups lookup_header:splunk_lookups missing_file:logscale_lookup \
  upper_set:qradar_reference missing_table:sumo_logic_lookup upper_key:elastic_lookup \
  cse_window:sumo_logic_cloud cse_field:sumo_logic_cloud; do
  check=${mutant#*:}
  check=${check//_/ }
  rm -rf "$out/mutant" && cp -r "$out/pack" "$out/mutant" && rm "$out/mutant/manifest.json"
  case ${mutant%%:*} in
    missing_list) rm "$out/mutant/yaral/reference_lists/tor_exit_nodes.txt" ;;
    wrong_type) sed -i 's/REFERENCE_LIST_SYNTAX_TYPE_CIDR/REFERENCE_LIST_SYNTAX_TYPE_REGEX/' \
      "$out/mutant/yaral/reference_list_config.yaml" ;;
    missing_lookup) rm "$out/mutant/spl/lookups/tor_exit_nodes.csv" ;;
    lookup_header) sed -i '1s/value/ip/' "$out/mutant/spl/lookups/tor_exit_nodes.csv" ;;
    missing_file) rm "$out/mutant/cql/files/corporate_egress.csv" ;;
    upper_set) sed -i 's/svc-monitoring/SVC-monitoring/' "$out/mutant/aql/reference_sets.json" ;;
    missing_table) rm "$out/mutant/sumo/lookup_tables/tor_exit_nodes."* ;;
    cse_window) sed -i 's/"windowSize": "T10M"/"windowSize": "T02H"/' \
      "$out/mutant"/sumo-cse/threshold/*.json ;;
    cse_field) sed -i 's/"countDistinct"/"distinctCount"/' "$out/mutant"/sumo-cse/threshold/*.json ;;
    upper_key) sed -i 's/svc-monitoring/SVC-monitoring/' \
      "$out/mutant/esql/lookup_indices/refract_service_accounts.ndjson" ;;
  esac
  node "$checks/check_bundle.js" "$out/mutant" "$reference" >"$out/mutant.log" 2>&1
  if ! grep -Eq "^${check}[^:]*: [0-9]+ checked, [1-9]" "$out/mutant.log"; then
    echo "FAIL: the ${check} check accepts the ${mutant%%:*} mutant of the pack bundle"
    cat "$out/mutant.log"
    status=1
  fi
done
# The deployed Sentinel queries, watchlist reads included, analyse clean in Kusto.Language.
node tools/oracles/kusto/check_kql.js "$out"/pack-kql/*.kql || status=1
# The one query the pack leaves out must be none: the composed detection deploys on Sentinel.
if grep -q 'E0900' "$out/pack.err"; then
  echo "FAIL: the pack bundle leaves a query out for a platform limit:"
  grep -A1 'E0900' "$out/pack.err"
  status=1
fi
"$refract" check rules --format sarif >"$out/pack.sarif" 2>/dev/null
node "$checks/check_sarif.js" "$out/pack.sarif" "$reference" || status=1
if [ -d ../shared/corpus/sigmahq/rules ]; then
  tools/check_bundle_corpus.sh "$refract" || status=1
fi
exit $status
