#!/usr/bin/env bash
# Parses the Lucene output of the whole SigmaHQ corpus with Apache Lucene's QueryParser.
# Failures here are Lucene's own limits, which Elasticsearch shares: more than 1,024 clauses in
# one boolean query, or a regex whose automaton needs more than 10,000 states.
#   tools/oracle_corpus_lucene.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/sigmahq}"
[ -x build/refract ] || tools/setup.sh
jars=/usr/share/java
cp="$jars/lucene-core-4.10.4.jar:$jars/lucene-queryparser-4.10.4.jar:$jars/lucene-analyzers-common-4.10.4.jar:$jars/lucene-queries-4.10.4.jar:$jars/lucene-sandbox-4.10.4.jar"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -nowarn -d "$out/classes" -cp "$cp" tools/oracles/lucene/LuceneCheck.java 2>/dev/null
build/refract translate "$corpus"/rules* --target lucene -o "$out" -q 2>/dev/null || true
find "$out/lucene" -name '*.lucene' | sort > "$out/list"
java -cp "$cp:$out/classes" LuceneCheck "@$out/list" | sed "s|$out/lucene/||"
