#!/usr/bin/env bash
# Installs what building and running refract needs, then configures and builds refract into
# build/ (without the test suite: tools/run_tests.sh adds it and its tools).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
# REFRACT_CMAKE_ARGS adds configure options (tools/run_tests.sh: tests on, warnings as errors).
# shellcheck disable=SC2086
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREFRACT_BUILD_TESTS=OFF \
  ${REFRACT_CMAKE_ARGS:-} >/dev/null
cmake --build build --parallel "$(nproc)"
