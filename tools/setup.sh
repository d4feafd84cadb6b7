#!/usr/bin/env bash
# Installs what building and running refract needs, then configures and builds refract into
# build/ (without the test suite: tools/run_tests.sh adds it and its tools).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
# A user's build is Release: no debug information to write, which takes a quarter of the time
# of a first build on two cores (70 s instead of 96 s). REFRACT_CMAKE_ARGS adds configure
# options (tools/run_tests.sh: tests on, warnings as errors, debug information).
# shellcheck disable=SC2086
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DREFRACT_BUILD_TESTS=OFF \
  ${REFRACT_CMAKE_ARGS:-} >/dev/null
cmake --build build --parallel "$(nproc)"
