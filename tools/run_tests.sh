#!/usr/bin/env bash
# The whole test suite: install the test tools, build refract with its tests, then every test
# under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh --tests
# Test-only tools, pinned by their lock files: the Kusto.Language oracle, the validators of
# the vendors' import-format schemas and the Spark SQL grammar that parses Cloud SIEM expressions.
if [ ! -d tools/oracles/kusto/node_modules/@kusto/language-service-next ]; then
  (cd tools/oracles/kusto && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -d tools/oracles/import_formats/node_modules/ajv ]; then
  (cd tools/oracles/import_formats && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -d tools/oracles/spark/node_modules/dt-sql-parser ]; then
  (cd tools/oracles/spark && npm ci --no-audit --no-fund --loglevel=error)
fi
# Our own code builds without a warning: -Werror here and in CI, off in a user's plain build.
# Tests keep debug information, for a failing test's backtrace.
REFRACT_CMAKE_ARGS="-DREFRACT_WERROR=ON -DREFRACT_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo" \
  tools/setup.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
