#!/usr/bin/env bash
# The condition parser kept in grammar/generated/ is what ANTLR generates from the grammar today
# (tools/regenerate_grammar.sh), so a grammar change cannot ship with a stale parser.
set -u
cd "$(dirname "$0")/../.."
if ! command -v antlr4 >/dev/null 2>&1; then
  echo "the ANTLR tool is not installed: run tools/run_tests.sh"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tools/regenerate_grammar.sh "$tmp" || exit 1
if ! diff -r "$tmp" grammar/generated; then
  echo "FAIL: grammar/generated/ is stale: run tools/regenerate_grammar.sh"
  exit 1
fi
echo "grammar/generated/ matches grammar/SigmaCondition.g4"
