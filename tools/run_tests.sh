#!/usr/bin/env bash
# The whole test suite: set up and build if needed, then every test under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
# Our own code builds without a warning: -Werror here and in CI, off in a user's plain build.
REFRACT_CMAKE_ARGS="-DREFRACT_WERROR=ON" tools/setup.sh
# Test-only tools, pinned by their lock files: the vendors' import-format schemas' validators.
if [ ! -d tools/oracles/import_formats/node_modules/ajv ]; then
  (cd tools/oracles/import_formats && npm ci --no-audit --no-fund --loglevel=error)
fi
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
