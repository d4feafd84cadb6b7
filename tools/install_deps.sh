#!/usr/bin/env bash
# Installs refract's build and test dependencies from Debian 12 packages (idempotent).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config clang-format git
  antlr4 libantlr4-runtime-dev      # condition grammar: the tool and its C++ runtime
  libyaml-cpp-dev libfmt-dev        # rule loading, formatting
  libgtest-dev libgmock-dev         # tests
  libbenchmark-dev hyperfine        # benchmarks in tools/
)

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
