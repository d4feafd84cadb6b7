#!/usr/bin/env bash
# Regenerates the Sigma condition parser in grammar/generated/ from grammar/SigmaCondition.g4
# with Debian's ANTLR tool (a Java program, installed with the test tools). The generated C++ is
# kept in the repository so that building refract needs no Java; the ctest `grammar_generated`
# fails when it no longer matches the grammar.
# Usage: tools/regenerate_grammar.sh [OUTPUT_DIR]   (default grammar/generated)
set -euo pipefail
cd "$(dirname "$0")/../grammar"
out="${1:-generated}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Run from grammar/ with a relative path, so the files name SigmaCondition.g4, not a checkout.
antlr4 -Dlanguage=Cpp -no-listener -no-visitor -package refract::grammar -o "$tmp" \
  -Xexact-output-dir SigmaCondition.g4
mkdir -p "$out"
for f in SigmaConditionLexer.h SigmaConditionLexer.cpp SigmaConditionParser.h \
  SigmaConditionParser.cpp; do
  cp "$tmp/$f" "$out/$f"
done
