#!/usr/bin/env bash
# Installs refract's build and test dependencies from Debian 12 packages (idempotent).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config clang-format git
  clang libclang-rt-14-dev          # libFuzzer targets (tools/fuzz.sh, the fuzz smoke test)
  antlr4 libantlr4-runtime-dev      # condition grammar: the tool and its C++ runtime
  libyaml-dev libyaml-cpp-dev libfmt-dev  # rule loading (libyaml; yaml-cpp's exception and
                                          # node types for test files), formatting
  libgtest-dev libgmock-dev         # tests
  libsimdjson-dev libpcre2-dev      # the evaluator: JSON events, PCRE regexes
  libbenchmark-dev hyperfine        # benchmarks in tools/
  default-jdk-headless liblucene4.10-java  # the Lucene oracle harness
)
# Node.js for the Kusto.Language oracle (npm package); Debian's when no node is installed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
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
