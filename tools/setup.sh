#!/usr/bin/env bash
# Installs dependencies, then configures and builds refract into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
# The Kusto.Language oracle, pinned by its lock file.
if [ ! -d tools/oracles/kusto/node_modules/@kusto/language-service-next ]; then
  (cd tools/oracles/kusto && npm ci --no-audit --no-fund --loglevel=error)
fi
# REFRACT_CMAKE_ARGS adds configure options (tools/run_tests.sh turns warnings into errors).
# shellcheck disable=SC2086
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${REFRACT_CMAKE_ARGS:-} >/dev/null
cmake --build build --parallel "$(nproc)"
