# Sourced by the Lucene oracles: sets `cp` to Debian's Lucene 4.10 jars (memory index included)
# and exits 1 naming the first one missing.
jars=/usr/share/java
cp="$jars/lucene-core-4.10.4.jar:$jars/lucene-queryparser-4.10.4.jar:$jars/lucene-memory-4.10.4.jar:$jars/lucene-analyzers-common-4.10.4.jar:$jars/lucene-queries-4.10.4.jar:$jars/lucene-sandbox-4.10.4.jar"
for jar in ${cp//:/ }; do
  if [ ! -f "$jar" ]; then
    echo "Lucene is not installed ($jar): run tools/run_tests.sh"
    exit 1
  fi
done
