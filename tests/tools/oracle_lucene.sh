#!/usr/bin/env bash
# Every Lucene query the golden suite and the shipped rules produce, generated now, must parse
# with Apache Lucene's QueryParser (tools/oracles/lucene/LuceneCheck.java).
# Usage: oracle_lucene.sh path/to/refract
set -u
refract="$1"
cd "$(dirname "$0")/../.."
. tests/tools/lucene_classpath.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -d "$out/classes" -cp "$cp" tools/oracles/lucene/LuceneCheck.java || exit 1
"$refract" translate tests/golden rules --target lucene -o "$out" -q 2>/dev/null
count=$(find "$out/lucene" -name '*.lucene' | wc -l)
if [ "$count" -lt 10 ]; then
  echo "expected the golden suite to yield queries, found $count"
  exit 1
fi
java -cp "$cp:$out/classes" LuceneCheck "$out"/lucene/*.lucene
