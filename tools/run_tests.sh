#!/usr/bin/env bash
# The whole test suite: set up and build if needed, then every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
