#!/usr/bin/env bash
# The whole test suite: set up and build if needed, then every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
# Our own code builds without a warning: -Werror here and in CI, off in a user's plain build.
REFRACT_CMAKE_ARGS="-DREFRACT_WERROR=ON" tools/setup.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
