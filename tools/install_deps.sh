#!/usr/bin/env bash
# Installs from Debian 12 packages what building and running refract needs; with --tests, also
# what its test suite, oracles, fuzzing and benchmarks need (idempotent).
# Usage: tools/install_deps.sh [--tests]
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libantlr4-runtime-dev             # the condition parser's runtime (grammar/generated/)
  libyaml-dev libyaml-cpp-dev libfmt-dev  # rule loading (libyaml; yaml-cpp's exception and
                                          # node types for test files), formatting
  libsimdjson-dev libpcre2-dev      # the evaluator: JSON events, PCRE regexes
  libmimalloc-dev                   # the allocator (CMakeLists.txt: REFRACT_MIMALLOC)
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(
    git clang-format                  # the format check
    antlr4                            # regenerating the parser (a Java tool), grammar_generated
    clang libclang-rt-14-dev          # libFuzzer targets (tools/fuzz.sh, the fuzz smoke test)
    libgtest-dev libgmock-dev         # tests
    libbenchmark-dev hyperfine        # benchmarks in tools/
    default-jdk-headless liblucene4.10-java  # the Lucene oracle harness
  )
  # Node.js for the Kusto.Language oracle and the import-format checks (npm packages with lock
  # files); Debian's when no node is installed.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
  fi
elif [ -n "${1:-}" ]; then
  echo "usage: tools/install_deps.sh [--tests]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
